//! The schema as an ordered list of migrations.
//!
//! Each migration runs in its own transaction and bumps SQLite's `user_version` to its
//! position in [`MIGRATIONS`] (1-based). Add new migrations at the end; never edit one
//! that has shipped. A database whose `user_version` is above `MIGRATIONS.len()` was
//! written by a newer build and is refused.

use rusqlite::Connection;

use crate::StoreError;

/// The migrations, oldest first.
pub const MIGRATIONS: &[&str] = &[
    // 1: articles, entities, mentions, quotes.
    r#"
    CREATE TABLE articles (
        id              INTEGER PRIMARY KEY,
        dedup_key       TEXT NOT NULL UNIQUE,
        external_id     TEXT,
        url             TEXT,
        canonical_url   TEXT,
        title           TEXT NOT NULL,
        author          TEXT,
        published       TEXT,
        sort_ts         INTEGER NOT NULL,
        language        TEXT,
        source          TEXT,
        original_source TEXT,
        category        TEXT NOT NULL,
        text            TEXT NOT NULL,
        blocks          TEXT NOT NULL,
        analysis        TEXT NOT NULL,
        content_hash    TEXT NOT NULL,
        story_id        INTEGER,
        duplicate_of    INTEGER,
        ingested_at     TEXT NOT NULL,
        indexed         INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX articles_by_time     ON articles(sort_ts DESC, id DESC);
    CREATE INDEX articles_by_category ON articles(category, sort_ts DESC);
    CREATE INDEX articles_by_source   ON articles(source, sort_ts DESC);
    CREATE INDEX articles_by_story    ON articles(story_id, sort_ts);
    CREATE INDEX articles_unindexed   ON articles(indexed) WHERE indexed = 0;

    CREATE TABLE entities (
        id          INTEGER PRIMARY KEY,
        canonical   TEXT NOT NULL,
        kind        TEXT NOT NULL,
        UNIQUE (canonical, kind)
    );
    CREATE TABLE mentions (
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity_id   INTEGER NOT NULL REFERENCES entities(id),
        role        TEXT,
        count       INTEGER NOT NULL,
        PRIMARY KEY (article_id, entity_id)
    );
    CREATE INDEX mentions_by_entity ON mentions(entity_id);
    CREATE TABLE quotes (
        id          INTEGER PRIMARY KEY,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity_id   INTEGER REFERENCES entities(id),
        speaker     TEXT,
        text        TEXT NOT NULL,
        direct      INTEGER NOT NULL
    );
    CREATE INDEX quotes_by_article ON quotes(article_id);
    CREATE INDEX quotes_by_entity  ON quotes(entity_id);
    "#,
    // 2: crawled sources, their schedule state, and the items already taken from them.
    r#"
    CREATE TABLE sources (
        id              INTEGER PRIMARY KEY,
        url             TEXT NOT NULL UNIQUE,
        name            TEXT,
        category        TEXT,
        language        TEXT,
        kind            TEXT NOT NULL CHECK (kind IN ('feed', 'sitemap', 'page')),
        site_url        TEXT,
        enabled         INTEGER NOT NULL DEFAULT 1,
        created_at      TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT '{}',
        next_due        INTEGER NOT NULL DEFAULT 0,
        etag            TEXT,
        last_modified   TEXT
    );
    CREATE INDEX sources_due ON sources(enabled, next_due);
    CREATE TABLE seen_items (
        source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key         TEXT NOT NULL,
        fingerprint TEXT NOT NULL DEFAULT '',
        article_id  INTEGER,
        outcome     TEXT,
        seen_at     TEXT NOT NULL,
        UNIQUE (source_id, key)
    );
    CREATE INDEX articles_by_url ON articles(url);
    "#,
    // 3: related lists kept by the writer; transient failures of crawled items counted.
    r#"
    CREATE TABLE related (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        ids         TEXT NOT NULL
    );
    CREATE TABLE item_retries (
        source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key         TEXT NOT NULL,
        attempts    INTEGER NOT NULL,
        last_error  TEXT NOT NULL,
        PRIMARY KEY (source_id, key)
    );
    "#,
    // 4: machine translations of articles into the reader's language, and the queue of
    // articles waiting for one (with their failed attempts).
    r#"
    CREATE TABLE translations (
        article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        language      TEXT NOT NULL,
        title         TEXT NOT NULL,
        text          TEXT NOT NULL,
        engine        TEXT NOT NULL,
        route         TEXT NOT NULL,
        source_hash   TEXT NOT NULL,
        translated_at TEXT NOT NULL,
        PRIMARY KEY (article_id, language)
    );
    CREATE TABLE translation_queue (
        article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        language      TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_attempt  INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        PRIMARY KEY (article_id, language)
    );
    CREATE INDEX translation_queue_due ON translation_queue(language, next_attempt);
    "#,
    // 5: trend counters per entity, source, role and day (see trends.rs; filled at open).
    r#"
    CREATE TABLE trend_entity_days (
        day         INTEGER NOT NULL,
        entity_id   INTEGER NOT NULL,
        articles    INTEGER NOT NULL,
        mentions    INTEGER NOT NULL,
        quotes      INTEGER NOT NULL,
        PRIMARY KEY (day, entity_id)
    ) WITHOUT ROWID;
    CREATE INDEX trend_entity_days_by_entity ON trend_entity_days(entity_id, day);
    CREATE INDEX trend_entity_days_quoted ON trend_entity_days(day, entity_id, quotes) WHERE quotes > 0;
    CREATE TABLE trend_source_days (
        source      TEXT NOT NULL,
        day         INTEGER NOT NULL,
        entity_id   INTEGER NOT NULL,
        role        TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        mentions    INTEGER NOT NULL,
        quotes      INTEGER NOT NULL,
        PRIMARY KEY (source, day, entity_id, role)
    ) WITHOUT ROWID;
    CREATE INDEX trend_source_days_quoted ON trend_source_days(entity_id, day, source, quotes) WHERE quotes > 0;
    CREATE INDEX trend_source_days_quoted_by_source ON trend_source_days(source, day, entity_id, role, quotes) WHERE quotes > 0;
    CREATE TABLE trend_role_days (
        entity_id   INTEGER NOT NULL,
        role        TEXT NOT NULL,
        day         INTEGER NOT NULL,
        articles    INTEGER NOT NULL,
        PRIMARY KEY (entity_id, role, day)
    ) WITHOUT ROWID;
    "#,
    // 6: watches, their matches, the outbox of deliveries, and a change counter for watches.
    r#"
    CREATE TABLE watches (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT NOT NULL,
        spec        TEXT NOT NULL,
        secret      TEXT NOT NULL,
        key_prefix  TEXT NOT NULL,
        webhook     TEXT,
        email       TEXT,
        digest      TEXT,
        burst_min   INTEGER,
        burst_hours INTEGER,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE watch_matches (
        watch_id    INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        matched     TEXT NOT NULL,
        at          INTEGER NOT NULL,
        PRIMARY KEY (watch_id, article_id)
    );
    CREATE INDEX watch_matches_by_time ON watch_matches(watch_id, at);
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        watch_id        INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        article_id      INTEGER REFERENCES articles(id) ON DELETE CASCADE,
        digest_start    INTEGER,
        digest_end      INTEGER,
        channel         TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
        idempotency_key TEXT NOT NULL UNIQUE,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt    INTEGER NOT NULL,
        last_error      TEXT,
        state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
        created_at      INTEGER NOT NULL,
        sent_at         INTEGER,
        CHECK ((article_id IS NULL) <> (digest_end IS NULL))
    );
    CREATE INDEX outbox_due ON outbox(state, next_attempt);
    CREATE INDEX outbox_by_watch ON outbox(watch_id, created_at);
    CREATE TABLE watch_changes (version INTEGER NOT NULL);
    INSERT INTO watch_changes VALUES (0);
    "#,
    // 7: aggregates kept at write time (see `aggregates.rs`), so that no page counts or
    // groups the whole archive; filled from the articles at the next open
    // (`aggregates_backfilled` is empty until then). Mentions and quotes carry their
    // article's time for newest-first listings per entity. `store_marks`: how far a scan
    // got (articles below `related_complete_upto` all have related lists).
    r#"
    CREATE TABLE facet_counts (
        facet       TEXT NOT NULL,
        value       TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        PRIMARY KEY (facet, value)
    ) WITHOUT ROWID;
    CREATE INDEX facet_counts_by_size ON facet_counts(facet, articles DESC, value);
    CREATE TABLE stories (
        story_id    INTEGER PRIMARY KEY,
        size        INTEGER NOT NULL,
        sources     INTEGER NOT NULL,
        languages   INTEGER NOT NULL,
        first_ts    INTEGER NOT NULL,
        last_ts     INTEGER NOT NULL
    );
    CREATE INDEX stories_by_last ON stories(last_ts DESC);
    CREATE INDEX stories_by_breadth ON stories(5 * sources + size DESC, last_ts DESC);
    CREATE TABLE story_values (
        story_id    INTEGER NOT NULL,
        facet       TEXT NOT NULL,
        value       TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        PRIMARY KEY (story_id, facet, value)
    ) WITHOUT ROWID;
    CREATE TABLE entity_totals (
        entity_id   INTEGER PRIMARY KEY REFERENCES entities(id),
        kind        TEXT NOT NULL,
        canonical   TEXT NOT NULL,
        articles    INTEGER NOT NULL
    );
    CREATE INDEX entity_totals_by_kind ON entity_totals(kind, articles DESC, canonical);
    CREATE INDEX entity_totals_by_size ON entity_totals(articles DESC, canonical);
    CREATE TABLE entity_role_counts (
        entity_id   INTEGER NOT NULL,
        role        TEXT NOT NULL,
        articles    INTEGER NOT NULL,
        PRIMARY KEY (entity_id, role)
    ) WITHOUT ROWID;
    CREATE TABLE aggregates_backfilled (done INTEGER NOT NULL);
    CREATE TABLE store_marks (
        name        TEXT PRIMARY KEY,
        value       INTEGER NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE mentions ADD COLUMN sort_ts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE quotes ADD COLUMN sort_ts INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX mentions_by_entity_time ON mentions(entity_id, sort_ts DESC, article_id DESC);
    CREATE INDEX mentions_by_entity_role ON mentions(entity_id, role, sort_ts, article_id) WHERE role IS NOT NULL;
    CREATE INDEX quotes_by_entity_time ON quotes(entity_id, sort_ts DESC, id);
    CREATE INDEX articles_by_language ON articles(language, sort_ts DESC);
    CREATE INDEX articles_by_original ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
    "#,
    // 8: raw pages kept by key for the workers of the distributed mode.
    r#"
    CREATE TABLE raw_pages (
        id           INTEGER PRIMARY KEY,
        key          TEXT NOT NULL UNIQUE,
        url          TEXT,
        content_type TEXT,
        source       TEXT,
        published    TEXT,
        body         BLOB NOT NULL,
        stored_at    INTEGER NOT NULL
    );
    "#,
    // 9: the next free request turn per host, shared by every crawler on the store.
    r#"
    CREATE TABLE host_turns (
        host        TEXT PRIMARY KEY,
        next_ms     INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies every pending migration, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest_version() {
        return Err(StoreError::NewerSchema { found: current, known: latest_version() });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i64 + 1;
        let tx = conn.transaction().map_err(|source| StoreError::Migration { version, source })?;
        tx.execute_batch(sql).map_err(|source| StoreError::Migration { version, source })?;
        tx.pragma_update(None, "user_version", version)
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.commit().map_err(|source| StoreError::Migration { version, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_database_to_the_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, latest_version());
        // Idempotent.
        migrate(&mut conn).unwrap();
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }));
        assert!(err.to_string().contains("newer Politics Monitor"));
    }
}
