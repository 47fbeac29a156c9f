//! Crawled sources (feeds, sitemaps), their schedule state and the items already taken
//! from them.
//!
//! The store keeps the schedule state as an opaque JSON document (the crawler's
//! `polmon_fetch::SourceState`) next to the two fields it needs to query: `next_due`
//! (Unix seconds) and the conditional-GET validators. A `seen_items` row says an item
//! (by GUID or normalised link) of a source has been dealt with; the crawler writes it
//! only after the item's article is stored, so a crash never loses an item.

use rusqlite::{params, OptionalExtension, Row};

use crate::{now_rfc3339, Store, StoreError};

/// What a source URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// An RSS, Atom or JSON feed.
    Feed,
    /// A sitemap (also a Google News sitemap or a sitemap index).
    Sitemap,
    /// A page polled for links (reserved).
    Page,
}

impl SourceKind {
    /// The stored name: `feed`, `sitemap` or `page`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Page => "page",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<SourceKind> {
        match s {
            "feed" => Some(SourceKind::Feed),
            "sitemap" => Some(SourceKind::Sitemap),
            "page" => Some(SourceKind::Page),
            _ => None,
        }
    }
}

/// A source to add.
#[derive(Debug, Clone)]
pub struct NewSource {
    /// The feed or sitemap URL, normalised (the identity of the source).
    pub url: String,
    /// Display name; also the `source` of its articles.
    pub name: Option<String>,
    /// Category slug given to its articles when set.
    pub category: Option<String>,
    /// Language hint (ISO 639-1).
    pub language: Option<String>,
    /// What the URL is.
    pub kind: SourceKind,
    /// The site's home page, when known.
    pub site_url: Option<String>,
    /// Initial schedule state (JSON).
    pub state: String,
    /// When it is first due (Unix seconds).
    pub next_due: i64,
}

/// A stored source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    /// Store id.
    pub id: i64,
    /// The feed or sitemap URL.
    pub url: String,
    /// Display name.
    pub name: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Language hint.
    pub language: Option<String>,
    /// What the URL is.
    pub kind: SourceKind,
    /// The site's home page.
    pub site_url: Option<String>,
    /// Whether it is polled.
    pub enabled: bool,
    /// When it was added (RFC 3339).
    pub created_at: String,
    /// Schedule state (JSON, the crawler's `SourceState`).
    pub state: String,
    /// When it is next due (Unix seconds).
    pub next_due: i64,
    /// `ETag` of the last fetch.
    pub etag: Option<String>,
    /// `Last-Modified` of the last fetch.
    pub last_modified: Option<String>,
}

/// A source with its schedule state, for `sources list`, `/sources` and the API.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceStatus {
    /// Store id.
    pub id: i64,
    /// Feed or sitemap URL.
    pub url: String,
    /// The name its articles carry.
    pub name: String,
    /// `feed` or `sitemap`.
    pub kind: &'static str,
    /// The site's home page.
    pub site_url: Option<String>,
    /// Category given at `sources add`.
    pub category: Option<String>,
    /// Language given at `sources add`.
    pub language: Option<String>,
    /// Polled at all.
    pub enabled: bool,
    /// Last successful poll (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub last_success: Option<String>,
    /// Last failure message.
    pub last_error: Option<String>,
    /// When it happened.
    pub last_error_at: Option<String>,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// New items found over the source's life.
    pub items_seen: u64,
    /// Items recorded as taken (stored or given up).
    pub items_taken: u64,
    /// Next poll (UTC).
    pub next_due: String,
    /// Stored articles carrying its name.
    pub articles: u64,
}

/// What is remembered of an item already taken from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenItem {
    /// The item's title (or other content fingerprint) when it was taken: a changed
    /// one means the page is fetched again.
    pub fingerprint: String,
    /// The article stored from it, if any.
    pub article_id: Option<i64>,
    /// `None` when stored, else why the item was given up.
    pub outcome: Option<String>,
}

const SOURCE_COLUMNS: &str =
    "id, url, name, category, language, kind, site_url, enabled, created_at, state, next_due, etag, last_modified";

fn source_from_row(r: &Row<'_>) -> rusqlite::Result<SourceRecord> {
    let kind: String = r.get(5)?;
    Ok(SourceRecord {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        language: r.get(4)?,
        kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Feed),
        site_url: r.get(6)?,
        enabled: r.get::<_, i64>(7)? != 0,
        created_at: r.get(8)?,
        state: r.get(9)?,
        next_due: r.get(10)?,
        etag: r.get(11)?,
        last_modified: r.get(12)?,
    })
}

