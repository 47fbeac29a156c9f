//! Named mentions the speaker resolution works with, from the NER or from a fallback.
//!
//! The NER of `polmon-enrich` gives [`EntityMention`]s. When it gives none, [`propose_entities`]
//! proposes person and organisation spans from capitalised word sequences so that quotes still
//! get named speakers: titles (`Mr.`, `Sen.`) and role words (`Minister of the Armed Forces
//! Sébastien Lecornu`) mark persons and are kept as roles, organisation words (`Party`,
//! `Ministry`, `News`) and acronyms mark organisations, a later surname alone (`Blinken`) is
//! linked to the full name met before. It is a fallback: it knows no list of names, so a
//! single unknown capitalised word is only a person when it speaks ("Trump said").

use std::collections::HashMap;
use std::ops::Deref;

use polmon_model::{EntityMention, EntityType};

use crate::lexicon::{self, Gender};
use crate::text::Doc;
use crate::work;

/// A mention prepared for speaker resolution.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: EntityType,
    pub(crate) canonical: String,
    /// The same number for every mention of one canonical name.
    pub(crate) id: usize,
    pub(crate) gender: Option<Gender>,
    /// Whether the mention is a clause subject: it opens its sentence or a cue follows it.
    pub(crate) subject: bool,
    /// Whether the mention is inside quotation marks (a name the speaker says).
    pub(crate) quoted: bool,
}

/// How many mentions a speaker is looked for among, before a quote (pronouns, descriptions,
/// "it") or after it (a headline's description): the look-back is bounded so that resolving a
/// page's quotes stays linear in its length. Far more than a news article names.
pub(crate) const LOOK_AROUND: usize = 400;

/// Role words kept per name, the first ones the text gives it.
const MAX_ROLE_WORDS: usize = 64;

/// The prepared mentions, in text order, with the role words each name has been given.
pub(crate) struct Mentions {
    list: Vec<Mention>,
    /// Per name id: each role word and the end of the first mention that gave it.
    roles: Vec<Vec<(String, usize)>>,
    /// Per name: its id.
    ids: HashMap<String, usize>,
    /// Per sentence: the person its clauses are about so far — the mention (index) the subject
    /// refers to, and the subject's token — carried over up to three sentences.
    subjects: Vec<Option<(usize, usize)>>,
}

impl Deref for Mentions {
    type Target = [Mention];

    fn deref(&self) -> &[Mention] {
        &self.list
    }
}

impl Mentions {
    /// Index one past the last mention that starts before `pos`.
    pub(crate) fn before(&self, pos: usize) -> usize {
        self.list.partition_point(|m| m.start < pos)
    }

    /// The persons ending by `pos`, nearest first, at most [`LOOK_AROUND`] mentions back.
    pub(crate) fn persons_before(&self, pos: usize) -> impl Iterator<Item = &Mention> + '_ {
        let k = self.before(pos);
        self.list[k.saturating_sub(LOOK_AROUND)..k]
            .iter()
            .rev()
            .inspect(|_| work::step())
            .filter(move |m| m.end <= pos && m.kind == EntityType::Person)
    }

    /// The mentions inside `start..end`.
    pub(crate) fn inside(&self, start: usize, end: usize) -> impl Iterator<Item = &Mention> + '_ {
        let k = self.list.partition_point(|m| m.start < start);
        self.list[k..].iter().inspect(|_| work::step()).take_while(move |m| m.start < end).filter(move |m| m.end <= end)
    }

    /// The person sentence `s` continues (see [`Mentions::subjects`]) and the token of the
    /// subject that names or refers to it.
    pub(crate) fn subject_of(&self, s: usize) -> Option<(&Mention, usize)> {
        self.subjects.get(s).copied().flatten().map(|(m, t)| (&self.list[m], t))
    }

    /// The gender the text gives the person called `canonical`, if known.
    pub(crate) fn gender_of(&self, canonical: &str) -> Option<Gender> {
        let id = *self.ids.get(canonical)?;
        self.list.iter().rev().take(LOOK_AROUND).find(|m| m.id == id && m.gender.is_some()).and_then(|m| m.gender)
    }

    /// How many of `words` the roles given to name `id` (by mentions ending by `pos`, if
    /// given) contain.
    pub(crate) fn role_overlap(&self, id: usize, pos: Option<usize>, words: &[String]) -> usize {
        let roles = &self.roles[id];
        words.iter().filter(|w| roles.iter().any(|(r, e)| r == *w && pos.is_none_or(|p| *e <= p))).count()
    }
}

/// Person and organisation spans proposed from capitalised word sequences (the no-NER fallback).
///
/// ```
/// let found = polmon_quotes::propose_entities("Secretary of State Antony Blinken met reporters. Blinken said no.");
/// assert_eq!(found[0].text, "Antony Blinken");
/// assert_eq!(found[0].role.as_deref(), Some("Secretary of State"));
/// assert_eq!(found[1].canonical, "Antony Blinken");
/// ```
pub fn propose_entities(text: &str) -> Vec<EntityMention> {
    let doc = Doc::new(text);
    propose(&doc)
}

