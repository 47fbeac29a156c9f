//! Articles: insert-or-update by dedup key, reads, listings, links, stories, related
//! lists and the search-index bookkeeping.

use std::collections::{BTreeMap, HashMap};

use polmon_model::{Analysis, Article, Links};
use polmon_store::{
    now_rfc3339, parse_timestamp, ArticleKey, ArticleSummary, Cursor, Facet, ListQuery, NewMatch, StoreError, Upsert,
    TOTAL_CAP,
};
use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};

use crate::entities::EntityStatements;
use crate::pool::PgConnection;
use crate::trends::TrendWrite;
use crate::watches::MatchWrite;
use crate::{PgStore, PgStoreError};

const SUMMARY_COLUMNS: &str =
    "id, title, source, published, category, language, url, substr(text, 1, 400), story_id, sort_ts";
/// [`SUMMARY_COLUMNS`] of a table aliased `a`, for joins.
pub(crate) const SUMMARY_COLUMNS_A: &str =
    "a.id, a.title, a.source, a.published, a.category, a.language, a.url, substr(a.text, 1, 400), a.story_id, a.sort_ts";

pub(crate) fn summary_from_row(r: &Row) -> ArticleSummary {
    ArticleSummary {
        id: r.get(0),
        title: r.get(1),
        source: r.get(2),
        published: r.get(3),
        category: r.get(4),
        language: r.get(5),
        url: r.get(6),
        lead: r.get(7),
        story_id: r.get(8),
        sort_ts: r.get(9),
    }
}

const ARTICLE_COLUMNS: &str = "id, external_id, url, canonical_url, title, author, published, language, source, \
     original_source, category, text, blocks::text, analysis::text, story_id, duplicate_of, ingested_at";

fn article_from_row(r: &Row) -> Result<Article, PgStoreError> {
    let id: i64 = r.get(0);
    let blocks: String = r.get(12);
    let analysis: String = r.get(13);
    Ok(Article {
        id,
        external_id: r.get(1),
        url: r.get(2),
        canonical_url: r.get(3),
        title: r.get(4),
        author: r.get(5),
        published: r.get(6),
        language: r.get(7),
        source: r.get(8),
        original_source: r.get(9),
        category: r.get(10),
        text: r.get(11),
        blocks: serde_json::from_str(&blocks).map_err(|source| PgStoreError::Corrupt { what: "blocks", id, source })?,
        analysis: serde_json::from_str(&analysis).map_err(|source| PgStoreError::Corrupt {
            what: "analysis",
            id,
            source,
        })?,
        links: Links { story_id: r.get(14), duplicate_of: r.get(15) },
        ingested_at: r.get(16),
    })
}

/// Refuses texts PostgreSQL cannot hold (a NUL character) with a message naming them.
fn check_storable(key: &ArticleKey, a: &Article, blocks: &str, analysis: &str) -> Result<(), PgStoreError> {
    let fields = [
        ("title", Some(a.title.as_str())),
        ("text", Some(a.text.as_str())),
        ("url", a.url.as_deref()),
        ("author", a.author.as_deref()),
        ("source", a.source.as_deref()),
        ("blocks", Some(blocks)),
        ("analysis", Some(analysis)),
        ("dedup key", Some(key.dedup_key.as_str())),
    ];
    match crate::error::field_with_nul(&fields) {
        Some(field) => Err(PgStoreError::NulCharacter { field, dedup_key: key.dedup_key.clone() }),
        None => Ok(()),
    }
}

/// The statements of an article write, taken from the connection's cache before its
/// transaction starts.
pub(crate) struct ArticleWrite {
    find: Statement,
    insert: Statement,
    update: Statement,
    delete_mentions: Statement,
    delete_quotes: Statement,
    entity: EntityStatements,
    insert_mentions: Statement,
    insert_quotes: Statement,
    matches: MatchWrite,
    queue_translation: Statement,
    trends: TrendWrite,
}

