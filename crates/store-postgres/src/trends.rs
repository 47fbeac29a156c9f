//! Trends: who is in the news and who gets to speak, read from per-day counters, as in
//! the SQLite store (`polmon_store::trends`, whose doc describes the three tables).
//!
//! The counters are kept in the article's write transaction: `store_article` reads the
//! stored version's part ([`TrendParts`], from `polmon_trend_parts` of migration 6)
//! before it changes the article, and adds it negated with the new version's part in one
//! grouped upsert per table (`polmon_add_trend_parts`), rows in key order, so concurrent
//! writers take counter rows in one order; `merge_entity` does the same around the
//! articles it rewrites. So they always equal a recount over `articles`, `mentions` and
//! `quotes` (`polmon_recount_kept()`). Every read below is an index range over a bounded
//! period (at most [`MAX_PERIOD_DAYS`](polmon_store::trends::MAX_PERIOD_DAYS) days) or over
//! one entity's roles, with a `LIMIT`: none reads the articles.
//!
//! Writers hold [`COUNTS_LOCK`] shared from the start of their transaction and a merge
//! holds it exclusively before it locks anything else: a merge rewrites the mentions and
//! counters of many articles, so the two never interleave (and never deadlock).

use polmon_store::trends::{day_label, trend_score, BASELINE_DAYS, NOW_CANDIDATES};
use polmon_store::{DayCount, Period, QuoteShares, RoleShare, RoleSpan, SourceQuotes, SpeakerCount, TrendingEntity};
use postgres::{Statement, Transaction};

use crate::pool::PgConnection;
use crate::{PgStore, PgStoreError};

/// The advisory lock (transaction-scoped) guarding the kept counts against a concurrent
/// `merge_entity`: "polmon" in ASCII, plus one (the migration lock is the plain value).
pub(crate) const COUNTS_LOCK: i64 = 0x706f_6c6d_6f6e + 1;

/// The statements that keep the trend counters, prepared before a transaction.
pub(crate) struct TrendWrite {
    share_counts: Statement,
    parts: Statement,
    add: Statement,
}

/// Signed parts of articles in the trend counters, column by column (the columns of
/// `polmon_trend_parts`).
#[derive(Debug, Default)]
pub(crate) struct TrendParts {
    day: Vec<i64>,
    source: Vec<String>,
    entity: Vec<i64>,
    role: Vec<String>,
    articles: Vec<i64>,
    mentions: Vec<i64>,
    quotes: Vec<i64>,
}

impl TrendParts {
    /// These parts taken away.
    pub(crate) fn negated(mut self) -> TrendParts {
        for column in [&mut self.articles, &mut self.mentions, &mut self.quotes] {
            column.iter_mut().for_each(|n| *n = -*n);
        }
        self
    }

    /// These parts and `other`'s.
    pub(crate) fn and(mut self, other: TrendParts) -> TrendParts {
        self.day.extend(other.day);
        self.source.extend(other.source);
        self.entity.extend(other.entity);
        self.role.extend(other.role);
        self.articles.extend(other.articles);
        self.mentions.extend(other.mentions);
        self.quotes.extend(other.quotes);
        self
    }
}

impl TrendWrite {
    pub(crate) fn prepare(conn: &mut PgConnection) -> Result<TrendWrite, PgStoreError> {
        Ok(TrendWrite {
            share_counts: conn.statement("SELECT pg_advisory_xact_lock_shared($1)")?,
            parts: conn.statement(
                "SELECT coalesce(array_agg(p.day), '{}'), coalesce(array_agg(p.source), '{}'),
                        coalesce(array_agg(p.entity_id), '{}'), coalesce(array_agg(p.role), '{}'),
                        coalesce(array_agg(p.articles), '{}'), coalesce(array_agg(p.mentions), '{}'),
                        coalesce(array_agg(p.quotes), '{}')
                 FROM unnest($1::bigint[]) AS a (id), polmon_trend_parts(a.id) p",
            )?,
            add: conn.statement("SELECT polmon_add_trend_parts($1, $2, $3, $4, $5, $6, $7)")?,
        })
    }

    /// Takes [`COUNTS_LOCK`] shared for the rest of the transaction (first: before any
    /// row lock).
    pub(crate) fn share_counts(&self, tx: &mut Transaction<'_>) -> Result<(), PgStoreError> {
        tx.execute(&self.share_counts, &[&COUNTS_LOCK])?;
        Ok(())
    }