/// [`propose`] for a text in `lang`: French has no possessive `'s`, so a name ending in it
/// keeps it ("Moody's").
pub(crate) fn propose_in(doc: &Doc, lang: &str) -> Vec<EntityMention> {
    let mut out = propose(doc);
    if lang == "fr" {
        for m in &mut out {
            let next: String = doc.chars[m.end..(m.end + 2).min(doc.chars.len())].iter().collect();
            if next == "'s" || next == "’s" {
                let whole_canonical = m.canonical == m.text;
                m.end += 2;
                m.text = doc.slice(m.start, m.end);
                if whole_canonical {
                    m.canonical = m.text.clone();
                }
            }
        }
    }
    out
}

pub(crate) fn propose(doc: &Doc) -> Vec<EntityMention> {
    let toks = &doc.tokens;
    let mut out: Vec<EntityMention> = Vec::new();
    // The last word of each person's name, lower case, to the most recent such person's name.
    let mut surnames: HashMap<String, String> = HashMap::new();
    let mut i = 0;
    while i < toks.len() {
        if !(toks[i].is_word() && toks[i].cap) {
            i += 1;
            continue;
        }
        // Extend over capitalised words and inner connectors ("of the", "de", "d'").
        let mut j = i + 1;
        loop {
            if j < toks.len() && toks[j].para == toks[i].para && toks[j].is_word() && toks[j].cap && !ends_possessive(&toks[j - 1].lower) {
                j += 1;
                continue;
            }
            let mut k = j;
            while k < toks.len() && k - j < 2 && toks[k].is_word() && is_connector(&toks[k].lower) && !ends_possessive(&toks[k - 1].lower) {
                k += 1;
            }
            if k > j && k < toks.len() && toks[k].is_word() && toks[k].cap && toks[k].para == toks[i].para {
                j = k + 1;
                continue;
            }
            break;
        }
        let n = out.len();
        classify(doc, i, j, &surnames, &mut out);
        for m in out[n..].iter().filter(|m| m.entity_type == EntityType::Person) {
            surnames.insert(surname(&m.canonical), m.canonical.clone());
        }
        i = j;
    }
    out
}

fn is_connector(w: &str) -> bool {
    matches!(w, "of" | "the" | "de" | "du" | "des" | "d'" | "la" | "van" | "von" | "der" | "bin" | "al" | "el" | "le")
}

fn ends_possessive(w: &str) -> bool {
    w.ends_with("'s") || w.ends_with('\'')
}

fn surname(canonical: &str) -> String {
    canonical.to_lowercase().rsplit(' ').next().unwrap_or_default().to_string()
}

/// Classifies the capitalised sequence `a..b`; a word the text also writes in lower case is a
/// common word when it opens a sentence. `surnames` links a lone surname to the name met before.
fn classify(doc: &Doc, mut a: usize, b: usize, surnames: &HashMap<String, String>, out: &mut Vec<EntityMention>) {
    let toks = &doc.tokens;
    // Words that only start a sentence ("The", "But", "He").
    while a < b && (lexicon::is_not_name(&toks[a].lower) && lexicon::title(&toks[a].lower).is_none() || is_connector(&toks[a].lower)) {
        a += 1;
    }
    let opens_sentence = a < b && (a == 0 || doc.sentence[a - 1] != doc.sentence[a]);
    if opens_sentence && (doc.common.binary_search(&toks[a].lower).is_ok() || lexicon::is_sentence_adverb(&toks[a].lower)) {
        a += 1;
    }
    if a >= b {
        return;
    }
    let lower: Vec<&str> = toks[a..b].iter().map(|t| t.lower.as_str()).collect();
    // A title inside the sequence: "Pennsylvania Gov. Ed Rendell" is Ed Rendell.
    if let Some(t) = (1..lower.len().saturating_sub(1)).rev().find(|&k| lexicon::title(lower[k]).is_some()) {
        a += t;
    }
    let lower = &lower[lower.len() - (b - a)..];
    // Title: "Mr. Blinken", "Sen. Tim Kaine".
    if lexicon::title(lower[0]).is_some() && b - a >= 2 {
        push(doc, a + 1, b, EntityType::Person, None, out);
        // "Mr. Okafor" after "Daniel Okafor": the same person.
        if b - a == 2 {
            let n = out.len() - 1;
            if let Some(full) = surnames.get(&out[n].text.to_lowercase()) {
                out[n].canonical = full.clone();
            }
        }
        return;
    }
    // Role words first: "Minister of the Armed Forces Sébastien Lecornu".
    if let Some(last_role) = (0..lower.len()).rev().find(|&k| lexicon::is_role_word(lower[k].trim_end_matches("'s"))) {
        let name_start = a + last_role + 1;
        let has_role_head = lower[..=last_role].iter().any(|w| lexicon::is_role_word(w) && !is_connector(w));
        let org_in_name = lower[last_role + 1..].iter().any(|w| lexicon::is_org_word(w));
        if has_role_head && name_start < b && !org_in_name {
            let role = doc.tok_text(a, name_start);
            push(doc, name_start, b, EntityType::Person, Some(role), out);
            return;
        }
        if has_role_head && !lower.iter().any(|w| lexicon::is_org_word(w)) {
            return; // a role without a name: "Secretary of State"
        }
    }
    let acronym = b - a == 1 && {
        let t = &toks[a];
        let cs = &doc.chars[t.start..t.end];
        cs.len() >= 2 && cs.iter().all(|c| c.is_uppercase() || *c == '.')
    };
    if acronym || lower.iter().any(|w| lexicon::is_org_word(w.trim_end_matches("'s"))) {
        push(doc, a, b, EntityType::Organization, None, out);
        return;
    }
    if lower.iter().any(|w| lexicon::is_place_word(w)) || lexicon::is_place(&doc.tok_text(a, b).to_lowercase()) {
        push(doc, a, b, EntityType::Location, None, out);
        return;
    }
    if b - a >= 2 {
        push(doc, a, b, EntityType::Person, None, out);
        return;
    }
    // One word: a surname seen before, or a word that speaks.
    let w = strip_possessive(lower[0]);
    if let Some(canonical) = surnames.get(w).cloned() {
        let (s, e) = span(doc, a, b);
        out.push(EntityMention {
            text: doc.slice(s, e),
            start: s,
            end: e,
            entity_type: EntityType::Person,
            canonical,
            role: None,
        });
        return;
    }
    let mut k = b;
    while k < toks.len() && toks[k].is_word() && lexicon::is_skippable(&toks[k].lower, "en") {
        k += 1;
    }
    let speaks = k < toks.len() && lexicon::is_cue(&toks[k].lower) && !lexicon::is_source_first(&toks[k].lower);
    let kind = if speaks { EntityType::Person } else { EntityType::Other };
    push(doc, a, b, kind, None, out);
}

fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix('\'')).unwrap_or(w)
}

/// Code-point span of tokens `a..b`, a final possessive `'s` left out.
fn span(doc: &Doc, a: usize, b: usize) -> (usize, usize) {
    let s = doc.tokens[a].start;
    let mut e = doc.tokens[b - 1].end;
    let last = &doc.tokens[b - 1].lower;
    if last.ends_with("'s") {
        e -= 2;
    } else if last.ends_with('\'') && last.len() > 2 {
        e -= 1;
    }
    (s, e)
}

fn push(doc: &Doc, a: usize, b: usize, kind: EntityType, role: Option<String>, out: &mut Vec<EntityMention>) {
    let (s, e) = span(doc, a, b);
    if s >= e {
        return;
    }
    let text = doc.slice(s, e);
    out.push(EntityMention { canonical: text.clone(), text, start: s, end: e, entity_type: kind, role });
}

/// Most capitalised words a name after a description or a title may have.
const MAX_NAME_WORDS: usize = 3;

/// `entities` with the persons a French description or title names that the recogniser
/// missed or cut ("la toxicologue Dominique Parent-Massin", "la Pr Joly-Gomez", "Mme
/// Cardenal"): a determiner and a noun of a person (or a title alone), then one to
/// [`MAX_NAME_WORDS`] capitalised words no person or organisation mention covers. The new
/// mention replaces what overlaps it (a place or a fragment of the name), carries the
/// description as its role, and is named like the person of the document whose full name ends
/// with the same surname ("Pr Joly-Gomez" is "Francisca Joly-Gomez"), else as written.
pub(crate) fn with_described_names(doc: &Doc, entities: &[EntityMention]) -> Vec<EntityMention> {
    let toks = &doc.tokens;
    let mut sorted: Vec<&EntityMention> = entities.iter().collect();
    sorted.sort_by_key(|m| m.start);
    // Full person names by their surname (lower case): the longest one written.
    let mut by_surname: HashMap<String, &str> = HashMap::new();
    for m in sorted.iter().filter(|m| m.entity_type == EntityType::Person && m.canonical.split_whitespace().count() >= 2) {
        let e = by_surname.entry(surname(&m.canonical)).or_insert(&m.canonical);
        if m.canonical.len() > e.len() {
            *e = &m.canonical;
        }
    }
    let covered = |s: usize, e: usize| {
        let k = sorted.partition_point(|m| m.end <= s);
        sorted[k..].iter().take_while(|m| m.start < e).any(|m| matches!(m.entity_type, EntityType::Person | EntityType::Organization))
    };
    let mut added: Vec<EntityMention> = Vec::new();
    for k in 0..toks.len() {
        let t = &toks[k];
        // (The cheap test first: a capitalised word must follow.)
        if !t.is_word() || t.quoted || !toks.get(k + 1).is_some_and(|n| n.is_word() && n.cap) {
            continue;
        }
        let title = lexicon::title(&t.lower).is_some();
        let described = !t.cap && k > 0 && matches!(toks[k - 1].lower.as_str(), "le" | "la" | "l'") && lexicon::is_person_noun(&t.lower);
        if !title && !described {
            continue;
        }
        let a = k + 1;
        let mut b = a;
        while b < toks.len() && b - a < MAX_NAME_WORDS && toks[b].is_word() && toks[b].cap && toks[b].para == t.para && !lexicon::is_not_name(&toks[b].lower) && lexicon::title(&toks[b].lower).is_none() {
            b += 1;
        }
        let name_ends = b >= toks.len() || !toks[b].is_word() || !toks[b].cap;
        if b == a || !name_ends || toks[a..b].iter().any(|x| lexicon::is_org_word(&x.lower) || lexicon::is_role_word(&x.lower) || lexicon::is_place(&x.lower)) {
            continue;
        }
        let (s, e) = span(doc, a, b);
        if s >= e || covered(s, e) {
            continue;
        }
        let text = doc.slice(s, e);
        let canonical = by_surname.get(&surname(&text)).map_or_else(|| text.clone(), |full| full.to_string());
        let role = described.then(|| t.lower.clone());
        added.push(EntityMention { text, start: s, end: e, entity_type: EntityType::Person, canonical, role });
    }
    if added.is_empty() {
        return entities.to_vec();
    }
    let overlaps = |m: &EntityMention| {
        let k = added.partition_point(|n| n.end <= m.start);
        added.get(k).is_some_and(|n| n.start < m.end)
    };
    let mut out: Vec<EntityMention> = entities.iter().filter(|m| !overlaps(m)).cloned().collect();
    out.extend(added);
    out
}

