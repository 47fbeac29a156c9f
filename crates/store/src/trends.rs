//! Trends: who is in the news and who gets to speak, as per-day counters.
//!
//! Three tables of counters, kept in the same transaction as the article they count
//! ([`Store::upsert_article`] calls [`subtract_article`] before it changes a stored
//! article and [`add_article`] after), so they always equal a full recount over
//! `articles`, `mentions` and `quotes` ([`Store::rebuild_trends`] is that recount):
//!
//! | table | key | counts |
//! | --- | --- | --- |
//! | `trend_entity_days` | day, entity (and an index by entity, day) | articles mentioning it, mentions, quotes it is the speaker of |
//! | `trend_source_days` | source, day, entity, role (and partial indexes of the quoted rows, by entity and by source) | the same per source and per role the article gave the entity; entity 0 holds a source's quotes whose speaker was not resolved to an entity |
//! | `trend_role_days` | entity, role, day | articles giving the entity that role |
//!
//! A **day** is the UTC day of the article's time (`sort_ts`: its publication date, or
//! the ingestion time when it is undated), as days since 1970-01-01. A source is the
//! article's `source` ('' when it has none); a role is the first role the article gave the
//! entity ('' when none).
//!
//! Every query below is an index range over a bounded period (at most
//! [`MAX_PERIOD_DAYS`]) with a `LIMIT`: none reads the articles. The keys are chosen so
//! that counting an article mostly updates rows in place: a counter's key never changes,
//! so an increment touches its row and no secondary index, and the rows of one day sit
//! together (a live monitor writes today's).

use rusqlite::{params, Connection, OptionalExtension};

use crate::{format_unix, Store, StoreError};

/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

/// The longest period a trends query covers, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// Days of history "in the news now" compares a day with.
pub const BASELINE_DAYS: i64 = 30;

/// How many of a day's most mentioned entities "in the news now" scores at most: the
/// query's cost is bounded by this, not by how many entities the day has.
pub const NOW_CANDIDATES: usize = 500;

/// The day (days since 1970-01-01, UTC) of a Unix time.
pub fn day_of(unix: i64) -> i64 {
    unix.div_euclid(DAY_SECONDS)
}

/// A day as `YYYY-MM-DD`.
pub fn day_label(day: i64) -> String {
    format_unix(day.saturating_mul(DAY_SECONDS)).get(..10).unwrap_or_default().to_string()
}

/// The SQL for [`day_of`] over `sort_ts` (SQLite's `/` truncates toward zero).
const SQL_DAY: &str = "((a.sort_ts - (((a.sort_ts % 86400) + 86400) % 86400)) / 86400)";

/// Adds an article's contributions, as now stored (row, mentions, quotes), to the
/// counters, in the caller's transaction `conn` (unless maintenance is off).
pub(crate) fn add_article(store: &Store, conn: &Connection, article_id: i64) -> Result<(), StoreError> {
    if store.trends_maintained() {
        apply_article(conn, article_id, 1)?;
    }
    Ok(())
}

/// Subtracts an article's stored contributions (call before changing or deleting it).
pub(crate) fn subtract_article(store: &Store, conn: &Connection, article_id: i64) -> Result<(), StoreError> {
    if store.trends_maintained() {
        apply_article(conn, article_id, -1)?;
    }
    Ok(())
}

/// The quotes of mention `m`'s entity in its article (SQL over `mentions m`). The `+`
/// keeps SQLite from reading them through `quotes_by_entity` (all the entity's quotes in
/// the archive) rather than `quotes_by_article` (the article's few).
const SQL_QUOTES_OF_MENTION: &str =
    "(SELECT count(*) FROM quotes q WHERE q.article_id = m.article_id AND +q.entity_id = m.entity_id)";