    /// The parts of the given articles, as now stored.
    pub(crate) fn parts(&self, tx: &mut Transaction<'_>, article_ids: &[i64]) -> Result<TrendParts, PgStoreError> {
        let r = tx.query_one(&self.parts, &[&article_ids])?;
        Ok(TrendParts {
            day: r.get(0),
            source: r.get(1),
            entity: r.get(2),
            role: r.get(3),
            articles: r.get(4),
            mentions: r.get(5),
            quotes: r.get(6),
        })
    }

    /// Adds signed parts to the counters.
    pub(crate) fn add(&self, tx: &mut Transaction<'_>, p: &TrendParts) -> Result<(), PgStoreError> {
        if p.day.is_empty() {
            return Ok(());
        }
        tx.execute(&self.add, &[&p.day, &p.source, &p.entity, &p.role, &p.articles, &p.mentions, &p.quotes])?;
        Ok(())
    }
}

/// The share of `count` in `total`, 0 when there is nothing.
fn share(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

fn limit_of(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl PgStore {
    /// The newest day with trend counts at or before `today`.
    pub fn trend_day(&self, today: i64) -> Result<Option<i64>, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT max(day) FROM trend_entity_days WHERE day <= $1", &[&today])?.get(0))
    }

    /// "In the news now": of the `NOW_CANDIDATES` entities in most articles on `day` (at
    /// least `min_count`), those scoring above their own baseline, highest first.
    pub fn in_the_news(&self, day: i64, min_count: u64, limit: usize) -> Result<Vec<TrendingEntity>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT t.entity_id, e.canonical, e.kind, t.articles,
                    (SELECT coalesce(sum(b.articles), 0)::bigint FROM trend_entity_days b
                     WHERE b.entity_id = t.entity_id AND b.day BETWEEN $1 - $4 AND $1 - 1)
             FROM (SELECT entity_id, articles FROM trend_entity_days
                   WHERE day = $1 AND articles >= $2 ORDER BY articles DESC LIMIT $3) t
             JOIN entities e ON e.id = t.entity_id",
            &[&day, &(min_count as i64), &(NOW_CANDIDATES as i64), &BASELINE_DAYS],
        )?;
        let mut rows: Vec<TrendingEntity> = rows
            .iter()
            .map(|r| {
                let count = r.get::<_, i64>(3) as u64;
                let baseline_mean = r.get::<_, i64>(4) as f64 / BASELINE_DAYS as f64;
                TrendingEntity {
                    entity_id: r.get(0),
                    canonical: r.get(1),
                    kind: r.get(2),
                    count,
                    baseline_mean,
                    score: trend_score(count, baseline_mean),
                }
            })
            .collect();
        rows.retain(|t| t.score > 0.0);
        rows.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then(b.count.cmp(&a.count)).then(a.canonical.cmp(&b.canonical))
        });
        rows.truncate(limit);
        Ok(rows)
    }

    /// The most quoted (resolved) speakers over a period, most quoted first.
    pub fn top_speakers(&self, period: Period, limit: usize) -> Result<Vec<SpeakerCount>, PgStoreError> {
        let mut conn = self.conn()?;
        let range = [period.first_day, period.last_day];
        let total: i64 = conn
            .query_one(
                "SELECT coalesce(sum(quotes), 0)::bigint FROM trend_entity_days
                 WHERE day BETWEEN $1 AND $2 AND quotes > 0",
                &[&range[0], &range[1]],
            )?
            .get(0);
        let rows = conn.query(
            "SELECT t.entity_id, e.canonical, e.kind, t.quotes FROM
                (SELECT entity_id, sum(quotes)::bigint AS quotes FROM trend_entity_days
                 WHERE day BETWEEN $1 AND $2 AND quotes > 0 GROUP BY entity_id
                 ORDER BY quotes DESC, entity_id LIMIT $3) t
             JOIN entities e ON e.id = t.entity_id ORDER BY t.quotes DESC, e.canonical",
            &[&range[0], &range[1], &limit_of(limit)],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let quotes = r.get::<_, i64>(3) as u64;
                SpeakerCount {
                    entity_id: Some(r.get(0)),
                    canonical: Some(r.get(1)),
                    kind: Some(r.get(2)),
                    quotes,
                    share: share(quotes, total as u64),
                }
            })
            .collect())
    }

    /// An entity's counts for every day of a period, oldest first (days without any are 0).
    pub fn entity_series(&self, entity_id: i64, period: Period) -> Result<Vec<DayCount>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT day, articles, mentions, quotes FROM trend_entity_days
             WHERE entity_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day",
            &[&entity_id, &period.first_day, &period.last_day],
        )?;
        let mut counted = rows.iter().map(|r| (r.get::<_, i64>(0), r)).peekable();
        let mut out = Vec::with_capacity(period.days().max(0) as usize);
        for day in period.first_day..=period.last_day {
            out.push(match counted.next_if(|(d, _)| *d == day) {
                Some((_, r)) => DayCount {
                    day: day_label(day),
                    articles: r.get::<_, i64>(1) as u64,
                    mentions: r.get::<_, i64>(2) as u64,
                    quotes: r.get::<_, i64>(3) as u64,
                },
                None => DayCount { day: day_label(day), articles: 0, mentions: 0, quotes: 0 },
            });
        }
        Ok(out)
    }

    /// Who gets to speak in `source` over a period: its quotes by speaker (the `limit`
    /// most quoted, unresolved speakers as one line, first among equals as a missing
    /// name sorts in SQLite) and by the speaker's role.
    pub fn quote_shares(&self, source: &str, period: Period, limit: usize) -> Result<QuoteShares, PgStoreError> {
        let mut conn = self.conn()?;
        let total: i64 = conn
            .query_one(
                "SELECT coalesce(sum(quotes), 0)::bigint FROM trend_source_days
                 WHERE source = $1 AND day BETWEEN $2 AND $3 AND quotes > 0",
                &[&source, &period.first_day, &period.last_day],
            )?
            .get(0);
        let total = total as u64;
        let params: [&(dyn postgres::types::ToSql + Sync); 4] =
            [&source, &period.first_day, &period.last_day, &limit_of(limit)];
        let speakers = conn
            .query(
                "SELECT t.entity_id, e.canonical, e.kind, t.quotes FROM
                    (SELECT entity_id, sum(quotes)::bigint AS quotes FROM trend_source_days
                     WHERE source = $1 AND day BETWEEN $2 AND $3 AND quotes > 0 GROUP BY entity_id
                     ORDER BY quotes DESC, entity_id LIMIT $4) t
                 LEFT JOIN entities e ON e.id = t.entity_id ORDER BY t.quotes DESC, e.canonical NULLS FIRST",
                &params,
            )?
            .iter()
            .map(|r| {
                let id: i64 = r.get(0);
                let quotes = r.get::<_, i64>(3) as u64;
                SpeakerCount {
                    entity_id: (id != 0).then_some(id),
                    canonical: r.get(1),
                    kind: r.get(2),
                    quotes,
                    share: share(quotes, total),
                }
            })
            .collect();
        let roles = conn
            .query(
                "SELECT role, sum(quotes)::bigint AS quotes FROM trend_source_days
                 WHERE source = $1 AND day BETWEEN $2 AND $3 AND quotes > 0 GROUP BY role
                 ORDER BY quotes DESC, role LIMIT $4",
                &params,
            )?
            .iter()
            .map(|r| {
                let role: String = r.get(0);
                let quotes = r.get::<_, i64>(1) as u64;
                RoleShare { role: (!role.is_empty()).then_some(role), quotes, share: share(quotes, total) }
            })
            .collect();
        Ok(QuoteShares { total, speakers, roles })
    }

    /// The sources that quote an entity over a period, most quotes first (at most `limit`).
    pub fn quoting_sources(
        &self,
        entity_id: i64,
        period: Period,
        limit: usize,
    ) -> Result<Vec<SourceQuotes>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT source, sum(quotes)::bigint AS quotes FROM trend_source_days
             WHERE entity_id = $1 AND day BETWEEN $2 AND $3 AND quotes > 0 GROUP BY source
             ORDER BY quotes DESC, source LIMIT $4",
            &[&entity_id, &period.first_day, &period.last_day, &limit_of(limit)],
        )?;
        Ok(rows.iter().map(|r| SourceQuotes { source: r.get(0), quotes: r.get::<_, i64>(1) as u64 }).collect())
    }

    /// The roles the articles gave an entity, each with its first and last day, in order
    /// of first appearance (at most `limit`): one counter per (role, day) of the entity.
    pub fn role_history(&self, entity_id: i64, limit: usize) -> Result<Vec<RoleSpan>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT role, min(day), max(day), sum(articles)::bigint FROM trend_role_days
             WHERE entity_id = $1 GROUP BY role ORDER BY min(day), role LIMIT $2",
            &[&entity_id, &limit_of(limit)],
        )?;
        Ok(rows
            .iter()
            .map(|r| RoleSpan {
                role: r.get(0),
                first_seen: day_label(r.get(1)),
                last_seen: day_label(r.get(2)),
                articles: r.get::<_, i64>(3) as u64,
            })
            .collect())
    }
}