/// Prepares mentions for resolution: genders, and role words from the entity's role, the
/// words right before it ("his French counterpart Stéphane Séjourné") and an appositive
/// after it ("Smith, the party's treasurer,").
pub(crate) fn prepare(doc: &Doc, entities: &[EntityMention]) -> Mentions {
    let mut out: Vec<Mention> = Vec::with_capacity(entities.len());
    let mut sorted: Vec<&EntityMention> = entities.iter().collect();
    sorted.sort_by_key(|m| m.start);
    // Per name: its id, and the gender of its last mention.
    let mut ids: HashMap<&str, (usize, Option<Gender>)> = HashMap::new();
    let mut role_index: Vec<Vec<(String, usize)>> = Vec::new();
    for m in sorted {
        let mut roles = Vec::new();
        if let Some(r) = &m.role {
            roles.extend(content_words(r));
        }
        let first = doc.tok_at(m.start);
        roles.extend(words_before(doc, first));
        let last = doc.tok_at(m.end);
        roles.extend(appositive_after(doc, last));
        roles.extend(predicate_after(doc, last));
        roles.extend(appositive_before(doc, first));
        let mut gender = None;
        if first > 0 {
            if let Some(g) = lexicon::title(&doc.tokens[first - 1].lower) {
                gender = g;
            }
        }
        if gender.is_none() && m.entity_type == EntityType::Person {
            let first_name = m.canonical.split_whitespace().next().unwrap_or("").to_lowercase();
            gender = lexicon::first_name_gender(&first_name, m.canonical.split_whitespace().count() >= 2);
        }
        let known = ids.get(m.canonical.as_str()).copied();
        if gender.is_none() {
            gender = known.and_then(|(_, g)| g);
        }
        let id = known.map_or(role_index.len(), |(id, _)| id);
        if id == role_index.len() {
            role_index.push(Vec::new());
        }
        ids.insert(&m.canonical, (id, gender));
        for r in &roles {
            let known_roles = &mut role_index[id];
            if known_roles.len() < MAX_ROLE_WORDS && !known_roles.iter().any(|(k, _)| k == r) {
                known_roles.push((r.clone(), m.end));
            }
        }
        let mut next = last;
        while next < doc.tokens.len() && doc.tokens[next].is_word() && lexicon::is_skippable(&doc.tokens[next].lower, "en") {
            next += 1;
        }
        let subject = first < doc.tokens.len()
            && (first - doc.sentence_start(first) <= 2 || next < doc.tokens.len() && lexicon::is_cue(&doc.tokens[next].lower));
        // An acronym is a body, not a person ("LREM", "HRW"), whatever the recogniser said.
        let acronym = m.canonical.chars().count() >= 2 && m.canonical.chars().all(|c| c.is_uppercase());
        let kind = if acronym && m.entity_type == EntityType::Person { EntityType::Organization } else { m.entity_type };
        out.push(Mention { start: m.start, end: m.end, kind, canonical: m.canonical.clone(), id, gender, subject, quoted: doc.tokens.get(first).is_some_and(|t| t.quoted) });
    }
    infer_genders(doc, &mut out, role_index.len());
    let ids = ids.into_iter().map(|(k, (id, _))| (k.to_string(), id)).collect();
    let subjects = sentence_subjects(doc, &out);
    Mentions { list: out, roles: role_index, ids, subjects }
}

