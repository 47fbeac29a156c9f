//! Entities, their mentions per article and quotes.

use std::collections::HashMap;

use polmon_store::{EntityArticle, EntityRecord, EntityRole, QuoteRecord, RoleHolder, MAX_ROLES};
use postgres::{Row, Statement, Transaction};

use crate::pool::PgConnection;
use crate::{PgStore, PgStoreError};

/// The statements that find or create an entity, prepared before a transaction.
pub(crate) struct EntityStatements {
    find: Statement,
    find_many: Statement,
    insert: Statement,
}

impl EntityStatements {
    pub(crate) fn prepare(conn: &mut PgConnection) -> Result<EntityStatements, PgStoreError> {
        Ok(EntityStatements {
            find: conn.statement("SELECT id FROM entities WHERE canonical = $1 AND kind = $2 FOR KEY SHARE")?,
            // Locked in byte order (the "C" collation), the order of `entity_ids`' keys.
            find_many: conn.statement(
                "SELECT canonical, kind, id FROM entities
                 WHERE (canonical, kind) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                 ORDER BY canonical COLLATE \"C\", kind COLLATE \"C\" FOR KEY SHARE",
            )?,
            insert: conn.statement(
                "INSERT INTO entities (canonical, kind) VALUES ($1, $2) ON CONFLICT (canonical, kind) DO NOTHING RETURNING id",
            )?,
        })
    }
}

/// The id of entity `(canonical, kind)`, created if new. Looks up first, so that ids are
/// taken only by new entities (as in SQLite); a writer that loses a race for a new
/// entity waits for the winner and reads its id. The entity found is key-share locked
/// (the lock its mentions' foreign keys take anyway): a [`merge_entity`](PgStore::merge_entity)
/// of it waits for this writer, and a writer meeting a merge in progress waits for it and
/// creates the entity anew rather than failing on a deleted one.
pub(crate) fn entity_id(
    tx: &mut Transaction<'_>,
    st: &EntityStatements,
    canonical: &str,
    kind: &str,
) -> Result<i64, PgStoreError> {
    loop {
        if let Some(row) = tx.query_opt(&st.find, &[&canonical, &kind])? {
            return Ok(row.get(0));
        }
        if let Some(row) = tx.query_opt(&st.insert, &[&canonical, &kind])? {
            return Ok(row.get(0));
        }
    }
}

/// The ids of the entities `keys` (sorted, distinct), created if new, in one round trip
/// when they all exist: those that exist are found and key-share locked in key order,
/// then the new ones are created in key order (as [`entity_id`] would, one by one).
pub(crate) fn entity_ids(
    tx: &mut Transaction<'_>,
    st: &EntityStatements,
    keys: &[(&str, &str)],
) -> Result<Vec<i64>, PgStoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let canonicals: Vec<&str> = keys.iter().map(|k| k.0).collect();
    let kinds: Vec<&str> = keys.iter().map(|k| k.1).collect();
    let found: HashMap<(String, String), i64> = tx
        .query(&st.find_many, &[&canonicals, &kinds])?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let mut ids = Vec::with_capacity(keys.len());
    for &(canonical, kind) in keys {
        match found.get(&(canonical.to_owned(), kind.to_owned())) {
            Some(&id) => ids.push(id),
            None => ids.push(entity_id(tx, st, canonical, kind)?),
        }
    }
    Ok(ids)
}

fn entity_from_row(r: &Row) -> EntityRecord {
    EntityRecord { id: r.get(0), canonical: r.get(1), kind: r.get(2), articles: r.get::<_, i64>(3) as u64 }
}

fn quote_from_row(r: &Row) -> QuoteRecord {
    QuoteRecord {
        article_id: r.get(0),
        article_title: r.get(1),
        published: r.get(2),
        entity_id: r.get(3),
        speaker: r.get(4),
        text: r.get(5),
        direct: r.get(6),
    }
}

