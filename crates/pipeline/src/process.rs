//! The stages in order, for one item and for many.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use polmon_connect::Connector;

use crate::people::KnownPeople;
use polmon_enrich::Analyzer;
use polmon_index::SearchIndex;
use polmon_model::Article;
use polmon_store::{parse_timestamp, ArticleStore, NewMatch, Store, Upsert};
use polmon_watch::{Matcher, WatchSpec};

use crate::inputs::{self, InputFailure, InputItem};
use crate::prepare::{prepare, Prepared};
use crate::IngestError;

/// How many stored articles go into the search index per commit.
const INDEX_BATCH: usize = 256;
/// How many of the newest stored articles the connector replays when it is first needed:
/// its open window. Stories are closed after three days without news, so older articles
/// only matter for near-copies of old articles, which this bounds. Start-up cost is
/// bounded by this number, not by the size of the archive.
pub const CONNECTOR_WINDOW: usize = 20_000;
/// Attempts at storing one item when the database is busy or the disk full.
const STORE_ATTEMPTS: u32 = 4;
/// Translations read per query when the connector is rebuilt.
const TRANSLATION_BATCH: usize = 500;
/// Related articles kept per article (the article page's box).
pub const RELATED: usize = 4;

/// Where a stored article goes next when other processes link and index it (the
/// distributed mode): a worker hands new articles to the connector and updated ones to
/// the search index, through queues this crate knows nothing of.
pub trait Handoff: Send + Sync {
    /// Called after the article's transaction committed, with what it did. An error
    /// (a queue away) is transient: the item is tried again, finds the article
    /// `Unchanged`, and hands it off again if it is still unlinked.
    fn stored(&self, outcome: Upsert) -> Result<(), String>;

    /// Called after a machine translation of article `id` was stored: the article is
    /// to be linked through it (by the one process that links) and indexed with it.
    fn translated(&self, id: i64) -> Result<(), String>;
}

/// The totals of an ingest run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// New articles.
    pub new: usize,
    /// Updated articles.
    pub updated: usize,
    /// Items already stored unchanged.
    pub skipped: usize,
    /// Articles whose text was cut to [`crate::MAX_TEXT_CHARS`]: `(input, length before)`.
    pub truncated: Vec<(String, usize)>,
    /// Inputs that could not be read or held no article, with the reason.
    pub failed: Vec<InputFailure>,
    /// Articles stored but not yet searchable, when the search index could not be
    /// written (with the error); the next run indexes them.
    pub unindexed: Option<(u64, String)>,
}

impl IngestReport {
    fn count(&mut self, outcome: Upsert) {
        match outcome {
            Upsert::Inserted(_) => self.new += 1,
            Upsert::Updated(_) => self.updated += 1,
            Upsert::Unchanged(_) => self.skipped += 1,
        }
    }
}

/// Progress of [`Pipeline::ingest_paths`], sent after each file.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Files finished.
    pub files_done: usize,
    /// Files in the run.
    pub files_total: usize,
    /// The totals so far.
    pub report: &'a IngestReport,
}

/// What one item did, with what to tell about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    /// Stored, updated or already there.
    pub outcome: Upsert,
    /// The text was cut from this many characters.
    pub truncated_from: Option<usize>,
}

/// The pipeline over one data folder (the embedded store, `S = Store`) or over a shared
/// store (`S = dyn ArticleStore`, the distributed mode's roles): the writer's side.
/// Readers (the website, `export`) use the store and the index directly.
pub struct Pipeline<S: ?Sized + ArticleStore = Store> {
    store: Arc<S>,
    /// The search index, where this process keeps one: always in the embedded mode; in
    /// the distributed mode only on the nodes that follow the `index` queue.
    index: Option<Arc<SearchIndex>>,
    analyzer: Arc<Analyzer>,
    /// Built from the newest [`CONNECTOR_WINDOW`] articles when first needed.
    connector: Mutex<Option<Connector>>,
    /// Stored since the last index commit.
    pending_index: Mutex<Vec<i64>>,
    /// New or updated since the related lists were last computed.
    pending_related: Mutex<Vec<i64>>,
    /// The reader's language: articles in another are queued for machine translation,
    /// and their translations are indexed with them.
    translation_target: Option<String>,
    /// The watches, as of the store's watch version (rebuilt when another process, or
    /// this one, adds or removes a watch).
    watches: Mutex<Option<(i64, Arc<Matcher>)>>,
    /// People known by surname (built from the store when first needed).
    people: Mutex<Option<KnownPeople>>,
    /// Set in the distributed mode: stored articles are handed off instead of being
    /// linked and indexed here.
    handoff: Option<Box<dyn Handoff>>,
}

impl<S: ?Sized + ArticleStore> std::fmt::Debug for Pipeline<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").field("index", &self.index.is_some()).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pipeline {
    /// Opens the data folder: the store (migrating it), the search index and the
    /// analyzer. Nothing is replayed: the connector is built on first use, from the
    /// newest [`CONNECTOR_WINDOW`] articles. Call [`recover`](Self::recover) to finish
    /// what a crash left.
    pub fn open(data_dir: &Path) -> Result<Pipeline, IngestError> {
        Self::open_with(data_dir, None)
    }

    /// [`open`](Self::open), with topic category rules from `category_rules` instead of
    /// the data folder's [`CATEGORY_RULES_FILE`] (or the bundled rules).
    pub fn open_with(data_dir: &Path, category_rules: Option<&Path>) -> Result<Pipeline, IngestError> {
        let store = Arc::new(Store::open(data_dir)?);
        let index = Arc::new(SearchIndex::open(&data_dir.join("index"))?);
        let rules = category_rules.map_or_else(|| data_dir.join(CATEGORY_RULES_FILE), Path::to_path_buf);
        let analyzer = load_analyzer(&rules, category_rules.is_some())?;
        Ok(Pipeline::on(store, Some(index), Arc::new(analyzer)))
    }

    /// The embedded store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }
}

impl<S: ?Sized + ArticleStore> Pipeline<S> {
    /// A pipeline over `store` (shared with other processes or machines), with a search
    /// index only where this process keeps one (see [`sync_index`](Self::sync_index)).
    /// Nothing is read until first needed.
    pub fn on(store: Arc<S>, index: Option<Arc<SearchIndex>>, analyzer: Arc<Analyzer>) -> Pipeline<S> {
        Pipeline {
            store,
            index,
            analyzer,
            connector: Mutex::new(None),
            pending_index: Mutex::new(Vec::new()),
            pending_related: Mutex::new(Vec::new()),
            translation_target: None,
            watches: Mutex::new(None),
            people: Mutex::new(None),
            handoff: None,
        }
    }

