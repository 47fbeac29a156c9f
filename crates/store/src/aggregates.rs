//! Aggregates kept at write time, so that reading a page never counts or groups the
//! whole archive: articles per category, source and language (and in all), story sizes
//! with their distinct sources and languages and time span, articles per entity and per
//! (entity, role).
//!
//! Every write that changes what an article contributes calls in here inside its own
//! transaction: [`article_changed`] with the article's [`Contribution`] before and
//! after (upserts, links, moves), [`story_merged`] after a story merge, and
//! [`mentions_removed`]/[`mention_added`] around the rewrite of an article's mentions.
//! [`RECOUNTS`] says what each table must equal; [`backfill`] fills the tables from it
//! for a folder written before they existed, and [`Store::aggregate_mismatches`]
//! compares the kept values with a recount.

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Store, StoreError};

/// Each aggregate table with the query that recounts it from scratch (same columns,
/// same order). Rows whose count would be zero are absent.
const RECOUNTS: &[(&str, &str)] = &[
    (
        "facet_counts",
        "SELECT 'all', '', count(*) FROM articles HAVING count(*) > 0
         UNION ALL SELECT 'category', category, count(*) FROM articles GROUP BY category
         UNION ALL SELECT 'source', source, count(*) FROM articles WHERE source IS NOT NULL GROUP BY source
         UNION ALL SELECT 'language', language, count(*) FROM articles WHERE language IS NOT NULL GROUP BY language",
    ),
    (
        "story_values",
        "SELECT story_id, 'source', source, count(*) FROM articles
             WHERE story_id IS NOT NULL AND source IS NOT NULL GROUP BY story_id, source
         UNION ALL SELECT story_id, 'language', language, count(*) FROM articles
             WHERE story_id IS NOT NULL AND language IS NOT NULL GROUP BY story_id, language",
    ),
    (
        "stories",
        "SELECT story_id, count(*), count(DISTINCT source), count(DISTINCT language), min(sort_ts), max(sort_ts)
         FROM articles WHERE story_id IS NOT NULL GROUP BY story_id",
    ),
    (
        "entity_totals",
        "SELECT e.id, e.kind, e.canonical, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id GROUP BY e.id",
    ),
    (
        "entity_role_counts",
        "SELECT entity_id, role, count(*) FROM mentions WHERE role IS NOT NULL GROUP BY entity_id, role",
    ),
];

/// Mentions and quotes carry their article's `sort_ts` (for newest-first listings per
/// entity): the statements that set it from the articles.
const TIME_COPIES: &[&str] = &[
    "UPDATE mentions SET sort_ts = (SELECT sort_ts FROM articles a WHERE a.id = mentions.article_id)",
    "UPDATE quotes SET sort_ts = (SELECT sort_ts FROM articles a WHERE a.id = quotes.article_id)",
];

/// Fills the aggregate tables from the articles if this folder has never had them
/// filled (written by a version without them). Runs once, in one transaction; on a new
/// folder it only marks them filled.
pub(crate) fn backfill(conn: &mut Connection) -> Result<(), StoreError> {
    let done: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM aggregates_backfilled)", [], |r| r.get(0))?;
    if done {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (table, recount) in RECOUNTS {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
        tx.execute(&format!("INSERT INTO {table} {recount}"), [])?;
    }
    for copy in TIME_COPIES {
        tx.execute(copy, [])?;
    }
    tx.execute("INSERT INTO aggregates_backfilled (done) VALUES (1)", [])?;
    tx.commit()?;
    Ok(())
}

/// What one article adds to the aggregates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contribution {
    category: String,
    source: Option<String>,
    language: Option<String>,
    story_id: Option<i64>,
    sort_ts: i64,
}

/// The stored article's contribution, if it exists.
#[inline(never)] // its own frame in instruction profiles (scripts/bench-ingest-cost.sh)
pub(crate) fn contribution(conn: &Connection, id: i64) -> Result<Option<Contribution>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT category, source, language, story_id, sort_ts FROM articles WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Contribution {
                category: r.get(0)?,
                source: r.get(1)?,
                language: r.get(2)?,
                story_id: r.get(3)?,
                sort_ts: r.get(4)?,
            })
        })
        .optional()?)
}