impl ArticleWrite {
    fn prepare(conn: &mut PgConnection) -> Result<ArticleWrite, PgStoreError> {
        Ok(ArticleWrite {
            find: conn.statement("SELECT id, content_hash FROM articles WHERE dedup_key = $1 FOR UPDATE")?,
            insert: conn.statement(
                "INSERT INTO articles (dedup_key, external_id, url, canonical_url, title, author, published, sort_ts,
                     language, source, original_source, category, text, blocks, analysis, content_hash, ingested_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::text::jsonb, $15::text::jsonb, $16, $17)
                 ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
            )?,
            update: conn.statement(
                "UPDATE articles SET external_id = COALESCE($2, external_id), url = $3, canonical_url = $4, title = $5,
                     author = $6, published = $7, sort_ts = $8, language = $9, source = $10, original_source = $11,
                     category = $12, text = $13, blocks = $14::text::jsonb, analysis = $15::text::jsonb,
                     content_hash = $16, indexed = false
                 WHERE id = $1",
            )?,
            delete_mentions: conn.statement("DELETE FROM mentions WHERE article_id = $1")?,
            delete_quotes: conn.statement("DELETE FROM quotes WHERE article_id = $1")?,
            entity: EntityStatements::prepare(conn)?,
            // One statement for all the article's mentions, one for all its quotes (in
            // their order: quote ids follow it).
            insert_mentions: conn.statement(
                "INSERT INTO mentions (article_id, entity_id, role, count, sort_ts)
                 SELECT $1, m.entity_id, m.role, m.count, $5
                 FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS m (entity_id, role, count)",
            )?,
            insert_quotes: conn.statement(
                "INSERT INTO quotes (article_id, entity_id, speaker, text, direct, sort_ts)
                 SELECT $1, q.entity_id, q.speaker, q.text, q.direct, $6
                 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bool[]) WITH ORDINALITY
                      AS q (entity_id, speaker, text, direct, n)
                 ORDER BY q.n",
            )?,
            matches: MatchWrite::prepare(conn)?,
            queue_translation: conn.statement(crate::translations::QUEUE_TRANSLATION)?,
            trends: TrendWrite::prepare(conn)?,
        })
    }
}

/// Rewrites an article's mentions and quotes (the triggers keep the entity counts).
fn replace_mentions(
    tx: &mut Transaction<'_>,
    st: &ArticleWrite,
    article_id: i64,
    analysis: &Analysis,
    sort_ts: i64,
) -> Result<(), PgStoreError> {
    // Every entity is found (and key-share locked) before any count changes, in sorted
    // order: concurrent writers take entity rows and then count rows in one order, and a
    // writer waiting for a `merge_entity` holds no count the merge needs.
    let seen = polmon_store::grouped_mentions(analysis);
    let keys: Vec<(&str, &str)> = seen.keys().copied().collect();
    let entity_ids = crate::entities::entity_ids(tx, &st.entity, &keys)?;
    tx.execute(&st.delete_mentions, &[&article_id])?;
    tx.execute(&st.delete_quotes, &[&article_id])?;
    let mut ids: BTreeMap<&str, i64> = BTreeMap::new();
    let (mut roles, mut counts) = (Vec::with_capacity(seen.len()), Vec::with_capacity(seen.len()));
    for (((canonical, kind), (count, role)), &id) in seen.iter().zip(&entity_ids) {
        if *kind == "person" || !ids.contains_key(canonical) {
            ids.insert(canonical, id);
        }
        roles.push(*role);
        counts.push(*count as i64);
    }
    if !entity_ids.is_empty() {
        tx.execute(&st.insert_mentions, &[&article_id, &entity_ids, &roles, &counts, &sort_ts])?;
    }
    if !analysis.quotes.is_empty() {
        let (mut entities, mut speakers, mut texts, mut direct) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for q in &analysis.quotes {
            entities.push(q.speaker_canonical.as_deref().and_then(|c| ids.get(c).copied()));
            speakers.push(q.speaker_canonical.as_deref().or(q.speaker.as_deref()));
            texts.push(q.text.as_str());
            direct.push(q.direct);
        }
        tx.execute(&st.insert_quotes, &[&article_id, &entities, &speakers, &texts, &direct, &sort_ts])?;
    }
    Ok(())
}

