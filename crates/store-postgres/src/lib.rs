//! Politics Monitor's shared store on PostgreSQL: [`PgStore`], an
//! [`ArticleStore`](polmon_store::ArticleStore) for several machines (workers, crawlers
//! and web nodes) writing and reading one database.
//!
//! It owns its own schema and [migrations] (BIGINT keys, ordered, refusing a newer
//! schema) and its own SQL: `ON CONFLICT` upserts, `FOR UPDATE SKIP LOCKED` source
//! leases, counts kept by triggers. It gives the same answers as the embedded SQLite
//! `Store` for the same calls (ids, ordering, cursors), which the shared conformance
//! suite (`polmon_store::conformance`) checks in this crate's tests against a real
//! server started by [`test_cluster::TestCluster`].
//!
//! The API is synchronous like the SQLite store's, on the `postgres` crate, with a small
//! r2d2 connection pool: every call takes a connection for its own transaction, and each
//! connection prepares a statement once. It
//! does not own full-text search (tantivy stays, see `polmon-index`), nor queues.
//!
//! ```no_run
//! use polmon_store::ArticleStore;
//! let store = polmon_store_postgres::PgStore::connect("postgres://polmon@db.example:5432/polmon", 8)?;
//! println!("{} articles", store.count()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod articles;
mod entities;
mod error;
mod leader;
pub mod migrations;
mod pool;
mod raw_pages;
mod sources;
mod stories;
pub mod test_cluster;
mod translations;
mod trends;
mod watches;

use std::time::Duration;

pub use error::PgStoreError;
pub use leader::PgLeaderLock;

type Connection = r2d2::PooledConnection<pool::Connector>;

/// The PostgreSQL store: a pool of connections to one database.
pub struct PgStore {
    pool: r2d2::Pool<pool::Connector>,
    target: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("target", &self.target).finish()
    }
}

impl PgStore {
    /// How long a call waits for a free connection (or for the server) before failing.
    pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
    /// or `host=... dbname=...`) with at most `pool_size` connections, and applies
    /// pending migrations.
    ///
    /// Fails with [`PgStoreError::NewerSchema`] if the database was written by a newer
    /// version, and with [`PgStoreError::Pool`] if the server cannot be reached.
    pub fn connect(url: &str, pool_size: u32) -> Result<PgStore, PgStoreError> {
        PgStore::connect_with_timeout(url, pool_size, PgStore::CONNECTION_TIMEOUT)
    }

    /// [`connect`](Self::connect), with calls waiting at most `timeout` for a connection.
    pub fn connect_with_timeout(url: &str, pool_size: u32, timeout: Duration) -> Result<PgStore, PgStoreError> {
        let config: postgres::Config =
            url.parse().map_err(|source| PgStoreError::BadUrl { url: redact(url), source })?;
        let target = describe(&config);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(timeout)
            // No validity round trip per call: a connection the server dropped shows as
            // closed when returned and is replaced; the call that met it fails with a
            // transient error (callers retry those).
            .test_on_check_out(false)
            .build(pool::Connector { config })
            .map_err(|source| PgStoreError::Pool { target: target.clone(), source })?;
        let store = PgStore { pool, target };
        migrations::migrate(store.conn()?.client())?;
        Ok(store)
    }

    /// Host, port and database name (for messages; no password).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, PgStoreError> {
        migrations::current_version(self.conn()?.client())
    }

    fn conn(&self) -> Result<Connection, PgStoreError> {
        self.pool.get().map_err(|source| PgStoreError::Pool { target: self.target.clone(), source })
    }
}

/// `host:port/dbname` of a configuration.
fn describe(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or("(default database)"))
}

/// A connection string without its password (for error messages).
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Runs a call of the synchronous client, which drives a runtime of its own and so may
/// not block a thread that runs async tasks (an async caller, such as the crawler, calling
/// the store inline): on such a thread of a multi-threaded tokio runtime the call runs in
/// `block_in_place`, elsewhere as it is. (A current-thread runtime cannot lend its thread:
/// callers there use `spawn_blocking`.)
fn outside_async<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// Writes `impl ArticleStore for PgStore` as calls of the inherent methods of the same
/// names, converting [`PgStoreError`] into [`StoreError`](polmon_store::StoreError).
macro_rules! article_store {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)* ) -> $ret:ty; )*) => {
        impl polmon_store::ArticleStore for PgStore {
            $( fn $name(&self $(, $arg: $ty)*) -> Result<$ret, polmon_store::StoreError> {
                outside_async(|| PgStore::$name(self $(, $arg)*).map_err(Into::into))
            } )*

            fn for_each_recent_article(
                &self,
                limit: usize,
                f: &mut dyn FnMut(polmon_model::Article) -> Result<(), polmon_store::StoreError>,
            ) -> Result<(), polmon_store::StoreError> {
                outside_async(|| PgStore::for_each_recent_article(self, limit, f))
            }
        }
    };
}