/// Adds `sign` times the article's part to the counters: one set-based statement per table
/// (`?1` article, `?2` day, `?3` source, `?4` sign), so the cost per article is a handful
/// of statements whatever its number of entities.
#[inline(never)] // its own frame in instruction profiles (scripts/bench-ingest-cost.sh)
fn apply_article(conn: &Connection, article_id: i64, sign: i64) -> Result<(), StoreError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT sort_ts, coalesce(source, '') FROM articles WHERE id = ?1")?
        .query_row([article_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((sort_ts, source)) = row else { return Ok(()) };
    let day = day_of(sort_ts);
    conn.prepare_cached(&format!(
        "INSERT INTO trend_entity_days (day, entity_id, articles, mentions, quotes)
         SELECT ?2, m.entity_id, ?3, ?3 * m.count, ?3 * {SQL_QUOTES_OF_MENTION} FROM mentions m WHERE m.article_id = ?1
         ON CONFLICT (day, entity_id) DO UPDATE SET articles = articles + excluded.articles,
             mentions = mentions + excluded.mentions, quotes = quotes + excluded.quotes"
    ))?
    .execute(params![article_id, day, sign])?;
    conn.prepare_cached(&format!(
        "INSERT INTO trend_source_days (source, day, entity_id, role, articles, mentions, quotes)
         SELECT ?3, ?2, m.entity_id, coalesce(m.role, ''), ?4, ?4 * m.count, ?4 * {SQL_QUOTES_OF_MENTION}
         FROM mentions m WHERE m.article_id = ?1
         ON CONFLICT (source, day, entity_id, role) DO UPDATE SET articles = articles + excluded.articles,
             mentions = mentions + excluded.mentions, quotes = quotes + excluded.quotes"
    ))?
    .execute(params![article_id, day, source, sign])?;
    // Quotes whose speaker is no entity: one line per source and day, entity 0.
    conn.prepare_cached(
        "INSERT INTO trend_source_days (source, day, entity_id, role, articles, mentions, quotes)
         SELECT ?3, ?2, 0, '', 0, 0, ?4 * count(*) FROM quotes WHERE article_id = ?1 AND entity_id IS NULL
         HAVING count(*) > 0
         ON CONFLICT (source, day, entity_id, role) DO UPDATE SET quotes = quotes + excluded.quotes",
    )?
    .execute(params![article_id, day, source, sign])?;
    conn.prepare_cached(
        "INSERT INTO trend_role_days (entity_id, role, day, articles)
         SELECT m.entity_id, m.role, ?2, ?3 FROM mentions m WHERE m.article_id = ?1 AND coalesce(m.role, '') <> ''
         ON CONFLICT (entity_id, role, day) DO UPDATE SET articles = articles + excluded.articles",
    )?
    .execute(params![article_id, day, sign])?;
    if sign < 0 {
        // A counter back at zero is removed, so the tables hold exactly what a recount gives.
        conn.prepare_cached(
            "DELETE FROM trend_entity_days WHERE day = ?2
                AND entity_id IN (SELECT entity_id FROM mentions WHERE article_id = ?1)
                AND articles = 0 AND mentions = 0 AND quotes = 0",
        )?
        .execute(params![article_id, day])?;
        conn.prepare_cached(
            "DELETE FROM trend_source_days WHERE source = ?3 AND day = ?2
                AND entity_id IN (SELECT entity_id FROM mentions WHERE article_id = ?1 UNION ALL SELECT 0)
                AND articles = 0 AND mentions = 0 AND quotes = 0",
        )?
        .execute(params![article_id, day, source])?;
        conn.prepare_cached(
            // Any zero row is one this subtraction made, so matching entity, role and day
            // separately (three key look-ups) removes exactly those.
            "DELETE FROM trend_role_days WHERE entity_id IN (SELECT entity_id FROM mentions WHERE article_id = ?1)
                AND role IN (SELECT role FROM mentions WHERE article_id = ?1) AND day = ?2 AND articles = 0",
        )?
        .execute(params![article_id, day])?;
    }
    Ok(())
}

/// Empties the counters and recounts them from the stored articles, in one statement per table.
fn recount(conn: &Connection) -> Result<(), StoreError> {
    let quotes_of_mention = SQL_QUOTES_OF_MENTION;
    conn.execute_batch(&format!(
        "DELETE FROM trend_entity_days;
         DELETE FROM trend_source_days;
         DELETE FROM trend_role_days;
         INSERT INTO trend_entity_days (entity_id, day, articles, mentions, quotes)
             SELECT m.entity_id, {SQL_DAY}, count(*), sum(m.count), sum({quotes_of_mention})
             FROM mentions m JOIN articles a ON a.id = m.article_id GROUP BY 1, 2;
         INSERT INTO trend_source_days (source, day, entity_id, role, articles, mentions, quotes)
             SELECT source, day, entity_id, role, sum(articles), sum(mentions), sum(quotes) FROM (
                 SELECT coalesce(a.source, '') AS source, {SQL_DAY} AS day, m.entity_id AS entity_id,
                        coalesce(m.role, '') AS role, 1 AS articles, m.count AS mentions, {quotes_of_mention} AS quotes
                 FROM mentions m JOIN articles a ON a.id = m.article_id
                 UNION ALL
                 SELECT coalesce(a.source, ''), {SQL_DAY}, 0, '', 0, 0, 1
                 FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.entity_id IS NULL
             ) GROUP BY 1, 2, 3, 4;
         INSERT INTO trend_role_days (entity_id, role, day, articles)
             SELECT m.entity_id, m.role, {SQL_DAY}, count(*)
             FROM mentions m JOIN articles a ON a.id = m.article_id
             WHERE coalesce(m.role, '') <> '' GROUP BY 1, 2, 3;"
    ))?;
    Ok(())
}

/// Fills the counters of a folder written before they existed: when they are empty and
/// the store holds mentions or quotes, recounts in one transaction (run at open).
pub(crate) fn backfill_if_empty(conn: &mut Connection) -> Result<bool, StoreError> {
    let needed: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM trend_entity_days) AND NOT EXISTS (SELECT 1 FROM trend_source_days)
            AND (EXISTS (SELECT 1 FROM mentions) OR EXISTS (SELECT 1 FROM quotes))",
        [],
        |r| r.get(0),
    )?;
    if needed {
        let tx = conn.transaction()?;
        recount(&tx)?;
        tx.commit()?;
    }
    Ok(needed)
}