const QUOTE_COLUMNS: &str = "q.article_id, a.title, a.published, q.entity_id, q.speaker, q.text, q.direct";

impl PgStore {
    /// One entity, with the number of articles that mention it.
    pub fn entity(&self, id: i64) -> Result<Option<EntityRecord>, PgStoreError> {
        let row = self.conn()?.query_opt(
            "SELECT e.id, e.canonical, e.kind, coalesce(t.articles, 0)
             FROM entities e LEFT JOIN entity_totals t ON t.entity_id = e.id WHERE e.id = $1",
            &[&id],
        )?;
        Ok(row.as_ref().map(entity_from_row))
    }

    /// The entities an article mentions, most mentioned first, with the role given there.
    pub fn article_entities(&self, article_id: i64) -> Result<Vec<(EntityRecord, Option<String>)>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT e.id, e.canonical, e.kind, m.count, m.role FROM mentions m
             JOIN entities e ON e.id = m.entity_id WHERE m.article_id = $1
             ORDER BY m.count DESC, e.canonical",
            &[&article_id],
        )?;
        Ok(rows.iter().map(|r| (entity_from_row(r), r.get(4))).collect())
    }

    /// [`article_entities`](Self::article_entities) of several articles, in the order given.
    pub fn entities_of_articles(
        &self,
        article_ids: &[i64],
    ) -> Result<Vec<(i64, EntityRecord, Option<String>)>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT m.article_id, e.id, e.canonical, e.kind, m.count, m.role FROM mentions m
             JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ANY($1)
             ORDER BY m.count DESC, e.canonical",
            &[&article_ids],
        )?;
        let mut by_article: HashMap<i64, Vec<(i64, EntityRecord, Option<String>)>> = HashMap::new();
        for r in &rows {
            let article: i64 = r.get(0);
            let entity =
                EntityRecord { id: r.get(1), canonical: r.get(2), kind: r.get(3), articles: r.get::<_, i64>(4) as u64 };
            by_article.entry(article).or_default().push((article, entity, r.get(5)));
        }
        Ok(article_ids.iter().flat_map(|id| by_article.remove(id).unwrap_or_default()).collect())
    }

    /// Articles mentioning an entity, newest first.
    pub fn entity_articles(&self, entity_id: i64, limit: usize) -> Result<Vec<EntityArticle>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT a.id, a.title, a.published, a.source, m.role, m.count FROM mentions m
             JOIN articles a ON a.id = m.article_id WHERE m.entity_id = $1
             ORDER BY m.sort_ts DESC, m.article_id DESC LIMIT $2",
            &[&entity_id, &(limit as i64)],
        )?;
        Ok(rows
            .iter()
            .map(|r| EntityArticle {
                article_id: r.get(0),
                title: r.get(1),
                published: r.get(2),
                source: r.get(3),
                role: r.get(4),
                mentions: r.get::<_, i64>(5) as u64,
            })
            .collect())
    }

    /// The most mentioned entities of a kind (or of all kinds), ties by name.
    pub fn top_entities(&self, kind: Option<&str>, limit: usize) -> Result<Vec<EntityRecord>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT entity_id, canonical, kind, articles FROM entity_totals WHERE ($1::text IS NULL OR kind = $1)
             ORDER BY articles DESC, canonical LIMIT $2",
            &[&kind, &(limit as i64)],
        )?;
        Ok(rows.iter().map(entity_from_row).collect())
    }

    /// The roles an entity was given (the [`MAX_ROLES`] most given, ties by role), in
    /// order of first appearance: kept counts, and the first and last article of each
    /// role are two look-ups in the `mentions_by_role` index.
    pub fn entity_roles(&self, entity_id: i64) -> Result<Vec<EntityRole>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT c.role, c.articles, f.published, f.sort_ts, l.published
             FROM entity_role_counts c
             CROSS JOIN LATERAL (SELECT a.published, m.sort_ts FROM mentions m JOIN articles a ON a.id = m.article_id
                 WHERE m.entity_id = c.entity_id AND m.role = c.role ORDER BY m.sort_ts, m.article_id LIMIT 1) f
             CROSS JOIN LATERAL (SELECT a.published FROM mentions m JOIN articles a ON a.id = m.article_id
                 WHERE m.entity_id = c.entity_id AND m.role = c.role
                 ORDER BY m.sort_ts DESC, m.article_id DESC LIMIT 1) l
             WHERE c.entity_id = $1 ORDER BY c.articles DESC, c.role LIMIT $2",
            &[&entity_id, &(MAX_ROLES as i64)],
        )?;
        let mut roles: Vec<(i64, EntityRole)> = rows
            .iter()
            .map(|r| {
                let role = EntityRole {
                    role: r.get(0),
                    articles: r.get::<_, i64>(1) as u64,
                    first_seen: r.get(2),
                    last_seen: r.get(4),
                };
                (r.get(3), role)
            })
            .collect();
        roles.sort_by_key(|(first_ts, _)| *first_ts);
        Ok(roles.into_iter().map(|(_, r)| r).collect())
    }

    /// Quotes attributed to an entity (newest first), or found in an article (in order).
    pub fn quotes(
        &self,
        entity_id: Option<i64>,
        article_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<QuoteRecord>, PgStoreError> {
        let filter = match (entity_id, article_id) {
            (Some(_), None) => "WHERE q.entity_id = $1 AND $2::bigint IS NULL ORDER BY q.sort_ts DESC, q.id LIMIT $3",
            (None, Some(_)) => "WHERE q.article_id = $2 AND $1::bigint IS NULL ORDER BY q.id LIMIT $3",
            _ => {
                "WHERE ($1::bigint IS NULL OR q.entity_id = $1) AND ($2::bigint IS NULL OR q.article_id = $2)
                 ORDER BY q.sort_ts DESC, q.id LIMIT $3"
            }
        };
        let sql = format!("SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article_id {filter}");
        let rows = self.conn()?.query(&sql, &[&entity_id, &article_id, &(limit as i64)])?;
        Ok(rows.iter().map(quote_from_row).collect())
    }

    /// The quotes of each of the given articles (at most `per_article` each, in the order
    /// found), in the order of `article_ids`.
    pub fn quotes_of_articles(
        &self,
        article_ids: &[i64],
        per_article: usize,
    ) -> Result<Vec<QuoteRecord>, PgStoreError> {
        let sql = format!(
            "SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article_id
             WHERE q.article_id = ANY($1) ORDER BY q.id"
        );
        let mut by_article: HashMap<i64, Vec<QuoteRecord>> = HashMap::new();
        for row in self.conn()?.query(&sql, &[&article_ids])? {
            let q = quote_from_row(&row);
            let list = by_article.entry(q.article_id).or_default();
            if list.len() < per_article {
                list.push(q);
            }
        }
        Ok(article_ids.iter().flat_map(|id| by_article.remove(id).unwrap_or_default()).collect())
    }
}