    /// Hands stored articles to `handoff` instead of linking and indexing them here
    /// (the distributed mode's workers and crawlers).
    pub fn hand_off_to(&mut self, handoff: Box<dyn Handoff>) {
        self.handoff = Some(handoff);
    }

    /// Queues every article stored from now on whose language is not `language` for
    /// machine translation into it, and indexes translations into it with their articles.
    pub fn set_translation_target(&mut self, language: Option<&str>) {
        self.translation_target = language.map(str::to_owned);
    }

    /// The language articles are translated into, if any.
    pub fn translation_target(&self) -> Option<&str> {
        self.translation_target.as_deref()
    }

    /// Finishes what a crash (or an older version) left: articles without links,
    /// outside the search index, or without a related list. Costs nothing when nothing
    /// is left; reads only what is missing.
    pub fn recover(&self) -> Result<(), IngestError> {
        let index_lost = self.index.as_ref().is_some_and(|index| index.num_docs() == 0);
        if index_lost && self.store.count()? > 0 && self.store.unindexed(1)?.is_empty() {
            // The index folder was lost or replaced: rebuild it from the store.
            tracing::warn!(target: "polmon::pipeline", "search index empty: rebuilding it from the store");
            self.store.mark_all_unindexed()?;
        }
        self.sync_index()?;
        loop {
            let missing = self.store.without_related(1024)?;
            if missing.is_empty() {
                break;
            }
            tracing::info!(target: "polmon::pipeline", articles = missing.len(), "computing related lists");
            self.store_related(&missing)?;
        }
        Ok(())
    }

    /// The store, as the trait every backend implements.
    pub fn shared_store(&self) -> &Arc<S> {
        &self.store
    }

    /// The search index, if this process keeps one.
    pub fn index(&self) -> Option<&Arc<SearchIndex>> {
        self.index.as_ref()
    }

    /// The analyzer (shared with `polmon analyze`).
    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// Runs `f` on the connector, building it first if needed.
    fn with_connector<T>(&self, f: impl FnOnce(&mut Connector) -> T) -> Result<T, IngestError> {
        let mut guard = lock(&self.connector);
        if guard.is_none() {
            *guard = Some(self.build_connector()?);
        }
        Ok(f(guard.as_mut().expect("connector was just built")))
    }

    /// The connector over the open window: stored decisions replayed, and articles a
    /// crash left unlinked assigned now.
    fn build_connector(&self) -> Result<Connector, IngestError> {
        let started = std::time::Instant::now();
        let mut connector = Connector::new();
        let mut unlinked = Vec::new();
        // Articles in another language than the reader's (what the connector needs of them,
        // not their text or analysis): their translations are replayed after.
        let mut foreign: Vec<(Article, Vec<String>)> = Vec::new();
        let target = self.translation_target.as_deref();
        self.store.for_each_recent_article(CONNECTOR_WINDOW, &mut |a| {
            let entities = unique_entities(&a.analysis);
            let doc = connect_doc(&a, &entities);
            if a.links.story_id.is_some() {
                connector.restore(&doc, a.links);
            } else {
                unlinked.push((a.id, connector.assign(&doc)));
            }
            if target.is_some_and(|t| a.language.as_deref().is_some_and(|l| l != t)) {
                let (id, published, source) = (a.id, a.published, a.source);
                foreign.push((Article { id, published, source, ..Default::default() }, entities));
            }
            Ok(())
        })?;
        self.restore_translations(&mut connector, &foreign)?;
        let changes = connector.take_story_changes();
        for (id, links) in unlinked {
            self.store.set_links(id, links)?;
        }
        self.apply_story_changes(changes)?;
        tracing::debug!(target: "polmon::pipeline", articles = connector.len(), ms = started.elapsed().as_millis() as u64, "connector ready");
        Ok(connector)
    }

    /// Gives the connector the stored translations of `articles` (start-up replay: their
    /// links already say where the translations took them).
    fn restore_translations(&self, connector: &mut Connector, articles: &[(Article, Vec<String>)]) -> Result<(), IngestError> {
        let Some(target) = self.translation_target.as_deref() else { return Ok(()) };
        for chunk in articles.chunks(TRANSLATION_BATCH) {
            let ids: Vec<i64> = chunk.iter().map(|(a, _)| a.id).collect();
            let translations = self.store.translated_texts(&ids, target)?;
            for (a, entities) in chunk {
                if let Some((title, text)) = translations.get(&a.id) {
                    connector.restore_translation(&translated_doc(a, entities, title, text, target));
                }
            }
        }
        Ok(())
    }

    /// Links a stored article through its translation (`title`, `text`, in the
    /// pipeline's target language): an article no other coverage joined in its own
    /// language may join a story in the reader's (see
    /// [`Connector::add_translation`]). Its related list is recomputed at the next
    /// [`sync_index`](Self::sync_index).
    pub fn link_translation(&self, a: &Article, title: &str, text: &str) -> Result<(), IngestError> {
        let Some(target) = self.translation_target.as_deref() else { return Ok(()) };
        let entities = unique_entities(&a.analysis);
        let doc = translated_doc(a, &entities, title, text, target);
        let changes = self.with_connector(|c| {
            c.add_translation(&doc);
            c.take_story_changes()
        })?;
        self.apply_story_changes(changes)?;
        lock(&self.pending_related).push(a.id);
        Ok(())
    }

    /// A machine translation of `a` (`title`, `text`, in the pipeline's target language)
    /// was stored: the article is linked through it here, or handed to the hand-off
    /// (the distributed mode's connector links it; see [`link_stored_translation`](Self::link_stored_translation)).
    pub fn translation_stored(&self, a: &Article, title: &str, text: &str) -> Result<(), IngestError> {
        match &self.handoff {
            Some(handoff) => handoff.translated(a.id).map_err(IngestError::Handoff),
            None => self.link_translation(a, title, text),
        }
    }

