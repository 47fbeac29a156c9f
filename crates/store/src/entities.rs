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

/// Rewrites an article's mentions and quotes (`fresh`: a new article, which has none yet),
/// keeping the entity counts.
pub(crate) fn replace_for_article(
    tx: &Transaction<'_>,
    article_id: i64,
    analysis: &Analysis,
    sort_ts: i64,
    fresh: bool,
) -> Result<(), StoreError> {
    if !fresh {
        crate::aggregates::mentions_removed(tx, article_id)?;
        tx.execute("DELETE FROM mentions WHERE article_id = ?1", [article_id])?;
        tx.execute("DELETE FROM quotes WHERE article_id = ?1", [article_id])?;
    }
    let seen = grouped_mentions(analysis);
    let mut ids: BTreeMap<&str, i64> = BTreeMap::new();
    for ((canonical, kind), (count, role)) in &seen {
        let id = entity_id(tx, canonical, kind)?;
        if *kind == "person" || !ids.contains_key(canonical) {
            ids.insert(canonical, id);
        }
        tx.prepare_cached("INSERT INTO mentions (article_id, entity_id, role, count, sort_ts) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![article_id, id, role, *count as i64, sort_ts])?;
        crate::aggregates::mention_added(tx, id, kind, canonical, *role)?;
    }
    for q in &analysis.quotes {
        let entity = q.speaker_canonical.as_deref().and_then(|c| ids.get(c).copied());
        tx.prepare_cached("INSERT INTO quotes (article_id, entity_id, speaker, text, direct, sort_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![article_id, entity, q.speaker_canonical.as_deref().or(q.speaker.as_deref()), q.text, q.direct, sort_ts])?;
    }
    Ok(())
}

/// An article's mentions as the store keeps them: one row per `(canonical, kind)`
/// with the number of mentions and the first role given, sorted (every backend writes
/// these rows, in this order).
pub fn grouped_mentions(analysis: &Analysis) -> BTreeMap<(&str, &str), (u64, Option<&str>)> {
    let mut seen: BTreeMap<(&str, &str), (u64, Option<&str>)> = BTreeMap::new();
    for m in &analysis.entities {
        let e = seen.entry((m.canonical.as_str(), m.entity_type.as_str())).or_insert((0, None));
        e.0 += 1;
        if e.1.is_none() {
            e.1 = m.role.as_deref();
        }
    }
    seen
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

/// A person the articles gave a role, with the days they did (see [`Store::role_holders`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RoleHolder {
    /// The role as the articles wrote it ("ministre des Armées").
    pub role: String,
    /// The person's canonical name.
    pub person: String,
    /// First and last day (days since 1970-01-01, UTC) an article gave them the role.
    pub first_day: i64,
    /// See `first_day`.
    pub last_day: i64,
    /// Articles that did.
    pub articles: u64,
}

impl Store {
    /// The people with the roles the articles gave them, the most given first, at most
    /// `limit` (person, role) pairs. Reads the trend counters of roles by day in one
    /// grouped scan: meant to be read once by a long-lived process, not per request.
    pub fn role_holders(&self, limit: usize) -> Result<Vec<RoleHolder>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT r.role, e.canonical, min(r.day), max(r.day), sum(r.articles) AS n
                 FROM trend_role_days r JOIN entities e ON e.id = r.entity_id
                 WHERE e.kind = 'person'
                 GROUP BY r.entity_id, r.role ORDER BY n DESC, e.canonical, r.role LIMIT ?1",
            )?;
            let rows = stmt
                .query_map([limit as i64], |r| {
                    Ok(RoleHolder {
                        role: r.get(0)?,
                        person: r.get(1)?,
                        first_day: r.get(2)?,
                        last_day: r.get(3)?,
                        articles: r.get::<_, i64>(4)? as u64,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}

impl Store {
    /// Files every stored mention and quote of the entity `(from, kind)` under the entity
    /// `(into, kind)` (created if need be) and deletes `from`: the lone surname stored
    /// before the store knew whom it stands for ("Obama" → "Barack Obama"). Every kept
    /// count (entity totals and roles, trend counters) is taken out for each article
    /// concerned and put back as the merged rows now say, in one transaction; an article
    /// naming both keeps one mention row with both counts. The articles' own analyses keep
    /// the name as written. Returns the number of articles moved (0 when `from` is not
    /// stored). Linear in the articles that mention `from`.
    pub fn merge_entity(&self, kind: &str, from: &str, into: &str) -> Result<u64, StoreError> {
        if from == into {
            return Ok(0);
        }
        self.write(|conn| {
            let tx = conn.transaction()?;
            let from_id: Option<i64> = tx
                .query_row("SELECT id FROM entities WHERE canonical = ?1 AND kind = ?2", [from, kind], |r| r.get(0))
                .optional()?;
            let Some(from_id) = from_id else { return Ok(0) };
            let into_id = entity_id(&tx, into, kind)?;
            let articles: Vec<i64> = tx
                .prepare("SELECT article_id FROM mentions WHERE entity_id = ?1 ORDER BY article_id")?
                .query_map([from_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for &article in &articles {
                crate::trends::subtract_article(self, &tx, article)?;
                crate::aggregates::mentions_removed(&tx, article)?;
                let merged = tx.execute(
                    "UPDATE mentions SET count = count + (SELECT count FROM mentions WHERE article_id = ?1 AND entity_id = ?2),
                         role = coalesce(role, (SELECT role FROM mentions WHERE article_id = ?1 AND entity_id = ?2))
                     WHERE article_id = ?1 AND entity_id = ?3",
                    params![article, from_id, into_id],
                )?;
                if merged > 0 {
                    tx.execute("DELETE FROM mentions WHERE article_id = ?1 AND entity_id = ?2", params![article, from_id])?;
                } else {
                    tx.execute(
                        "UPDATE mentions SET entity_id = ?3 WHERE article_id = ?1 AND entity_id = ?2",
                        params![article, from_id, into_id],
                    )?;
                }
                tx.execute("UPDATE quotes SET entity_id = ?3 WHERE article_id = ?1 AND entity_id = ?2", params![article, from_id, into_id])?;
                let mentions: Vec<(i64, String, String, Option<String>)> = tx
                    .prepare_cached(
                        "SELECT m.entity_id, e.kind, e.canonical, m.role FROM mentions m JOIN entities e ON e.id = m.entity_id
                         WHERE m.article_id = ?1",
                    )?
                    .query_map([article], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<Result<_, _>>()?;
                for (id, kind, canonical, role) in &mentions {
                    crate::aggregates::mention_added(&tx, *id, kind, canonical, role.as_deref())?;
                }
                crate::trends::add_article(self, &tx, article)?;
            }
            // Quotes attributed to `from` in articles that no longer mention it (none
            // are written so, but a store is not assumed to be tidy).
            tx.execute("UPDATE quotes SET entity_id = ?2 WHERE entity_id = ?1", params![from_id, into_id])?;
            for table in ["entity_totals", "entity_role_counts", "trend_entity_days", "trend_source_days", "trend_role_days"] {
                tx.execute(&format!("DELETE FROM {table} WHERE entity_id = ?1"), [from_id])?;
            }
            tx.execute("DELETE FROM entities WHERE id = ?1", [from_id])?;
            tx.commit()?;
            Ok(articles.len() as u64)
        })
    }
}

/// Roles listed per entity at most ([`Store::entity_roles`]): the most given.
pub const MAX_ROLES: usize = 50;

fn quote_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuoteRecord> {
    Ok(QuoteRecord {
        article_id: r.get(0)?,
        article_title: r.get(1)?,
        published: r.get(2)?,
        entity_id: r.get(3)?,
        speaker: r.get(4)?,
        text: r.get(5)?,
        direct: r.get(6)?,
    })
}

impl Store {
    /// One entity.
    pub fn entity(&self, id: i64) -> Result<Option<EntityRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT e.id, e.canonical, e.kind, coalesce(t.articles, 0)
                     FROM entities e LEFT JOIN entity_totals t ON t.entity_id = e.id WHERE e.id = ?1",
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
                 ORDER BY m.sort_ts DESC, m.article_id DESC LIMIT ?2",
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

    /// The roles an entity was given (the [`MAX_ROLES`] most given), in order of first
    /// appearance. Counts are kept at write time; first and last dates are two index
    /// look-ups per role.
    pub fn entity_roles(&self, entity_id: i64) -> Result<Vec<EntityRole>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT c.role, c.articles,
                    (SELECT m.article_id FROM mentions m WHERE m.entity_id = c.entity_id AND m.role = c.role
                     ORDER BY m.sort_ts, m.article_id LIMIT 1),
                    (SELECT m.article_id FROM mentions m WHERE m.entity_id = c.entity_id AND m.role = c.role
                     ORDER BY m.sort_ts DESC, m.article_id DESC LIMIT 1)
                 FROM entity_role_counts c WHERE c.entity_id = ?1 ORDER BY c.articles DESC, c.role LIMIT ?2",
            )?;
            let mut published = conn.prepare_cached("SELECT published, sort_ts FROM articles WHERE id = ?1")?;
            let mut dated = |id: i64| -> rusqlite::Result<(Option<String>, i64)> {
                published.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            };
            let mut roles = Vec::new();
            for row in stmt.query_map(params![entity_id, MAX_ROLES as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
            })? {
                let (role, articles, first, last) = row?;
                let (first_seen, first_ts) = dated(first)?;
                let (last_seen, _) = dated(last)?;
                roles.push((first_ts, EntityRole { role, first_seen, last_seen, articles: articles as u64 }));
            }
            roles.sort_by_key(|(first_ts, _)| *first_ts);
            Ok(roles.into_iter().map(|(_, r)| r).collect())
        })
    }

    /// Quotes attributed to an entity (`Some`), or found in an article (`None` entity, `Some` article).
    pub fn quotes(&self, entity_id: Option<i64>, article_id: Option<i64>, limit: usize) -> Result<Vec<QuoteRecord>, StoreError> {
        self.read(|conn| {
            let sql = match (entity_id, article_id) {
                (Some(_), None) => "WHERE q.entity_id = ?1 ORDER BY q.sort_ts DESC, q.id LIMIT ?3",
                (None, Some(_)) => "WHERE q.article_id = ?2 ORDER BY q.id LIMIT ?3",
                _ => "WHERE (?1 IS NULL OR q.entity_id = ?1) AND (?2 IS NULL OR q.article_id = ?2)
                      ORDER BY q.sort_ts DESC, q.id LIMIT ?3",
            };
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT q.article_id, a.title, a.published, q.entity_id, q.speaker, q.text, q.direct
                 FROM quotes q JOIN articles a ON a.id = q.article_id {sql}"
            ))?;
            let rows = stmt
                .query_map(params![entity_id, article_id, limit as i64], quote_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// The quotes of each of the given articles (at most `per_article` each, in the order
    /// they were found), in the order of `article_ids`; one query.
    pub fn quotes_of_articles(&self, article_ids: &[i64], per_article: usize) -> Result<Vec<QuoteRecord>, StoreError> {
        if article_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            let placeholders = vec!["?"; article_ids.len()].join(",");
            let mut stmt = conn.prepare(&format!(
                "SELECT q.article_id, a.title, a.published, q.entity_id, q.speaker, q.text, q.direct
                 FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.article_id IN ({placeholders})
                 ORDER BY q.id"
            ))?;
            let mut by_article: std::collections::HashMap<i64, Vec<QuoteRecord>> = Default::default();
            for q in stmt.query_map(rusqlite::params_from_iter(article_ids.iter()), quote_from_row)? {
                let q = q?;
                let list = by_article.entry(q.article_id).or_default();
                if list.len() < per_article {
                    list.push(q);
                }
            }
            Ok(article_ids.iter().flat_map(|id| by_article.remove(id).unwrap_or_default()).collect())
        })
    }

    /// The entities each of the given articles mentions, as [`article_entities`](Self::article_entities)
    /// lists them, article after article in the order of `article_ids`; one query.
    pub fn entities_of_articles(
        &self,
        article_ids: &[i64],
    ) -> Result<Vec<(i64, EntityRecord, Option<String>)>, StoreError> {
        if article_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            let placeholders = vec!["?"; article_ids.len()].join(",");
            let mut stmt = conn.prepare(&format!(
                "SELECT m.article_id, e.id, e.canonical, e.kind, m.count, m.role FROM mentions m
                 JOIN entities e ON e.id = m.entity_id WHERE m.article_id IN ({placeholders})
                 ORDER BY m.count DESC, e.canonical"
            ))?;
            let mut by_article: std::collections::HashMap<i64, Vec<(i64, EntityRecord, Option<String>)>> = Default::default();
            for row in stmt.query_map(rusqlite::params_from_iter(article_ids.iter()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    EntityRecord { id: r.get(1)?, canonical: r.get(2)?, kind: r.get(3)?, articles: r.get::<_, i64>(4)? as u64 },
                    r.get(5)?,
                ))
            })? {
                let row = row?;
                by_article.entry(row.0).or_default().push(row);
            }
            Ok(article_ids.iter().flat_map(|id| by_article.remove(id).unwrap_or_default()).collect())
        })
    }

    /// The most mentioned entities of a kind (or of all kinds).
    pub fn top_entities(&self, kind: Option<&str>, limit: usize) -> Result<Vec<EntityRecord>, StoreError> {
        self.read(|conn| {
            let filter = if kind.is_some() { "WHERE kind = ?1" } else { "WHERE ?1 IS NULL" };
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT entity_id, canonical, kind, articles FROM entity_totals {filter}
                 ORDER BY articles DESC, canonical LIMIT ?2"
            ))?;
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