fn summaries_in(
    client: &mut PgConnection,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<ArticleSummary>, PgStoreError> {
    Ok(client.query(sql, params)?.iter().map(summary_from_row).collect())
}

fn articles_in(
    client: &mut PgConnection,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Article>, PgStoreError> {
    client.query(sql, params)?.iter().map(article_from_row).collect()
}

fn kept_count(client: &mut PgConnection, facet: &str, value: &str) -> Result<u64, PgStoreError> {
    let n: Option<i64> = client
        .query_opt("SELECT articles FROM facet_counts WHERE facet = $1 AND value = $2", &[&facet, &value])?
        .map(|r| r.get(0));
    Ok(n.unwrap_or(0) as u64)
}

fn facet_name(f: Facet) -> &'static str {
    match f {
        Facet::Category => "category",
        Facet::Source => "source",
        Facet::Language => "language",
    }
}

fn limit_of(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl PgStore {
    /// See [`ArticleStore::upsert_article`](polmon_store::ArticleStore::upsert_article).
    /// A concurrent writer of the same key waits for this one; the loser sees the
    /// winner's article (`Unchanged` or `Updated`).
    pub fn upsert_article(&self, key: &ArticleKey, a: &Article) -> Result<Upsert, PgStoreError> {
        self.store_article(key, a, &|_| Vec::new(), None)
    }

    /// See [`ArticleStore::store_article`](polmon_store::ArticleStore::store_article):
    /// [`upsert_article`](Self::upsert_article) with, for a stored version, the watches'
    /// matches and their deliveries and the article's place in the translation queue,
    /// in the article's transaction.
    pub fn store_article(
        &self,
        key: &ArticleKey,
        a: &Article,
        matches: &dyn Fn(i64) -> Vec<NewMatch>,
        translate_to: Option<&str>,
    ) -> Result<Upsert, PgStoreError> {
        let blocks = serde_json::to_string(&a.blocks).unwrap_or_else(|_| "[]".into());
        let analysis = serde_json::to_string(&a.analysis).unwrap_or_else(|_| "{}".into());
        check_storable(key, a, &blocks, &analysis)?;
        let now = now_rfc3339();
        let sort_ts = a.published.as_deref().and_then(parse_timestamp).or_else(|| parse_timestamp(&now)).unwrap_or(0);
        // Parameters $2 to $16 of both the insert and the update.
        let fields: [&(dyn ToSql + Sync); 15] = [
            &a.external_id,
            &a.url,
            &a.canonical_url,
            &a.title,
            &a.author,
            &a.published,
            &sort_ts,
            &a.language,
            &a.source,
            &a.original_source,
            &a.category,
            &a.text,
            &blocks,
            &analysis,
            &key.content_hash,
        ];
        let mut conn = self.conn()?;
        let st = ArticleWrite::prepare(&mut conn)?;
        // What goes with a stored version (inserted or updated), in its transaction.
        let with_the_article = |tx: &mut Transaction<'_>, id: i64| -> Result<(), PgStoreError> {
            crate::watches::record_matches(tx, &st.matches, id, &matches(id))?;
            match (translate_to, a.language.as_deref()) {
                (Some(target), Some(language)) if language != target => {
                    tx.execute(&st.queue_translation, &[&id, &target])?;
                }
                _ => {}
            }
            Ok(())
        };
        let mut tx = conn.transaction()?;
        // Before any row lock: a merge_entity, holding the counts lock exclusively, may
        // need this article's row (its mentions' foreign key).
        st.trends.share_counts(&mut tx)?;
        let (id, hash): (i64, String) = loop {
            if let Some(r) = tx.query_opt(&st.find, &[&key.dedup_key])? {
                break (r.get(0), r.get(1));
            }
            let mut params = vec![&key.dedup_key as &(dyn ToSql + Sync)];
            params.extend(fields);
            params.push(&now);
            let inserted = tx.query_opt(&st.insert, &params)?;
            if let Some(row) = inserted {
                let id: i64 = row.get(0);
                replace_mentions(&mut tx, &st, id, &a.analysis, sort_ts)?;
                let parts = st.trends.parts(&mut tx, &[id])?;
                st.trends.add(&mut tx, &parts)?;
                with_the_article(&mut tx, id)?;
                tx.commit()?;
                return Ok(Upsert::Inserted(id));
            }
            // Another writer stored the same key meanwhile and has committed: the next
            // look-up finds (and locks) its row.
        };
        if hash == key.content_hash {
            tx.commit()?;
            return Ok(Upsert::Unchanged(id));
        }
        // The trend counters lose the stored version's part and gain the new one's.
        let stored = st.trends.parts(&mut tx, &[id])?;
        let mut params = vec![&id as &(dyn ToSql + Sync)];
        params.extend(fields);
        tx.execute(&st.update, &params)?;
        replace_mentions(&mut tx, &st, id, &a.analysis, sort_ts)?;
        let parts = stored.negated().and(st.trends.parts(&mut tx, &[id])?);
        st.trends.add(&mut tx, &parts)?;
        with_the_article(&mut tx, id)?;
        tx.commit()?;
        Ok(Upsert::Updated(id))
    }

    /// The id and content hash of the article stored under `dedup_key`, if any.
    pub fn content_hash_of(&self, dedup_key: &str) -> Result<Option<(i64, String)>, PgStoreError> {
        let row =
            self.conn()?.query_opt("SELECT id, content_hash FROM articles WHERE dedup_key = $1", &[&dedup_key])?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    /// The id of the first article stored from this URL.
    pub fn article_id_by_url(&self, url: &str) -> Result<Option<i64>, PgStoreError> {
        let row = self.conn()?.query_opt("SELECT id FROM articles WHERE url = $1 ORDER BY id LIMIT 1", &[&url])?;
        Ok(row.map(|r| r.get(0)))
    }

    /// One article by id.
    pub fn article(&self, id: i64) -> Result<Option<Article>, PgStoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1");
        Ok(articles_in(&mut *self.conn()?, &sql, &[&id])?.pop())
    }

    /// Summaries of the given ids, in the order given (missing ids are left out).
    pub fn summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>, PgStoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM articles WHERE id = ANY($1)");
        let mut found: HashMap<i64, ArticleSummary> =
            summaries_in(&mut *self.conn()?, &sql, &[&ids])?.into_iter().map(|s| (s.id, s)).collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Newest first, filtered and paged, with the number of matches (see the trait).
    pub fn list(&self, q: &ListQuery) -> Result<(Vec<ArticleSummary>, u64), PgStoreError> {
        let mut conn = self.conn()?;
        let filters = ListFilter::new(q, None);
        let total = match (filters.clauses.len(), &q.category, &q.source, &q.language, q.story_id) {
            (0, ..) => kept_count(&mut conn, "all", "")?,
            (1, Some(v), ..) => kept_count(&mut conn, "category", v)?,
            (1, _, Some(v), ..) => kept_count(&mut conn, "source", v)?,
            (1, _, _, Some(v), _) => kept_count(&mut conn, "language", v)?,
            (1, .., Some(story)) => story_size(&mut conn, story)?,
            _ => {
                let sql =
                    format!("SELECT count(*) FROM (SELECT 1 FROM articles {} LIMIT {TOTAL_CAP}) capped", filters.sql());
                conn.query_one(&sql, &filters.params())?.get::<_, i64>(0) as u64
            }
        };
        let mut before = q.before;
        if q.offset > 0 {
            // Skip through the index alone, then read the page after the row reached.
            let filters = ListFilter::new(q, before);
            let sql = format!(
                "SELECT sort_ts, id FROM articles {} ORDER BY sort_ts DESC, id DESC LIMIT 1 OFFSET {}",
                filters.sql(),
                q.offset - 1
            );
            match conn.query_opt(&sql, &filters.params())? {
                Some(r) => before = Some(Cursor { sort_ts: r.get(0), id: r.get(1) }),
                None => return Ok((Vec::new(), total)),
            }
        }
        let filters = ListFilter::new(q, before);
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles {} ORDER BY sort_ts DESC, id DESC LIMIT {}",
            filters.sql(),
            q.limit
        );
        Ok((summaries_in(&mut conn, &sql, &filters.params())?, total))
    }

    /// The number of stored articles (kept by a trigger).
    pub fn count(&self) -> Result<u64, PgStoreError> {
        kept_count(&mut *self.conn()?, "all", "")
    }

    /// The highest article id, if any.
    pub fn max_article_id(&self) -> Result<Option<i64>, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT max(id) FROM articles", &[])?.get(0))
    }

    /// The ids in `(after, upto]` with their publication dates, in id order.
    pub fn dated_ids(&self, after: i64, upto: i64) -> Result<Vec<(i64, Option<String>)>, PgStoreError> {
        let rows = self
            .conn()?
            .query("SELECT id, published FROM articles WHERE id > $1 AND id <= $2 ORDER BY id", &[&after, &upto])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Calls `f` on the newest `limit` articles by id, oldest first, 500 at a time.
    pub fn for_each_recent_article(
        &self,
        limit: usize,
        f: &mut dyn FnMut(Article) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let first: Option<i64> = self
            .conn()?
            .query_opt(
                "SELECT id FROM articles ORDER BY id DESC LIMIT 1 OFFSET $1",
                &[&limit_of(limit.saturating_sub(1))],
            )
            .map_err(PgStoreError::from)?
            .map(|r| r.get(0));
        let mut after = first.unwrap_or(0) - 1;
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > $1 ORDER BY id LIMIT 500");
        loop {
            let batch = articles_in(&mut *self.conn()?, &sql, &[&after])?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            after = last.id;
            for a in batch {
                f(a)?;
            }
        }
    }

    /// The `limit` most frequent values of a column, ties by value.
    pub fn facet_top(&self, column: Facet, limit: usize) -> Result<Vec<(String, u64)>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT value, articles FROM facet_counts WHERE facet = $1 ORDER BY articles DESC, value LIMIT $2",
            &[&facet_name(column), &limit_of(limit)],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get::<_, i64>(1) as u64)).collect())
    }

    /// Every value of a column with its article count, most frequent first, ties by value
    /// (kept counts: costs the number of distinct values).
    pub fn facet(&self, column: Facet) -> Result<Vec<(String, u64)>, PgStoreError> {
        self.facet_top(column, usize::MAX)
    }

    /// Whether any stored article has `source` (one index look-up).
    pub fn source_exists(&self, source: &str) -> Result<bool, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT EXISTS (SELECT 1 FROM articles WHERE source = $1)", &[&source])?.get(0))
    }

    /// The number of articles with `value` in a column.
    pub fn facet_count(&self, column: Facet, value: &str) -> Result<u64, PgStoreError> {
        kept_count(&mut *self.conn()?, facet_name(column), value)
    }

    /// Records an article's near-duplicate original and story.
    pub fn set_links(&self, id: i64, links: Links) -> Result<(), PgStoreError> {
        self.conn()?.execute(
            "UPDATE articles SET story_id = $2, duplicate_of = $3 WHERE id = $1",
            &[&id, &links.story_id, &links.duplicate_of],
        )?;
        Ok(())
    }

    /// The links of the given articles.
    pub fn links_of(&self, ids: &[i64]) -> Result<HashMap<i64, Links>, PgStoreError> {
        let rows = self.conn()?.query("SELECT id, story_id, duplicate_of FROM articles WHERE id = ANY($1)", &[&ids])?;
        Ok(rows.iter().map(|r| (r.get(0), Links { story_id: r.get(1), duplicate_of: r.get(2) })).collect())
    }

    /// Moves every article of story `from` into story `into`.
    pub fn merge_story(&self, from: i64, into: i64) -> Result<(), PgStoreError> {
        self.conn()?.execute("UPDATE articles SET story_id = $2 WHERE story_id = $1", &[&from, &into])?;
        Ok(())
    }

    /// Moves the given articles into story `into`.
    pub fn move_to_story(&self, ids: &[i64], into: i64) -> Result<(), PgStoreError> {
        self.conn()?.execute("UPDATE articles SET story_id = $2 WHERE id = ANY($1)", &[&ids, &into])?;
        Ok(())
    }

    /// The oldest article of each story, in the order given; one index look-up each.
    pub fn story_openers(&self, story_ids: &[i64]) -> Result<Vec<(i64, ArticleSummary)>, PgStoreError> {
        let mut conn = self.conn()?;
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM articles WHERE story_id = $1 ORDER BY sort_ts, id LIMIT 1");
        let mut out = Vec::with_capacity(story_ids.len());
        for story in story_ids {
            if let Some(row) = conn.query_opt(&sql, &[story])? {
                out.push((*story, summary_from_row(&row)));
            }
        }
        Ok(out)
    }

    /// The distinct sources and languages of a story, sorted: read from the story's
    /// index entries (costs the story's size; kept values may follow).
    pub fn story_values(&self, story_id: i64) -> Result<(Vec<String>, Vec<String>), PgStoreError> {
        let mut conn = self.conn()?;
        let mut distinct = |col: &str| -> Result<Vec<String>, PgStoreError> {
            let sql =
                format!("SELECT DISTINCT {col} FROM articles WHERE story_id = $1 AND {col} IS NOT NULL ORDER BY {col}");
            Ok(conn.query(&sql, &[&story_id])?.iter().map(|r| r.get(0)).collect())
        };
        Ok((distinct("source")?, distinct("language")?))
    }

    /// The number of articles in a story (kept in `stories`).
    pub fn story_size(&self, story_id: i64) -> Result<u64, PgStoreError> {
        story_size(&mut *self.conn()?, story_id)
    }

    /// The near-copies of `original` in `story_id`, and `original` itself, newest first.
    pub fn copies_of(&self, original: i64, story_id: i64, limit: usize) -> Result<Vec<ArticleSummary>, PgStoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE story_id = $2 AND (id = $1 OR duplicate_of = $1)
             ORDER BY sort_ts DESC, id DESC LIMIT $3"
        );
        summaries_in(&mut *self.conn()?, &sql, &[&original, &story_id, &limit_of(limit)])
    }

    /// Replaces the related list of `id`.
    pub fn set_related(&self, id: i64, related: &[i64]) -> Result<(), PgStoreError> {
        self.conn()?.execute(
            "INSERT INTO related (article_id, ids) VALUES ($1, $2)
             ON CONFLICT (article_id) DO UPDATE SET ids = EXCLUDED.ids",
            &[&id, &related],
        )?;
        Ok(())
    }

    /// The related list of `id`, if computed.
    pub fn related(&self, id: i64) -> Result<Option<Vec<i64>>, PgStoreError> {
        Ok(self.conn()?.query_opt("SELECT ids FROM related WHERE article_id = $1", &[&id])?.map(|r| r.get(0)))
    }

    /// Up to `limit` article ids without a related list, oldest first; remembers the id
    /// below which every article has one, so each call reads only newer articles.
    pub fn without_related(&self, limit: usize) -> Result<Vec<i64>, PgStoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let mark: i64 = tx
            .query_opt("SELECT value FROM store_marks WHERE name = 'related_complete_upto'", &[])?
            .map(|r| r.get(0))
            .unwrap_or(0);
        let ids: Vec<i64> = tx
            .query(
                "SELECT a.id FROM articles a LEFT JOIN related r ON r.article_id = a.id
                 WHERE a.id > $1 AND r.article_id IS NULL ORDER BY a.id LIMIT $2",
                &[&mark, &limit_of(limit)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let complete_upto: i64 = match ids.first() {
            Some(first) => first - 1,
            None => tx.query_one("SELECT coalesce(max(id), 0) FROM articles", &[])?.get(0),
        };
        if complete_upto > mark {
            tx.execute(
                "INSERT INTO store_marks (name, value) VALUES ('related_complete_upto', $1)
                 ON CONFLICT (name) DO UPDATE SET value = greatest(store_marks.value, EXCLUDED.value)",
                &[&complete_upto],
            )?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Up to `limit` articles not in the search index, in id order.
    pub fn unindexed(&self, limit: usize) -> Result<Vec<Article>, PgStoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE NOT indexed ORDER BY id LIMIT $1");
        articles_in(&mut *self.conn()?, &sql, &[&limit_of(limit)])
    }

    /// How many articles are not in the search index.
    pub fn unindexed_count(&self) -> Result<u64, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT count(*) FROM articles WHERE NOT indexed", &[])?.get::<_, i64>(0) as u64)
    }

    /// Marks articles as present in the search index.
    pub fn mark_indexed(&self, ids: &[i64]) -> Result<(), PgStoreError> {
        self.conn()?.execute("UPDATE articles SET indexed = true WHERE id = ANY($1) AND NOT indexed", &[&ids])?;
        Ok(())
    }

    /// Marks every article as missing from the search index.
    pub fn mark_all_unindexed(&self) -> Result<(), PgStoreError> {
        self.conn()?.execute("UPDATE articles SET indexed = false WHERE indexed", &[])?;
        Ok(())
    }
}

