//! Full-text search over stored articles, on tantivy.
//!
//! This crate owns the index schema (in the `index/` subfolder of the data folder), the
//! writer that adds, replaces and commits articles, and the search that combines a free-text
//! query with filters (language, source, category, date range) and returns highlighted
//! snippets. It does not own the articles: SQLite does (`polmon-store`), and the index can
//! always be rebuilt from it.
#![deny(missing_docs)]

mod exclusion;

use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use polmon_model::Article;
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream};
use tantivy::{doc, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, TERMINATED};

/// The name of the tokenizer: words, lowercased, accents folded ("Séjourné" finds "sejourne").
const TOKENIZER: &str = "polmon_folded";

/// The analyzer of title and body: words (runs of letters and digits), words of 40 bytes
/// or more dropped, lowercased, accents folded to ASCII.
fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Calls `f` with each word of `text` as the index sees it (lowercased, accents folded:
/// "Séjourné" gives "sejourne"), in order. Whoever matches text against what the index
/// finds (the watches) uses this so that both agree on what a word is.
pub fn for_each_folded_word(text: &str, mut f: impl FnMut(&str)) {
    thread_local! {
        static ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(folding_analyzer());
    }
    ANALYZER.with(|analyzer| {
        let mut analyzer = analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            f(&stream.token().text);
        }
    })
}

/// Why an index operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index folder could not be created.
    #[error("search index folder {path}: {source}")]
    Io {
        /// The folder.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index folder could not be opened as a tantivy directory.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The index in the folder is damaged or unreadable.
    #[error(
        "cannot open the search index in {path}: {source}. The index is only a copy of the \
         database: delete the folder {path} and run polmon again to rebuild it"
    )]
    Damaged {
        /// The index folder.
        path: std::path::PathBuf,
        /// The cause.
        source: tantivy::TantivyError,
    },
}

impl IndexError {
    /// Whether another process (or another handle) holds the index writer.
    pub fn is_lock_busy(&self) -> bool {
        matches!(self, IndexError::Tantivy(tantivy::TantivyError::LockFailure(..)))
    }
}

/// A search request.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Free text; empty matches every article.
    pub text: String,
    /// Only this language.
    pub language: Option<String>,
    /// Only this source.
    pub source: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only articles published at or after this Unix time.
    pub from_ts: Option<i64>,
    /// Only articles published before this Unix time.
    pub to_ts: Option<i64>,
    /// Page size.
    pub limit: usize,
    /// Hits skipped.
    pub offset: usize,
}

/// `text` in lower case with everything but letters and digits turned into spaces: a
/// search for its words, with no query syntax (phrases, `-`, `OR`, fields) left in it.
pub fn plain_words(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_alphanumeric() { c.to_lowercase().collect::<Vec<_>>() } else { vec![' '] }).collect()
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Article id.
    pub id: i64,
    /// BM25 score.
    pub score: f32,
    /// A passage of the body with the query terms in `<b>…</b>`, HTML-escaped otherwise.
    pub snippet_html: String,
}

/// Matches are counted up to this many and no further, so that a search costs the same
/// whether a thousand or a million articles match (as Elasticsearch's
/// `track_total_hits`): [`SearchResults::total`] is then this number and
/// [`SearchResults::total_exact`] is false. Deeper pages are not served either (the web
/// side refuses `page × per_page` beyond it).
pub const COUNT_LIMIT: usize = 10_000;

/// Search results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Matching articles, counted up to [`COUNT_LIMIT`].
    pub total: usize,
    /// False when more than [`COUNT_LIMIT`] articles matched (`total` is then the limit).
    pub total_exact: bool,
    /// The requested page.
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    /// The machine translation (headline and body) into the reader's language.
    translated: Field,
    language: Field,
    source: Field,
    category: Field,
    published: Field,
}

/// What a search returns beside the hits' ids and scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Snippets (reading each hit's stored document) and the count of matches.
    Full,
    /// Neither.
    IdsOnly,
}

/// The search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// The id column of each segment of the searcher generation last used: opening a
    /// column reads its whole block index, which grows with the segment, so it is done
    /// once per generation, not once per hit.
    id_columns: Mutex<Option<IdColumns>>,
}

