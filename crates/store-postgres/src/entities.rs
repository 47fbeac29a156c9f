//! Entities, their mentions per article and quotes.

use std::collections::HashMap;

use polmon_store::{EntityArticle, EntityRecord, QuoteRecord};
use postgres::{Row, Transaction};

use crate::articles::ArticleWrite;
use crate::{PgStore, PgStoreError};

/// The id of entity `(canonical, kind)`, created if new. Looks up first, so that ids are
/// taken only by new entities (as in SQLite); a writer that loses a race for a new
/// entity waits for the winner and reads its id.
pub(crate) fn entity_id(
    tx: &mut Transaction<'_>,
    st: &ArticleWrite,
    canonical: &str,
    kind: &str,
) -> Result<i64, PgStoreError> {
    loop {
        if let Some(row) = tx.query_opt(&st.find_entity, &[&canonical, &kind])? {
            return Ok(row.get(0));
        }
        if let Some(row) = tx.query_opt(&st.insert_entity, &[&canonical, &kind])? {
            return Ok(row.get(0));
        }
    }
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