    /// The distributed mode's connector step for a stored translation of article `id`:
    /// links the article (if a crash left it unlinked), then links it through its
    /// translation into the target language, if that translation is of the article's
    /// present text, and computes the related lists that changes. Nothing to do for an
    /// article gone, or without a translation.
    pub fn link_stored_translation(&self, id: i64) -> Result<(), IngestError> {
        let Some(target) = self.translation_target.clone() else { return Ok(()) };
        let Some(article) = self.stored_and_linked(id)? else { return Ok(()) };
        let Some(t) = retry_transient(|| self.store.translation(id, &target))? else { return Ok(()) };
        self.link_translation(&article, &t.title, &t.text)?;
        self.refresh_related()?;
        Ok(())
    }

    /// Relabels stored articles after the connector merged, split or regrouped stories.
    fn apply_story_changes(&self, changes: Vec<polmon_connect::StoryChange>) -> Result<(), IngestError> {
        for change in changes {
            match change {
                polmon_connect::StoryChange::Merged { from, into } => self.store.merge_story(from, into)?,
                polmon_connect::StoryChange::Moved { into, articles, .. } => self.store.move_to_story(&articles, into)?,
            }
        }
        Ok(())
    }

    /// Adds every stored article missing from the search index, commits, then computes
    /// the related lists of the articles stored since the last call. Waits (up to about
    /// a minute) for an index writer held by another process.
    pub fn sync_index(&self) -> Result<usize, IngestError> {
        let mut total = 0;
        while let Some(index) = &self.index {
            let batch = self.store.unindexed(INDEX_BATCH)?;
            if batch.is_empty() {
                break;
            }
            let ids: Vec<i64> = batch.iter().map(|a| a.id).collect();
            self.add_to_index(index, &batch)?;
            self.store.mark_indexed(&ids)?;
            total += ids.len();
        }
        lock(&self.pending_index).clear();
        // Let other processes (a server next to this ingest) take the writer between runs.
        if let Some(index) = &self.index {
            index.release_writer();
        }
        self.refresh_related()?;
        Ok(total)
    }

    /// Adds (or replaces) articles in `index` with their translations into the reader's
    /// language, and commits.
    fn add_to_index(&self, index: &SearchIndex, batch: &[Article]) -> Result<(), IngestError> {
        let ids: Vec<i64> = batch.iter().map(|a| a.id).collect();
        let translations = match &self.translation_target {
            Some(target) => self.store.translated_texts(&ids, target)?,
            None => Default::default(),
        };
        retry_locked(|| {
            for a in batch {
                let translated = translations.get(&a.id).map(|(title, text)| format!("{title}\n{text}"));
                index.add_translated(a, a.published.as_deref().and_then(parse_timestamp), translated.as_deref())?;
            }
            index.commit()
        })
    }