use polmon_model::{Article, Links};
use polmon_store::{
    ArticleKey, ArticleSummary, DayCount, DeadDelivery, EntityArticle, EntityRecord, EntityRole, Facet, ListQuery,
    MatchRecord, NewMatch, NewSource, NewWatch, Period, QueuedTranslation, QuoteRecord, QuoteShares, RawPage,
    RoleHolder, RoleSpan, SeenItem, SourceQuotes, SourceRecord, SpeakerCount, StoredTranslation, StoryStat,
    TrendingEntity, Upsert, WatchRecord,
};
use std::collections::HashMap;

article_store! {
    fn upsert_article(&self, key: &ArticleKey, article: &Article) -> Upsert;
    fn store_article(&self, key: &ArticleKey, article: &Article, matches: &dyn Fn(i64) -> Vec<NewMatch>, translate_to: Option<&str>) -> Upsert;
    fn merge_entity(&self, kind: &str, from: &str, into: &str) -> u64;
    fn role_holders(&self, limit: usize) -> Vec<RoleHolder>;
    fn add_watch(&self, watch: &NewWatch) -> (i64, String);
    fn remove_watch(&self, id: i64) -> bool;
    fn watches(&self) -> Vec<WatchRecord>;
    fn watches_version(&self) -> i64;
    fn translated_texts(&self, ids: &[i64], language: &str) -> HashMap<i64, (String, String)>;
    fn due_translations(&self, language: &str, now: i64, limit: usize) -> Vec<QueuedTranslation>;
    fn put_translation(&self, id: i64, source_hash: &str, translation: &StoredTranslation) -> bool;
    fn claim_translations(&self, language: &str, now: i64, lease_secs: i64, limit: usize) -> Vec<QueuedTranslation>;
    fn translation_failed(&self, id: i64, language: &str, error: &str, next_attempt: i64) -> ();
    fn unqueue_translation(&self, id: i64, language: &str) -> ();
    fn content_hash(&self, id: i64) -> Option<String>;
    fn put_raw_page(&self, page: &RawPage) -> bool;
    fn raw_page(&self, key: &str) -> Option<RawPage>;
    fn watch(&self, id: i64) -> Option<WatchRecord>;
    fn watch_matches(&self, watch_id: i64, limit: usize, offset: usize) -> Vec<MatchRecord>;
    fn dead_deliveries(&self, limit: usize) -> Vec<DeadDelivery>;
    fn translation(&self, id: i64, language: &str) -> Option<StoredTranslation>;
    fn translated_leads(&self, ids: &[i64], language: &str) -> HashMap<i64, (String, String)>;
    fn top_stories(&self, window: i64, min_size: u64, limit: usize) -> Vec<StoryStat>;
    fn entity_roles(&self, entity_id: i64) -> Vec<EntityRole>;
    fn facet(&self, column: Facet) -> Vec<(String, u64)>;
    fn trend_day(&self, today: i64) -> Option<i64>;
    fn in_the_news(&self, day: i64, min_count: u64, limit: usize) -> Vec<TrendingEntity>;
    fn top_speakers(&self, period: Period, limit: usize) -> Vec<SpeakerCount>;
    fn entity_series(&self, entity_id: i64, period: Period) -> Vec<DayCount>;
    fn quote_shares(&self, source: &str, period: Period, limit: usize) -> QuoteShares;
    fn quoting_sources(&self, entity_id: i64, period: Period, limit: usize) -> Vec<SourceQuotes>;
    fn role_history(&self, entity_id: i64, limit: usize) -> Vec<RoleSpan>;
    fn source_exists(&self, source: &str) -> bool;
    fn content_hash_of(&self, dedup_key: &str) -> Option<(i64, String)>;
    fn article_id_by_url(&self, url: &str) -> Option<i64>;
    fn article(&self, id: i64) -> Option<Article>;
    fn summaries(&self, ids: &[i64]) -> Vec<ArticleSummary>;
    fn list(&self, query: &ListQuery) -> (Vec<ArticleSummary>, u64);
    fn count(&self) -> u64;
    fn max_article_id(&self) -> Option<i64>;
    fn dated_ids(&self, after: i64, upto: i64) -> Vec<(i64, Option<String>)>;
    fn facet_top(&self, column: Facet, limit: usize) -> Vec<(String, u64)>;
    fn facet_count(&self, column: Facet, value: &str) -> u64;
    fn set_links(&self, id: i64, links: Links) -> ();
    fn links_of(&self, ids: &[i64]) -> HashMap<i64, Links>;
    fn merge_story(&self, from: i64, into: i64) -> ();
    fn move_to_story(&self, ids: &[i64], into: i64) -> ();
    fn story_openers(&self, story_ids: &[i64]) -> Vec<(i64, ArticleSummary)>;
    fn story_values(&self, story_id: i64) -> (Vec<String>, Vec<String>);
    fn story_size(&self, story_id: i64) -> u64;
    fn copies_of(&self, original: i64, story_id: i64, limit: usize) -> Vec<ArticleSummary>;
    fn set_related(&self, id: i64, related: &[i64]) -> ();
    fn related(&self, id: i64) -> Option<Vec<i64>>;
    fn without_related(&self, limit: usize) -> Vec<i64>;
    fn unindexed(&self, limit: usize) -> Vec<Article>;
    fn unindexed_count(&self) -> u64;
    fn mark_indexed(&self, ids: &[i64]) -> ();
    fn mark_all_unindexed(&self) -> ();
    fn entity(&self, id: i64) -> Option<EntityRecord>;
    fn article_entities(&self, article_id: i64) -> Vec<(EntityRecord, Option<String>)>;
    fn entities_of_articles(&self, article_ids: &[i64]) -> Vec<(i64, EntityRecord, Option<String>)>;
    fn entity_articles(&self, entity_id: i64, limit: usize) -> Vec<EntityArticle>;
    fn top_entities(&self, kind: Option<&str>, limit: usize) -> Vec<EntityRecord>;
    fn quotes(&self, entity_id: Option<i64>, article_id: Option<i64>, limit: usize) -> Vec<QuoteRecord>;
    fn quotes_of_articles(&self, article_ids: &[i64], per_article: usize) -> Vec<QuoteRecord>;
    fn add_source(&self, source: &NewSource) -> (i64, bool);
    fn sources(&self) -> Vec<SourceRecord>;
    fn source(&self, id: i64) -> Option<SourceRecord>;
    fn source_by_url(&self, url: &str) -> Option<SourceRecord>;
    fn remove_source(&self, id: i64) -> bool;
    fn save_source_state(&self, id: i64, state: &str, next_due: i64, etag: Option<&str>, last_modified: Option<&str>) -> ();
    fn due_sources(&self, now: i64, limit: usize) -> Vec<SourceRecord>;
    fn lease_due_sources(&self, now: i64, lease_secs: i64, limit: usize) -> Vec<SourceRecord>;
    fn next_source_due(&self) -> Option<i64>;
    fn reserve_host_turn(&self, host: &str, now_ms: i64, gap_ms: i64) -> i64;
    fn watch_match(&self, watch_id: i64, article_id: i64) -> Option<polmon_store::MatchRecord>;
    fn watch_matches_between(&self, watch_id: i64, start: i64, end: i64) -> Vec<polmon_store::MatchRecord>;
    fn claim_deliveries(&self, lease_secs: i64, limit: usize) -> Vec<polmon_store::Delivery>;
    fn delivery_sent(&self, id: i64) -> ();
    fn delivery_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> ();
    fn next_delivery_due(&self) -> Option<i64>;
    fn mark_seen(&self, source_id: i64, key: &str, fingerprint: &str, article_id: Option<i64>, outcome: Option<&str>) -> ();
    fn seen_item(&self, source_id: i64, key: &str) -> Option<SeenItem>;
    fn seen_count(&self, source_id: i64) -> u64;
    fn record_item_retry(&self, source_id: i64, key: &str, error: &str) -> u32;
    fn clear_item_retries(&self, source_id: i64, key: &str) -> ();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("postgres://me:secret@db:5432/x"), "postgres://me:***@db:5432/x");
        assert_eq!(redact("postgres://me@db/x"), "postgres://me@db/x");
        let err = PgStore::connect("postgres://me:secret@db:notaport/x", 1).unwrap_err();
        assert!(matches!(err, PgStoreError::BadUrl { .. }), "{err}");
        assert!(!err.to_string().contains("secret"), "{err}");
    }
}
