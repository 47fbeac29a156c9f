//! The stages in order, for one item and for many.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use polmon_connect::Connector;
use polmon_enrich::Analyzer;
use polmon_index::SearchIndex;
use polmon_model::{Article, Block};
use polmon_store::{parse_timestamp, NewArticle, Store, Upsert};

use crate::inputs::{self, InputFailure, InputItem, TextArticle};
use crate::{blocks_from_text, content_hash, normalize_url, PipelineError};

/// How many stored articles go into the search index per commit.
const INDEX_BATCH: usize = 256;

/// What ingesting one item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stored as a new article.
    New(i64),
    /// An article with the same key was updated.
    Updated(i64),
    /// An identical article was already stored.
    Skipped(i64),
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
    /// Inputs that could not be read or held no article, with the reason.
    pub failed: Vec<InputFailure>,
}

impl IngestReport {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::New(_) => self.new += 1,
            Outcome::Updated(_) => self.updated += 1,
            Outcome::Skipped(_) => self.skipped += 1,
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

/// The pipeline over one data folder.
pub struct Pipeline {
    store: Arc<Store>,
    index: Arc<SearchIndex>,
    analyzer: Arc<Analyzer>,
    connector: Arc<Mutex<Connector>>,
    pending_index: Mutex<Vec<i64>>,
    /// Related ids already computed, per article and box size; emptied whenever an article
    /// is stored, since a new article can change any box.
    related_cache: Mutex<std::collections::HashMap<(i64, usize), Vec<i64>>>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").field("store", &self.store).finish_non_exhaustive()
    }
}