/// The `WHERE` clause of a listing with its parameters.
struct ListFilter {
    clauses: Vec<String>,
    args: Vec<Box<dyn ToSql + Sync>>,
}

impl ListFilter {
    /// The filters of `q`, and rows older than `before` when given.
    fn new(q: &ListQuery, before: Option<Cursor>) -> ListFilter {
        let mut f = ListFilter { clauses: Vec::new(), args: Vec::new() };
        for (col, val) in [("category", &q.category), ("source", &q.source), ("language", &q.language)] {
            if let Some(v) = val {
                f.args.push(Box::new(v.clone()));
                f.clauses.push(format!("{col} = ${}", f.args.len()));
            }
        }
        if let Some(story) = q.story_id {
            f.args.push(Box::new(story));
            f.clauses.push(format!("story_id = ${}", f.args.len()));
        }
        if let Some(c) = before {
            f.args.push(Box::new(c.sort_ts));
            f.args.push(Box::new(c.id));
            f.clauses.push(format!("(sort_ts, id) < (${}, ${})", f.args.len() - 1, f.args.len()));
        }
        f
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.args.iter().map(|a| a.as_ref() as &(dyn ToSql + Sync)).collect()
    }
}

fn story_size(client: &mut PgConnection, story_id: i64) -> Result<u64, PgStoreError> {
    let size: Option<i64> =
        client.query_opt("SELECT size FROM stories WHERE story_id = $1", &[&story_id])?.map(|r| r.get(0));
    Ok(size.unwrap_or(0) as u64)
}
