//! The online connector: duplicates, story assignment, merges and replay.

use crate::config::ConnectConfig;
use crate::error::ConnectError;
use crate::hash::IdMap;
use crate::minhash::{self, Lsh, Signature};
use crate::story::{Story, StoryChange, StoryInfo};
use crate::terms::{self, DocFreq, TermW};
use polmon_model::Links;
use std::collections::HashMap;

const NONE: u32 = u32::MAX;
/// Postings are swept of closed stories every this many insertions.
const PRUNE_EVERY: u32 = 2_048;
/// Candidate retrieval looks at most this many insertions back (bounds its scratch space).
const MAX_SLOT_RANGE: usize = 1 << 20;
/// Stories checked for a merge after each assignment.
const MERGE_PROBES: usize = 3;

/// What the connector needs to know of one article.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    /// The store id.
    pub id: i64,
    /// The headline.
    pub title: &'a str,
    /// The body text.
    pub text: &'a str,
    /// ISO 639-1 language, if known.
    pub language: Option<&'a str>,
    /// Publication time, Unix seconds.
    pub published: Option<i64>,
    /// The publishing source (host or site name).
    pub source: Option<&'a str>,
    /// Canonical names of the entities the enricher found (may be empty).
    pub entities: &'a [String],
}

/// What the connector keeps of one article (the store keeps the text).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) id: i64,
    pub(crate) published: i64,
    pub(crate) source: u32,
    pub(crate) story: u32,
    /// Slot of the original if this is a near-copy.
    pub(crate) original: u32,
    /// Top terms as a unit tf-idf vector sorted by term id (empty for copies);
    /// the weights are refreshed at IDF epochs while the story is open.
    pub(crate) terms: Box<[TermW]>,
    /// Top terms of the article's translation into the reader's language, as a unit
    /// vector like `terms` (empty until [`Connector::add_translation`]): how an article
    /// meets coverage of its story in another language.
    pub(crate) translated: Box<[TermW]>,
    pub(crate) sig: Box<Signature>,
}

/// Online near-duplicate detection, story clustering and related-article lookup.
///
/// `assign` decides an article's [`Links`] and remembers it; `restore` replays
/// a stored decision. Story merges and splits decided later are reported by
/// [`Connector::take_story_changes`] and reflected in [`Connector::story_of`].
#[derive(Debug, Clone)]
pub struct Connector {
    pub(crate) cfg: ConnectConfig,
    pub(crate) df: DocFreq,
    pub(crate) docs: Vec<Entry>,
    pub(crate) by_id: IdMap<i64, u32>,
    pub(crate) stories: Vec<Story>,
    pub(crate) story_by_id: IdMap<i64, u32>,
    lsh: Lsh,
    pub(crate) postings: IdMap<u32, Vec<u32>>,
    sources: HashMap<String, u32>,
    pub(crate) changes: Vec<StoryChange>,
    now: i64,
    since_prune: u32,
    /// Document count at which cached norms are next refreshed.
    next_epoch: u32,
}

impl Default for Connector {
    fn default() -> Self {
        Self::new()
    }
}

/// A scored candidate: slot and cosine.
pub(crate) type Scored = (u32, f32);

impl Connector {
    /// An empty connector with the default configuration.
    pub fn new() -> Self {
        Self::build(ConnectConfig::default())
    }

    /// An empty connector with `cfg`, after checking it.
    pub fn with_config(cfg: ConnectConfig) -> Result<Self, ConnectError> {
        cfg.validate()?;
        Ok(Self::build(cfg))
    }

    fn build(cfg: ConnectConfig) -> Self {
        Self {
            cfg,
            df: DocFreq::default(),
            docs: Vec::new(),
            by_id: IdMap::default(),
            stories: Vec::new(),
            story_by_id: IdMap::default(),
            lsh: Lsh::default(),
            postings: IdMap::default(),
            sources: HashMap::new(),
            changes: Vec::new(),
            now: i64::MIN,
            since_prune: 0,
            next_epoch: 16,
        }
    }