impl Pipeline {
    /// Opens the data folder: the store (migrating it), the search index, the analyzer,
    /// and the connector rebuilt from the stored articles. Articles a crash left without
    /// links or outside the index are finished here.
    pub fn open(data_dir: &Path) -> Result<Pipeline, PipelineError> {
        let store = Arc::new(Store::open(data_dir)?);
        let index = Arc::new(SearchIndex::open(&data_dir.join("index"))?);
        if index.num_docs() == 0 && store.count()? > 0 && store.unindexed(1)?.is_empty() {
            // The index folder was lost or replaced: rebuild it from the store.
            store.mark_all_unindexed()?;
        }
        let analyzer = load_analyzer(data_dir)?;
        let pipeline = Pipeline {
            store,
            index,
            analyzer: Arc::new(analyzer),
            connector: Arc::new(Mutex::new(Connector::new())),
            pending_index: Mutex::new(Vec::new()),
            related_cache: Mutex::new(std::collections::HashMap::new()),
        };
        pipeline.replay_connector()?;
        if let Err(e) = pipeline.sync_index() {
            // Another process (an ingest next to a running server) holds the index
            // writer; it will index what is missing.
            tracing::warn!(target: "polmon::pipeline", error = %e, "search index not synchronised at start");
        }
        Ok(pipeline)
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The search index.
    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// The analyzer (shared with `polmon analyze`).
    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// The connector, holding every stored article's signature.
    pub fn connector(&self) -> &Arc<Mutex<Connector>> {
        &self.connector
    }

    fn replay_connector(&self) -> Result<(), PipelineError> {
        let mut connector = self.connector.lock().unwrap_or_else(|e| e.into_inner());
        let mut unlinked = Vec::new();
        self.store.for_each_article(|a| {
            let entities = entity_names(&a);
            let doc = connect_doc(&a, &entities);
            if a.links.story_id.is_some() {
                connector.restore(&doc, a.links);
            } else {
                unlinked.push((a.id, connector.assign(&doc)));
            }
            Ok(())
        })?;
        let changes = connector.take_story_changes();
        drop(connector);
        for (id, links) in unlinked {
            self.store.set_links(id, links)?;
        }
        self.apply_story_changes(changes)?;
        Ok(())
    }

    /// Relabels stored articles after the connector merged, split or regrouped stories.
    fn apply_story_changes(&self, changes: Vec<polmon_connect::StoryChange>) -> Result<(), PipelineError> {
        for change in changes {
            match change {
                polmon_connect::StoryChange::Merged { from, into } => self.store.merge_story(from, into)?,
                polmon_connect::StoryChange::Moved { into, articles, .. } => self.store.move_to_story(&articles, into)?,
            }
        }
        Ok(())
    }

    /// Adds every stored article missing from the search index, then commits.
    pub fn sync_index(&self) -> Result<usize, PipelineError> {
        let mut total = 0;
        loop {
            let batch = self.store.unindexed(INDEX_BATCH)?;
            if batch.is_empty() {
                break;
            }
            for a in &batch {
                self.index.add(a, a.published.as_deref().and_then(parse_timestamp))?;
            }
            self.index.commit()?;
            let ids: Vec<i64> = batch.iter().map(|a| a.id).collect();
            self.store.mark_indexed(&ids)?;
            total += ids.len();
        }
        self.pending_index.lock().unwrap_or_else(|e| e.into_inner()).clear();
        // Let other processes (a server next to this ingest) take the writer between batches.
        self.index.release_writer();
        Ok(total)
    }

    /// Ingests files and folders; an input that cannot be read is reported and the
    /// rest still lands. `progress` is called after each file.
    pub fn ingest_paths(
        &self,
        paths: &[PathBuf],
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<IngestReport, PipelineError> {
        let (files, failures) = inputs::expand(paths);
        let mut report = IngestReport { failed: failures, ..Default::default() };
        for (i, file) in files.iter().enumerate() {
            let mut items = Vec::new();
            inputs::read_file(file, &mut |r| items.push(r));
            for item in items {
                match item {
                    Ok(item) => {
                        let label = file.display().to_string();
                        match self.ingest_item(item) {
                            Ok(outcome) => report.count(outcome),
                            Err(reason) => report.failed.push(InputFailure { input: label, reason }),
                        }
                    }
                    Err(f) => report.failed.push(f),
                }
            }
            self.flush_index_if_due()?;
            progress(Progress { files_done: i + 1, files_total: files.len(), report: &report });
        }
        self.sync_index()?;
        Ok(report)
    }

    /// Runs one item through extract → enrich → store → connect; the search index gets
    /// it at the next batch commit (or [`sync_index`](Self::sync_index)).
    pub fn ingest_item(&self, item: InputItem) -> Result<Outcome, String> {
        let new = self.prepare(item)?;
        let upsert = self.store.upsert_article(&new).map_err(|e| e.to_string())?;
        tracing::debug!(target: "polmon::ingest", id = upsert.id(), ?upsert, "stored");
        if !matches!(upsert, Upsert::Unchanged(_)) {
            self.related_cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        let outcome = match upsert {
            Upsert::Inserted(id) => Outcome::New(id),
            Upsert::Updated(id) => Outcome::Updated(id),
            Upsert::Unchanged(id) => return Ok(Outcome::Skipped(id)),
        };
        if let Outcome::New(id) = outcome {
            let entities: Vec<String> = unique_entities(&new.analysis);
            let published = new.published.as_deref().and_then(parse_timestamp);
            let doc = polmon_connect::Document {
                id,
                title: &new.title,
                text: &new.text,
                language: new.language.as_deref(),
                published,
                source: new.source.as_deref(),
                entities: &entities,
            };
            let (links, changes) = {
                let mut connector = self.connector.lock().unwrap_or_else(|e| e.into_inner());
                let links = connector.assign(&doc);
                (links, connector.take_story_changes())
            };
            self.store.set_links(id, links).map_err(|e| e.to_string())?;
            self.apply_story_changes(changes).map_err(|e| e.to_string())?;
        }
        let id = match outcome {
            Outcome::New(id) | Outcome::Updated(id) | Outcome::Skipped(id) => id,
        };
        self.pending_index.lock().unwrap_or_else(|e| e.into_inner()).push(id);
        Ok(outcome)
    }

    /// Up to `n` articles related to `a`, for the article page's box and for export: the
    /// connector's choice first, then search hits on the headline, then the newest of the
    /// same category. Never `a` itself nor its near-duplicate copies.
    pub fn related(&self, a: &Article, n: usize) -> Vec<i64> {
        if let Some(hit) = self.related_cache.lock().unwrap_or_else(|e| e.into_inner()).get(&(a.id, n)) {
            return hit.clone();
        }
        let out = self.compute_related(a, n);
        let mut cache = self.related_cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 100_000 {
            cache.clear();
        }
        cache.insert((a.id, n), out.clone());
        out
    }

    fn compute_related(&self, a: &Article, n: usize) -> Vec<i64> {
        let mut out: Vec<i64> = self.connector.lock().unwrap_or_else(|e| e.into_inner()).related(a.id, n);
        out.retain(|&id| id != a.id);
        let exclude = |id: i64, out: &Vec<i64>| id == a.id || out.contains(&id) || Some(id) == a.links.duplicate_of;
        if out.len() < n {
            let q = polmon_index::SearchQuery { text: a.title.clone(), limit: n * 3, ..Default::default() };
            if let Ok(results) = self.index.search(&q) {
                for hit in results.hits {
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
            let q = polmon_store::ListQuery { category: Some(a.category.clone()), limit: n * 3, ..Default::default() };
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
        out
    }

    fn flush_index_if_due(&self) -> Result<(), PipelineError> {
        let due = self.pending_index.lock().unwrap_or_else(|e| e.into_inner()).len() >= INDEX_BATCH;
        if due {
            self.sync_index()?;
        }
        Ok(())
    }

    /// Turns an input item into a storable article: extraction (for pages), enrichment,
    /// category, dedup key. An article already stored with the same content comes back
    /// with only its key, hash and title filled: enrichment is skipped, and the store
    /// reports it unchanged.
    pub fn prepare(&self, item: InputItem) -> Result<NewArticle, String> {
        let (mut text_article, blocks, extracted_extra) = match item {
            InputItem::Text(a) => {
                let blocks = blocks_from_text(&a.text);
                (a, blocks, None)
            }
            InputItem::Html { bytes, url, content_type, source, published } => {
                let opts = polmon_extract::Options { url: url.clone(), content_type };
                let x = polmon_extract::extract(&bytes, &opts).map_err(|e| format!("extraction failed: {e}"))?;
                let text = if x.text.is_empty() { ExtractedText::join(&x.blocks) } else { x.text.clone() };
                let a = TextArticle {
                    id: None,
                    url: x.url.clone().or(url),
                    title: x.title.clone(),
                    text,
                    published: x.published.clone().or(published),
                    language: x.language.clone(),
                    source: source.or_else(|| x.site.clone()),
                    author: x.author.clone(),
                    category: None,
                };
                (a, x.blocks.clone(), Some((x.canonical_url, x.original_source)))
            }
        };
        let (canonical_url, original_source) = extracted_extra.unwrap_or((None, None));
        if text_article.text.trim().is_empty() {
            return Err("no article text found".into());
        }
        let title = text_article
            .title
            .take()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| first_words(&text_article.text, 12));
        let url = text_article.url.clone().filter(|u| !u.trim().is_empty());
        let canonical = canonical_url.as_deref().or(url.as_deref()).and_then(normalize_url);
        let hash = content_hash(&title, &text_article.text);
        let dedup_key = match &canonical {
            Some(c) => format!("url:{c}"),
            None => format!("hash:{hash}"),
        };
        // An identical stored article needs no enrichment: the store will skip it.
        if let Ok(Some((_, stored_hash))) = self.store.content_hash_of(&dedup_key) {
            if stored_hash == hash {
                return Ok(NewArticle { dedup_key, content_hash: hash, title, ..Default::default() });
            }
        }
        let analysis = self.analyzer.analyze(&polmon_enrich::Document {
            title: Some(&title),
            text: &text_article.text,
            lang_hint: text_article.language.as_deref(),
        });
        let language = text_article
            .language
            .clone()
            .or_else(|| analysis.language.as_ref().map(|l| l.code.clone()));
        let category = text_article
            .category
            .clone()
            .or_else(|| analysis.categories.first().map(|c| c.name.clone()))
            .unwrap_or_else(|| "general".into());
        let source = text_article
            .source
            .clone()
            .or_else(|| url.as_deref().and_then(host_of));
        let published = text_article.published.clone().filter(|p| parse_timestamp(p).is_some());
        Ok(NewArticle {
            dedup_key,
            external_id: text_article.id.clone(),
            url,
            canonical_url: canonical,
            title,
            author: text_article.author.clone(),
            published,
            language,
            source,
            original_source,
            category,
            text: text_article.text.clone(),
            blocks,
            analysis,
            content_hash: hash,
        })
    }
}

/// The file in the data folder that replaces the bundled topic category rules.
pub const CATEGORY_RULES_FILE: &str = "categories.rules";

/// The analyzer, with the data folder's own category rules if it has a
/// [`CATEGORY_RULES_FILE`].
fn load_analyzer(data_dir: &Path) -> Result<Analyzer, PipelineError> {
    let path = data_dir.join(CATEGORY_RULES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(rules) => Analyzer::new()
            .with_category_rules(&rules)
            .map_err(|source| PipelineError::Rules { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Analyzer::new()),
        Err(e) => Err(PipelineError::Io { path, source: e }),
    }
}

struct ExtractedText;

impl ExtractedText {
    fn join(blocks: &[Block]) -> String {
        polmon_model::ExtractedArticle::text_from_blocks(blocks)
    }
}

fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(n + 1).collect();
    if words.len() > n {
        format!("{}…", words[..n].join(" "))
    } else {
        words.join(" ")
    }
}

fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?;
    Some(host.strip_prefix("www.").unwrap_or(host).to_string())
}

fn unique_entities(analysis: &polmon_model::Analysis) -> Vec<String> {
    let mut names: Vec<String> = analysis.entities.iter().map(|e| e.canonical.clone()).collect();
    names.sort();
    names.dedup();
    names
}

fn entity_names(a: &Article) -> Vec<String> {
    unique_entities(&a.analysis)
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
        assert_eq!(p.index().num_docs(), 3);
        let again = p.ingest_paths(&[good], &mut |_| {}).unwrap();
        assert_eq!((again.new, again.skipped), (0, 2));
        drop(p);
        // Reopening replays links and keeps everything.
        let p = Pipeline::open(data.path()).unwrap();
        assert_eq!(p.store().count().unwrap(), 3);
        let a = p.store().article(1).unwrap().unwrap();
        assert_eq!(a.external_id.as_deref(), Some("a1"));
        assert_eq!(a.canonical_url.as_deref(), Some("https://news.example/a"));
        assert_eq!(a.source.as_deref(), Some("news.example"));
        assert!(a.links.story_id.is_some());
        let related = p.related(&a, 4);
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
        let first = p.ingest_item(item("One")).unwrap();
        let Outcome::New(id) = first else { panic!("{first:?}") };
        assert_eq!(p.ingest_item(item("Two")).unwrap(), Outcome::Updated(id));
        p.sync_index().unwrap();
        assert_eq!(p.index().num_docs(), 1);
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
        assert_eq!(p.index().num_docs(), 1);
    }
}