/// A period of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// First day (days since 1970-01-01).
    pub first_day: i64,
    /// Last day.
    pub last_day: i64,
}

impl Period {
    /// The `days` days ending with `last_day`; `days` must be 1 to [`MAX_PERIOD_DAYS`].
    pub fn ending(last_day: i64, days: i64) -> Result<Period, StoreError> {
        if !(1..=MAX_PERIOD_DAYS).contains(&days) {
            return Err(StoreError::BadPeriod { days });
        }
        Ok(Period { first_day: last_day - days + 1, last_day })
    }

    /// How many days it covers.
    pub fn days(&self) -> i64 {
        self.last_day - self.first_day + 1
    }
}

/// An entity "in the news now": its count on the day against its own baseline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrendingEntity {
    /// The entity.
    pub entity_id: i64,
    /// Its canonical name.
    pub canonical: String,
    /// Its kind.
    pub kind: String,
    /// Articles mentioning it on the day.
    pub count: u64,
    /// Mean articles per day over the [`BASELINE_DAYS`] days before (missing days count 0).
    pub baseline_mean: f64,
    /// `(count − baseline_mean) / sqrt(baseline_mean + 1)`.
    pub score: f64,
}

/// The score of "in the news now": how far a day's count rises above the entity's own
/// daily mean, in units of a Poisson-like spread (`+ 1` keeps new names from dividing by 0).
pub fn trend_score(count: u64, baseline_mean: f64) -> f64 {
    (count as f64 - baseline_mean) / (baseline_mean + 1.0).sqrt()
}

/// The formula of [`trend_score`], as the page and the API state it.
pub const SCORE_FORMULA: &str = "score = (count - mean) / sqrt(mean + 1), where count is the articles mentioning \
    the entity on the day and mean its mean articles per day over the 30 days before (days without any count 0)";

/// One day of an entity's series.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Articles mentioning it.
    pub articles: u64,
    /// Mentions.
    pub mentions: u64,
    /// Quotes it is the speaker of.
    pub quotes: u64,
}

/// A speaker with their quotes over a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpeakerCount {
    /// The speaker entity; `None` for quotes whose speaker was not resolved.
    pub entity_id: Option<i64>,
    /// Its canonical name (`None` when unresolved).
    pub canonical: Option<String>,
    /// Its kind.
    pub kind: Option<String>,
    /// Quotes.
    pub quotes: u64,
    /// Share of the quotes counted (0 to 1).
    pub share: f64,
}

/// A speaker role with its quotes over a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoleShare {
    /// The role the articles gave the speaker; `None` when they gave none (or the speaker was unresolved).
    pub role: Option<String>,
    /// Quotes.
    pub quotes: u64,
    /// Share of the source's quotes (0 to 1).
    pub share: f64,
}

/// Who gets to speak in one source over a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuoteShares {
    /// All the source's quotes in the period.
    pub total: u64,
    /// The most quoted speakers (unresolved speakers as one line).
    pub speakers: Vec<SpeakerCount>,
    /// Quotes by the role of their speaker.
    pub roles: Vec<RoleShare>,
}

/// A source quoting an entity over a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceQuotes {
    /// The source ('' for articles without one).
    pub source: String,
    /// Quotes of the entity there.
    pub quotes: u64,
}

/// A role an entity was given, with the first and last day it was.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoleSpan {
    /// The role.
    pub role: String,
    /// First day seen, `YYYY-MM-DD`.
    pub first_seen: String,
    /// Last day seen.
    pub last_seen: String,
    /// Articles giving it.
    pub articles: u64,
}