impl PgStore {
    /// See [`ArticleStore::merge_entity`](polmon_store::ArticleStore::merge_entity): files
    /// the mentions and quotes of `(from, kind)` under `(into, kind)` (created if need be)
    /// and deletes `from`, in one transaction. An article naming both keeps one mention
    /// row with both counts (and `into`'s role, else `from`'s). The mention triggers keep
    /// the entity totals and role counts: `into` gains the articles that did not name it,
    /// `from` loses all of its own; the trend counters of each article concerned are
    /// taken out before and put back after. Takes the counts lock exclusively, then locks
    /// `from`, so that no writer changes a count or files a new mention under it
    /// meanwhile. Linear in the articles that mention `from`.
    pub fn merge_entity(&self, kind: &str, from: &str, into: &str) -> Result<u64, PgStoreError> {
        if from == into {
            return Ok(0);
        }
        let mut conn = self.conn()?;
        let entity = EntityStatements::prepare(&mut conn)?;
        let trends = crate::trends::TrendWrite::prepare(&mut conn)?;
        let mut tx = conn.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&crate::trends::COUNTS_LOCK])?;
        let Some(from_id) = tx
            .query_opt("SELECT id FROM entities WHERE canonical = $1 AND kind = $2 FOR UPDATE", &[&from, &kind])?
            .map(|r| r.get::<_, i64>(0))
        else {
            return Ok(0);
        };
        let into_id = entity_id(&mut tx, &entity, into, kind)?;
        // The rows to move, locked in article order (as writers lock their articles).
        let articles: Vec<i64> = tx
            .query("SELECT article_id FROM mentions WHERE entity_id = $1 ORDER BY article_id FOR UPDATE", &[&from_id])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        // The trend counters of those articles lose their part as stored and gain it as
        // rewritten.
        let stored = trends.parts(&mut tx, &articles)?;
        tx.execute(
            "UPDATE mentions m SET count = m.count + f.count, role = coalesce(m.role, f.role)
             FROM mentions f WHERE f.entity_id = $1 AND m.entity_id = $2 AND m.article_id = f.article_id",
            &[&from_id, &into_id],
        )?;
        tx.execute(
            "INSERT INTO mentions (article_id, entity_id, role, count, sort_ts)
             SELECT f.article_id, $2, f.role, f.count, f.sort_ts FROM mentions f
             WHERE f.entity_id = $1
               AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = f.article_id AND m.entity_id = $2)
             ORDER BY f.article_id",
            &[&from_id, &into_id],
        )?;
        tx.execute("DELETE FROM mentions WHERE entity_id = $1", &[&from_id])?;
        tx.execute(
            "UPDATE quotes SET entity_id = $2 WHERE entity_id = $1 AND article_id = ANY($3)",
            &[&from_id, &into_id, &articles],
        )?;
        let parts = stored.negated().and(trends.parts(&mut tx, &articles)?);
        trends.add(&mut tx, &parts)?;
        // Quotes attributed to `from` in articles that no longer mention it (none are
        // written so, but a store is not assumed to be tidy): not in any counter.
        tx.execute("UPDATE quotes SET entity_id = $2 WHERE entity_id = $1", &[&from_id, &into_id])?;
        for table in
            ["entity_totals", "entity_role_counts", "trend_entity_days", "trend_source_days", "trend_role_days"]
        {
            tx.execute(&format!("DELETE FROM {table} WHERE entity_id = $1"), &[&from_id])?;
        }
        tx.execute("DELETE FROM entities WHERE id = $1", &[&from_id])?;
        tx.commit()?;
        Ok(articles.len() as u64)
    }

    /// See [`ArticleStore::role_holders`](polmon_store::ArticleStore::role_holders): the
    /// trend counters of roles by day, in one grouped scan (linear in the (person, role,
    /// day) counters, for a long-lived process to read once). Ties order by name, then
    /// role, in bytes.
    pub fn role_holders(&self, limit: usize) -> Result<Vec<RoleHolder>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT r.role, e.canonical, min(r.day), max(r.day), sum(r.articles)::bigint AS n
             FROM trend_role_days r JOIN entities e ON e.id = r.entity_id
             WHERE e.kind = 'person'
             GROUP BY r.entity_id, e.canonical, r.role ORDER BY n DESC, e.canonical, r.role LIMIT $1",
            &[&i64::try_from(limit).unwrap_or(i64::MAX)],
        )?;
        Ok(rows
            .iter()
            .map(|r| RoleHolder {
                role: r.get(0),
                person: r.get(1),
                first_day: r.get(2),
                last_day: r.get(3),
                articles: r.get::<_, i64>(4) as u64,
            })
            .collect())
    }
}
