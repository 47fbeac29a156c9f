//! Crawled sources, their schedule state and leases, and the items taken from them.

use polmon_store::{now_rfc3339, NewSource, SeenItem, SourceKind, SourceRecord};
use postgres::Row;

use crate::{PgStore, PgStoreError};

const SOURCE_COLUMNS: &str =
    "id, url, name, category, language, kind, site_url, enabled, created_at, state, next_due, etag, last_modified";

fn source_from_row(r: &Row) -> SourceRecord {
    let kind: String = r.get(5);
    SourceRecord {
        id: r.get(0),
        url: r.get(1),
        name: r.get(2),
        category: r.get(3),
        language: r.get(4),
        kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Feed),
        site_url: r.get(6),
        enabled: r.get(7),
        created_at: r.get(8),
        state: r.get(9),
        next_due: r.get(10),
        etag: r.get(11),
        last_modified: r.get(12),
    }
}

impl PgStore {
    /// Adds a source; returns its id and whether it is new (an existing source with the
    /// same URL is left as it is, and no id is taken).
    pub fn add_source(&self, s: &NewSource) -> Result<(i64, bool), PgStoreError> {
        let mut conn = self.conn()?;
        loop {
            if let Some(row) = conn.query_opt("SELECT id FROM sources WHERE url = $1", &[&s.url])? {
                return Ok((row.get(0), false));
            }
            let inserted = conn.query_opt(
                "INSERT INTO sources (url, name, category, language, kind, site_url, created_at, state, next_due)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (url) DO NOTHING RETURNING id",
                &[
                    &s.url,
                    &s.name,
                    &s.category,
                    &s.language,
                    &s.kind.as_str(),
                    &s.site_url,
                    &now_rfc3339(),
                    &s.state,
                    &s.next_due,
                ],
            )?;
            if let Some(row) = inserted {
                return Ok((row.get(0), true));
            }
        }
    }

    /// Every source, by id.
    pub fn sources(&self) -> Result<Vec<SourceRecord>, PgStoreError> {
        let rows = self.conn()?.query(&format!("SELECT {SOURCE_COLUMNS} FROM sources ORDER BY id"), &[])?;
        Ok(rows.iter().map(source_from_row).collect())
    }