/// The shares of `count` in `total`, 0 when there is nothing.
fn share(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

impl Store {
    /// Recounts every trend counter from the stored articles (after a bulk load with
    /// [`Store::set_trend_maintenance`] off, or to check them).
    pub fn rebuild_trends(&self) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            recount(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Turns the per-article maintenance of the trend counters off (`false`) or back on.
    /// Only for bulk loads: while off, the counters fall behind the articles until
    /// [`Store::rebuild_trends`]. On by default.
    pub fn set_trend_maintenance(&self, on: bool) {
        self.trends_maintained.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn trends_maintained(&self) -> bool {
        self.trends_maintained.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The day trends are computed for: the newest day with any counted article that is
    /// not after `today` (today on a live monitor; the archive's last day otherwise).
    pub fn trend_day(&self, today: i64) -> Result<Option<i64>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT max(day) FROM trend_entity_days WHERE day <= ?1")?
                .query_row([today], |r| r.get(0))?)
        })
    }

    /// "In the news now": of the [`NOW_CANDIDATES`] entities mentioned in most articles on
    /// `day` (at least `min_count`), those whose [`trend_score`] is positive, highest first.
    pub fn in_the_news(&self, day: i64, min_count: u64, limit: usize) -> Result<Vec<TrendingEntity>, StoreError> {
        let mut rows = self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT t.entity_id, e.canonical, e.kind, t.articles,
                        (SELECT coalesce(sum(b.articles), 0) FROM trend_entity_days b
                         WHERE b.entity_id = t.entity_id AND b.day BETWEEN ?1 - ?4 AND ?1 - 1)
                 FROM (SELECT entity_id, articles FROM trend_entity_days
                       WHERE day = ?1 AND articles >= ?2 ORDER BY articles DESC LIMIT ?3) t
                 JOIN entities e ON e.id = t.entity_id",
            )?;
            let rows = stmt
                .query_map(params![day, min_count as i64, NOW_CANDIDATES as i64, BASELINE_DAYS], |r| {
                    let count = r.get::<_, i64>(3)? as u64;
                    let baseline_mean = r.get::<_, i64>(4)? as f64 / BASELINE_DAYS as f64;
                    Ok(TrendingEntity {
                        entity_id: r.get(0)?,
                        canonical: r.get(1)?,
                        kind: r.get(2)?,
                        count,
                        baseline_mean,
                        score: trend_score(count, baseline_mean),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        rows.retain(|t| t.score > 0.0);
        rows.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.count.cmp(&a.count)).then(a.canonical.cmp(&b.canonical)));
        rows.truncate(limit);
        Ok(rows)
    }

    /// The most quoted speakers over a period (resolved speakers only), most quoted first.
    pub fn top_speakers(&self, period: Period, limit: usize) -> Result<Vec<SpeakerCount>, StoreError> {
        self.read(|conn| {
            let total: i64 = conn
                .prepare_cached("SELECT coalesce(sum(quotes), 0) FROM trend_entity_days WHERE day BETWEEN ?1 AND ?2 AND quotes > 0")?
                .query_row([period.first_day, period.last_day], |r| r.get(0))?;
            let mut stmt = conn.prepare_cached(
                "SELECT t.entity_id, e.canonical, e.kind, t.quotes FROM
                    (SELECT entity_id, sum(quotes) AS quotes FROM trend_entity_days
                     WHERE day BETWEEN ?1 AND ?2 AND quotes > 0 GROUP BY entity_id
                     ORDER BY quotes DESC, entity_id LIMIT ?3) t
                 JOIN entities e ON e.id = t.entity_id ORDER BY t.quotes DESC, e.canonical",
            )?;
            let rows = stmt
                .query_map(params![period.first_day, period.last_day, limit as i64], |r| {
                    let quotes = r.get::<_, i64>(3)? as u64;
                    Ok(SpeakerCount {
                        entity_id: Some(r.get(0)?),
                        canonical: Some(r.get(1)?),
                        kind: Some(r.get(2)?),
                        quotes,
                        share: share(quotes, total as u64),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// An entity's counts for every day of a period, oldest first (days without any are 0).
    pub fn entity_series(&self, entity_id: i64, period: Period) -> Result<Vec<DayCount>, StoreError> {
        let counted: Vec<(i64, DayCount)> = self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT day, articles, mentions, quotes FROM trend_entity_days
                 WHERE entity_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
            )?;
            let rows = stmt
                .query_map(params![entity_id, period.first_day, period.last_day], |r| {
                    let day: i64 = r.get(0)?;
                    Ok((day, DayCount {
                        day: day_label(day),
                        articles: r.get::<_, i64>(1)? as u64,
                        mentions: r.get::<_, i64>(2)? as u64,
                        quotes: r.get::<_, i64>(3)? as u64,
                    }))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        let mut counted = counted.into_iter().peekable();
        let mut out = Vec::with_capacity(period.days().max(0) as usize);
        for day in period.first_day..=period.last_day {
            match counted.next_if(|(d, _)| *d == day) {
                Some((_, c)) => out.push(c),
                None => out.push(DayCount { day: day_label(day), articles: 0, mentions: 0, quotes: 0 }),
            }
        }
        Ok(out)
    }

    /// Who gets to speak in `source` over a period: its quotes by speaker (the `limit`
    /// most quoted, unresolved speakers as one line) and by the speaker's role. Reads the
    /// partial index of the source's quoted rows only.
    pub fn quote_shares(&self, source: &str, period: Period, limit: usize) -> Result<QuoteShares, StoreError> {
        self.read(|conn| {
            let range = params![source, period.first_day, period.last_day];
            let total: i64 = conn
                .prepare_cached(
                    "SELECT coalesce(sum(quotes), 0) FROM trend_source_days
                     WHERE source = ?1 AND day BETWEEN ?2 AND ?3 AND quotes > 0",
                )?
                .query_row(range, |r| r.get(0))?;
            let total = total as u64;
            let mut stmt = conn.prepare_cached(
                "SELECT t.entity_id, e.canonical, e.kind, t.quotes FROM
                    (SELECT entity_id, sum(quotes) AS quotes FROM trend_source_days
                     WHERE source = ?1 AND day BETWEEN ?2 AND ?3 AND quotes > 0 GROUP BY entity_id
                     ORDER BY quotes DESC, entity_id LIMIT ?4) t
                 LEFT JOIN entities e ON e.id = t.entity_id ORDER BY t.quotes DESC, e.canonical",
            )?;
            let speakers = stmt
                .query_map(params![source, period.first_day, period.last_day, limit as i64], |r| {
                    let id: i64 = r.get(0)?;
                    let quotes = r.get::<_, i64>(3)? as u64;
                    Ok(SpeakerCount {
                        entity_id: (id != 0).then_some(id),
                        canonical: r.get(1)?,
                        kind: r.get(2)?,
                        quotes,
                        share: share(quotes, total),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut stmt = conn.prepare_cached(
                "SELECT role, sum(quotes) FROM trend_source_days
                 WHERE source = ?1 AND day BETWEEN ?2 AND ?3 AND quotes > 0 GROUP BY role
                 ORDER BY sum(quotes) DESC, role LIMIT ?4",
            )?;
            let roles = stmt
                .query_map(params![source, period.first_day, period.last_day, limit as i64], |r| {
                    let role: String = r.get(0)?;
                    let quotes = r.get::<_, i64>(1)? as u64;
                    Ok(RoleShare { role: (!role.is_empty()).then_some(role), quotes, share: share(quotes, total) })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(QuoteShares { total, speakers, roles })
        })
    }

    /// The sources that quote an entity over a period, most quotes first (at most `limit`).
    /// Reads the partial index of quoted rows only.
    pub fn quoting_sources(&self, entity_id: i64, period: Period, limit: usize) -> Result<Vec<SourceQuotes>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT source, sum(quotes) FROM trend_source_days
                 WHERE entity_id = ?1 AND day BETWEEN ?2 AND ?3 AND quotes > 0 GROUP BY source
                 ORDER BY sum(quotes) DESC, source LIMIT ?4",
            )?;
            let rows = stmt
                .query_map(params![entity_id, period.first_day, period.last_day, limit as i64], |r| {
                    Ok(SourceQuotes { source: r.get(0)?, quotes: r.get::<_, i64>(1)? as u64 })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Whether any stored article has `source` (one index look-up).
    pub fn source_exists(&self, source: &str) -> Result<bool, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM articles WHERE source = ?1)")?
                .query_row([source], |r| r.get(0))?)
        })
    }

    /// The roles the articles gave an entity, each with its first and last day, in order of
    /// first appearance (at most `limit`). Reads one counter per (role, day) of the entity.
    pub fn role_history(&self, entity_id: i64, limit: usize) -> Result<Vec<RoleSpan>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT role, min(day), max(day), sum(articles) FROM trend_role_days
                 WHERE entity_id = ?1 GROUP BY role ORDER BY min(day), role LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![entity_id, limit as i64], |r| {
                    Ok(RoleSpan {
                        role: r.get(0)?,
                        first_seen: day_label(r.get(1)?),
                        last_seen: day_label(r.get(2)?),
                        articles: r.get::<_, i64>(3)? as u64,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArticleKey, Upsert};
    use polmon_model::{Analysis, Article, EntityMention, EntityType, Quote};

    /// A mention: (canonical, type, role).
    type M<'a> = (&'a str, EntityType, Option<&'a str>);

    fn article(published: Option<&str>, source: Option<&str>, mentions: &[M<'_>], speakers: &[Option<&str>]) -> Article {
        let entities = mentions
            .iter()
            .map(|(canonical, entity_type, role)| EntityMention {
                text: canonical.to_string(),
                start: 0,
                end: canonical.chars().count(),
                entity_type: *entity_type,
                canonical: canonical.to_string(),
                role: role.map(str::to_string),
            })
            .collect();
        let quotes = speakers
            .iter()
            .enumerate()
            .map(|(i, s)| Quote {
                text: format!("words {i}"),
                start: 0,
                end: 7,
                speaker: s.map(str::to_string),
                speaker_canonical: s.map(str::to_string),
                cue: Some("said".into()),
                direct: i % 2 == 0,
                speaker_start: None,
                speaker_end: None,
            })
            .collect();
        Article {
            title: "T".into(),
            text: "Body".into(),
            category: "politics".into(),
            published: published.map(str::to_string),
            source: source.map(str::to_string),
            analysis: Analysis { entities, quotes, ..Default::default() },
            ..Default::default()
        }
    }

    fn put(store: &Store, key: &str, a: &Article) -> Upsert {
        // The content hash changes with everything the test varies, so a changed article is an update.
        let hash = format!("{:?}{:?}{:?}", a.published, a.source, a.analysis);
        store.upsert_article(&ArticleKey { dedup_key: key.into(), content_hash: hash }, a).unwrap()
    }

    /// Every counter, sorted: what the tables hold.
    type Snapshot = (Vec<(i64, i64, i64, i64, i64)>, Vec<(String, i64, i64, String, i64, i64, i64)>, Vec<(i64, String, i64, i64)>);

    fn snapshot(store: &Store) -> Snapshot {
        store
            .read(|c| {
                let a = c
                    .prepare("SELECT entity_id, day, articles, mentions, quotes FROM trend_entity_days ORDER BY 1, 2")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                let b = c
                    .prepare("SELECT source, day, entity_id, role, articles, mentions, quotes FROM trend_source_days ORDER BY 1, 2, 3, 4")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                let d = c
                    .prepare("SELECT entity_id, role, day, articles FROM trend_role_days ORDER BY 1, 2, 3")?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((a, b, d))
            })
            .unwrap()
    }

    /// The incremental counters equal a recount from scratch (which is then left in place).
    fn assert_counts_equal_a_recount(store: &Store, context: &str) {
        let incremental = snapshot(store);
        store.rebuild_trends().unwrap();
        let recounted = snapshot(store);
        assert_eq!(incremental, recounted, "{context}");
    }

    fn id_of(store: &Store, canonical: &str, kind: &str) -> i64 {
        store
            .read(|c| Ok(c.query_row("SELECT id FROM entities WHERE canonical = ?1 AND kind = ?2", [canonical, kind], |r| r.get(0))?))
            .unwrap()
    }

    const MACRON: M<'static> = ("Emmanuel Macron", EntityType::Person, Some("president"));

    #[test]
    fn counts_equal_a_recount_after_inserts_updates_reingests_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let borne = ("Élisabeth Borne", EntityType::Person, Some("prime minister"));
        let paris = ("Paris", EntityType::Location, None);
        let a = article(Some("2024-04-02T10:00:00Z"), Some("lemonde.fr"), &[MACRON, paris], &[Some("Emmanuel Macron"), None]);
        let id = put(&store, "a", &a).id();
        put(&store, "b", &article(Some("2024-04-02T23:59:59Z"), Some("lemonde.fr"), &[MACRON, borne, MACRON], &[Some("Élisabeth Borne")]));
        put(&store, "c", &article(None, None, &[paris], &[None, None]));
        put(&store, "d", &article(Some("1969-12-31T23:00:00Z"), Some("old.example"), &[MACRON], &[]));
        assert_counts_equal_a_recount(&store, "after inserts");

        let macron = id_of(&store, "Emmanuel Macron", "person");
        let counts = snapshot(&store).0;
        let on = |entity: i64, day: i64| counts.iter().find(|r| r.0 == entity && r.1 == day).map(|r| (r.2, r.3, r.4));
        let april_2 = day_of(crate::parse_timestamp("2024-04-02").unwrap());
        assert_eq!(on(macron, april_2), Some((2, 3, 1)), "2 articles, 3 mentions, 1 quote");
        assert_eq!(on(macron, -1), Some((1, 1, 0)), "a date before 1970 is counted on its own day");

        // Re-ingesting the same article changes nothing.
        assert!(matches!(put(&store, "a", &a), Upsert::Unchanged(_)));
        assert_counts_equal_a_recount(&store, "after a re-ingest");
        // An update moves the article to another day and source and changes its people.
        let moved = article(Some("2024-04-05T08:00:00Z"), Some("rtl.be"), &[borne], &[Some("Élisabeth Borne"), None]);
        assert!(matches!(put(&store, "a", &moved), Upsert::Updated(_)));
        assert_counts_equal_a_recount(&store, "after an update");
        assert_eq!(snapshot(&store).0.iter().find(|r| r.0 == macron && r.1 == april_2).map(|r| r.2), Some(1));
        // Deleting removes its contributions; counters back at zero are gone.
        assert!(store.delete_article(id).unwrap());
        assert!(!store.delete_article(id).unwrap());
        assert_counts_equal_a_recount(&store, "after a delete");
        assert!(snapshot(&store).1.iter().all(|r| r.0 != "rtl.be"), "no zero rows are left");
    }

    /// A small deterministic generator (xorshift64*), so failures replay.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn random_sequences_keep_the_counts_equal_to_a_recount() {
        const NAMES: [&str; 6] = ["Ana", "Bo", "Cem", "Dara", "Eli", "Fay"];
        const KINDS: [EntityType; 3] = [EntityType::Person, EntityType::Organization, EntityType::Location];
        const ROLES: [Option<&str>; 4] = [None, Some("minister"), Some("mayor"), Some("")];
        const SOURCES: [Option<&str>; 4] = [None, Some("a.example"), Some("b.example"), Some("c.example")];
        for seed in 1..=4u64 {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut ids = std::collections::HashMap::new();
            for step in 0..150 {
                let key = format!("k{}", rng.below(15));
                if rng.below(8) == 0 {
                    if let Some(id) = ids.remove(&key) {
                        store.delete_article(id).unwrap();
                    }
                } else {
                    let published = match rng.below(5) {
                        0 => None,
                        d => Some(format!("2024-03-{:02}T{:02}:00:00Z", d * 3, rng.below(24))),
                    };
                    let mentions: Vec<M<'_>> = (0..rng.below(5))
                        .map(|_| (NAMES[rng.below(6) as usize], KINDS[rng.below(3) as usize], ROLES[rng.below(4) as usize]))
                        .collect();
                    let speakers: Vec<Option<&str>> = (0..rng.below(4))
                        .map(|_| if rng.below(3) == 0 { None } else { Some(NAMES[rng.below(6) as usize]) })
                        .collect();
                    let a = article(published.as_deref(), SOURCES[rng.below(4) as usize], &mentions, &speakers);
                    ids.insert(key.clone(), put(&store, &key, &a).id());
                }
                if step % 15 == 14 {
                    assert_counts_equal_a_recount(&store, &format!("seed {seed}, step {step}"));
                }
            }
        }
    }

    #[test]
    fn an_older_folder_is_backfilled_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let expected = {
            let store = Store::open(dir.path()).unwrap();
            put(&store, "a", &article(Some("2024-04-02"), Some("s"), &[MACRON], &[Some("Emmanuel Macron"), None]));
            put(&store, "b", &article(Some("2024-04-03"), None, &[MACRON], &[]));
            let expected = snapshot(&store);
            store
                .write(|c| Ok(c.execute_batch("DELETE FROM trend_entity_days; DELETE FROM trend_source_days; DELETE FROM trend_role_days;")?))
                .unwrap();
            expected
        };
        assert!(!expected.0.is_empty() && !expected.1.is_empty() && !expected.2.is_empty());
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(snapshot(&store), expected);
    }

    #[test]
    fn bulk_loads_without_maintenance_are_caught_up_by_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.set_trend_maintenance(false);
        put(&store, "a", &article(Some("2024-04-02"), Some("s"), &[MACRON], &[Some("Emmanuel Macron")]));
        assert!(snapshot(&store).0.is_empty());
        store.set_trend_maintenance(true);
        store.rebuild_trends().unwrap();
        assert_eq!(snapshot(&store).0.len(), 1);
    }

    fn day(s: &str) -> i64 {
        day_of(crate::parse_timestamp(s).unwrap())
    }

    #[test]
    fn in_the_news_scores_a_rise_above_the_own_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let steady = ("Steady Name", EntityType::Person, None);
        let riser = ("Rising Name", EntityType::Person, None);
        // Steady: 2 articles on each of the 30 days before and on the day; Rising: 0, then 5.
        let mut n = 0;
        for d in 1..=31 {
            for _ in 0..2 {
                n += 1;
                put(&store, &format!("s{n}"), &article(Some(&format!("2024-01-{d:02}")), Some("x"), &[steady], &[]));
            }
        }
        for i in 0..5 {
            put(&store, &format!("r{i}"), &article(Some("2024-01-31"), Some("x"), &[riser], &[]));
        }
        assert_eq!(store.trend_day(day("2030-01-01")).unwrap(), Some(day("2024-01-31")));
        assert_eq!(store.trend_day(day("2024-01-15")).unwrap(), Some(day("2024-01-15")));
        assert_eq!(store.trend_day(day("2000-01-01")).unwrap(), None);
        let now = store.in_the_news(day("2024-01-31"), 2, 10).unwrap();
        assert_eq!(now.len(), 1, "the steady name does not rise: {now:?}");
        assert_eq!(now[0].canonical, "Rising Name");
        assert_eq!(now[0].count, 5);
        assert_eq!(now[0].baseline_mean, 0.0);
        assert_eq!(now[0].score, 5.0);
        assert!(store.in_the_news(day("2024-01-31"), 6, 10).unwrap().is_empty(), "below the minimum count");
        assert!((trend_score(6, 2.0) - 4.0 / 3f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn series_speakers_shares_sources_and_roles() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let borne = ("Élisabeth Borne", EntityType::Person, Some("prime minister"));
        let macron_plain = ("Emmanuel Macron", EntityType::Person, None);
        put(&store, "a", &article(Some("2024-04-01"), Some("lemonde.fr"), &[MACRON, borne], &[Some("Emmanuel Macron"), Some("Emmanuel Macron"), None]));
        put(&store, "b", &article(Some("2024-04-03"), Some("lemonde.fr"), &[macron_plain], &[Some("Emmanuel Macron")]));
        put(&store, "c", &article(Some("2024-04-03"), Some("rtl.be"), &[borne], &[Some("Élisabeth Borne")]));
        put(&store, "d", &article(Some("2024-05-20"), Some("rtl.be"), &[("Emmanuel Macron", EntityType::Person, Some("head of state"))], &[]));
        let macron = id_of(&store, "Emmanuel Macron", "person");
        let period = Period::ending(day("2024-04-03"), 7).unwrap();
        assert_eq!(period.days(), 7);

        let series = store.entity_series(macron, period).unwrap();
        assert_eq!(series.len(), 7);
        assert_eq!(series[0].day, "2024-03-28");
        let counts: Vec<(u64, u64)> = series.iter().map(|d| (d.articles, d.quotes)).collect();
        assert_eq!(counts, [(0, 0), (0, 0), (0, 0), (0, 0), (1, 2), (0, 0), (1, 1)]);

        let top = store.top_speakers(period, 10).unwrap();
        assert_eq!(top.iter().map(|s| (s.canonical.as_deref().unwrap(), s.quotes)).collect::<Vec<_>>(), [("Emmanuel Macron", 3), ("Élisabeth Borne", 1)]);
        assert_eq!(top[0].share, 0.75);

        let shares = store.quote_shares("lemonde.fr", period, 10).unwrap();
        assert_eq!(shares.total, 4);
        assert_eq!(shares.speakers[0].canonical.as_deref(), Some("Emmanuel Macron"));
        assert_eq!((shares.speakers[0].quotes, shares.speakers[0].share), (3, 0.75));
        assert_eq!(shares.speakers[1].entity_id, None, "the unresolved speaker is one line");
        let roles: Vec<(Option<&str>, u64)> = shares.roles.iter().map(|r| (r.role.as_deref(), r.quotes)).collect();
        assert_eq!(roles, [(None, 2), (Some("president"), 2)]);

        let sources = store.quoting_sources(macron, period, 10).unwrap();
        assert_eq!(sources, [SourceQuotes { source: "lemonde.fr".into(), quotes: 3 }]);

        let history = store.role_history(macron, 10).unwrap();
        assert_eq!(history.iter().map(|r| (r.role.as_str(), r.first_seen.as_str(), r.last_seen.as_str())).collect::<Vec<_>>(), [
            ("president", "2024-04-01", "2024-04-01"),
            ("head of state", "2024-05-20", "2024-05-20"),
        ]);
        assert!(matches!(Period::ending(0, 0), Err(StoreError::BadPeriod { days: 0 })));
        assert!(Period::ending(0, MAX_PERIOD_DAYS + 1).unwrap_err().to_string().contains("1 to 366 days"));
    }
}