/// The id columns of one searcher generation, one per segment, in segment order.
#[derive(Clone)]
struct IdColumns {
    generation: u64,
    columns: std::sync::Arc<Vec<tantivy::columnar::Column<i64>>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        translated: b.add_text_field("translated", text),
        language: b.add_text_field("language", STRING),
        source: b.add_text_field("source", STRING),
        category: b.add_text_field("category", STRING),
        published: b.add_i64_field("published", INDEXED | FAST),
    };
    (b.build(), fields)
}

impl SearchIndex {
    /// Opens or creates the index in `dir`.
    pub fn open(dir: &Path) -> Result<SearchIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io { path: dir.to_owned(), source })?;
        let (schema, fields) = schema();
        let damaged = |source| IndexError::Damaged { path: dir.to_owned(), source };
        let index = match Index::open_or_create(MmapDirectory::open(dir)?, schema.clone()) {
            Err(tantivy::TantivyError::SchemaError(why)) => {
                // An index written by an older version (another schema): it is only a copy
                // of the database, so start it afresh; the pipeline refills it from the store.
                tracing::warn!(target: "polmon::index", %why, path = %dir.display(), "search index schema changed: rebuilding");
                std::fs::remove_dir_all(dir).map_err(|source| IndexError::Io { path: dir.to_owned(), source })?;
                std::fs::create_dir_all(dir).map_err(|source| IndexError::Io { path: dir.to_owned(), source })?;
                Index::open_or_create(MmapDirectory::open(dir)?, schema).map_err(damaged)?
            }
            other => other.map_err(damaged)?,
        };
        Self::from_index(index, fields).map_err(|e| match e {
            IndexError::Tantivy(source) => damaged(source),
            other => other,
        })
    }

    /// An index held in memory (tests).
    pub fn in_memory() -> Result<SearchIndex, IndexError> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<SearchIndex, IndexError> {
        index.tokenizers().register(TOKENIZER, folding_analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(None), fields, id_columns: Mutex::new(None) })
    }

    /// The number of articles in the index (as of the last commit).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Adds an article, replacing any earlier version with the same id. Visible after [`commit`](Self::commit).
    pub fn add(&self, a: &Article, published_ts: Option<i64>) -> Result<(), IndexError> {
        self.add_translated(a, published_ts, None)
    }

    /// [`add`](Self::add), with the article's machine translation (headline and body, one
    /// text) so that it is found by the words of its translation too.
    pub fn add_translated(&self, a: &Article, published_ts: Option<i64>, translation: Option<&str>) -> Result<(), IndexError> {
        let f = self.fields;
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(self.index.writer_with_num_threads(1, 50_000_000)?);
        }
        let writer = guard.as_mut().expect("writer was just created");
        writer.delete_term(Term::from_field_i64(f.id, a.id));
        let mut d = doc!(
            f.id => a.id,
            f.title => a.title.as_str(),
            f.body => a.text.as_str(),
            f.category => a.category.as_str(),
        );
        if let Some(l) = &a.language {
            d.add_text(f.language, l);
        }
        if let Some(s) = &a.source {
            d.add_text(f.source, s);
        }
        if let Some(ts) = published_ts {
            d.add_i64(f.published, ts);
        }
        if let Some(t) = translation {
            d.add_text(f.translated, t);
        }
        writer.add_document(d)?;
        Ok(())
    }

    /// Makes added articles durable and visible to searches.
    pub fn commit(&self) -> Result<(), IndexError> {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = guard.as_mut() {
            w.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Drops the writer (and its lock on the folder) until the next [`add`](Self::add).
    pub fn release_writer(&self) {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        *guard = None;
    }

    /// Picks up commits made by another process.
    pub fn reload(&self) -> Result<(), IndexError> {
        Ok(self.reader.reload()?)
    }

    /// Runs a search. Query syntax errors are forgiven: unparsable parts are read as words,
    /// and a query tantivy cannot run (`language:*`, field syntax on fields that are not
    /// text) is run again as its plain words.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, IndexError> {
        self.search_with(q, Detail::Full)
    }

    /// The hits of [`search`](Self::search) without snippets (every `snippet_html` is
    /// empty) and without counting the matches: the ids are read from the id column, so a
    /// hit costs no stored-document read (feeds, related candidates).
    pub fn search_ids(&self, q: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        Ok(self.search_with(q, Detail::IdsOnly)?.hits)
    }

    /// The id columns of `searcher`'s segments, opened once per searcher generation.
    fn id_columns(&self, searcher: &tantivy::Searcher) -> Result<IdColumns, IndexError> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.id_columns.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cached.as_ref().filter(|c| c.generation == generation) {
            return Ok(c.clone());
        }
        let columns = searcher.segment_readers().iter().map(|r| r.fast_fields().i64("id")).collect::<Result<Vec<_>, _>>()?;
        let c = IdColumns { generation, columns: std::sync::Arc::new(columns) };
        *cached = Some(c.clone());
        Ok(c)
    }

    fn search_with(&self, q: &SearchQuery, detail: Detail) -> Result<SearchResults, IndexError> {
        match self.search_parsed(q, detail) {
            Err(IndexError::Tantivy(e)) if !q.text.trim().is_empty() => {
                tracing::debug!(target: "polmon::index", error = %e, query = %q.text, "query run again as plain words");
                self.search_parsed(&SearchQuery { text: plain_words(&q.text), ..q.clone() }, detail)
            }
            other => other,
        }
    }

    fn search_parsed(&self, q: &SearchQuery, want: Detail) -> Result<SearchResults, IndexError> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text_query: Option<Box<dyn Query>> = if q.text.trim().is_empty() {
            None
        } else {
            let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.translated]);
            parser.set_field_boost(f.title, 2.0);
            let (query, _errors) = parser.parse_query_lenient(&q.text);
            Some(exclusion::excludable(flatten_should(query)))
        };
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, value) in [(f.language, &q.language), (f.source, &q.source), (f.category, &q.category)] {
            if let Some(v) = value {
                filters.push((
                    Occur::Must,
                    Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)),
                ));
            }
        }
        if q.from_ts.is_some() || q.to_ts.is_some() {
            let lower = q.from_ts.map_or(Bound::Unbounded, |t| Bound::Included(Term::from_field_i64(f.published, t)));
            let upper = q.to_ts.map_or(Bound::Unbounded, |t| Bound::Excluded(Term::from_field_i64(f.published, t)));
            filters.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        // The text query alone, when nothing filters it, keeps the shape tantivy prunes
        // with block-max WAND (a union of terms): the best hits are found without scoring
        // every match.
        let query: Box<dyn Query> = match (&text_query, filters.is_empty()) {
            (Some(t), true) => t.box_clone(),
            (None, true) => Box::new(AllQuery),
            (t, false) => {
                let mut clauses = filters;
                clauses.push((Occur::Must, t.as_ref().map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |t| t.box_clone())));
                Box::new(BooleanQuery::new(clauses))
            }
        };
        let limit = q.limit.max(1);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).and_offset(q.offset).order_by_score())?;
        if want == Detail::IdsOnly {
            let ids = self.id_columns(&searcher)?;
            let mut hits = Vec::with_capacity(top.len());
            for (score, addr) in top {
                let id = ids.columns[addr.segment_ord as usize].first(addr.doc_id).unwrap_or_default();
                hits.push(Hit { id, score, snippet_html: String::new() });
            }
            return Ok(SearchResults { total: 0, total_exact: false, hits });
        }
        let (total, total_exact) = count_up_to(&searcher, query.as_ref(), COUNT_LIMIT)?;
        let snippets = match &text_query {
            Some(t) => {
                let mut body = SnippetGenerator::create(&searcher, t.as_ref(), f.body)?;
                body.set_max_num_chars(240);
                let mut translated = SnippetGenerator::create(&searcher, t.as_ref(), f.translated)?;
                translated.set_max_num_chars(240);
                Some((body, translated))
            }
            None => None,
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            let id = d.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default();
            // The body's passage, else (the words matched only the translation) the translation's.
            let snippet_html = match &snippets {
                Some((body, translated)) => {
                    let s = body.snippet_from_doc(&d);
                    if s.fragment().trim().is_empty() || s.highlighted().is_empty() {
                        let t = translated.snippet_from_doc(&d);
                        if !t.highlighted().is_empty() {
                            t.to_html()
                        } else if s.fragment().trim().is_empty() {
                            String::new()
                        } else {
                            s.to_html()
                        }
                    } else {
                        s.to_html()
                    }
                }
                None => String::new(),
            };
            hits.push(Hit { id, score, snippet_html });
        }
        Ok(SearchResults { total, total_exact, hits })
    }
}