/// Moves an article's contribution from `before` to `after` (either absent for an
/// article that did not or does not exist). Call after the write, in its transaction.
#[inline(never)] // its own frame in instruction profiles (scripts/bench-ingest-cost.sh)
pub(crate) fn article_changed(
    conn: &Connection,
    before: Option<&Contribution>,
    after: Option<&Contribution>,
) -> Result<(), StoreError> {
    let facets = |c: &Contribution| (c.category.clone(), c.source.clone(), c.language.clone());
    if before.map(facets) != after.map(facets) {
        if let Some(b) = before {
            count_facets(conn, b, -1)?;
        }
        if let Some(a) = after {
            count_facets(conn, a, 1)?;
        }
    }
    let in_story = |c: &Contribution| c.story_id.map(|s| (s, c.source.clone(), c.language.clone(), c.sort_ts));
    if before.and_then(in_story) != after.and_then(in_story) {
        if let Some(b) = before.filter(|b| b.story_id.is_some()) {
            story_remove(conn, b)?;
        }
        if let Some(a) = after.filter(|a| a.story_id.is_some()) {
            story_add(conn, a)?;
        }
    }
    Ok(())
}

fn count_facets(conn: &Connection, c: &Contribution, delta: i64) -> Result<(), StoreError> {
    for (facet, value) in [
        ("all", Some("")),
        ("category", Some(c.category.as_str())),
        ("source", c.source.as_deref()),
        ("language", c.language.as_deref()),
    ] {
        if let Some(value) = value {
            conn.prepare_cached(
                "INSERT INTO facet_counts (facet, value, articles) VALUES (?1, ?2, ?3)
                 ON CONFLICT (facet, value) DO UPDATE SET articles = articles + excluded.articles",
            )?
            .execute(params![facet, value, delta])?;
            if delta < 0 {
                conn.prepare_cached("DELETE FROM facet_counts WHERE facet = ?1 AND value = ?2 AND articles <= 0")?
                    .execute(params![facet, value])?;
            }
        }
    }
    Ok(())
}

/// Adds `delta` to the articles of `value` in the story; true when the value appeared
/// in (or disappeared from) the story.
fn count_story_value(conn: &Connection, story: i64, facet: &str, value: Option<&str>, delta: i64) -> Result<bool, StoreError> {
    let Some(value) = value else { return Ok(false) };
    let now: i64 = conn
        .prepare_cached(
            "INSERT INTO story_values (story_id, facet, value, articles) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (story_id, facet, value) DO UPDATE SET articles = articles + excluded.articles
             RETURNING articles",
        )?
        .query_row(params![story, facet, value, delta], |r| r.get(0))?;
    if now <= 0 {
        conn.prepare_cached("DELETE FROM story_values WHERE story_id = ?1 AND facet = ?2 AND value = ?3")?
            .execute(params![story, facet, value])?;
    }
    Ok(if delta > 0 { now == 1 } else { now <= 0 })
}

fn story_add(conn: &Connection, c: &Contribution) -> Result<(), StoreError> {
    let Some(story) = c.story_id else { return Ok(()) };
    let new_source = count_story_value(conn, story, "source", c.source.as_deref(), 1)?;
    let new_language = count_story_value(conn, story, "language", c.language.as_deref(), 1)?;
    conn.prepare_cached(
        "INSERT INTO stories (story_id, size, sources, languages, first_ts, last_ts) VALUES (?1, 1, ?2, ?3, ?4, ?4)
         ON CONFLICT (story_id) DO UPDATE SET size = size + 1, sources = sources + excluded.sources,
             languages = languages + excluded.languages, first_ts = min(first_ts, excluded.first_ts),
             last_ts = max(last_ts, excluded.last_ts)",
    )?
    .execute(params![story, new_source as i64, new_language as i64, c.sort_ts])?;
    Ok(())
}