    /// Counts an article's terms in the document frequencies without
    /// remembering it: warms the IDF from a background corpus.
    pub fn observe(&mut self, doc: &Document<'_>) {
        let tokens = terms::article_tokens(doc.title, doc.text, doc.language);
        let weights = terms::term_weights(&tokens, doc.entities, &self.cfg);
        self.df.add(&weights);
    }

    /// The configuration in use.
    pub fn config(&self) -> &ConnectConfig {
        &self.cfg
    }

    /// Number of articles remembered.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no article is remembered.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Decides the links of a new article and remembers it.
    ///
    /// `duplicate_of` is the earliest-published article among its near-copies
    /// (an original, never a copy); `story_id` is the story it joins (a copy
    /// joins its original's) or a new story named after it. Re-assigning a
    /// known id returns its current links.
    pub fn assign(&mut self, doc: &Document<'_>) -> Links {
        if let Some(&slot) = self.by_id.get(&doc.id) {
            return self.links_of(slot);
        }
        let published = self.time_of(doc);
        let tokens = terms::article_tokens(doc.title, doc.text, doc.language);
        let sig = minhash::signature(&tokens);
        let original = if tokens.is_empty() { NONE } else { self.find_original(&sig) };
        if original != NONE {
            let story = self.root(self.docs[original as usize].story);
            self.insert_copy(doc, published, sig, story, original);
            return self.links_of(self.docs.len() as u32 - 1);
        }
        let weights = terms::term_weights(&tokens, doc.entities, &self.cfg);
        self.df.add(&weights);
        let top = terms::unit(&terms::top_terms(&weights, &self.df, self.cfg.top_terms), &self.df);
        let scored = self.retrieve(&top, published);
        let per_story = self.story_scores(&scored);
        let best = per_story.iter().copied().filter(|&(_, s)| s >= self.cfg.join_threshold as f32).max_by(|a, b| {
            a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))
        });
        let story = match best {
            Some((s, _)) => s,
            None => self.new_story(doc.id, published),
        };
        self.insert_terms(doc, published, sig, top, story);
        let slot = self.docs.len() as u32 - 1;
        let probe = self.cfg.join_threshold as f32 * 0.5;
        if self.cfg.merge_stories {
            let mut probes: Vec<(u32, f32)> = per_story.iter().copied().filter(|&(_, s)| s >= probe).collect();
            probes.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for &(other, _) in probes.iter().take(MERGE_PROBES) {
                self.maybe_merge(self.docs[slot as usize].story, other);
            }
        }
        if self.cfg.split_stories {
            let story = self.root(self.docs[slot as usize].story);
            let mut near: Vec<(u32, f32)> = per_story.iter().copied().filter(|&(s, v)| s != story && v >= probe).collect();
            near.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let near: Vec<u32> = near.into_iter().map(|(s, _)| s).collect();
            self.maybe_refine(story, &near);
        }
        self.after_insert();
        self.links_of(slot)
    }

    /// Remembers an article whose links were decided earlier (start-up replay).
    ///
    /// No candidate search and no merge: the article is put where `links`
    /// say, so replaying every stored article's links rebuilds the state
    /// `assign` had.
    pub fn restore(&mut self, doc: &Document<'_>, links: Links) {
        if self.by_id.contains_key(&doc.id) {
            return;
        }
        let published = self.time_of(doc);
        let tokens = terms::article_tokens(doc.title, doc.text, doc.language);
        let sig = minhash::signature(&tokens);
        let original = links
            .duplicate_of
            .and_then(|o| self.by_id.get(&o).copied())
            .map(|o| self.original_of(o))
            .unwrap_or(NONE);
        let story_id = links.story_id.unwrap_or(doc.id);
        let story = match self.story_by_id.get(&story_id) {
            Some(&s) => self.root(s),
            None if original != NONE => self.root(self.docs[original as usize].story),
            None => self.new_story(story_id, published),
        };
        if original != NONE {
            self.insert_copy(doc, published, sig, story, original);
            return;
        }
        let weights = terms::term_weights(&tokens, doc.entities, &self.cfg);
        self.df.add(&weights);
        let top = terms::unit(&terms::top_terms(&weights, &self.df, self.cfg.top_terms), &self.df);
        self.insert_terms(doc, published, sig, top, story);
        self.after_insert();
    }

    /// Adds the translation of a known article (`doc`: its id, the translated headline and
    /// text, the translation's language; its entities and source as at `assign`) and links
    /// it across languages: an article still alone in its story moves to the story its
    /// translation joins, as a new article would (the join threshold); a story with other
    /// members is probed for a merge. Changes are reported by
    /// [`take_story_changes`](Self::take_story_changes). Returns the article's links, or
    /// `None` for an unknown id. Near-copies follow their original and are left alone.
    ///
    /// The translation's terms do not count in the document frequencies: each article
    /// counts once, in its own language.
    pub fn add_translation(&mut self, doc: &Document<'_>) -> Option<Links> {
        let slot = self.set_translation(doc)?;
        let e = &self.docs[slot as usize];
        if e.original != NONE || e.translated.is_empty() {
            return Some(self.links_of(slot));
        }
        let own = self.root(e.story);
        let query = e.translated.to_vec();
        let scored: Vec<Scored> = self.retrieve(&query, e.published).into_iter().filter(|&(d, _)| d != slot).collect();
        let per_story: Vec<(u32, f32)> = self.story_scores(&scored).into_iter().filter(|&(s, _)| s != own).collect();
        let alone = self.stories[own as usize].members.len() == 1;
        if alone {
            let best = per_story
                .iter()
                .copied()
                .filter(|&(_, s)| s >= self.cfg.join_threshold as f32)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((to, _)) = best {
                self.move_article(slot, own, to);
            }
        } else if self.cfg.merge_stories {
            let probe = self.cfg.join_threshold as f32 * 0.5;
            let mut probes: Vec<(u32, f32)> = per_story.into_iter().filter(|&(_, s)| s >= probe).collect();
            probes.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for &(other, _) in probes.iter().take(MERGE_PROBES) {
                self.maybe_merge(self.docs[slot as usize].story, other);
            }
        }
        Some(self.links_of(slot))
    }

    /// Remembers the translation of a known article whose links were decided earlier
    /// (start-up replay, like [`restore`](Self::restore)): no search, no move.
    pub fn restore_translation(&mut self, doc: &Document<'_>) {
        self.set_translation(doc);
    }

    /// Stores a translation's terms on an original and indexes them; its slot, or `None`
    /// when the id is unknown.
    fn set_translation(&mut self, doc: &Document<'_>) -> Option<u32> {
        let slot = *self.by_id.get(&doc.id)?;
        if self.docs[slot as usize].original != NONE {
            return Some(slot);
        }
        let tokens = terms::article_tokens(doc.title, doc.text, doc.language);
        let weights = terms::term_weights(&tokens, doc.entities, &self.cfg);
        let top = terms::unit(&terms::top_terms(&weights, &self.df, self.cfg.top_terms), &self.df);
        // Posting lists stay in slot order (retrieval reads their most recent part).
        for t in terms::heaviest(&top, self.cfg.index_terms) {
            let list = self.postings.entry(t).or_default();
            let at = list.partition_point(|&d| d < slot);
            if list.get(at) != Some(&slot) {
                list.insert(at, slot);
            }
        }
        self.docs[slot as usize].translated = top.into_boxed_slice();
        Some(slot)
    }

    /// The current links of an article (story merges applied).
    pub fn links(&self, id: i64) -> Option<Links> {
        self.by_id.get(&id).map(|&s| self.links_of(s))
    }

    /// The current story of an article (after merges).
    pub fn story_of(&self, id: i64) -> Option<i64> {
        self.by_id.get(&id).map(|&s| self.stories[self.root(self.docs[s as usize].story) as usize].id)
    }

    /// Article ids of a story (originals and copies, arrival order); empty if unknown.
    pub fn story_members(&self, story_id: i64) -> Vec<i64> {
        self.story_info(story_id).map(|i| i.articles).unwrap_or_default()
    }

    /// A story's coverage: who broke it, who carried it, when.
    pub fn story_info(&self, story_id: i64) -> Option<StoryInfo> {
        let s = &self.stories[self.root(*self.story_by_id.get(&story_id)?) as usize];
        let mut slots: Vec<u32> = s.members.iter().chain(&s.copies).copied().collect();
        slots.sort_unstable();
        let origin = s
            .members
            .iter()
            .map(|&m| &self.docs[m as usize])
            .min_by_key(|e| (e.published, e.id))
            .map_or(s.id, |e| e.id);
        let mut sources: Vec<u32> = slots.iter().map(|&m| self.docs[m as usize].source).filter(|&x| x != NONE).collect();
        sources.sort_unstable();
        sources.dedup();
        Some(StoryInfo {
            id: s.id,
            origin,
            articles: slots.iter().map(|&m| self.docs[m as usize].id).collect(),
            copies: s.copies.len(),
            sources: sources.len(),
            first_published: s.first,
            last_published: s.last,
        })
    }

    /// Near-copies of an article (ids, arrival order).
    pub fn copies_of(&self, id: i64) -> Vec<i64> {
        let Some(&slot) = self.by_id.get(&id) else { return Vec::new() };
        let s = &self.stories[self.root(self.docs[slot as usize].story) as usize];
        s.copies.iter().filter(|&&c| self.docs[c as usize].original == slot).map(|&c| self.docs[c as usize].id).collect()
    }

    /// Story merges and splits decided since the last call, oldest first.
    pub fn take_story_changes(&mut self) -> Vec<StoryChange> {
        std::mem::take(&mut self.changes)
    }

    // ---- internals -------------------------------------------------------

    fn time_of(&mut self, doc: &Document<'_>) -> i64 {
        let t = doc.published.unwrap_or(if self.now == i64::MIN { 0 } else { self.now });
        self.now = self.now.max(t);
        t
    }

    fn links_of(&self, slot: u32) -> Links {
        let e = &self.docs[slot as usize];
        Links {
            duplicate_of: (e.original != NONE).then(|| self.docs[e.original as usize].id),
            story_id: Some(self.stories[self.root(e.story) as usize].id),
        }
    }

    pub(crate) fn root(&self, mut s: u32) -> u32 {
        while self.stories[s as usize].parent != s {
            s = self.stories[s as usize].parent;
        }
        s
    }

    fn original_of(&self, slot: u32) -> u32 {
        let o = self.docs[slot as usize].original;
        if o == NONE {
            slot
        } else {
            o
        }
    }

    fn find_original(&self, sig: &Signature) -> u32 {
        let mut best: Option<(i64, i64, u32)> = None;
        for c in self.lsh.candidates(sig, 64) {
            if minhash::jaccard(sig, &self.docs[c as usize].sig) >= self.cfg.duplicate_threshold {
                let o = self.original_of(c);
                let e = &self.docs[o as usize];
                let key = (e.published, e.id, o);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        best.map_or(NONE, |b| b.2)
    }

    pub(crate) fn new_story(&mut self, id: i64, published: i64) -> u32 {
        let slot = self.stories.len() as u32;
        self.stories.push(Story::new(id, slot, published));
        self.story_by_id.insert(id, slot);
        slot
    }

    fn source_slot(&mut self, source: Option<&str>) -> u32 {
        match source {
            Some(s) if !s.is_empty() => {
                let n = self.sources.len() as u32;
                *self.sources.entry(s.to_string()).or_insert(n)
            }
            _ => NONE,
        }
    }

    /// Inserts a near-copy: no terms, no index entry; it counts in its story.
    fn insert_copy(&mut self, doc: &Document<'_>, published: i64, sig: Signature, story: u32, original: u32) {
        let slot = self.push_entry(doc, published, sig, Box::new([]), story, original);
        let st = &mut self.stories[story as usize];
        st.copies.push(slot);
        st.touch(published);
    }

    fn insert_terms(&mut self, doc: &Document<'_>, published: i64, sig: Signature, top: Vec<TermW>, story: u32) {
        let key = terms::heaviest(&top, self.cfg.index_terms);
        let slot = self.push_entry(doc, published, sig, top.into_boxed_slice(), story, NONE);
        for t in key {
            self.postings.entry(t).or_default().push(slot);
        }
        let st = &mut self.stories[story as usize];
        st.members.push(slot);
        st.touch(published);
    }

    fn push_entry(
        &mut self,
        doc: &Document<'_>,
        published: i64,
        sig: Signature,
        terms: Box<[TermW]>,
        story: u32,
        original: u32,
    ) -> u32 {
        let slot = self.docs.len() as u32;
        let source = self.source_slot(doc.source);
        if original == NONE && !(doc.title.trim().is_empty() && doc.text.trim().is_empty()) {
            self.lsh.insert(slot, &sig);
        } else {
            self.lsh.skip(slot);
        }
        self.docs.push(Entry { id: doc.id, published, source, story, original, terms, translated: Box::new([]), sig: Box::new(sig) });
        self.by_id.insert(doc.id, slot);
        slot
    }

    fn after_insert(&mut self) {
        if self.df.docs() >= self.next_epoch {
            self.next_epoch = (self.next_epoch + self.next_epoch / 4).max(self.next_epoch + 16);
            self.refresh_weights();
        }
        self.since_prune += 1;
        if self.since_prune >= PRUNE_EVERY {
            self.since_prune = 0;
            self.prune();
        }
    }

    /// Recomputes the stored weights of articles in open stories with today's IDF.
    ///
    /// Done at document counts growing by a quarter each time, so the cost is
    /// constant per article on average and the state depends only on the
    /// sequence of insertions (assign and restore agree).
    fn refresh_weights(&mut self) {
        let (now, window) = (self.now, self.cfg.story_window_secs);
        for s in 0..self.stories.len() {
            let st = &self.stories[s];
            if st.parent != s as u32 || !st.open_at(now, window) {
                continue;
            }
            for i in 0..st.members.len() {
                let m = self.stories[s].members[i] as usize;
                terms::reweight(&mut self.docs[m].terms, &self.df);
                terms::reweight(&mut self.docs[m].translated, &self.df);
            }
        }
    }

    /// Drops postings of articles whose story has gone silent.
    fn prune(&mut self) {
        let (now, window) = (self.now, self.cfg.story_window_secs);
        let docs = &self.docs;
        let stories = &self.stories;
        let root = |mut s: u32| {
            while stories[s as usize].parent != s {
                s = stories[s as usize].parent;
            }
            s
        };
        self.postings.retain(|_, list| {
            list.retain(|&d| stories[root(docs[d as usize].story) as usize].open_at(now, window));
            !list.is_empty()
        });
    }

    /// Candidates for a query vector and their cosine, best first.
    pub(crate) fn retrieve(&self, q: &[TermW], published: i64) -> Vec<Scored> {
        if q.is_empty() {
            return Vec::new();
        }
        // Posting lists are in slot order; read the most recent part of each.
        let mut lists: Vec<(&[u32], f32)> = Vec::new();
        for t in terms::heaviest(q, self.cfg.index_terms) {
            let Some(list) = self.postings.get(&t) else { continue };
            if self.df.docs() > 1_000 && self.df.df(t) > self.df.docs() / 5 {
                continue; // as common as a stop word: no help in finding an event
            }
            let idf = self.df.idf(t);
            let oldest = self.docs.len().saturating_sub(MAX_SLOT_RANGE) as u32;
            let from = list.len().saturating_sub(self.cfg.max_postings_per_term).max(list.partition_point(|&d| d < oldest));
            lists.push((&list[from..], idf * idf));
        }
        // Dense accumulator over the slot range the lists touch (a recent window).
        let lo = lists.iter().filter_map(|(l, _)| l.first()).min().copied().unwrap_or(0) as usize;
        let mut acc = vec![0f32; self.docs.len().saturating_sub(lo)];
        let mut touched: Vec<u32> = Vec::new();
        for (list, w) in lists {
            for &d in list {
                let a = &mut acc[d as usize - lo];
                if *a == 0.0 {
                    touched.push(d);
                }
                *a += w;
            }
        }
        let mut cands: Vec<(u32, f32)> = touched.into_iter().map(|d| (d, acc[d as usize - lo])).collect();
        if cands.len() > self.cfg.max_candidates {
            cands.select_nth_unstable_by(self.cfg.max_candidates - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            cands.truncate(self.cfg.max_candidates);
        }
        let window = self.cfg.story_window_secs;
        let mut out: Vec<Scored> = cands
            .into_iter()
            .filter(|&(d, _)| self.stories[self.root(self.docs[d as usize].story) as usize].open_at(published, window))
            .map(|(d, _)| (d, self.cosine_to(q, d)))
            .filter(|&(_, c)| c > 0.0)
            .collect();
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Cosine of a query vector and a stored article.
    ///
    /// A translated article is as close as the nearer of its original and its translation.
    pub(crate) fn cosine_to(&self, q: &[TermW], d: u32) -> f32 {
        let e = &self.docs[d as usize];
        let own = terms::cosine(q, &e.terms);
        if e.translated.is_empty() {
            own
        } else {
            own.max(terms::cosine(q, &e.translated))
        }
    }

    /// Cosine of two stored articles: the best of their originals' and translations' pairs.
    pub(crate) fn cosine(&self, a: u32, b: u32) -> f32 {
        let (a, b) = (&self.docs[a as usize], &self.docs[b as usize]);
        let mut best = terms::cosine(&a.terms, &b.terms);
        for (x, y) in [(&a.translated, &b.terms), (&a.terms, &b.translated), (&a.translated, &b.translated)] {
            if !x.is_empty() && !y.is_empty() {
                best = best.max(terms::cosine(x, y));
            }
        }
        best
    }

    /// Link score of each open story among the candidates: the mean cosine
    /// over its best `link_members` members (members not retrieved count 0).
    fn story_scores(&self, scored: &[Scored]) -> Vec<(u32, f32)> {
        let mut by_story: IdMap<u32, Vec<f32>> = IdMap::default();
        for &(d, c) in scored {
            by_story.entry(self.root(self.docs[d as usize].story)).or_default().push(c);
        }
        let mut out: Vec<(u32, f32)> = by_story
            .into_iter()
            .map(|(s, mut cs)| {
                cs.sort_unstable_by(|a, b| b.total_cmp(a));
                let m = self.stories[s as usize].members.len().min(self.cfg.link_members).max(1);
                (s, cs.iter().take(m).sum::<f32>() / m as f32)
            })
            .collect();
        out.sort_unstable_by_key(|&(s, _)| s);
        out
    }

    /// Mean over `a`'s (recent) members of their link score to `b`.
    fn directed_link(&self, a: u32, b: u32) -> f32 {
        const SAMPLE: usize = 12;
        let (sa, sb) = (&self.stories[a as usize].members, &self.stories[b as usize].members);
        let pick = |v: &[u32]| v[v.len().saturating_sub(SAMPLE)..].to_vec();
        let (ma, mb) = (pick(sa), pick(sb));
        if ma.is_empty() || mb.is_empty() {
            return 0.0;
        }
        let m = sb.len().min(self.cfg.link_members).max(1).min(mb.len());
        let mut total = 0.0;
        for &x in &ma {
            let mut cs: Vec<f32> = mb.iter().map(|&y| self.cosine(x, y)).collect();
            cs.sort_unstable_by(|p, q| q.total_cmp(p));
            total += cs.iter().take(m).sum::<f32>() / m as f32;
        }
        total / ma.len() as f32
    }

    fn maybe_merge(&mut self, a: u32, b: u32) {
        let (a, b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        let link = (self.directed_link(a, b) + self.directed_link(b, a)) / 2.0;
        if link < self.cfg.merge_threshold as f32 {
            return;
        }
        let (keep, gone) = if a < b { (a, b) } else { (b, a) };
        let moved = std::mem::take(&mut self.stories[gone as usize].members);
        let copies = std::mem::take(&mut self.stories[gone as usize].copies);
        let (first, last) = (self.stories[gone as usize].first, self.stories[gone as usize].last);
        self.stories[gone as usize].parent = keep;
        let k = &mut self.stories[keep as usize];
        k.members.extend(moved);
        k.members.sort_unstable();
        k.copies.extend(copies);
        k.copies.sort_unstable();
        k.touch(first);
        k.touch(last);
        let merge = StoryChange::Merged { from: self.stories[gone as usize].id, into: self.stories[keep as usize].id };
        self.changes.push(merge);
    }
}