/// The documents `query` matches, counted up to `limit`, and whether that is all of them.
/// Scoring is off, and counting stops at the limit: the cost is bounded by `limit`
/// postings however many documents match.
fn count_up_to(searcher: &tantivy::Searcher, query: &dyn Query, limit: usize) -> tantivy::Result<(usize, bool)> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut n = 0;
    for reader in searcher.segment_readers() {
        let mut docs = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = docs.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                n += 1;
                if n > limit {
                    return Ok((limit, false));
                }
            }
            doc = docs.advance();
        }
    }
    Ok((n, true))
}

/// A union of unions made one union (`a OR b` over title, body and translation parses as
/// a union of three-term unions). Matches and scores are the same (a union scores the sum
/// of its matching clauses, nested or not), but only a flat union of terms lets tantivy
/// skip blocks of postings that cannot reach the top hits (block-max WAND). Unions
/// holding a required or excluded clause are kept whole.
fn flatten_should(query: Box<dyn Query>) -> Box<dyn Query> {
    fn pure_union(q: &dyn Query) -> Option<&BooleanQuery> {
        q.downcast_ref::<BooleanQuery>().filter(|b| b.clauses().iter().all(|(occur, _)| *occur == Occur::Should))
    }
    fn collect(q: &dyn Query, out: &mut Vec<(Occur, Box<dyn Query>)>) {
        match pure_union(q) {
            Some(b) => b.clauses().iter().for_each(|(_, c)| collect(c.as_ref(), out)),
            None => out.push((Occur::Should, q.box_clone())),
        }
    }
    if pure_union(query.as_ref()).is_none() {
        return query;
    }
    let mut clauses = Vec::new();
    collect(query.as_ref(), &mut clauses);
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_is_found_by_the_words_of_its_translation() {
        let idx = SearchIndex::in_memory().unwrap();
        let a = article(1, "Chômage en hausse", "Le chômage augmente en France.", "fr");
        idx.add_translated(&a, None, Some("Unemployment rising\nUnemployment increases in France.")).unwrap();
        idx.add(&article(2, "Budget", "Le budget est voté.", "fr"), None).unwrap();
        idx.commit().unwrap();
        let r = idx.search(&SearchQuery { text: "unemployment".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [1]);
        assert!(r.hits[0].snippet_html.contains("<b>Unemployment</b>"), "{}", r.hits[0].snippet_html);
        // Still found by its own words, with the original's passage.
        let r = idx.search(&SearchQuery { text: "chomage".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(r.hits[0].id, 1);
        assert!(r.hits[0].snippet_html.contains("<b>chômage</b>"), "{}", r.hits[0].snippet_html);
    }

    #[test]
    fn search_ids_finds_the_same_hits_in_the_same_order_without_snippets() {
        let idx = SearchIndex::in_memory().unwrap();
        for id in 1..=30 {
            let body = "budget ".repeat(id as usize % 7 + 1) + "vote";
            idx.add(&article(id, &format!("Article {id}"), &body, "en"), Some(id * 100)).unwrap();
            idx.commit().unwrap(); // several segments, so the id column is read per segment
        }
        for q in [
            SearchQuery { text: "budget".into(), limit: 10, offset: 5, ..Default::default() },
            SearchQuery { from_ts: Some(1_000), limit: 50, ..Default::default() },
        ] {
            let full = idx.search(&q).unwrap();
            let ids = idx.search_ids(&q).unwrap();
            assert!(!ids.is_empty());
            let pairs = |hits: &[Hit]| hits.iter().map(|h| (h.id, h.score)).collect::<Vec<_>>();
            assert_eq!(pairs(&ids), pairs(&full.hits), "{q:?}");
            assert!(ids.iter().all(|h| h.snippet_html.is_empty()));
        }
        assert!(idx.search(&SearchQuery { text: "budget".into(), limit: 1, ..Default::default() }).unwrap().hits[0]
            .snippet_html
            .contains("<b>budget</b>"));
    }

    #[test]
    fn counting_stops_at_the_limit_and_skips_deleted_articles() {
        let idx = SearchIndex::in_memory().unwrap();
        for id in 1..=12 {
            idx.add(&article(id, &format!("Budget {id}"), "The budget vote.", "en"), Some(id)).unwrap();
        }
        idx.commit().unwrap();
        // Re-adding an article replaces it: the old copy is a deleted document.
        idx.add(&article(3, "Budget 3", "The budget vote, again.", "en"), Some(3)).unwrap();
        idx.commit().unwrap();
        let searcher = idx.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(idx.fields.body, "budget"), IndexRecordOption::Basic);
        assert_eq!(count_up_to(&searcher, &query, 100).unwrap(), (12, true));
        assert_eq!(count_up_to(&searcher, &query, 12).unwrap(), (12, true));
        assert_eq!(count_up_to(&searcher, &query, 5).unwrap(), (5, false));
        let r = idx.search(&SearchQuery { text: "budget".into(), limit: 3, ..Default::default() }).unwrap();
        assert_eq!((r.total, r.total_exact, r.hits.len()), (12, true, 3));
    }

    #[test]
    fn a_flattened_union_finds_the_same_hits_with_the_same_scores() {
        let idx = SearchIndex::in_memory().unwrap();
        let words = ["budget", "vote", "tax", "senate", "minister", "reform"];
        for id in 1..=60i64 {
            let pick = |k: i64| words[((id * k + k) % words.len() as i64) as usize];
            let body = format!("{} {} {} {}", pick(1), pick(3), pick(5), pick(7).repeat(1 + (id % 3) as usize));
            idx.add(&article(id, &format!("{} news", pick(2)), &body, "en"), Some(id)).unwrap();
        }
        idx.commit().unwrap();
        let searcher = idx.reader.searcher();
        let f = idx.fields;
        let mut parser = QueryParser::for_index(&idx.index, vec![f.title, f.body, f.translated]);
        parser.set_field_boost(f.title, 2.0);
        for text in ["budget vote", "tax OR senate reform", "budget -vote", "\"budget vote\" tax", "minister"] {
            let (parsed, _) = parser.parse_query_lenient(text);
            let flat = flatten_should(parsed.box_clone());
            let top = |q: &dyn Query| {
                searcher.search(q, &TopDocs::with_limit(100).order_by_score()).unwrap().into_iter().map(|(s, a)| (a, s)).collect::<Vec<_>>()
            };
            let (before, after) = (top(parsed.as_ref()), top(flat.as_ref()));
            assert!(!before.is_empty(), "{text}");
            assert_eq!(before.len(), after.len(), "{text}");
            for ((a1, s1), (a2, s2)) in before.iter().zip(&after) {
                assert_eq!(a1, a2, "{text}");
                assert!((s1 - s2).abs() < 1e-4, "{text}: {s1} vs {s2}");
            }
        }
        let (parsed, _) = parser.parse_query_lenient("budget vote");
        let flat = flatten_should(parsed);
        let flat = flat.downcast_ref::<BooleanQuery>().expect("a union");
        assert_eq!(flat.clauses().len(), 6, "two words over three fields, one union");
    }

    #[test]
    fn an_index_of_another_schema_is_started_afresh() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut b = Schema::builder();
            b.add_i64_field("id", INDEXED | STORED | FAST);
            let index = Index::create_in_dir(dir.path(), b.build()).unwrap();
            let mut w: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
            w.add_document(doc!(index.schema().get_field("id").unwrap() => 1i64)).unwrap();
            w.commit().unwrap();
        }
        let idx = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(idx.num_docs(), 0, "rebuilt empty, for the pipeline to refill");
    }

    fn article(id: i64, title: &str, text: &str, lang: &str) -> Article {
        Article {
            id,
            title: title.into(),
            text: text.into(),
            language: Some(lang.into()),
            source: Some("example.org".into()),
            category: "politics".into(),
            ..Default::default()
        }
    }

    fn index() -> SearchIndex {
        let ix = SearchIndex::in_memory().unwrap();
        ix.add(&article(1, "Blinken à Paris", "Stéphane Séjourné reçoit Antony Blinken au Quai d'Orsay.", "fr"), Some(100)).unwrap();
        ix.add(&article(2, "Budget vote", "Parliament votes on the <script>budget</script> today.", "en"), Some(200)).unwrap();
        ix.add(&article(3, "Elections", "Voters go to the polls in Hong Kong.", "en"), Some(300)).unwrap();
        ix.commit().unwrap();
        ix
    }

    #[test]
    fn folded_words_are_the_index_words() {
        let mut words = Vec::new();
        for_each_folded_word("Séjourné reçoit l'OTAN, Straße 2024!", |w| words.push(w.to_owned()));
        assert_eq!(words, ["sejourne", "recoit", "l", "otan", "strasse", "2024"]);
    }

    #[test]
    fn finds_words_with_accents_folded() {
        let ix = index();
        let r = ix.search(&SearchQuery { text: "sejourne".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(r.total, 1);
        assert_eq!(r.hits[0].id, 1);
        assert!(r.hits[0].snippet_html.contains("<b>Séjourné</b>"), "{}", r.hits[0].snippet_html);
    }

    #[test]
    fn snippets_escape_html_in_the_text() {
        let ix = index();
        let r = ix.search(&SearchQuery { text: "budget".into(), limit: 10, ..Default::default() }).unwrap();
        assert!(!r.hits[0].snippet_html.contains("<script>"));
        assert!(r.hits[0].snippet_html.contains("&lt;script&gt;"));
    }

    #[test]
    fn filters_by_language_and_date() {
        let ix = index();
        let all = ix.search(&SearchQuery { limit: 10, ..Default::default() }).unwrap();
        assert_eq!(all.total, 3);
        let en = ix.search(&SearchQuery { language: Some("en".into()), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(en.total, 2);
        let range = ix
            .search(&SearchQuery { from_ts: Some(150), to_ts: Some(300), limit: 10, ..Default::default() })
            .unwrap();
        assert_eq!(range.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn replacing_an_article_keeps_one_copy_and_bad_syntax_is_forgiven() {
        let ix = index();
        ix.add(&article(2, "Budget vote", "Parliament rejects the budget.", "en"), Some(200)).unwrap();
        ix.commit().unwrap();
        assert_eq!(ix.num_docs(), 3);
        let r = ix.search(&SearchQuery { text: "budget AND (".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(r.total, 1);
    }

    #[test]
    fn regression_field_wildcards_do_not_fail() {
        let ix = index();
        for text in ["title:*", "body:*", "language:*", "source:*", "category:*", "*", "language:en budget"] {
            let r = ix.search(&SearchQuery { text: text.into(), limit: 10, ..Default::default() });
            assert!(r.is_ok(), "{text}: {r:?}");
        }
    }

    #[test]
    fn regression_a_negated_phrase_excludes_its_articles() {
        let ix = index();
        for (id, text) in [(4, "The debt brake stays."), (5, "A brake on debt talks."), (6, "Debt relief agreed.")] {
            ix.add(&article(id, "Debt", text, "en"), Some(400 + id)).unwrap();
        }
        ix.commit().unwrap();
        for (query, want) in [("debt -\"debt brake\"", vec![5, 6]), ("debt NOT \"brake on\"", vec![4, 6]), ("plain words -\"\"", vec![])] {
            let r = ix.search(&SearchQuery { text: query.into(), limit: 10, ..Default::default() }).unwrap();
            let mut ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
            ids.sort();
            assert_eq!(ids, want, "{query}");
        }
    }
}