/// Takes `c` out of its story. The article must already have left it in the table (or
/// carry its new time), since the story's time span is re-read from the articles.
fn story_remove(conn: &Connection, c: &Contribution) -> Result<(), StoreError> {
    let Some(story) = c.story_id else { return Ok(()) };
    let gone_source = count_story_value(conn, story, "source", c.source.as_deref(), -1)?;
    let gone_language = count_story_value(conn, story, "language", c.language.as_deref(), -1)?;
    let left: Option<(i64, i64, i64)> = conn
        .prepare_cached(
            "UPDATE stories SET size = size - 1, sources = sources - ?2, languages = languages - ?3
             WHERE story_id = ?1 RETURNING size, first_ts, last_ts",
        )?
        .query_row(params![story, gone_source as i64, gone_language as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match left {
        Some((size, _, _)) if size <= 0 => {
            conn.prepare_cached("DELETE FROM stories WHERE story_id = ?1")?.execute([story])?;
        }
        Some((_, first, last)) if c.sort_ts <= first || c.sort_ts >= last => respan(conn, story)?,
        _ => {}
    }
    Ok(())
}

/// Re-reads a story's first and last times (two index look-ups).
fn respan(conn: &Connection, story: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE stories SET first_ts = (SELECT min(sort_ts) FROM articles WHERE story_id = ?1),
                            last_ts = (SELECT max(sort_ts) FROM articles WHERE story_id = ?1)
         WHERE story_id = ?1",
    )?
    .execute([story])?;
    Ok(())
}

/// Story `from` became part of `into` (its articles were relabelled): adds its counts
/// to `into`'s. Costs the number of distinct sources and languages of the two stories,
/// not their sizes.
pub(crate) fn story_merged(conn: &Connection, from: i64, into: i64) -> Result<(), StoreError> {
    if from == into {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO story_values (story_id, facet, value, articles)
         SELECT ?2, facet, value, articles FROM story_values WHERE story_id = ?1
         ON CONFLICT (story_id, facet, value) DO UPDATE SET articles = articles + excluded.articles",
    )?
    .execute(params![from, into])?;
    conn.prepare_cached("DELETE FROM story_values WHERE story_id = ?1")?.execute([from])?;
    conn.prepare_cached(
        "INSERT INTO stories (story_id, size, sources, languages, first_ts, last_ts)
         SELECT ?2, size, 0, 0, first_ts, last_ts FROM stories WHERE story_id = ?1
         ON CONFLICT (story_id) DO UPDATE SET size = size + excluded.size,
             first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)",
    )?
    .execute(params![from, into])?;
    conn.prepare_cached("DELETE FROM stories WHERE story_id = ?1")?.execute([from])?;
    conn.prepare_cached(
        "UPDATE stories SET
             sources = (SELECT count(*) FROM story_values WHERE story_id = ?1 AND facet = 'source'),
             languages = (SELECT count(*) FROM story_values WHERE story_id = ?1 AND facet = 'language')
         WHERE story_id = ?1",
    )?
    .execute([into])?;
    Ok(())
}

/// The article's mentions are about to be deleted: takes them out of the entity counts.
#[inline(never)] // its own frame in instruction profiles (scripts/bench-ingest-cost.sh)
pub(crate) fn mentions_removed(conn: &Connection, article_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE entity_totals SET articles = articles - 1
         WHERE entity_id IN (SELECT entity_id FROM mentions WHERE article_id = ?1)",
    )?
    .execute([article_id])?;
    conn.prepare_cached("DELETE FROM entity_totals WHERE articles <= 0 AND entity_id IN (SELECT entity_id FROM mentions WHERE article_id = ?1)")?
        .execute([article_id])?;
    conn.prepare_cached(
        "UPDATE entity_role_counts SET articles = articles - 1
         WHERE (entity_id, role) IN (SELECT entity_id, role FROM mentions WHERE article_id = ?1 AND role IS NOT NULL)",
    )?
    .execute([article_id])?;
    conn.prepare_cached("DELETE FROM entity_role_counts WHERE articles <= 0 AND entity_id IN (SELECT entity_id FROM mentions WHERE article_id = ?1)")?
        .execute([article_id])?;
    Ok(())
}

/// A mention of entity `entity_id` (with `role`, if any) was stored for one article.
#[inline(never)] // its own frame in instruction profiles (scripts/bench-ingest-cost.sh)
pub(crate) fn mention_added(
    conn: &Connection,
    entity_id: i64,
    kind: &str,
    canonical: &str,
    role: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO entity_totals (entity_id, kind, canonical, articles) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (entity_id) DO UPDATE SET articles = articles + 1",
    )?
    .execute(params![entity_id, kind, canonical])?;
    if let Some(role) = role {
        conn.prepare_cached(
            "INSERT INTO entity_role_counts (entity_id, role, articles) VALUES (?1, ?2, 1)
             ON CONFLICT (entity_id, role) DO UPDATE SET articles = articles + 1",
        )?
        .execute(params![entity_id, role])?;
    }
    Ok(())
}