    /// A web node's step in the distributed mode: puts the stored versions of `ids` into
    /// this node's search index and commits; ids no longer stored are skipped. Leaves the
    /// store's `indexed` flags alone (there they mean "handed to the `index` queue",
    /// which every node follows). Returns how many were indexed; 0 without an index.
    pub fn index_ids(&self, ids: &[i64]) -> Result<usize, IngestError> {
        let Some(index) = &self.index else { return Ok(0) };
        let mut batch = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some(a) = retry_transient(|| self.store.article(id))? {
                batch.push(a);
            }
        }
        self.add_to_index(index, &batch)?;
        Ok(batch.len())
    }

    /// A web node whose index is empty (new, or its folder lost) fills it from the
    /// store, [`INDEX_BATCH`] articles per commit, in id order. Linear in the archive,
    /// once per node; returns how many were indexed (0 when the index has documents).
    pub fn fill_empty_index(&self) -> Result<usize, IngestError> {
        let Some(index) = &self.index else { return Ok(0) };
        if index.num_docs() > 0 {
            return Ok(0);
        }
        let Some(newest) = retry_transient(|| self.store.max_article_id())? else { return Ok(0) };
        let (mut after, mut total) = (0, 0);
        while after < newest {
            let upto = after.saturating_add(INDEX_BATCH as i64).min(newest);
            let ids: Vec<i64> = retry_transient(|| self.store.dated_ids(after, upto))?.into_iter().map(|(id, _)| id).collect();
            total += self.index_ids(&ids)?;
            after = upto;
        }
        Ok(total)
    }

    /// Computes and stores the related lists of the articles stored since the last
    /// call, and of the articles those lists name (a new article can belong in them).
    fn refresh_related(&self) -> Result<(), IngestError> {
        let ids = std::mem::take(&mut *lock(&self.pending_related));
        let mut done = std::collections::HashSet::new();
        let first: Vec<i64> = ids.into_iter().filter(|&id| done.insert(id)).collect();
        let neighbours = self.store_related(&first)?;
        let second: Vec<i64> = neighbours.into_iter().filter(|&id| done.insert(id)).collect();
        self.store_related(&second)?;
        Ok(())
    }

    /// Computes and stores the related lists of `ids` (those stored), in order; returns
    /// the ids the lists name. Reads what a list needs (headline, category, the original
    /// of a copy) for all of them at once, not whole articles.
    fn store_related(&self, ids: &[i64]) -> Result<Vec<i64>, IngestError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let summaries = self.store.summaries(ids)?;
        let links = self.store.links_of(ids)?;
        let mut named = Vec::new();
        for s in summaries {
            let duplicate_of = links.get(&s.id).and_then(|l| l.duplicate_of);
            let list = self.compute_related(s.id, &s.title, &s.category, duplicate_of, RELATED)?;
            self.store.set_related(s.id, &list)?;
            named.extend(list);
        }
        Ok(named)
    }

    /// Ingests files and folders, streaming: each item is stored as it is read. An input
    /// that cannot be read is reported and the rest still lands; a search index that
    /// cannot be written does not stop the run (the report says how many articles wait
    /// for it). `progress` is called after each file.
    pub fn ingest_paths(
        &self,
        paths: &[PathBuf],
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<IngestReport, IngestError> {
        let (files, failures) = inputs::expand(paths);
        let mut report = IngestReport { failed: failures, ..Default::default() };
        let mut index_error: Option<String> = None;
        for (i, file) in files.iter().enumerate() {
            let label = file.display().to_string();
            inputs::read_file(file, &mut |item| match item {
                Ok(item) => match self.ingest_item(item) {
                    Ok(done) => {
                        report.count(done.outcome);
                        if let Some(n) = done.truncated_from {
                            report.truncated.push((label.clone(), n));
                        }
                    }
                    Err(e) => report.failed.push(InputFailure { input: label.clone(), reason: e.to_string() }),
                },
                Err(f) => report.failed.push(f),
            });
            if index_error.is_none() && lock(&self.pending_index).len() >= INDEX_BATCH {
                if let Err(e) = self.sync_index() {
                    index_error = Some(e.to_string());
                }
            }
            progress(Progress { files_done: i + 1, files_total: files.len(), report: &report });
        }
        if index_error.is_none() {
            if let Err(e) = self.sync_index() {
                index_error = Some(e.to_string());
            }
        }
        if let Some(e) = index_error {
            let waiting = self.store.unindexed_count().unwrap_or(0);
            report.unindexed = Some((waiting, e));
        }
        Ok(report)
    }

    /// Runs one item through extract → enrich → store → connect; the search index gets
    /// it at the next batch commit (or [`sync_index`](Self::sync_index)). A busy
    /// database or a full disk is tried again a few times before the error is returned;
    /// [`IngestError::is_transient`] tells the caller whether to try again later.
    pub fn ingest_item(&self, item: InputItem) -> Result<Ingested, IngestError> {
        let (done, inserted) = self.store_item(item)?;
        if let Some(handoff) = &self.handoff {
            handoff.stored(done.outcome).map_err(IngestError::Handoff)?;
            return Ok(done);
        }
        if let Upsert::Unchanged(_) = done.outcome {
            return Ok(done);
        }
        if let Some(article) = inserted {
            self.link(&article)?;
        }
        lock(&self.pending_index).push(done.outcome.id());
        lock(&self.pending_related).push(done.outcome.id());
        Ok(done)
    }

    /// The first half of [`ingest_item`](Self::ingest_item): extract → enrich → store,
    /// with the watches' matches and the translation queue in the article's transaction.
    /// The article is neither linked nor indexed: in the distributed mode a worker does
    /// this and hands the id on (`connect` for a new article, `index` for an update).
    /// Returns the stored article too when it is new.
    pub fn store_item(&self, item: InputItem) -> Result<(Ingested, Option<Article>), IngestError> {
        let prepared = prepare(item, &self.analyzer, &|key| Ok(self.store.content_hash_of(key)?))?;
        let Prepared { key, mut article, truncated_from } = match prepared {
            Ok(p) => p,
            Err(id) => return Ok((Ingested { outcome: Upsert::Unchanged(id), truncated_from: None }, None)),
        };
        let day = polmon_store::trends::day_of(
            article.published.as_deref().and_then(parse_timestamp).unwrap_or_else(polmon_store::unix_now),
        );
        let newly_known = self.join_known_people(&mut article.analysis, day)?;
        let matcher = self.matcher()?;
        let matches = |_id: i64| -> Vec<NewMatch> {
            matcher
                .matches(&article)
                .into_iter()
                .map(|m| NewMatch {
                    watch_id: m.watch_id,
                    matched_json: serde_json::to_string(&m.matched).expect("matches serialise"),
                })
                .collect()
        };
        // Matches, their deliveries and the translation queue entry are written in the
        // article's transaction.
        let no_matches = |_id: i64| Vec::new();
        let matches: &dyn Fn(i64) -> Vec<NewMatch> = if matcher.is_empty() { &no_matches } else { &matches };
        let translate_to = self.translation_target.as_deref();
        let upsert = retry_transient(|| self.store.store_article(&key, &article, matches, translate_to))?;
        tracing::debug!(target: "polmon::ingest", id = upsert.id(), ?upsert, "stored");
        self.file_lone_surnames(&newly_known)?;
        let inserted = match upsert {
            Upsert::Inserted(id) => Some(Article { id, ..article }),
            _ => None,
        };
        Ok((Ingested { outcome: upsert, truncated_from }, inserted))
    }

    /// Gives a new stored article its near-duplicate original and story, and relabels
    /// the stories the connector changed on the way.
    fn link(&self, stored: &Article) -> Result<(), IngestError> {
        let entities = unique_entities(&stored.analysis);
        let doc = connect_doc(stored, &entities);
        let (links, changes) = self.with_connector(|c| {
            let links = c.assign(&doc);
            (links, c.take_story_changes())
        })?;
        retry_transient(|| self.store.set_links(stored.id, links))?;
        self.apply_story_changes(changes)
    }

    /// Builds the connector now if it is not built yet: the newest [`CONNECTOR_WINDOW`]
    /// articles' stored decisions replayed, and those a crash left unlinked linked.
    pub fn open_window(&self) -> Result<(), IngestError> {
        self.with_connector(|_| ())
    }

    /// The distributed mode's connector step for one stored article: links it unless it
    /// has a story already (a message delivered again after its commit changes nothing;
    /// a connector built now replays its window, which links what a crash left
    /// unlinked), then computes the related lists of the article and of the articles
    /// they name. An id that is not stored is nothing to do.
    pub fn link_stored(&self, id: i64) -> Result<(), IngestError> {
        if self.stored_and_linked(id)?.is_some() {
            lock(&self.pending_related).push(id);
            self.refresh_related()?;
        }
        Ok(())
    }

    /// The connector's steps' start: the window built if it is not yet, then stored
    /// article `id` read and linked unless it has a story already; `None` when it is
    /// not stored.
    fn stored_and_linked(&self, id: i64) -> Result<Option<Article>, IngestError> {
        self.open_window()?;
        let Some(article) = retry_transient(|| self.store.article(id))? else { return Ok(None) };
        if article.links.story_id.is_none() {
            self.link(&article)?;
        }
        Ok(Some(article))
    }

    /// Files people named by surname alone under the one person the store knows by that
    /// surname, gives quotes attributed to a role alone the person who held the role on
    /// `day`, and learns the people and roles the article names. Returns the full names
    /// their surname now stands for and did not before.
    fn join_known_people(&self, analysis: &mut polmon_model::Analysis, day: i64) -> Result<Vec<String>, IngestError> {
        let mut guard = lock(&self.people);
        if guard.is_none() {
            *guard = Some(retry_transient(|| KnownPeople::from_store(&*self.store))?);
        }
        let people = guard.as_mut().expect("built above");
        polmon_enrich::canonical::join_known_surnames(analysis, |s| people.full_name(s));
        people.resolve_role_speakers(analysis, day);
        Ok(people.learn_from(analysis, day))
    }

    /// Files the stored entity of each full name's lone surname ("Obama", from articles
    /// stored before the store knew whom it stands for) under the full name.
    fn file_lone_surnames(&self, full_names: &[String]) -> Result<(), IngestError> {
        for full in full_names {
            let Some(surname) = full.split_whitespace().next_back() else { continue };
            let moved = retry_transient(|| self.store.merge_entity("person", surname, full))?;
            if moved > 0 {
                tracing::info!(target: "polmon::ingest", surname, person = %full, articles = moved, "lone surname filed under the full name");
            }
        }
        Ok(())
    }

    /// The matcher of the stored watches, rebuilt when they changed (one small read per
    /// call). A stored watch that no longer validates is left out with a warning.
    pub fn matcher(&self) -> Result<Arc<Matcher>, IngestError> {
        let version = retry_transient(|| self.store.watches_version())?;
        let mut guard = lock(&self.watches);
        if let Some((v, m)) = guard.as_ref() {
            if *v == version {
                return Ok(Arc::clone(m));
            }
        }
        let watches = retry_transient(|| self.store.watches())?;
        let specs = watches.into_iter().filter_map(|w| match WatchSpec::from_stored(w.id, &w.spec_json) {
            Ok(spec) => Some((w.id, spec)),
            Err(e) => {
                tracing::warn!(target: "polmon::watch", watch = w.id, error = %e, "watch left out");
                None
            }
        });
        let matcher = Arc::new(Matcher::new(specs.collect::<Vec<_>>()).expect("specs were validated"));
        tracing::debug!(target: "polmon::watch", watches = matcher.len(), version, "matcher built");
        *guard = Some((version, Arc::clone(&matcher)));
        Ok(matcher)
    }

    /// Up to `n` articles related to article `id` (its headline `title`, its
    /// `category`, the original it copies if any): the connector's choice first, then
    /// search hits on the headline, then the newest of the same category. Never the
    /// article itself nor its near-duplicate copies.
    fn compute_related(
        &self,
        id: i64,
        title: &str,
        category: &str,
        duplicate_of: Option<i64>,
        n: usize,
    ) -> Result<Vec<i64>, IngestError> {
        let me = id;
        let mut out: Vec<i64> = self.with_connector(|c| c.related(me, n))?;
        out.retain(|&id| id != me);
        let exclude = |id: i64, out: &Vec<i64>| id == me || out.contains(&id) || Some(id) == duplicate_of;
        if out.len() < n {
            // The headline's words, not query syntax: a headline is not a query.
            let q = polmon_index::SearchQuery { text: polmon_index::plain_words(title), limit: n * 3, ..Default::default() };
            if let Some(Ok(hits)) = self.index.as_ref().map(|index| index.search_ids(&q)) {
                for hit in hits {
                    if out.len() >= n {
                        break;
                    }
                    if !exclude(hit.id, &out) {
                        out.push(hit.id);
                    }
                }
            }
        }
        if out.len() < n {
            let q = polmon_store::ListQuery { category: Some(category.to_owned()), limit: n * 3, ..Default::default() };
            let mut fill = self.store.list(&q).map(|(rows, _)| rows).unwrap_or_default();
            if fill.len() < n * 3 {
                let q = polmon_store::ListQuery { limit: n * 3, ..Default::default() };
                fill.extend(self.store.list(&q).map(|(rows, _)| rows).unwrap_or_default());
            }
            for s in fill {
                if out.len() >= n {
                    break;
                }
                if !exclude(s.id, &out) {
                    out.push(s.id);
                }
            }
        }
        out.truncate(n);
        Ok(out)
    }
}