    /// One source by id.
    pub fn source(&self, id: i64) -> Result<Option<SourceRecord>, PgStoreError> {
        let row = self.conn()?.query_opt(&format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE id = $1"), &[&id])?;
        Ok(row.as_ref().map(source_from_row))
    }

    /// One source by its normalised URL.
    pub fn source_by_url(&self, url: &str) -> Result<Option<SourceRecord>, PgStoreError> {
        let row = self.conn()?.query_opt(&format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE url = $1"), &[&url])?;
        Ok(row.as_ref().map(source_from_row))
    }

    /// Removes a source and what was seen of it. False if unknown.
    pub fn remove_source(&self, id: i64) -> Result<bool, PgStoreError> {
        // Seen items and retries go with it (ON DELETE CASCADE).
        Ok(self.conn()?.execute("DELETE FROM sources WHERE id = $1", &[&id])? > 0)
    }

    /// Saves a source's schedule state, next due time and validators.
    pub fn save_source_state(
        &self,
        id: i64,
        state: &str,
        next_due: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<(), PgStoreError> {
        self.conn()?.execute(
            "UPDATE sources SET state = $2, next_due = $3, etag = $4, last_modified = $5 WHERE id = $1",
            &[&id, &state, &next_due, &etag, &last_modified],
        )?;
        Ok(())
    }

    /// The enabled sources due at `now`, most overdue first.
    pub fn due_sources(&self, now: i64, limit: usize) -> Result<Vec<SourceRecord>, PgStoreError> {
        let rows = self.conn()?.query(
            &format!(
                "SELECT {SOURCE_COLUMNS} FROM sources WHERE enabled AND next_due <= $1 ORDER BY next_due, id LIMIT $2"
            ),
            &[&now, &(limit as i64)],
        )?;
        Ok(rows.iter().map(source_from_row).collect())
    }

    /// Takes due sources with `FOR UPDATE SKIP LOCKED` (rows another scheduler is taking
    /// are skipped, not waited for) and moves their `next_due` to the lease's end.
    pub fn lease_due_sources(
        &self,
        now: i64,
        lease_secs: i64,
        limit: usize,
    ) -> Result<Vec<SourceRecord>, PgStoreError> {
        let sql = format!(
            "WITH due AS (
                 SELECT id, next_due AS was_due FROM sources WHERE enabled AND next_due <= $1
                 ORDER BY next_due, id LIMIT $3 FOR UPDATE SKIP LOCKED
             ), leased AS (
                 UPDATE sources s SET next_due = $1 + $2 FROM due WHERE s.id = due.id
                 RETURNING {}, due.was_due
             )
             SELECT {SOURCE_COLUMNS} FROM leased ORDER BY was_due, id",
            SOURCE_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows = self.conn()?.query(&sql, &[&now, &lease_secs, &(limit as i64)])?;
        Ok(rows.iter().map(source_from_row).collect())
    }

    /// Reserves the next request to `host` for a caller at `now_ms`: the later of
    /// `now_ms` and the host's next free turn, the turn moved `gap_ms` past it (one
    /// upsert: callers on other machines queue on the host's row).
    pub fn reserve_host_turn(&self, host: &str, now_ms: i64, gap_ms: i64) -> Result<i64, PgStoreError> {
        let next: i64 = self
            .conn()?
            .query_one(
                "INSERT INTO host_turns (host, next_ms) VALUES ($1, $2::bigint + $3::bigint)
                 ON CONFLICT (host) DO UPDATE SET next_ms = GREATEST(host_turns.next_ms, $2::bigint) + $3::bigint
                 RETURNING next_ms",
                &[&host, &now_ms, &gap_ms],
            )?
            .get(0);
        Ok(next - gap_ms)
    }

    /// The earliest `next_due` of the enabled sources.
    pub fn next_source_due(&self) -> Result<Option<i64>, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT min(next_due) FROM sources WHERE enabled", &[])?.get(0))
    }

    /// Records that an item of a source was dealt with, keeping an earlier article id.
    pub fn mark_seen(
        &self,
        source_id: i64,
        key: &str,
        fingerprint: &str,
        article_id: Option<i64>,
        outcome: Option<&str>,
    ) -> Result<(), PgStoreError> {
        self.conn()?.execute(
            "INSERT INTO seen_items (source_id, key, fingerprint, article_id, outcome, seen_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (source_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
                article_id = coalesce(EXCLUDED.article_id, seen_items.article_id),
                outcome = EXCLUDED.outcome, seen_at = EXCLUDED.seen_at",
            &[&source_id, &key, &fingerprint, &article_id, &outcome, &now_rfc3339()],
        )?;
        Ok(())
    }

    /// What was recorded of an item, if it was seen.
    pub fn seen_item(&self, source_id: i64, key: &str) -> Result<Option<SeenItem>, PgStoreError> {
        let row = self.conn()?.query_opt(
            "SELECT fingerprint, article_id, outcome FROM seen_items WHERE source_id = $1 AND key = $2",
            &[&source_id, &key],
        )?;
        Ok(row.map(|r| SeenItem { fingerprint: r.get(0), article_id: r.get(1), outcome: r.get(2) }))
    }

    /// How many items of a source were seen.
    pub fn seen_count(&self, source_id: i64) -> Result<u64, PgStoreError> {
        let n: i64 =
            self.conn()?.query_one("SELECT count(*) FROM seen_items WHERE source_id = $1", &[&source_id])?.get(0);
        Ok(n as u64)
    }

    /// Counts one more transient failure of an item; returns the count so far.
    pub fn record_item_retry(&self, source_id: i64, key: &str, error: &str) -> Result<u32, PgStoreError> {
        let attempts: i64 = self
            .conn()?
            .query_one(
                "INSERT INTO item_retries AS r (source_id, key, attempts, last_error) VALUES ($1, $2, 1, $3)
                 ON CONFLICT (source_id, key) DO UPDATE SET attempts = r.attempts + 1, last_error = EXCLUDED.last_error
                 RETURNING attempts",
                &[&source_id, &key, &error],
            )?
            .get(0);
        Ok(u32::try_from(attempts).unwrap_or(u32::MAX))
    }

    /// Forgets the transient failures of an item.
    pub fn clear_item_retries(&self, source_id: i64, key: &str) -> Result<(), PgStoreError> {
        self.conn()?.execute("DELETE FROM item_retries WHERE source_id = $1 AND key = $2", &[&source_id, &key])?;
        Ok(())
    }
}