/// The subject chain of [`Mentions::subjects`]: a sentence whose subject is a person named at
/// its start (after a fronted phrase), or named right after a cue in an incise ("…, a déclaré
/// X"), is about that person; one whose subject is "il"/"elle" continues the person of the
/// sentences before when the gender agrees, else the last person of that gender named.
fn sentence_subjects(doc: &Doc, mentions: &[Mention]) -> Vec<Option<(usize, usize)>> {
    let toks = &doc.tokens;
    let mut out = Vec::with_capacity(doc.sentence_count());
    let mut chain: Option<(usize, usize, usize)> = None; // (mention, subject token, sentence)
    let mut new_subject = false; // the sentence before had a subject, opened by an article, naming no person
    let mut mi = 0;
    for s in 0..doc.sentence_count() {
        let (s0, s1) = doc.sentence_bounds(s);
        while mi < mentions.len() && doc.tok_at(mentions[mi].start) < s0 {
            mi += 1;
        }
        let in_sentence = || mentions[mi..].iter().take_while(|m| doc.tok_at(m.start) < s1).enumerate().map(|(k, m)| (mi + k, m));
        // A capitalised common noun opening a sentence ("Commentateur mythique …") is no
        // person even when the recogniser took it for one.
        let person = |m: &Mention| {
            let k = doc.tok_at(m.start);
            let one_word = doc.tok_at(m.end) == k + 1;
            m.kind == EntityType::Person && !m.quoted && !(one_word && (lexicon::is_person_noun(&toks[k].lower) || doc.is_capitalised_common(k)))
        };
        let mut found: Option<(usize, usize)> = None;
        let subject_start = crate::speaker::french_subject_start(doc, s0, s1);
        if let Some(pos) = subject_start {
            let w = toks[pos].lower.as_str();
            if lexicon::is_subject_pronoun(w) && crate::speaker::impersonal(doc, pos) {
                // "Il faut …", "Il y a …": the sentence is about nobody; the chain goes on.
            } else if lexicon::is_subject_pronoun(w) && !toks[pos].quoted {
                let gender = lexicon::pronoun(w).flatten();
                let agrees = |m: &Mention| gender.is_none() || m.gender.is_none() || m.gender == gender;
                // (Only a person named in the sentences just before: a pronoun far from any
                // name continues nobody.)
                let recent = (mi.saturating_sub(LOOK_AROUND)..mi)
                    .rev()
                    .take_while(|&k| doc.sentence[doc.tok_at(mentions[k].start).min(toks.len() - 1)] + crate::speaker::RECENT_SENTENCES >= s)
                    .find(|&k| person(&mentions[k]) && agrees(&mentions[k]));
                let recent_subject = (mi.saturating_sub(LOOK_AROUND)..mi).rev().find(|&k| person(&mentions[k]) && agrees(&mentions[k]) && mentions[k].subject);
                // The person of the sentence before, or of older ones when nobody of that
                // gender was the subject of a clause since (a name in a complement or an
                // apposition does not take the chain over).
                let continued = chain
                    .filter(|&(m, t, cs)| cs + 3 >= s && agrees(&mentions[m]) && (cs + 1 >= s || recent_subject.is_none_or(|k| doc.tok_at(mentions[k].start) <= t)))
                    .map(|(m, _, _)| m);
                let recent = || recent;
                // When the sentence before had a subject that is no person of this gender
                // ("les députés de l'UMP ont fait part de leur indignation par Christian
                // Jacob. Il …"), the last such person it names comes before older subjects.
                let previous = chain.filter(|&(_, _, cs)| cs + 1 < s && new_subject).and_then(|_| {
                    (mi.saturating_sub(LOOK_AROUND)..mi)
                        .rev()
                        .take_while(|&k| doc.sentence[doc.tok_at(mentions[k].start).min(toks.len() - 1)] + 1 >= s)
                        .find(|&k| person(&mentions[k]) && agrees(&mentions[k]))
                });
                found = previous.or(continued).or_else(recent).map(|m| (m, pos));
            } else {
                // The first name of the subject phrase that is not a complement ("Autre avocat
                // d'Yvan Colonna, Gilles Simeoni a appris").
                found = in_sentence()
                    .find(|(_, m)| {
                        let t = doc.tok_at(m.start);
                        t >= pos
                            && t < pos + 12
                            && toks[pos..t].iter().filter(|x| x.is_punct(',')).count() <= 1
                            // ("Le journaliste et commentateur sportif Thierry Roland s'est éteint")
                            && toks[pos..t].iter().all(|x| (x.is_word() || x.is_punct(',')) && (!lexicon::is_boundary(&x.lower) || x.lower == "et") && !lexicon::is_cue(&x.lower))
                            // Not a name inside a prepositional phrase ("Commentateur … avec son
                            // complice de toujours, Jean-Michel Larqué, sa disparition …").
                            // ("à", "en" may be part of a role: "ministre délégué aux Affaires européennes").
                            && !toks[pos..t].iter().any(|x| lexicon::opens_no_noun_phrase(&x.lower) && !matches!(x.lower.as_str(), "s'" | "c'" | "qu'" | "n'" | "j'" | "m'" | "t'" | "à" | "au" | "aux" | "en"))
                            && !(t > pos && matches!(toks[t - 1].lower.as_str(), "de" | "du" | "des" | "d'"))
                            // Not a name in a subject that is a thing ("Une charge dirigée
                            // contre la gauche radicale de X").
                            && (t <= pos || crate::clause::names_a_person_or_body(doc, crate::speaker::Phrase { a: pos, b: t + 1 }))
                    })
                    .filter(|(_, m)| person(m))
                    .map(|(k, m)| (k, doc.tok_at(m.start)));
            }
        }
        if found.is_none() {
            // "« … », a déclaré X": the person right after a cue.
            found = in_sentence()
                .filter(|(_, m)| person(m))
                .find(|(_, m)| {
                    let mut t = doc.tok_at(m.start);
                    while t > s0 && toks[t - 1].is_word() && (lexicon::is_verb_filler(&toks[t - 1].lower) || lexicon::is_definite(&toks[t - 1].lower)) && !lexicon::is_cue(&toks[t - 1].lower) {
                        t -= 1;
                    }
                    t > s0 && lexicon::is_cue(&toks[t - 1].lower) && !toks[t - 1].quoted
                })
                .map(|(k, m)| (k, doc.tok_at(m.start)));
        }
        if let Some((m, t)) = found {
            chain = Some((m, t, s));
        }
        // (Only a subject opened by an article shifts the focus: "les députés …", not
        // "sa disparition …" or a detached description, "Commentateur mythique …, sa …".)
        new_subject = found.is_none() && subject_start.is_some_and(|p| matches!(toks[p].lower.as_str(), "le" | "la" | "les" | "l'" | "l’" | "un" | "une" | "des"));
        out.push(chain.filter(|&(_, _, cs)| cs + 3 >= s).map(|(m, t, _)| (m, t)));
    }
    out
}