/// Runs `f`, again after a pause while the store says the failure is transient.
fn retry_transient<T>(mut f: impl FnMut() -> Result<T, polmon_store::StoreError>) -> Result<T, IngestError> {
    let mut pause = Duration::from_millis(50);
    for attempt in 1.. {
        match f() {
            Err(e) if e.is_transient() && attempt < STORE_ATTEMPTS => {
                tracing::warn!(target: "polmon::ingest", error = %e, attempt, "store busy: trying again");
                std::thread::sleep(pause);
                pause *= 4;
            }
            other => return Ok(other?),
        }
    }
    unreachable!("the loop returns")
}

/// Runs `f`, again after a pause while the index writer is held by another process
/// (a concurrent `ingest` or a server's crawler), for about a minute in all.
fn retry_locked(mut f: impl FnMut() -> Result<(), polmon_index::IndexError>) -> Result<(), IngestError> {
    let mut waited = Duration::ZERO;
    let mut pause = Duration::from_millis(100);
    loop {
        match f() {
            Err(e) if e.is_lock_busy() && waited < Duration::from_secs(60) => {
                tracing::info!(target: "polmon::ingest", "search index in use by another process: waiting");
                std::thread::sleep(pause);
                waited += pause;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            other => return Ok(other?),
        }
    }
}

/// The file in the data folder that replaces the bundled topic category rules.
pub const CATEGORY_RULES_FILE: &str = "categories.rules";

/// The analyzer with the category rules of the file `category_rules`, or the bundled
/// rules: what a node of the distributed mode, which has no data folder, runs.
pub fn analyzer_with_rules(category_rules: Option<&Path>) -> Result<Analyzer, IngestError> {
    match category_rules {
        Some(path) => load_analyzer(path, true),
        None => Ok(Analyzer::new()),
    }
}

/// The analyzer, with the category rules in `path` when the file exists (it must when
/// `required`: the configuration named it).
fn load_analyzer(path: &Path, required: bool) -> Result<Analyzer, IngestError> {
    let path = path.to_path_buf();
    match std::fs::read_to_string(&path) {
        Ok(rules) => Analyzer::new()
            .with_category_rules(&rules)
            .map_err(|source| IngestError::Rules { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Analyzer::new()),
        Err(e) => Err(IngestError::Io { path, source: e }),
    }
}

fn unique_entities(analysis: &polmon_model::Analysis) -> Vec<String> {
    let mut names: Vec<String> = analysis.entities.iter().map(|e| e.canonical.clone()).collect();
    names.sort();
    names.dedup();
    names
}

/// The connector's view of an article's translation into `language`.
fn translated_doc<'a>(
    a: &'a Article,
    entities: &'a [String],
    title: &'a str,
    text: &'a str,
    language: &'a str,
) -> polmon_connect::Document<'a> {
    polmon_connect::Document { title, text, language: Some(language), ..connect_doc(a, entities) }
}