impl Store {
    /// Adds a source; returns its id and whether it is new (an existing source with the
    /// same URL is left as it is).
    pub fn add_source(&self, s: &NewSource) -> Result<(i64, bool), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let existing: Option<i64> =
                tx.query_row("SELECT id FROM sources WHERE url = ?1", [&s.url], |r| r.get(0)).optional()?;
            if let Some(id) = existing {
                return Ok((id, false));
            }
            tx.execute(
                "INSERT INTO sources (url, name, category, language, kind, site_url, created_at, state, next_due)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![s.url, s.name, s.category, s.language, s.kind.as_str(), s.site_url, now_rfc3339(), s.state, s.next_due],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok((id, true))
        })
    }

    /// Every source, by id.
    pub fn sources(&self) -> Result<Vec<SourceRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY id"))?;
            let rows = stmt.query_map([], source_from_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// One source by id.
    pub fn source(&self, id: i64) -> Result<Option<SourceRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(&format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = ?1"), [id], source_from_row)
                .optional()?)
        })
    }

    /// One source by its (normalised) URL.
    pub fn source_by_url(&self, url: &str) -> Result<Option<SourceRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(&format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE url = ?1"), [url], source_from_row)
                .optional()?)
        })
    }

    /// Removes a source and what was seen of it (its articles stay). False if unknown.
    pub fn remove_source(&self, id: i64) -> Result<bool, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM seen_items WHERE source_id = ?1", [id])?;
            let n = tx.execute("DELETE FROM sources WHERE id = ?1", [id])?;
            tx.commit()?;
            Ok(n > 0)
        })
    }

    /// Saves a source's schedule state, next due time and validators.
    pub fn save_source_state(
        &self,
        id: i64,
        state: &str,
        next_due: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute(
                "UPDATE sources SET state = ?2, next_due = ?3, etag = ?4, last_modified = ?5 WHERE id = ?1",
                params![id, state, next_due, etag, last_modified],
            )?;
            Ok(())
        })
    }

    /// The enabled sources due at `now` (Unix seconds), most overdue first, at most `limit`.
    pub fn due_sources(&self, now: i64, limit: usize) -> Result<Vec<SourceRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SOURCE_COLUMNS} FROM sources WHERE enabled = 1 AND next_due <= ?1 ORDER BY next_due, id LIMIT ?2"
            ))?;
            let rows = stmt
                .query_map(params![now, limit as i64], source_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Reserves the next request to `host` for a caller at `now_ms` (Unix milliseconds):
    /// returns the time its request may start, the later of `now_ms` and the host's next
    /// free turn, and moves that turn `gap_ms` past it, in one statement. Crawlers on one
    /// store (processes or machines) so start at most one request per host per gap.
    pub fn reserve_host_turn(&self, host: &str, now_ms: i64, gap_ms: i64) -> Result<i64, StoreError> {
        self.write(|conn| {
            let next: i64 = conn
                .prepare_cached(
                    "INSERT INTO host_turns (host, next_ms) VALUES (?1, ?2 + ?3)
                     ON CONFLICT (host) DO UPDATE SET next_ms = max(next_ms, ?2) + ?3
                     RETURNING next_ms",
                )?
                .query_row(params![host, now_ms, gap_ms], |r| r.get(0))?;
            Ok(next - gap_ms)
        })
    }

    /// Takes up to `limit` enabled sources due at `now`, most overdue first, moving their
    /// `next_due` to `now + lease_secs` in one immediate transaction: another handle or
    /// process on the same file does not take them until the lease ends.
    pub fn lease_due_sources(&self, now: i64, lease_secs: i64, limit: usize) -> Result<Vec<SourceRecord>, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut taken = tx
                .prepare_cached(&format!(
                    "SELECT {SOURCE_COLUMNS} FROM sources WHERE enabled = 1 AND next_due <= ?1 ORDER BY next_due, id LIMIT ?2"
                ))?
                .query_map(params![now, limit as i64], source_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            for source in &mut taken {
                source.next_due = now + lease_secs;
                tx.prepare_cached("UPDATE sources SET next_due = ?2 WHERE id = ?1")?
                    .execute(params![source.id, source.next_due])?;
            }
            tx.commit()?;
            Ok(taken)
        })
    }

    /// The earliest `next_due` of the enabled sources.
    pub fn next_source_due(&self) -> Result<Option<i64>, StoreError> {
        self.read(|conn| Ok(conn.query_row("SELECT min(next_due) FROM sources WHERE enabled = 1", [], |r| r.get(0))?))
    }

    /// Records that an item of a source has been dealt with: stored as `article_id`, or
    /// given up for `outcome`. Replaces an earlier record of the same item.
    pub fn mark_seen(
        &self,
        source_id: i64,
        key: &str,
        fingerprint: &str,
        article_id: Option<i64>,
        outcome: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute(
                "INSERT INTO seen_items (source_id, key, fingerprint, article_id, outcome, seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (source_id, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                    article_id = coalesce(excluded.article_id, seen_items.article_id),
                    outcome = excluded.outcome, seen_at = excluded.seen_at",
                params![source_id, key, fingerprint, article_id, outcome, now_rfc3339()],
            )?;
            Ok(())
        })
    }

    /// What was recorded of an item, if it was seen.
    pub fn seen_item(&self, source_id: i64, key: &str) -> Result<Option<SeenItem>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT fingerprint, article_id, outcome FROM seen_items WHERE source_id = ?1 AND key = ?2",
                    params![source_id, key],
                    |r| Ok(SeenItem { fingerprint: r.get(0)?, article_id: r.get(1)?, outcome: r.get(2)? }),
                )
                .optional()?)
        })
    }

    /// Whether an item of a source was seen.
    pub fn is_seen(&self, source_id: i64, key: &str) -> Result<bool, StoreError> {
        Ok(self.seen_item(source_id, key)?.is_some())
    }

    /// How many items of a source were seen.
    pub fn seen_count(&self, source_id: i64) -> Result<u64, StoreError> {
        self.read(|conn| {
            Ok(conn.query_row("SELECT count(*) FROM seen_items WHERE source_id = ?1", [source_id], |r| {
                r.get::<_, i64>(0)
            })? as u64)
        })
    }

    /// Counts one more transient failure of an item (a busy database, a full disk) and
    /// returns how many there have been. The crawler gives the item up after a cap.
    pub fn record_item_retry(&self, source_id: i64, key: &str, error: &str) -> Result<u32, StoreError> {
        self.write(|conn| {
            Ok(conn.query_row(
                "INSERT INTO item_retries (source_id, key, attempts, last_error) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (source_id, key) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error
                 RETURNING attempts",
                params![source_id, key, error],
                |r| r.get::<_, u32>(0),
            )?)
        })
    }

    /// Forgets the transient failures of an item (it was stored or given up).
    pub fn clear_item_retries(&self, source_id: i64, key: &str) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute("DELETE FROM item_retries WHERE source_id = ?1 AND key = ?2", params![source_id, key])?;
            Ok(())
        })
    }

    /// The id of the article stored from this URL (as given to the pipeline), if any:
    /// lets a crawler that died between storing an article and marking its item seen
    /// skip the page instead of fetching it again.
    pub fn article_id_by_url(&self, url: &str) -> Result<Option<i64>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row("SELECT id FROM articles WHERE url = ?1 ORDER BY id LIMIT 1", [url], |r| r.get(0))
                .optional()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(url: &str, due: i64) -> NewSource {
        NewSource {
            url: url.into(),
            name: Some("Example".into()),
            category: None,
            language: Some("en".into()),
            kind: SourceKind::Feed,
            site_url: None,
            state: "{}".into(),
            next_due: due,
        }
    }

    #[test]
    fn sources_are_added_once_listed_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (a, new) = store.add_source(&source("https://a.example/rss", 10)).unwrap();
        assert!(new);
        let (again, new) = store.add_source(&source("https://a.example/rss", 99)).unwrap();
        assert_eq!((again, new), (a, false));
        let (b, _) = store.add_source(&source("https://b.example/sitemap.xml", 5)).unwrap();
        let all = store.sources().unwrap();
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), [a, b]);
        assert_eq!(all[0].next_due, 10, "an existing source is left as it is");
        assert_eq!(store.source_by_url("https://b.example/sitemap.xml").unwrap().unwrap().id, b);
        store.mark_seen(b, "k", "", None, None).unwrap();
        assert!(store.remove_source(b).unwrap());
        assert!(!store.remove_source(b).unwrap());
        assert!(store.source(b).unwrap().is_none());
        assert_eq!(store.seen_count(b).unwrap(), 0);
    }

    #[test]
    fn due_sources_follow_saved_state() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (a, _) = store.add_source(&source("https://a.example/rss", 50)).unwrap();
        let (b, _) = store.add_source(&source("https://b.example/rss", 10)).unwrap();
        let (c, _) = store.add_source(&source("https://c.example/rss", 500)).unwrap();
        let ids = |v: Vec<SourceRecord>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(store.due_sources(100, 10).unwrap()), [b, a]);
        assert_eq!(ids(store.due_sources(100, 1).unwrap()), [b]);
        store.save_source_state(b, r#"{"items_seen":3}"#, 1000, Some("\"e1\""), None).unwrap();
        assert_eq!(ids(store.due_sources(100, 10).unwrap()), [a]);
        assert_eq!(store.next_source_due().unwrap(), Some(50));
        let saved = store.source(b).unwrap().unwrap();
        assert_eq!((saved.state.as_str(), saved.next_due, saved.etag.as_deref()), (r#"{"items_seen":3}"#, 1000, Some("\"e1\"")));
        assert_eq!(ids(store.due_sources(600, 10).unwrap()), [a, c]);
    }

    #[test]
    fn seen_items_are_per_source_and_keep_the_article() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (a, _) = store.add_source(&source("https://a.example/rss", 0)).unwrap();
        let (b, _) = store.add_source(&source("https://b.example/rss", 0)).unwrap();
        assert!(!store.is_seen(a, "guid-1").unwrap());
        store.mark_seen(a, "guid-1", "Title", Some(7), None).unwrap();
        assert!(store.is_seen(a, "guid-1").unwrap());
        assert!(!store.is_seen(b, "guid-1").unwrap());
        store.mark_seen(a, "guid-1", "New title", None, Some("HTTP 404")).unwrap();
        let seen = store.seen_item(a, "guid-1").unwrap().unwrap();
        assert_eq!(seen, SeenItem { fingerprint: "New title".into(), article_id: Some(7), outcome: Some("HTTP 404".into()) });
        assert_eq!(store.seen_count(a).unwrap(), 1);
    }
}