/// Genders the text shows: a person who opens a sentence is usually the one the next
/// "he"/"his" or "she"/"her" (outside quotes, in that sentence or the next) refers to.
fn infer_genders(doc: &Doc, mentions: &mut [Mention], names: usize) {
    let toks = &doc.tokens;
    let mut votes: Vec<Option<i32>> = vec![None; names];
    for m in mentions.iter().filter(|m| m.kind == EntityType::Person && m.gender.is_none()) {
        let first = doc.tok_at(m.start);
        if first >= toks.len() || doc.sentence_start(first) != first {
            continue;
        }
        let after = doc.tok_at(m.end);
        let end = doc.sentence_end(doc.sentence_end(first).min(toks.len().saturating_sub(1)));
        let vote = toks[after.min(end)..end].iter().filter(|t| !t.quoted).find_map(|t| match t.lower.as_str() {
            "he" | "his" | "him" | "himself" => Some(1),
            "she" | "her" | "hers" | "herself" => Some(-1),
            _ => None,
        });
        if let Some(v) = vote {
            *votes[m.id].get_or_insert(0) += v;
        }
    }
    for m in mentions.iter_mut().filter(|m| m.gender.is_none()) {
        if let Some(n) = votes[m.id] {
            m.gender = match n.signum() {
                1 => Some(Gender::Male),
                -1 => Some(Gender::Female),
                _ => None,
            };
        }
    }
}

/// Lower-case content words of a phrase, plural `s` dropped.
pub(crate) fn content_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'' && c != '’')
        .map(|w| w.to_lowercase().replace('’', "'"))
        .map(|w| strip_possessive(&w).to_string())
        .filter(|w| !w.is_empty() && !lexicon::is_role_stop(w))
        .map(|w| stem(&w))
        .collect()
}

/// A crude stem so "ministers" meets "minister" and "ministre".
pub(crate) fn stem(w: &str) -> String {
    let w = w.strip_suffix('s').filter(|s| s.len() > 3).unwrap_or(w);
    let w = w.strip_suffix("re").filter(|s| s.ends_with("st")).map(|s| format!("{s}er")).unwrap_or_else(|| w.to_string());
    w
}

fn words_before(doc: &Doc, first: usize) -> Vec<String> {
    let toks = &doc.tokens;
    let mut k = first;
    let mut out = Vec::new();
    while k > 0 && first - k < 7 {
        let t = &toks[k - 1];
        if !t.is_word() || t.para != toks.get(first).map_or(t.para, |f| f.para) {
            break;
        }
        if lexicon::is_definite(&t.lower) || lexicon::is_indefinite(&t.lower) || lexicon::is_boundary(&t.lower) && t.lower != "of" {
            break;
        }
        if lexicon::is_cue(&t.lower) || lexicon::title(&t.lower).is_some() {
            break;
        }
        out.extend(content_words(&t.lower));
        k -= 1;
    }
    out
}