fn connect_doc<'a>(a: &'a Article, entities: &'a [String]) -> polmon_connect::Document<'a> {
    polmon_connect::Document {
        id: a.id,
        title: &a.title,
        text: &a.text,
        language: a.language.as_deref(),
        published: a.published.as_deref().and_then(parse_timestamp),
        source: a.source.as_deref(),
        entities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TextArticle;

    fn jsonl(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, lines.join("\n")).unwrap();
        p
    }

    #[test]
    fn ingest_is_idempotent_and_failures_do_not_stop_the_run() {
        let data = tempfile::tempdir().unwrap();
        let inputs = tempfile::tempdir().unwrap();
        let good = jsonl(inputs.path(), "a.jsonl", &[
            r#"{"id": "a1", "url": "https://news.example/a?utm_source=x", "title": "Budget adopted", "text": "The parliament adopted the budget.\n\nMinisters welcomed it.", "published": "2024-04-02T10:00:00Z", "language": "en"}"#,
            r#"{"id": "a2", "title": "Élection", "text": "Les électeurs ont voté dimanche.", "language": "fr"}"#,
        ]);
        let bad = jsonl(inputs.path(), "b.jsonl", &["{broken"]);
        std::fs::write(inputs.path().join("c.html"), "<html><body><h1>Page</h1><p>Une page en français avec du texte.</p></body></html>").unwrap();
        let p = Pipeline::open(data.path()).unwrap();
        let r = p.ingest_paths(&[good.clone(), bad, inputs.path().join("c.html")], &mut |_| {}).unwrap();
        assert_eq!((r.new, r.updated, r.skipped), (3, 0, 0));
        assert_eq!(r.failed.len(), 1);
        assert!(r.failed[0].input.ends_with("b.jsonl:1"));
        assert_eq!(p.index().unwrap().num_docs(), 3);
        let again = p.ingest_paths(&[good], &mut |_| {}).unwrap();
        assert_eq!((again.new, again.skipped), (0, 2));
        drop(p);
        let p = Pipeline::open(data.path()).unwrap();
        assert_eq!(p.store().count().unwrap(), 3);
        let a = p.store().article(1).unwrap().unwrap();
        assert_eq!(a.external_id.as_deref(), Some("a1"));
        assert_eq!(a.canonical_url.as_deref(), Some("https://news.example/a"));
        assert_eq!(a.source.as_deref(), Some("news.example"));
        assert!(a.links.story_id.is_some());
        let related = p.store().related(a.id).unwrap().unwrap();
        assert_eq!(related.len(), 2);
        assert!(!related.contains(&a.id));
    }

    #[test]
    fn a_changed_title_at_the_same_url_updates() {
        let data = tempfile::tempdir().unwrap();
        let p = Pipeline::open(data.path()).unwrap();
        let item = |title: &str| {
            InputItem::Text(TextArticle {
                url: Some("https://x.org/a".into()),
                title: Some(title.into()),
                text: "Body text of the article.".into(),
                ..Default::default()
            })
        };
        let first = p.ingest_item(item("One")).unwrap().outcome;
        let Upsert::Inserted(id) = first else { panic!("{first:?}") };
        assert_eq!(p.ingest_item(item("Two")).unwrap().outcome, Upsert::Updated(id));
        p.sync_index().unwrap();
        assert_eq!(p.index().unwrap().num_docs(), 1);
    }

    /// Records what it is handed: stored outcomes, and translated articles (negated ids).
    struct Recorder(Arc<Mutex<Vec<Upsert>>>);

    impl Handoff for Recorder {
        fn stored(&self, outcome: Upsert) -> Result<(), String> {
            lock(&self.0).push(outcome);
            Ok(())
        }

        fn translated(&self, id: i64) -> Result<(), String> {
            lock(&self.0).push(Upsert::Unchanged(-id));
            Ok(())
        }
    }

    #[test]
    fn a_stored_translation_is_handed_off_and_linked_by_the_connector_step() {
        let data = tempfile::tempdir().unwrap();
        let store: Arc<dyn ArticleStore> = Arc::new(Store::open(data.path()).unwrap());
        let handed = Arc::new(Mutex::new(Vec::new()));
        let mut worker = Pipeline::on(Arc::clone(&store), None, Arc::new(Analyzer::new()));
        worker.set_translation_target(Some("en"));
        worker.hand_off_to(Box::new(Recorder(Arc::clone(&handed))));
        let item = InputItem::Text(TextArticle {
            url: Some("https://x.fr/a".into()),
            title: Some("Le budget".into()),
            text: "Le ministre a présenté le budget au Parlement mardi. Les députés en débattront.".into(),
            language: Some("fr".into()),
            ..Default::default()
        });
        let id = worker.ingest_item(item).unwrap().outcome.id();
        let a = store.article(id).unwrap().unwrap();
        let mut connector = Pipeline::on(Arc::clone(&store), None, Arc::new(Analyzer::new()));
        connector.set_translation_target(Some("en"));
        // No translation yet: the connector's step has nothing to link through.
        connector.link_stored_translation(id).unwrap();
        assert_eq!(store.article(id).unwrap().unwrap().links.story_id, Some(id), "linked first");
        let t = polmon_store::translation_now("en", "The budget".into(), "The minister presented the budget.".into(), "test", vec![]);
        assert!(store.put_translation(id, &store.content_hash(id).unwrap().unwrap(), &t).unwrap());
        worker.translation_stored(&a, &t.title, &t.text).unwrap();
        assert_eq!(*lock(&handed), vec![Upsert::Inserted(id), Upsert::Unchanged(-id)], "handed off, not linked here");
        connector.link_stored_translation(id).unwrap();
        assert_eq!(store.article(id).unwrap().unwrap().links.story_id, Some(id));
        assert!(store.related(id).unwrap().is_some());
    }

    #[test]
    fn a_pipeline_that_hands_off_stores_without_linking_and_the_connector_step_links() {
        let data = tempfile::tempdir().unwrap();
        let store: Arc<dyn ArticleStore> = Arc::new(Store::open(data.path()).unwrap());
        let handed = Arc::new(Mutex::new(Vec::new()));
        let mut worker = Pipeline::on(Arc::clone(&store), None, Arc::new(Analyzer::new()));
        worker.hand_off_to(Box::new(Recorder(Arc::clone(&handed))));
        let item = |title: &str| {
            InputItem::Text(TextArticle {
                url: Some("https://x.org/a".into()),
                title: Some(title.into()),
                text: "The minister presented the budget to parliament on Tuesday.".into(),
                ..Default::default()
            })
        };
        let id = worker.ingest_item(item("Budget")).unwrap().outcome.id();
        worker.ingest_item(item("Budget")).unwrap();
        worker.ingest_item(item("Budget, amended")).unwrap();
        assert_eq!(*lock(&handed), vec![Upsert::Inserted(id), Upsert::Unchanged(id), Upsert::Updated(id)]);
        assert_eq!(store.article(id).unwrap().unwrap().links.story_id, None, "a worker does not link");
        // The connector's step links it, once.
        let connector = Pipeline::on(Arc::clone(&store), None, Arc::new(Analyzer::new()));
        connector.link_stored(id).unwrap();
        let links = store.article(id).unwrap().unwrap().links;
        assert_eq!(links.story_id, Some(id));
        connector.link_stored(id).unwrap();
        assert_eq!(store.article(id).unwrap().unwrap().links, links);
        assert!(store.related(id).unwrap().is_some(), "its related list is computed");
    }

    #[test]
    fn an_undated_text_takes_the_date_of_its_dateline() {
        let data = tempfile::tempdir().unwrap();
        let p = Pipeline::open(data.path()).unwrap();
        let item = |url: &str, text: &str| {
            InputItem::Text(TextArticle {
                url: Some(url.into()),
                title: Some("Budget".into()),
                text: text.into(),
                ..Default::default()
            })
        };
        let dated = p.ingest_item(item("https://x.org/a", "Mardi 2 avril 2024\n\nLe gouvernement a présenté son budget.")).unwrap();
        let a = p.store().article(dated.outcome.id()).unwrap().unwrap();
        assert_eq!(a.published.as_deref(), Some("2024-04-02"));
        // A date inside the body is an event, not the publication: left undated.
        let undated = p.ingest_item(item("https://x.org/b", "Le traité du 12 mars 2019 a été dénoncé par le gouvernement.")).unwrap();
        assert_eq!(p.store().article(undated.outcome.id()).unwrap().unwrap().published, None);
    }

    #[test]
    fn a_lost_index_is_rebuilt_from_the_store() {
        let data = tempfile::tempdir().unwrap();
        {
            let p = Pipeline::open(data.path()).unwrap();
            p.ingest_item(InputItem::Text(TextArticle { title: Some("T".into()), text: "Body".into(), ..Default::default() })).unwrap();
            p.sync_index().unwrap();
        }
        std::fs::remove_dir_all(data.path().join("index")).unwrap();
        let p = Pipeline::open(data.path()).unwrap();
        p.recover().unwrap();
        assert_eq!(p.index().unwrap().num_docs(), 1);
    }

    #[test]
    fn the_connector_replays_only_its_window() {
        let data = tempfile::tempdir().unwrap();
        let p = Pipeline::open(data.path()).unwrap();
        for i in 0..5 {
            let text = format!("Article number {i} about the regional council and its budget debate.");
            p.ingest_item(InputItem::Text(TextArticle { title: Some(format!("T{i}")), text, ..Default::default() })).unwrap();
        }
        p.sync_index().unwrap();
        drop(p);
        let p = Pipeline::open(data.path()).unwrap();
        assert!(lock(&p.connector).is_none(), "opening replays nothing");
        let n = p.with_connector(|c| c.len()).unwrap();
        assert_eq!(n, 5.min(CONNECTOR_WINDOW));
    }

    #[test]
    fn regression_a_second_ingest_waits_for_the_index_writer() {
        let data = tempfile::tempdir().unwrap();
        let first = Pipeline::open(data.path()).unwrap();
        let second = Pipeline::open(data.path()).unwrap();
        let item = |t: &str| InputItem::Text(TextArticle { title: Some(t.into()), text: format!("{t} body text."), ..Default::default() });
        first.ingest_item(item("One")).unwrap();
        // The first holds the writer (as a concurrent ingest would) for a moment.
        first.index.as_ref().unwrap().add(&first.store.article(1).unwrap().unwrap(), None).unwrap();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            first.index.as_ref().unwrap().commit().unwrap();
            first.index.as_ref().unwrap().release_writer();
            first
        });
        second.ingest_item(item("Two")).unwrap();
        second.sync_index().expect("waits for the writer instead of failing");
        holder.join().unwrap();
        assert_eq!(second.store.unindexed_count().unwrap(), 0);
    }

    #[test]
    fn a_translation_links_a_french_article_to_the_english_story_and_survives_a_restart() {
        let data = tempfile::tempdir().unwrap();
        let open = || {
            let mut p = Pipeline::open(data.path()).unwrap();
            p.set_translation_target(Some("en"));
            p
        };
        let p = open();
        let item = |id: &str, title: &str, text: &str, lang: &str| {
            InputItem::Text(TextArticle {
                id: Some(id.into()),
                title: Some(title.into()),
                text: text.into(),
                language: Some(lang.into()),
                published: Some("2024-04-02T10:00:00Z".into()),
                source: Some(format!("{id}.example")),
                ..Default::default()
            })
        };
        let en1 = "The German parliament approved the federal budget on Friday after a marathon debate, with \
            the finance minister defending spending cuts and a return to the debt brake. The opposition voted against the budget.";
        let en2 = "Lawmakers passed the federal budget on Friday. The finance minister said spending cuts and the debt \
            brake would restore trust; the opposition rejected the budget after the marathon debate.";
        let fr = "Les députés allemands ont voté vendredi la loi de finances fédérale après un long débat. Le ministre \
            des Finances a défendu des économies et le retour du frein à l'endettement ; l'opposition a voté contre.";
        let fr_in_en = "The German deputies voted on Friday the federal budget law after a long debate. The finance minister \
            defended spending cuts and the return of the debt brake; the opposition voted against the budget.";
        for (id, title, text, lang) in [("a", "Budget approved", en1, "en"), ("b", "Budget passed", en2, "en"), ("c", "Loi de finances votée", fr, "fr")] {
            p.ingest_item(item(id, title, text, lang)).unwrap();
        }
        p.sync_index().unwrap();
        let story = |p: &Pipeline, id: i64| p.store().article(id).unwrap().unwrap().links.story_id;
        assert_eq!(story(&p, 2), story(&p, 1));
        assert_eq!(story(&p, 3), Some(3), "alone in its own language");
        assert_eq!(p.store().due_translations("en", i64::MAX, 10).unwrap().len(), 1, "queued for translation");

        let french = p.store().article(3).unwrap().unwrap();
        let hash = p.store().content_hash(3).unwrap().unwrap();
        let t = polmon_store::translation_now("en", "Budget law voted".into(), fr_in_en.into(), "test", vec!["fr".into(), "en".into()]);
        assert!(p.store().put_translation(3, &hash, &t).unwrap());
        p.link_translation(&french, &t.title, &t.text).unwrap();
        p.sync_index().unwrap();
        assert_eq!(story(&p, 3), story(&p, 1), "its translation joined the English story");
        assert!(p.store().related(1).unwrap().unwrap().contains(&3));
        drop(p);

        // A restart replays the stored links and translations: the next English article
        // on the story finds the French one through its translation.
        let p = open();
        let en3 = "The federal budget law was voted by the German deputies on Friday; the finance minister defended the \
            debt brake and the opposition voted against the budget law.";
        p.ingest_item(item("d", "Budget law voted", en3, "en")).unwrap();
        p.sync_index().unwrap();
        assert_eq!(story(&p, 4), story(&p, 1));
        assert!(p.store().related(4).unwrap().unwrap().contains(&3), "{:?}", p.store().related(4).unwrap());
    }

    #[test]
    fn a_surname_alone_is_filed_under_the_person_the_store_knows() {
        let data = tempfile::tempdir().unwrap();
        let item = |id: &str, text: &str| {
            InputItem::Text(TextArticle { id: Some(id.into()), title: Some(format!("News {id}")), text: text.into(), language: Some("en".into()), ..Default::default() })
        };
        let persons = |p: &Pipeline, id: i64| -> Vec<String> {
            let a = p.store().article(id).unwrap().unwrap();
            a.analysis.entities.iter().filter(|m| m.entity_type == polmon_model::EntityType::Person).map(|m| m.canonical.clone()).collect()
        };
        let p = Pipeline::open(data.path()).unwrap();
        p.ingest_item(item("a", "President Barack Obama met Prime Minister Justin Trudeau in Ottawa on Monday.")).unwrap();
        p.ingest_item(item("a2", "Barack Obama flew back to Washington after the summit with Justin Trudeau.")).unwrap();
        drop(p);
        // Another process, later: the map is built from the store.
        let p = Pipeline::open(data.path()).unwrap();
        p.ingest_item(item("b", "On Tuesday, Obama said the talks with Canada had gone well.")).unwrap();
        assert!(persons(&p, 3).iter().any(|n| n == "Barack Obama"), "{:?}", persons(&p, 3));
        // Two people known by one surname: a lone surname stays as written.
        p.ingest_item(item("c", "Senator Hillary Clinton and former president Bill Clinton arrived in Ottawa.")).unwrap();
        p.ingest_item(item("d", "Clinton said on Wednesday that she would not run.")).unwrap();
        let lone = persons(&p, 5);
        assert!(!lone.is_empty() && !lone.iter().any(|n| n.contains(' ')), "{lone:?}");
    }

    #[test]
    fn a_surname_stored_before_the_full_name_was_known_is_filed_under_it_later() {
        let data = tempfile::tempdir().unwrap();
        let item = |id: &str, text: &str| {
            InputItem::Text(TextArticle { id: Some(id.into()), title: Some(format!("News {id}")), text: text.into(), language: Some("en".into()), ..Default::default() })
        };
        let people = |p: &Pipeline| -> Vec<String> {
            p.store().top_entities(Some("person"), 50).unwrap().into_iter().map(|e| e.canonical).collect()
        };
        let p = Pipeline::open(data.path()).unwrap();
        p.ingest_item(item("a", "On Tuesday, Trudeau said the talks with the United States had gone well.")).unwrap();
        assert!(people(&p).contains(&"Trudeau".to_string()), "nobody is known by that surname yet: {:?}", people(&p));
        p.ingest_item(item("b", "Prime Minister Justin Trudeau met the premiers in Ottawa on Monday.")).unwrap();
        assert!(people(&p).contains(&"Trudeau".to_string()), "one article is not enough: {:?}", people(&p));
        p.ingest_item(item("c", "Justin Trudeau flew to Toronto after the meeting with the premiers.")).unwrap();
        let now = people(&p);
        assert!(!now.contains(&"Trudeau".to_string()) && now.contains(&"Justin Trudeau".to_string()), "{now:?}");
        let e = p.store().top_entities(Some("person"), 50).unwrap().into_iter().find(|e| e.canonical == "Justin Trudeau").unwrap();
        assert_eq!(e.articles, 3, "the first article is the full name's too");
        assert_eq!(p.store().aggregate_mismatches().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_quote_given_to_a_role_goes_to_the_person_earlier_articles_gave_it() {
        let data = tempfile::tempdir().unwrap();
        let item = |id: &str, text: &str, published: &str| {
            InputItem::Text(TextArticle {
                id: Some(id.into()),
                title: Some(format!("Défense {id}")),
                text: text.into(),
                language: Some("fr".into()),
                published: Some(published.into()),
                ..Default::default()
            })
        };
        let p = Pipeline::open(data.path()).unwrap();
        p.ingest_item(item("a", "Le ministre des Armées, Sébastien Lecornu, a annoncé mardi une hausse du budget de la défense.", "2024-03-05T10:00:00Z")).unwrap();
        p.ingest_item(item("b", "Le ministre des Armées, Sébastien Lecornu, s'est rendu jeudi à Toulon.", "2024-03-07T10:00:00Z")).unwrap();
        drop(p);
        // Another process, later: what the store knows of the role is read back.
        let p = Pipeline::open(data.path()).unwrap();
        p.ingest_item(item("c", "« Nous allons livrer des canons », a déclaré le ministre des Armées mardi à Paris.", "2024-03-12T10:00:00Z")).unwrap();
        let a = p.store().article(3).unwrap().unwrap();
        let q = &a.analysis.quotes[0];
        assert_eq!(q.speaker_canonical.as_deref(), Some("Sébastien Lecornu"), "{q:?}");
        let m = a.analysis.entities.iter().find(|m| m.canonical == "Sébastien Lecornu").expect("a mention of the person");
        assert_eq!(m.role.as_deref(), Some("ministre des Armées"));
        let stored = p.store().quotes(None, Some(3), 10).unwrap();
        assert!(stored[0].entity_id.is_some(), "the stored quote points at the person: {stored:?}");
        // Years later the role is someone else's to give: nobody is guessed.
        p.ingest_item(item("d", "« Rien ne change », a déclaré le ministre des Armées jeudi.", "2026-03-12T10:00:00Z")).unwrap();
        assert_eq!(p.store().article(4).unwrap().unwrap().analysis.quotes[0].speaker_canonical, None);
    }
}
