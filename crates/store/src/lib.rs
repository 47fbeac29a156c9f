//! Politics Monitor's embedded store: one SQLite database (WAL mode) in the data folder.
//!
//! It owns the schema and its [migrations](migrations), and every read and write of
//! articles, entities, quotes and stories. It does not own full-text search (the
//! `polmon-index` crate does) nor any pipeline logic: callers hand it finished
//! [`polmon_model::Article`]s with their [`ArticleKey`]. SQLite is the source of truth; the search index is rebuilt from it
//! for any article whose `indexed` flag is not set (see [`Store::unindexed`]).
//!
//! A [`Store`] is cheap to share: it holds one writer connection and a small set of
//! reader connections, each behind a mutex.
#![deny(missing_docs)]

mod aggregates;
mod articles;
mod backend;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod digest;
mod entities;
mod error;
mod leader;
pub mod migrations;
mod record;
mod raw_pages;
mod related;
mod sources;
mod time_util;
mod translations;
pub mod trends;
mod watches;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

pub use articles::{
    ArticleKey, Batch, ArticleSummary, Cursor, Facet, ListQuery, StoryStat, Upsert, ACTIVE_STORIES_CAP, TOTAL_CAP,
};
pub use backend::ArticleStore;
pub use digest::Digest;
pub use raw_pages::RawPage;
pub use record::ArticleRecord;
pub use entities::{grouped_mentions, EntityArticle, EntityRecord, EntityRole, QuoteRecord, RoleHolder, MAX_ROLES};
pub use error::StoreError;
pub use leader::LeaderLock;
pub use sources::{NewSource, SeenItem, SourceKind, SourceRecord, SourceStatus};
pub use rusqlite;
pub use translations::{translation_now, QueuedTranslation, StoredTranslation};
pub use trends::{DayCount, Period, QuoteShares, RoleShare, RoleSpan, SourceQuotes, SpeakerCount, TrendingEntity};
pub use watches::{
    Channel, DeadDelivery, Delivery, MatchRecord, NewMatch, NewWatch, Payload, WatchRecord,
};
pub use time_util::{format_unix, now_rfc3339, parse_timestamp, unix_now, unix_now_ms, unix_to_rfc3339};

/// The file name of the database inside the data folder.
pub const DB_FILE: &str = "polmon.sqlite3";

