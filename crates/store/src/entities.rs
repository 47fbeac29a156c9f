//! Entities, their mentions per article (with the role seen there) and quotes.

use std::collections::BTreeMap;

use polmon_model::Analysis;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::{Store, StoreError};

/// A stored entity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntityRecord {
    /// Store id.
    pub id: i64,
    /// Canonical name.
    pub canonical: String,
    /// `person`, `organization`, `location` or `other`.
    pub kind: String,
    /// Articles that mention it.
    pub articles: u64,
}

/// An article that mentions an entity, with the role the article gave it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntityArticle {
    /// The article.
    pub article_id: i64,
    /// Its headline.
    pub title: String,
    /// Its publication date-time.
    pub published: Option<String>,
    /// Its source.
    pub source: Option<String>,
    /// The role or title given there.
    pub role: Option<String>,
    /// Mentions in that article.
    pub mentions: u64,
}

/// A role seen for an entity over time.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntityRole {
    /// The role.
    pub role: String,
    /// Earliest publication date it was seen with.
    pub first_seen: Option<String>,
    /// Latest.
    pub last_seen: Option<String>,
    /// Articles that give it.
    pub articles: u64,
}

/// A stored quote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteRecord {
    /// The article it is from.
    pub article_id: i64,
    /// The article's headline.
    pub article_title: String,
    /// The article's date.
    pub published: Option<String>,
    /// The speaker entity, if resolved.
    pub entity_id: Option<i64>,
    /// The speaker as written.
    pub speaker: Option<String>,
    /// The quoted words.
    pub text: String,
    /// Direct (in quotation marks) or reported.
    pub direct: bool,
}

pub(crate) fn replace_for_article(tx: &Transaction<'_>, article_id: i64, analysis: &Analysis) -> Result<(), StoreError> {
    tx.execute("DELETE FROM mentions WHERE article_id = ?1", [article_id])?;
    tx.execute("DELETE FROM quotes WHERE article_id = ?1", [article_id])?;
    // (canonical, kind) -> (count, first role)
    let mut seen: BTreeMap<(&str, &str), (u64, Option<&str>)> = BTreeMap::new();
    for m in &analysis.entities {
        let e = seen.entry((m.canonical.as_str(), m.entity_type.as_str())).or_insert((0, None));
        e.0 += 1;
        if e.1.is_none() {
            e.1 = m.role.as_deref();
        }
    }
    let mut ids: BTreeMap<&str, i64> = BTreeMap::new();
    for ((canonical, kind), (count, role)) in &seen {
        let id = entity_id(tx, canonical, kind)?;
        if *kind == "person" || !ids.contains_key(canonical) {
            ids.insert(canonical, id);
        }
        tx.execute(
            "INSERT INTO mentions (article_id, entity_id, role, count) VALUES (?1, ?2, ?3, ?4)",
            params![article_id, id, role, *count as i64],
        )?;
    }
    for q in &analysis.quotes {
        let entity = q.speaker_canonical.as_deref().and_then(|c| ids.get(c).copied());
        tx.execute(
            "INSERT INTO quotes (article_id, entity_id, speaker, text, direct) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![article_id, entity, q.speaker_canonical.as_deref().or(q.speaker.as_deref()), q.text, q.direct],
        )?;
    }
    Ok(())
}

fn entity_id(tx: &Transaction<'_>, canonical: &str, kind: &str) -> Result<i64, StoreError> {
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM entities WHERE canonical = ?1 AND kind = ?2",
            [canonical, kind],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    tx.execute("INSERT INTO entities (canonical, kind) VALUES (?1, ?2)", [canonical, kind])?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// One entity.
    pub fn entity(&self, id: i64) -> Result<Option<EntityRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT e.id, e.canonical, e.kind, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id)
                     FROM entities e WHERE e.id = ?1",
                    [id],
                    |r| {
                        Ok(EntityRecord {
                            id: r.get(0)?,
                            canonical: r.get(1)?,
                            kind: r.get(2)?,
                            articles: r.get::<_, i64>(3)? as u64,
                        })
                    },
                )
                .optional()?)
        })
    }

    /// The entities an article mentions, most mentioned first, with the role given there.
    pub fn article_entities(&self, article_id: i64) -> Result<Vec<(EntityRecord, Option<String>)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT e.id, e.canonical, e.kind, m.count, m.role FROM mentions m
                 JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ?1
                 ORDER BY m.count DESC, e.canonical",
            )?;
            let rows = stmt
                .query_map([article_id], |r| {
                    Ok((
                        EntityRecord {
                            id: r.get(0)?,
                            canonical: r.get(1)?,
                            kind: r.get(2)?,
                            articles: r.get::<_, i64>(3)? as u64,
                        },
                        r.get(4)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Articles mentioning an entity, newest first.
    pub fn entity_articles(&self, entity_id: i64, limit: usize) -> Result<Vec<EntityArticle>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT a.id, a.title, a.published, a.source, m.role, m.count FROM mentions m
                 JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ?1
                 ORDER BY a.sort_ts DESC, a.id DESC LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![entity_id, limit as i64], |r| {
                    Ok(EntityArticle {
                        article_id: r.get(0)?,
                        title: r.get(1)?,
                        published: r.get(2)?,
                        source: r.get(3)?,
                        role: r.get(4)?,
                        mentions: r.get::<_, i64>(5)? as u64,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// The roles an entity was given, in order of first appearance.
    pub fn entity_roles(&self, entity_id: i64) -> Result<Vec<EntityRole>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT m.role, min(a.published), max(a.published), count(*) FROM mentions m
                 JOIN articles a ON a.id = m.article_id
                 WHERE m.entity_id = ?1 AND m.role IS NOT NULL
                 GROUP BY m.role ORDER BY min(a.sort_ts)",
            )?;
            let rows = stmt
                .query_map([entity_id], |r| {
                    Ok(EntityRole {
                        role: r.get(0)?,
                        first_seen: r.get(1)?,
                        last_seen: r.get(2)?,
                        articles: r.get::<_, i64>(3)? as u64,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Quotes attributed to an entity (`Some`), or found in an article (`None` entity, `Some` article).
    pub fn quotes(&self, entity_id: Option<i64>, article_id: Option<i64>, limit: usize) -> Result<Vec<QuoteRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT q.article_id, a.title, a.published, q.entity_id, q.speaker, q.text, q.direct
                 FROM quotes q JOIN articles a ON a.id = q.article_id
                 WHERE (?1 IS NULL OR q.entity_id = ?1) AND (?2 IS NULL OR q.article_id = ?2)
                 ORDER BY a.sort_ts DESC, q.id LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(params![entity_id, article_id, limit as i64], |r| {
                    Ok(QuoteRecord {
                        article_id: r.get(0)?,
                        article_title: r.get(1)?,
                        published: r.get(2)?,
                        entity_id: r.get(3)?,
                        speaker: r.get(4)?,
                        text: r.get(5)?,
                        direct: r.get(6)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// The most mentioned entities of a kind (or of all kinds).
    pub fn top_entities(&self, kind: Option<&str>, limit: usize) -> Result<Vec<EntityRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT e.id, e.canonical, e.kind, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id
                 WHERE (?1 IS NULL OR e.kind = ?1) GROUP BY e.id ORDER BY count(*) DESC, e.canonical LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![kind, limit as i64], |r| {
                    Ok(EntityRecord {
                        id: r.get(0)?,
                        canonical: r.get(1)?,
                        kind: r.get(2)?,
                        articles: r.get::<_, i64>(3)? as u64,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}