impl Store {
    /// The aggregate rows that differ from a recount from scratch, as readable lines
    /// (`table: kept (…) / recounted (…)`); empty when everything agrees. Reads the
    /// whole archive: for tests and `polmon bench`, never for a page.
    pub fn aggregate_mismatches(&self) -> Result<Vec<String>, StoreError> {
        self.read(|conn| {
            let mut out = Vec::new();
            for (table, recount) in RECOUNTS {
                for (label, sql) in [
                    ("kept, not recounted", format!("SELECT * FROM {table} EXCEPT SELECT * FROM ({recount})")),
                    ("recounted, not kept", format!("SELECT * FROM ({recount}) EXCEPT SELECT * FROM {table}")),
                ] {
                    let mut stmt = conn.prepare(&sql)?;
                    let columns = stmt.column_count();
                    let mut rows = stmt.query([])?;
                    while let Some(row) = rows.next()? {
                        let values = (0..columns)
                            .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                            .collect::<Result<Vec<_>, _>>()?;
                        out.push(format!("{table}: {label}: ({})", values.join(", ")));
                    }
                }
            }
            for (table, sql) in [
                ("mentions", "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.sort_ts != a.sort_ts"),
                ("quotes", "SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.sort_ts != a.sort_ts"),
            ] {
                let stale: i64 = conn.query_row(sql, [], |r| r.get(0))?;
                if stale > 0 {
                    out.push(format!("{table}: {stale} rows with another time than their article"));
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use polmon_model::{Analysis, Article, EntityMention, EntityType, Links, Quote};

    use crate::{ArticleKey, Facet, ListQuery, Store};

    /// A small deterministic generator (xorshift), so failures replay.
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn article(dice: &mut Dice, title: &str) -> Article {
        let names = ["Ana Lopez", "Ben Smith", "Chloé Martin", "Dara Ode"];
        let roles = [None, Some("minister"), Some("mayor")];
        let kinds = [EntityType::Person, EntityType::Organization];
        let entities = (0..dice.roll(4))
            .map(|_| {
                let name = names[dice.roll(4) as usize];
                EntityMention {
                    text: name.into(),
                    start: 0,
                    end: 3,
                    entity_type: kinds[dice.roll(2) as usize],
                    canonical: name.into(),
                    role: roles[dice.roll(3) as usize].map(str::to_owned),
                }
            })
            .collect::<Vec<_>>();
        let quotes = entities
            .iter()
            .take(dice.roll(3) as usize)
            .map(|e| Quote {
                text: "words".into(),
                start: 0,
                end: 5,
                speaker: None,
                speaker_canonical: Some(e.canonical.clone()),
                cue: None,
                direct: true,
                speaker_start: None,
                speaker_end: None,
            })
            .collect();
        Article {
            title: title.into(),
            text: format!("{title} body"),
            category: ["politics", "economy", "health"][dice.roll(3) as usize].into(),
            source: [None, Some("a.example"), Some("b.example"), Some("c.example")][dice.roll(4) as usize].map(str::to_owned),
            language: [None, Some("en"), Some("fr")][dice.roll(3) as usize].map(str::to_owned),
            published: Some(format!("2024-04-{:02}T{:02}:00:00Z", 1 + dice.roll(28), dice.roll(24))),
            analysis: Analysis { entities, quotes, ..Default::default() },
            ..Default::default()
        }
    }

    fn assert_recounted(store: &Store, after: &str) {
        let mismatches = store.aggregate_mismatches().unwrap();
        assert!(mismatches.is_empty(), "after {after}:\n{}", mismatches.join("\n"));
    }

    #[test]
    fn kept_aggregates_equal_a_recount_after_inserts_updates_links_merges_and_moves() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        let mut ids = Vec::new();
        for i in 0..60 {
            let key = ArticleKey { dedup_key: format!("url:{i}"), content_hash: format!("h{i}") };
            ids.push(store.upsert_article(&key, &article(&mut dice, &format!("T{i}"))).unwrap().id());
        }
        assert_recounted(&store, "inserts");
        for &id in &ids {
            let story = ids[dice.roll(12) as usize];
            let copy = (dice.roll(3) == 0).then_some(story);
            store.set_links(id, Links { story_id: Some(story), duplicate_of: copy }).unwrap();
        }
        assert_recounted(&store, "links");
        for round in 0..40 {
            let i = dice.roll(ids.len() as u64) as usize;
            let key = ArticleKey { dedup_key: format!("url:{i}"), content_hash: format!("h{i}-{round}") };
            let updated = store.upsert_article(&key, &article(&mut dice, &format!("T{i} v{round}"))).unwrap();
            assert_eq!(updated, crate::Upsert::Updated(ids[i]));
        }
        assert_recounted(&store, "updates");
        for _ in 0..6 {
            let from = ids[dice.roll(12) as usize];
            let into = ids[dice.roll(12) as usize];
            store.merge_story(from, into).unwrap();
            assert_recounted(&store, "a merge");
        }
        for _ in 0..6 {
            let moved: Vec<i64> = (0..5).map(|_| ids[dice.roll(ids.len() as u64) as usize]).collect();
            store.move_to_story(&moved, ids[dice.roll(ids.len() as u64) as usize]).unwrap();
            assert_recounted(&store, "a move");
        }
        for &id in ids.iter().take(10) {
            store.set_links(id, Links::default()).unwrap();
        }
        assert_recounted(&store, "unlinking");
        // The readers answer from the kept counts.
        assert_eq!(store.count().unwrap(), 60);
        let categories: u64 = store.facet(Facet::Category).unwrap().iter().map(|(_, n)| n).sum();
        assert_eq!(categories, 60);
        let (_, total) = store.list(&ListQuery { category: Some("economy".into()), limit: 1, ..Default::default() }).unwrap();
        let (all_economy, _) = store.list(&ListQuery { category: Some("economy".into()), limit: 100, ..Default::default() }).unwrap();
        assert_eq!(total, all_economy.len() as u64);
    }

    #[test]
    fn a_folder_without_kept_aggregates_is_backfilled_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut dice = Dice(7);
        {
            let store = Store::open(dir.path()).unwrap();
            for i in 0..20 {
                let key = ArticleKey { dedup_key: format!("url:{i}"), content_hash: format!("h{i}") };
                let id = store.upsert_article(&key, &article(&mut dice, &format!("T{i}"))).unwrap().id();
                store.set_links(id, Links { story_id: Some(1 + id % 3), duplicate_of: None }).unwrap();
            }
            // As an older version leaves it: no kept counts, no times on mentions.
            store
                .write(|conn| {
                    conn.execute_batch(
                        "DELETE FROM facet_counts; DELETE FROM stories; DELETE FROM story_values;
                         DELETE FROM entity_totals; DELETE FROM entity_role_counts; DELETE FROM aggregates_backfilled;
                         UPDATE mentions SET sort_ts = 0; UPDATE quotes SET sort_ts = 0;",
                    )?;
                    Ok(())
                })
                .unwrap();
            assert!(!store.aggregate_mismatches().unwrap().is_empty(), "the check sees missing counts");
        }
        let store = Store::open(dir.path()).unwrap();
        assert_recounted(&store, "the backfill");
        assert_eq!(store.count().unwrap(), 20);
        assert_eq!(store.story_size(1).unwrap() + store.story_size(2).unwrap() + store.story_size(3).unwrap(), 20);
    }

    #[test]
    fn the_check_reports_a_wrong_count() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let key = ArticleKey { dedup_key: "url:x".into(), content_hash: "h".into() };
        store.upsert_article(&key, &article(&mut Dice(3), "X")).unwrap();
        assert_recounted(&store, "one insert");
        store
            .write(|conn| Ok(conn.execute("UPDATE facet_counts SET articles = 5 WHERE facet = 'all'", [])?))
            .unwrap();
        let mismatches = store.aggregate_mismatches().unwrap();
        assert!(mismatches.iter().any(|m| m.starts_with("facet_counts: kept, not recounted") && m.contains("Integer(5)")), "{mismatches:?}");
    }
}