/// The embedded store.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: std::sync::atomic::AtomicUsize,
    /// Whether each write keeps the trend counters (see [`Store::set_trend_maintenance`]).
    trends_maintained: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, applying pending migrations.
    ///
    /// Fails with [`StoreError::NewerSchema`] if the folder was written by a newer version.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let mut writer = open_connection(&path)?;
        migrations::migrate(&mut writer)?;
        aggregates::backfill(&mut writer)?;
        trends::backfill_if_empty(&mut writer)?;
        let readers = (0..4)
            .map(|_| open_connection(&path).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Store {
            path,
            writer: Mutex::new(writer),
            readers,
            next_reader: Default::default(),
            trends_maintained: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut conn)
    }

    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        use std::sync::atomic::Ordering;
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.readers.len() {
            let slot = &self.readers[(start + i) % self.readers.len()];
            if let Ok(conn) = slot.try_lock() {
                return f(&conn);
            }
        }
        let conn = self.readers[start % self.readers.len()]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        f(&conn)
    }
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Room for every statement of a write path (an article upsert with its trend
    // counters uses about 20): rusqlite's default of 16 re-prepared them on each article.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polmon_model::{Analysis, Article, EntityMention, EntityType, Links, Quote};

    fn sample(key: &str, title: &str) -> (ArticleKey, Article) {
        let k = ArticleKey { dedup_key: key.into(), content_hash: format!("h-{title}") };
        (k, Article {
            title: title.into(),
            text: format!("{title} body"),
            category: "politics".into(),
            published: Some("2024-04-02T10:00:00Z".into()),
            source: Some("example.org".into()),
            analysis: Analysis {
                entities: vec![EntityMention {
                    text: "Blinken".into(),
                    start: 0,
                    end: 7,
                    entity_type: EntityType::Person,
                    canonical: "Antony Blinken".into(),
                    role: Some("Secretary of State".into()),
                }],
                quotes: vec![Quote {
                    text: "hello".into(),
                    start: 0,
                    end: 5,
                    speaker: Some("Blinken".into()),
                    speaker_canonical: Some("Antony Blinken".into()),
                    cue: Some("said".into()),
                    direct: true,
                    speaker_start: None,
                    speaker_end: None,
                }],
                ..Default::default()
            },
            ..Default::default()
        })
    }

    fn upsert(store: &Store, (k, a): (ArticleKey, Article)) -> Upsert {
        store.upsert_article(&k, &a).unwrap()
    }

    #[test]
    fn upsert_inserts_then_skips_then_updates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = upsert(&store, sample("url:a", "One"));
        assert!(matches!(a, Upsert::Inserted(_)));
        assert_eq!(upsert(&store, sample("url:a", "One")), Upsert::Unchanged(a.id()));
        assert_eq!(upsert(&store, sample("url:a", "Two")), Upsert::Updated(a.id()));
        assert_eq!(store.count().unwrap(), 1);
        assert_eq!(store.article(a.id()).unwrap().unwrap().title, "Two");
        assert_eq!(store.unindexed(10).unwrap().len(), 1);
        store.mark_indexed(&[a.id()]).unwrap();
        assert!(store.unindexed(10).unwrap().is_empty());
    }

    #[test]
    fn a_batch_stores_what_single_writes_store_or_nothing_when_it_fails() {
        let (single, batched) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let one = Store::open(single.path()).unwrap();
        let many = Store::open(batched.path()).unwrap();
        let articles: Vec<_> = (0..6).map(|i| sample(&format!("url:{}", i % 4), &format!("T{i}"))).collect();
        for (k, a) in &articles {
            let id = one.upsert_article(k, a).unwrap().id();
            one.set_links(id, Links { story_id: Some(1), duplicate_of: None }).unwrap();
            one.set_related(id, &[1]).unwrap();
        }
        let outcomes = many
            .batch(|b| {
                let mut out = Vec::new();
                for (k, a) in &articles {
                    let outcome = b.upsert_article(k, a)?;
                    b.set_links(outcome.id(), Links { story_id: Some(1), duplicate_of: None })?;
                    b.set_related(outcome.id(), &[1])?;
                    out.push(outcome);
                }
                Ok(out)
            })
            .unwrap();
        assert_eq!(outcomes.iter().filter(|o| matches!(o, Upsert::Updated(_))).count(), 2, "keys 0 and 1 come twice");
        assert_eq!(many.count().unwrap(), 4);
        let export = |s: &Store| {
            let mut all = Vec::new();
            s.for_each_article(|a| {
                all.push((a.title, a.links, s.related(a.id)?));
                Ok(())
            })
            .unwrap();
            all
        };
        assert_eq!(export(&many), export(&one));
        assert!(many.aggregate_mismatches().unwrap().is_empty(), "aggregates kept as on single writes");

        let failed = many.batch(|b| {
            b.upsert_article(&articles[0].0, &sample("url:new", "New").1)?;
            b.set_related(999_999, &[1])
        });
        assert!(failed.is_err(), "a related list of a missing article is refused");
        assert_eq!(many.count().unwrap(), 4, "nothing of the failed batch is stored");
        assert_eq!(export(&many), export(&one));
    }

    #[test]
    fn entities_roles_and_quotes_are_queryable() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = upsert(&store, sample("url:a", "One")).id();
        upsert(&store, sample("url:b", "Two"));
        let ents = store.article_entities(a).unwrap();
        assert_eq!(ents.len(), 1);
        assert_eq!(ents[0].0.canonical, "Antony Blinken");
        assert_eq!(ents[0].1.as_deref(), Some("Secretary of State"));
        let id = ents[0].0.id;
        assert_eq!(store.entity(id).unwrap().unwrap().articles, 2);
        assert_eq!(store.entity_roles(id).unwrap()[0].articles, 2);
        let quotes = store.quotes(Some(id), None, 10).unwrap();
        assert_eq!(quotes.len(), 2);
        assert_eq!(quotes[0].entity_id, Some(id));
    }

    #[test]
    fn list_filters_pages_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for i in 0..5 {
            let (k, mut a) = sample(&format!("url:{i}"), &format!("T{i}"));
            a.published = Some(format!("2024-04-0{}T10:00:00Z", i + 1));
            if i % 2 == 0 {
                a.category = "economy".into();
            }
            store.upsert_article(&k, &a).unwrap();
        }
        let (page, total) = store
            .list(&ListQuery { category: Some("economy".into()), limit: 2, ..Default::default() })
            .unwrap();
        assert_eq!(total, 3);
        assert_eq!(page.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), ["T4", "T2"]);
        assert_eq!(store.facet(Facet::Category).unwrap()[0], ("economy".to_string(), 3));
    }

    #[test]
    fn links_and_story_ranking() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = upsert(&store, sample("url:a", "A")).id();
        let b = upsert(&store, sample("url:b", "B")).id();
        let c = upsert(&store, sample("url:c", "C")).id();
        store.set_links(a, Links { story_id: Some(a), duplicate_of: None }).unwrap();
        store.set_links(b, Links { story_id: Some(a), duplicate_of: Some(a) }).unwrap();
        store.set_links(c, Links { story_id: Some(c), duplicate_of: None }).unwrap();
        let top = store.top_stories(86_400, 1, 10).unwrap();
        assert_eq!(top[0].story_id, a);
        assert_eq!(top[0].articles, 2);
        assert_eq!(store.article(b).unwrap().unwrap().links.duplicate_of, Some(a));
    }

    #[test]
    fn regression_a_full_disk_fails_the_write_and_keeps_what_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        // A database that may not grow past its present size plus a few pages: what a full
        // disk looks like to SQLite (SQLITE_FULL).
        let pages: i64 = store.write(|c| Ok(c.query_row("PRAGMA page_count", [], |r| r.get(0))?)).unwrap();
        store.write(|c| Ok(c.pragma_update(None, "max_page_count", pages + 8)?)).unwrap();
        let mut stored = 0;
        let err = loop {
            let (k, mut a) = sample(&format!("url:{stored}"), &format!("T{stored}"));
            a.text = "Le gouvernement a présenté son budget. ".repeat(200);
            match store.upsert_article(&k, &a) {
                Ok(_) => stored += 1,
                Err(e) => break e,
            }
            assert!(stored < 1000, "the page limit never took effect");
        };
        assert!(err.is_transient(), "a full disk is worth retrying later: {err}");
        assert!(!err.is_corrupt());
        assert_eq!(store.count().unwrap(), stored as u64, "the failed write left nothing half-done");
        // Space again: the same write now succeeds, and everything is there after a reopen.
        store.write(|c| Ok(c.pragma_update(None, "max_page_count", 1_000_000_000i64)?)).unwrap();
        let (k, a) = sample(&format!("url:{stored}"), "after");
        store.upsert_article(&k, &a).unwrap();
        drop(store);
        assert_eq!(Store::open(dir.path()).unwrap().count().unwrap(), stored as u64 + 1);
    }

    #[test]
    fn reopening_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            upsert(&store, sample("url:a", "A"));
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.count().unwrap(), 1);
    }
}