/// "son complice de toujours, Jean-Michel Larqué": a (French) description set before a name.
fn appositive_before(doc: &Doc, first: usize) -> Vec<String> {
    let toks = &doc.tokens;
    if first < 3 || !toks[first - 1].is_punct(',') {
        return Vec::new();
    }
    let close = first - 1;
    // "Avant d'être nommée ministre de la Culture, X": a participle of naming gives the role.
    let mut k = close;
    while k > 0 && close - k < 8 && toks[k - 1].is_word() && !lexicon::is_boundary(&toks[k - 1].lower) {
        k -= 1;
        if is_naming_participle(&toks[k].lower) {
            return toks[k + 1..close].iter().flat_map(|t| content_words(&t.lower)).collect();
        }
    }
    let mut k = close;
    while k > 0 && close - k < 8 && toks[k - 1].is_word() && !lexicon::is_boundary(&toks[k - 1].lower) {
        k -= 1;
        if lexicon::is_french_determiner(&toks[k].lower) {
            let words: Vec<String> = toks[k + 1..close].iter().flat_map(|t| content_words(&t.lower)).collect();
            let opens = k == 0 || !toks[k - 1].is_word() || lexicon::is_boundary(&toks[k - 1].lower);
            return if opens && !toks[k + 1..close].iter().any(|t| t.cap) { words } else { Vec::new() };
        }
    }
    Vec::new()
}

/// French participles that give a person an office ("nommée ministre", "élu maire").
fn is_naming_participle(w: &str) -> bool {
    ["nommé", "élu", "réélu", "devenu", "désigné"].iter().any(|p| w.strip_prefix(p).is_some_and(|rest| matches!(rest, "" | "e")))
}

/// Most words a copular predicate after a name gives as a role.
const PREDICATE_WORDS: usize = 3;

/// "X est un architecte aisé", "X, devenue ministre,": a French copular predicate after the
/// name (a form of être or devenir, or a participle of naming, then an article or not, then up
/// to [`PREDICATE_WORDS`] lower-case words) gives the person that role.
fn predicate_after(doc: &Doc, last: usize) -> Vec<String> {
    let toks = &doc.tokens;
    let mut k = last;
    if k < toks.len() && toks[k].is_punct(',') {
        k += 1;
    }
    let copula = k < toks.len() && matches!(toks[k].lower.as_str(), "est" | "était" | "fut" | "devient" | "devenait" | "reste" | "demeure");
    if !(copula || k < toks.len() && is_naming_participle(&toks[k].lower)) {
        return Vec::new();
    }
    k += 1;
    if k < toks.len() && matches!(toks[k].lower.as_str(), "devenu" | "devenue" | "nommé" | "nommée" | "élu" | "élue") {
        k += 1;
    }
    if k < toks.len() && matches!(toks[k].lower.as_str(), "un" | "une" | "le" | "la" | "l'") {
        k += 1;
    }
    let words: Vec<&crate::text::Token> = toks[k.min(toks.len())..].iter().take_while(|t| t.is_word() && !t.cap && !lexicon::is_boundary(&t.lower)).take(PREDICATE_WORDS).collect();
    // Only a noun of a person or an office opens a role ("un architecte", not "très fatigué").
    if words.first().is_some_and(|t| lexicon::is_person_noun(&t.lower) || lexicon::is_office_noun(&t.lower)) {
        words.iter().flat_map(|t| content_words(&t.lower)).collect()
    } else {
        Vec::new()
    }
}

fn appositive_after(doc: &Doc, last: usize) -> Vec<String> {
    let toks = &doc.tokens;
    if last + 1 >= toks.len() || !toks[last].is_punct(',') {
        return Vec::new();
    }
    let first = &toks[last + 1];
    if !(lexicon::is_definite(&first.lower) || lexicon::is_indefinite(&first.lower)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut k = last + 2;
    while k < toks.len() && k - last < 10 && toks[k].is_word() {
        if toks[k].lower == "who" || toks[k].lower == "qui" || lexicon::is_cue(&toks[k].lower) {
            return Vec::new();
        }
        out.extend(content_words(&toks[k].lower));
        k += 1;
    }
    if k < toks.len() && (toks[k].is_punct(',') || toks[k].is_punct('.')) {
        out
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_prefix_is_split_from_the_name() {
        let found = propose_entities("Talks with Minister of the Armed Forces Sébastien Lecornu began.");
        let lecornu = found.iter().find(|m| m.text == "Sébastien Lecornu").expect("Lecornu proposed");
        assert_eq!(lecornu.entity_type, EntityType::Person);
        assert_eq!(lecornu.role.as_deref(), Some("Minister of the Armed Forces"));
    }

    #[test]
    fn surname_links_to_the_full_name_and_possessive_is_dropped() {
        let found = propose_entities("Hillary Clinton spoke. Later Clinton’s team left.");
        let last = found.last().unwrap();
        assert_eq!(last.text, "Clinton");
        assert_eq!(last.canonical, "Hillary Clinton");
    }

    #[test]
    fn organisations_and_sentence_starts() {
        let found = propose_entities("The New York Post reports it. But NATO said so.");
        assert_eq!(found[0].text, "New York Post");
        assert_eq!(found[0].entity_type, EntityType::Organization);
        assert!(found.iter().any(|m| m.text == "NATO" && m.entity_type == EntityType::Organization));
        assert!(!found.iter().any(|m| m.text.starts_with("But")));
    }

    fn mention(text: &str, name: &str, kind: EntityType, canonical: &str) -> EntityMention {
        let byte = text.find(name).unwrap();
        let start = text[..byte].chars().count();
        EntityMention { text: name.into(), start, end: start + name.chars().count(), entity_type: kind, canonical: canonical.into(), role: None }
    }

    #[test]
    fn described_names_the_recogniser_missed_become_persons() {
        let text = "Claire Joly-Gomez enseigne. « Oui », dit la toxicologue Marie Parent-Roux. « Non », dit la Pr Joly-Gomez.";
        let doc = Doc::new(text);
        // The recogniser cut one name to a place and missed the other.
        let ents = [mention(text, "Claire Joly-Gomez", EntityType::Person, "Claire Joly-Gomez"), mention(text, "Marie", EntityType::Location, "Marie")];
        let out = with_described_names(&doc, &ents);
        assert!(!out.iter().any(|m| m.text == "Marie"), "the cut name is replaced");
        let toxicologue = out.iter().find(|m| m.text == "Marie Parent-Roux").expect("described name added");
        assert_eq!((toxicologue.entity_type, toxicologue.role.as_deref()), (EntityType::Person, Some("toxicologue")));
        let pr = out.iter().find(|m| m.text == "Joly-Gomez").expect("titled surname added");
        assert_eq!(pr.canonical, "Claire Joly-Gomez");
        // The description alone then resolves through the role it gave.
        let qs = crate::find_quotes(&format!("{text} « Jamais », ajoute la toxicologue."), &ents, "fr");
        assert_eq!(qs.last().unwrap().speaker_canonical.as_deref(), Some("Marie Parent-Roux"));
    }

    #[test]
    fn french_predicates_give_roles() {
        let text = "Avant d'être nommée ministre de la Culture, Claire Roux dirigeait une maison d'édition. Marc Lemaire est un avocat réputé. Paul Roy est très fatigué.";
        let doc = Doc::new(text);
        let ents: Vec<EntityMention> = ["Claire Roux", "Marc Lemaire", "Paul Roy"].iter().map(|n| mention(text, n, EntityType::Person, n)).collect();
        let ms = prepare(&doc, &ents);
        let role = |name: &str, w: &str| ms.iter().find(|m| m.canonical == name).map(|m| ms.role_overlap(m.id, None, &content_words(w))).unwrap();
        assert_eq!(role("Claire Roux", "ministre"), 1);
        assert_eq!(role("Marc Lemaire", "avocat"), 1);
        assert_eq!(role("Paul Roy", "fatigué"), 0, "an adjective is no role");
    }

    #[test]
    fn a_title_description_goes_to_the_holder_of_the_office_the_text_names() {
        let text = "Julie Mars, la nouvelle ministre des Sports, a parlé. Avant d'être nommée ministre de la Culture, Claire Roux dirigeait une maison d'édition. Claire Roux avait fait réaliser des travaux. Une « négligence », tente d'expliquer la ministre.";
        let mut ents: Vec<EntityMention> = ["Julie Mars", "Claire Roux"].iter().map(|n| mention(text, n, EntityType::Person, n)).collect();
        let second = text.rfind("Claire Roux").unwrap();
        let start = text[..second].chars().count();
        ents.push(EntityMention { text: "Claire Roux".into(), start, end: start + 11, entity_type: EntityType::Person, canonical: "Claire Roux".into(), role: None });
        let qs = crate::find_quotes(text, &ents, "fr");
        assert_eq!(qs.last().unwrap().speaker_canonical.as_deref(), Some("Claire Roux"));
    }

    #[test]
    fn an_acronym_taken_for_a_person_is_a_body() {
        let text = "Le LRDM a voté. Paul Roux a parlé.";
        let doc = Doc::new(text);
        let ms = prepare(&doc, &[mention(text, "LRDM", EntityType::Person, "LRDM"), mention(text, "Paul Roux", EntityType::Person, "Paul Roux")]);
        assert_eq!(ms[0].kind, EntityType::Organization);
        assert_eq!(ms[1].kind, EntityType::Person);
    }

    #[test]
    fn roles_come_from_the_words_before_a_name() {
        let text = "He met his French counterpart Stéphane Séjourné.";
        let doc = Doc::new(text);
        let ms = prepare(&doc, &propose(&doc));
        let s = ms.iter().find(|m| m.canonical == "Stéphane Séjourné").unwrap();
        let words = ["french".to_string(), "counterpart".to_string()];
        assert_eq!(ms.role_overlap(s.id, None, &words), 2);
        assert_eq!(s.gender, Some(Gender::Male));
    }
}
