//! Trends: the `/trends` page, `/api/trends` (JSON, or CSV with `format=csv`),
//! `/api/trends/entities/{id}` and `/api/trends/sources/{name}`, and the trend parts of
//! the entity page (mentions per day, role history, sources quoting them) and of the
//! source page (who gets to speak).
//!
//! Everything reads the store's per-day counters (`polmon_store::trends`) over a period of
//! `days` = 7, 30 or 365 ending on the **trend day**: the newest day with counted
//! articles, not after today. Each request costs a fixed number of index range reads
//! bounded by the period and the list lengths below, never a scan of the articles.
//! A 365-day period still reads a year of counters, so results are kept in a
//! [`TrendsCache`] for [`MAX_AGE`] (as long as clients may cache the pages): the counters
//! change only as articles arrive and the trends move by the day.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use polmon_store::trends::{day_label, day_of, SCORE_FORMULA};
use polmon_store::{ArticleStore, DayCount, Period, QuoteShares, RoleSpan, SourceQuotes, SpeakerCount, TrendingEntity};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::{self, ApiQuery, Params, PERIOD_DAYS};
use crate::{blocking, svg, AppState, WebError};

/// Entities shown "in the news now".
const IN_THE_NEWS: usize = 20;
/// The fewest articles on the day for an entity to be "in the news now".
const MIN_COUNT: u64 = 2;
/// Speakers listed.
const TOP_SPEAKERS: usize = 20;
/// Days in a sparkline (ending on the trend day).
const SPARKLINE_DAYS: i64 = 30;
/// Lines of the source and entity pages' lists.
const LIST_LINES: usize = 10;
/// Roles listed in a role history.
const ROLES: usize = 50;

/// How long computed trends are served before they are read again.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(60);
/// Results kept per kind at most (older ones are dropped first; past it, all are).
const CACHE_ENTRIES: usize = 512;

/// One key's result: the last value computed and whether a computation is under way.
struct Slot<V> {
    value: Option<(Instant, Arc<V>)>,
    computing: bool,
}

/// Results of one kind of trends query, by key. A result younger than [`MAX_AGE`] is
/// served as is. An older one is still served while one background thread computes its
/// successor (so a request never waits for a recomputation); the first requests for a
/// key wait for a single computation instead of each running their own.
struct TtlCache<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
    done: Condvar,
    max_age: Duration,
}

impl<K, V> Default for TtlCache<K, V> {
    fn default() -> Self {
        TtlCache::with_max_age(MAX_AGE)
    }
}

impl<K, V> TtlCache<K, V> {
    fn with_max_age(max_age: Duration) -> Self {
        TtlCache { slots: Mutex::new(HashMap::new()), done: Condvar::new(), max_age }
    }
}

impl<K: Eq + Hash + Clone + Send + 'static, V: Send + Sync + 'static> TtlCache<K, V> {
    fn lock(&self) -> MutexGuard<'_, HashMap<K, Slot<V>>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The result for `key`: the kept one (refreshed in the background once older than
    /// [`MAX_AGE`]), else `compute`'s, run once however many requests ask at the same time.
    fn get_or(
        self: &Arc<Self>,
        key: K,
        compute: impl FnOnce() -> Result<V, WebError> + Send + 'static,
    ) -> Result<Arc<V>, WebError> {
        let mut slots = self.lock();
        loop {
            let slot = slots.entry(key.clone()).or_insert(Slot { value: None, computing: false });
            match (&slot.value, slot.computing) {
                (Some((at, v)), _) if at.elapsed() < self.max_age => return Ok(Arc::clone(v)),
                (Some((_, v)), true) => return Ok(Arc::clone(v)),
                (Some((_, v)), false) => {
                    let stale = Arc::clone(v);
                    slot.computing = true;
                    drop(slots);
                    let cache = Arc::clone(self);
                    std::thread::spawn(move || {
                        let result = compute();
                        if let Err(e) = &result {
                            tracing::warn!(target: "polmon::web", error = %e, "trends refresh failed; the older result is kept");
                        }
                        cache.finish(key, result.ok().map(Arc::new));
                    });
                    return Ok(stale);
                }
                (None, true) => slots = self.done.wait(slots).unwrap_or_else(|e| e.into_inner()),
                (None, false) => {
                    slot.computing = true;
                    drop(slots);
                    let result = compute().map(Arc::new);
                    self.finish(key, result.as_ref().ok().cloned());
                    return result;
                }
            }
        }
    }

    /// Ends a computation of `key`: keeps its value (if it succeeded) and wakes the waiters.
    fn finish(&self, key: K, value: Option<Arc<V>>) {
        let mut slots = self.lock();
        if slots.len() > CACHE_ENTRIES {
            // Past the bound: drop the old results, then (still past it) all but those
            // being computed and this one.
            let max_age = self.max_age;
            slots.retain(|k, s| *k == key || s.computing || s.value.as_ref().is_some_and(|(at, _)| at.elapsed() < max_age));
            if slots.len() > CACHE_ENTRIES {
                slots.retain(|k, s| *k == key || s.computing);
            }
        }
        let slot = slots.entry(key).or_insert(Slot { value: None, computing: false });
        slot.computing = false;
        if let Some(v) = value {
            slot.value = Some((Instant::now(), v));
        }
        drop(slots);
        self.done.notify_all();
    }
}

/// Computed trends, shared by the clones of an [`AppState`](crate::AppState): the
/// overview by period, an entity's trends by (entity, period), a source's quote shares by
/// (source, period).
#[derive(Clone, Default)]
pub struct TrendsCache {
    overview: Arc<TtlCache<i64, Trends>>,
    entities: Arc<TtlCache<(i64, i64), EntityTrends>>,
    sources: Arc<TtlCache<(String, i64), (Option<Period>, Option<QuoteShares>)>>,
}

impl std::fmt::Debug for TrendsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrendsCache")
    }
}

/// The period of `days` ending on the trend day, if anything is counted yet.
fn period(store: &dyn ArticleStore, days: i64) -> Result<Option<Period>, WebError> {
    let today = day_of(polmon_store::unix_now());
    match store.trend_day(today)? {
        Some(day) => Ok(Some(Period::ending(day, days)?)),
        None => Ok(None),
    }
}

/// What `/trends` and `/api/trends` show.
struct Trends {
    days: i64,
    period: Option<Period>,
    /// In the news now, each with its last [`SPARKLINE_DAYS`] days.
    now: Vec<(TrendingEntity, Vec<DayCount>)>,
    speakers: Vec<SpeakerCount>,
}

fn trends(store: &dyn ArticleStore, days: i64) -> Result<Trends, WebError> {
    let Some(period) = period(store, days)? else {
        return Ok(Trends { days, period: None, now: Vec::new(), speakers: Vec::new() });
    };
    let recent = Period::ending(period.last_day, SPARKLINE_DAYS)?;
    let mut now = Vec::new();
    for t in store.in_the_news(period.last_day, MIN_COUNT, IN_THE_NEWS)? {
        let series = store.entity_series(t.entity_id, recent)?;
        now.push((t, series));
    }
    Ok(Trends { days, period: Some(period), now, speakers: store.top_speakers(period, TOP_SPEAKERS)? })
}

/// The overview for `days`, from the cache.
fn overview(state: &AppState, days: i64) -> Result<Arc<Trends>, WebError> {
    let store = Arc::clone(&state.store);
    state.trends.overview.get_or(days, move || trends(&*store, days))
}

/// Computes the overview of every period into the cache (at start-up, so that the first
/// visitors do not wait for it).
pub(crate) fn warm(state: &AppState) -> Result<(), WebError> {
    for days in PERIOD_DAYS {
        overview(state, days)?;
    }
    Ok(())
}

fn period_json(p: Option<Period>) -> Value {
    match p {
        Some(p) => json!({ "from": day_label(p.first_day), "to": day_label(p.last_day) }),
        None => Value::Null,
    }
}

/// A share as a whole percentage ("42%").
fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

struct TrendLine {
    id: i64,
    name: String,
    kind: String,
    count: u64,
    mean: String,
    score: String,
    sparkline: String,
}

pub(crate) struct SpeakerLine {
    pub(crate) id: Option<i64>,
    pub(crate) name: String,
    pub(crate) quotes: u64,
    pub(crate) share: f64,
    pub(crate) percent: String,
}

fn speaker_lines(speakers: &[SpeakerCount]) -> Vec<SpeakerLine> {
    speakers
        .iter()
        .map(|s| SpeakerLine {
            id: s.entity_id,
            name: s.canonical.clone().unwrap_or_else(|| "unidentified speakers".into()),
            quotes: s.quotes,
            share: s.share,
            percent: percent(s.share),
        })
        .collect()
}

/// The period links of a page.
pub(crate) struct PeriodLink {
    pub(crate) days: i64,
    pub(crate) href: String,
    pub(crate) current: bool,
}

fn period_links(base: &str, days: i64) -> Vec<PeriodLink> {
    PERIOD_DAYS
        .iter()
        .map(|&d| PeriodLink { days: d, href: format!("{base}days={d}"), current: d == days })
        .collect()
}

#[derive(Template)]
#[template(path = "trends.html")]
struct TrendsPage {
    day: Option<String>,
    days: i64,
    from: Option<String>,
    periods: Vec<PeriodLink>,
    formula: &'static str,
    min_count: u64,
    now: Vec<TrendLine>,
    speakers: Vec<SpeakerLine>,
}

pub(crate) async fn page(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Html<String>, WebError> {
    let days = params::period_days(&p)?;
    let view = blocking(move || {
        let t = overview(&state, days)?;
        let now = t
            .now
            .iter()
            .map(|(e, series)| {
                let values: Vec<u64> = series.iter().map(|d| d.articles).collect();
                TrendLine {
                    id: e.entity_id,
                    name: e.canonical.clone(),
                    kind: e.kind.clone(),
                    count: e.count,
                    mean: format!("{:.1}", e.baseline_mean),
                    score: format!("{:.2}", e.score),
                    sparkline: svg::sparkline(&values, &format!("{}: articles per day over the last {SPARKLINE_DAYS} days", e.canonical)),
                }
            })
            .collect();
        Ok(TrendsPage {
            day: t.period.map(|p| day_label(p.last_day)),
            from: t.period.map(|p| day_label(p.first_day)),
            days: t.days,
            periods: period_links("/trends?", t.days),
            formula: SCORE_FORMULA,
            min_count: MIN_COUNT,
            now,
            speakers: speaker_lines(&t.speakers),
        })
    })
    .await?;
    view.render().map(Html).map_err(|e| WebError::Internal(format!("template: {e}")))
}

/// A text cell of CSV: quoted when it holds a separator, a quote or a line break, and
/// prefixed with `'` when it starts like a spreadsheet formula (`=`, `+`, `-`, `@`).
fn csv_text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn trends_csv(t: &Trends) -> String {
    let mut out = String::from("list,rank,entity_id,name,kind,count,baseline_mean,score,share\n");
    for (rank, (e, _)) in t.now.iter().enumerate() {
        out.push_str(&format!(
            "in_the_news,{},{},{},{},{},{:.4},{:.4},\n",
            rank + 1,
            e.entity_id,
            csv_text(&e.canonical),
            csv_text(&e.kind),
            e.count,
            e.baseline_mean,
            e.score
        ));
    }
    for (rank, s) in t.speakers.iter().enumerate() {
        out.push_str(&format!(
            "top_speakers,{},{},{},{},{},,,{:.4}\n",
            rank + 1,
            s.entity_id.unwrap_or(0),
            csv_text(s.canonical.as_deref().unwrap_or("")),
            csv_text(s.kind.as_deref().unwrap_or("")),
            s.quotes,
            s.share
        ));
    }
    out
}

fn csv_response(filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}

/// 7, 30 or 365.
fn period_days_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new().schema_type(Type::Integer).enum_values(Some(PERIOD_DAYS.iter().copied())).build().into()
}

/// The trends' period and format.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; the handlers parse them by hand
pub(crate) struct TrendsQuery {
    /// The period in days (default 30).
    #[param(schema_with = period_days_schema)]
    days: Option<String>,
    /// `json` (the default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// The trends' period.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct PeriodQuery {
    /// The period in days (default 30).
    #[param(schema_with = period_days_schema)]
    days: Option<String>,
}

/// Whether `format` asks for CSV (`csv`) or JSON (`json`, the default).
fn wants_csv(p: &Params) -> Result<bool, WebError> {
    match p.get("format").map(String::as_str) {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(v) => Err(WebError::BadRequest(format!("format must be json or csv, not {v:?}"))),
    }
}

/// Who is in the news now (entities rising above their own 30-day baseline, with the
/// score formula) and the top speakers over the period; JSON, or CSV with `format=csv`.
#[utoipa::path(get, path = "/api/trends", tag = "trends", params(TrendsQuery),
    responses(
        (status = 200, description = "The trends", content((serde_json::Value = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A malformed, repeated or unknown query parameter", body = crate::api::ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn api(State(state): State<AppState>, ApiQuery(p): ApiQuery) -> Result<Response, ApiError> {
    params::only(&p, &["days", "format"])?;
    let days = params::period_days(&p)?;
    let csv = wants_csv(&p)?;
    let t = blocking(move || overview(&state, days)).await?;
    if csv {
        let day = t.period.map_or_else(|| "none".to_string(), |p| day_label(p.last_day));
        return Ok(csv_response(&format!("trends-{day}-{days}d.csv"), trends_csv(&t)));
    }
    let now: Vec<Value> = t
        .now
        .iter()
        .map(|(e, series)| {
            json!({
                "entity_id": e.entity_id, "canonical": e.canonical, "kind": e.kind, "count": e.count,
                "baseline_mean": e.baseline_mean, "score": e.score, "series": series,
            })
        })
        .collect();
    Ok(Json(json!({
        "day": t.period.map(|p| day_label(p.last_day)),
        "days": t.days,
        "period": period_json(t.period),
        "score_formula": SCORE_FORMULA,
        "min_count": MIN_COUNT,
        "in_the_news": now,
        "top_speakers": t.speakers,
    }))
    .into_response())
}

/// The trend parts of an entity's page and API answer.
pub(crate) struct EntityTrends {
    pub(crate) days: i64,
    pub(crate) periods: Vec<PeriodLink>,
    pub(crate) series: Vec<DayCount>,
    /// The mentions-per-day chart (SVG), when anything is counted.
    pub(crate) chart: Option<String>,
    pub(crate) roles: Vec<RoleSpan>,
    pub(crate) sources: Vec<SourceQuotes>,
}

/// An entity's trends for `days`, from the cache when fresh.
pub(crate) fn entity_trends(state: &AppState, id: i64, name: &str, days: i64) -> Result<Arc<EntityTrends>, WebError> {
    let (store, name) = (Arc::clone(&state.store), name.to_string());
    state.trends.entities.get_or((id, days), move || compute_entity_trends(&*store, id, &name, days))
}

fn compute_entity_trends(store: &dyn ArticleStore, id: i64, name: &str, days: i64) -> Result<EntityTrends, WebError> {
    let periods = period_links(&format!("/entity/{id}?"), days);
    let Some(period) = period(store, days)? else {
        return Ok(EntityTrends { days, periods, series: Vec::new(), chart: None, roles: Vec::new(), sources: Vec::new() });
    };
    let series = store.entity_series(id, period)?;
    let bars: Vec<(String, u64)> = series.iter().map(|d| (d.day.clone(), d.articles)).collect();
    let chart = svg::daily_bars(&bars, &format!("Articles mentioning {name} per day, last {days} days"), "articles");
    Ok(EntityTrends {
        days,
        periods,
        series,
        chart: Some(chart),
        roles: store.role_history(id, ROLES)?,
        sources: store.quoting_sources(id, period, LIST_LINES)?,
    })
}

/// `GET /api/trends/entities/{id}?days=&format=`: the daily series (CSV: the series
/// alone), the role history and the sources quoting the entity.
#[utoipa::path(get, path = "/api/trends/entities/{id}", tag = "trends",
    params(("id" = i64, Path, description = "Entity id"), TrendsQuery),
    responses(
        (status = 200, description = "The entity's daily series, role history and quoting sources", content((serde_json::Value = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A malformed, repeated or unknown query parameter", body = crate::api::ErrorBody),
        (status = 404, description = "No such entity", body = crate::api::ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn api_entity(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery,
) -> Result<Response, ApiError> {
    params::only(&p, &["days", "format"])?;
    let days = params::period_days(&p)?;
    let csv = wants_csv(&p)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(format!("there is no entity {id:?}")))?;
    let (entity, t) = blocking(move || {
        let store = &state.store;
        let e = store.entity(id)?.ok_or_else(|| WebError::NotFound(format!("there is no entity {id}")))?;
        let t = entity_trends(&state, id, &e.canonical, days)?;
        Ok((e, t))
    })
    .await?;
    if csv {
        let mut body = String::from("day,articles,mentions,quotes\n");
        for d in &t.series {
            body.push_str(&format!("{},{},{},{}\n", d.day, d.articles, d.mentions, d.quotes));
        }
        return Ok(csv_response(&format!("entity-{id}-{days}d.csv"), body));
    }
    let period = t.series.first().zip(t.series.last()).map(|(f, l)| json!({ "from": f.day, "to": l.day }));
    Ok(Json(json!({
        "entity": entity, "days": days, "period": period, "series": t.series,
        "roles": t.roles, "quoting_sources": t.sources,
    }))
    .into_response())
}

/// Who gets to speak in a source, for its page.
pub(crate) struct SpeakView {
    pub(crate) days: i64,
    pub(crate) total: u64,
    pub(crate) speakers: Vec<SpeakerLine>,
    pub(crate) roles: Vec<(String, u64, f64, String)>,
}

/// A source's quote shares over `days` with their period, from the cache when fresh.
fn quote_shares(state: &AppState, source: &str, days: i64) -> Result<Arc<(Option<Period>, Option<QuoteShares>)>, WebError> {
    let (store, name) = (Arc::clone(&state.store), source.to_string());
    state.trends.sources.get_or((source.to_string(), days), move || {
        let period = period(&*store, days)?;
        Ok((period, period.map(|p| store.quote_shares(&name, p, LIST_LINES)).transpose()?))
    })
}

/// The source page's "who gets to speak" over the last 30 days (`None` when it quoted nobody).
pub(crate) fn speak_view(state: &AppState, source: &str) -> Result<Option<SpeakView>, WebError> {
    const DAYS: i64 = 30;
    let cached = quote_shares(state, source, DAYS)?;
    let Some(shares) = cached.1.as_ref().filter(|s| s.total > 0) else { return Ok(None) };
    Ok(Some(SpeakView {
        days: DAYS,
        total: shares.total,
        speakers: speaker_lines(&shares.speakers),
        roles: shares
            .roles
            .iter()
            .map(|r| (r.role.clone().unwrap_or_else(|| "no role given".into()), r.quotes, r.share, percent(r.share)))
            .collect(),
    }))
}

/// `GET /api/trends/sources/{name}?days=`: the source's quotes by speaker and by role.
#[utoipa::path(get, path = "/api/trends/sources/{name}", tag = "trends",
    params(("name" = String, Path, description = "Source name (e.g. `fr.wikinews.org`)"), PeriodQuery),
    responses(
        (status = 200, description = "Who gets to speak in the source: quotes by speaker and by role", body = serde_json::Value),
        (status = 400, description = "A malformed, repeated or unknown query parameter", body = crate::api::ErrorBody),
        (status = 404, description = "No such source", body = crate::api::ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn api_source(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(p): ApiQuery,
) -> Result<Json<Value>, ApiError> {
    params::only(&p, &["days"])?;
    let days = params::period_days(&p)?;
    let body = blocking(move || {
        let store = &state.store;
        if !store.source_exists(&name)? {
            return Err(WebError::NotFound(format!("there is no source {name:?}")));
        }
        let cached = quote_shares(&state, &name, days)?;
        let (period, shares) = (cached.0, &cached.1);
        let (total, speakers, roles) = match shares {
            Some(s) => (s.total, json!(s.speakers), json!(s.roles)),
            None => (0, json!([]), json!([])),
        };
        Ok(json!({
            "source": name, "days": days, "period": period_json(period),
            "total_quotes": total, "speakers": speakers, "roles": roles,
        }))
    })
    .await?;
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A computation that counts its calls and returns the count (after `delay`).
    fn counting(calls: &Arc<AtomicUsize>, delay: Duration) -> impl FnOnce() -> Result<usize, WebError> + Send + 'static {
        let calls = Arc::clone(calls);
        move || {
            std::thread::sleep(delay);
            Ok(calls.fetch_add(1, Ordering::SeqCst) + 1)
        }
    }

    #[test]
    fn the_cache_computes_once_per_key_and_keeps_no_errors() {
        let cache: Arc<TtlCache<i64, usize>> = Arc::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let now = Duration::ZERO;
        assert_eq!(*cache.get_or(7, counting(&calls, now)).unwrap(), 1);
        assert_eq!(*cache.get_or(7, counting(&calls, now)).unwrap(), 1, "served from the cache");
        assert_eq!(*cache.get_or(30, counting(&calls, now)).unwrap(), 2, "another key computes");
        assert!(cache.get_or(365, || Err(WebError::BadRequest("no".into()))).is_err());
        assert_eq!(*cache.get_or(365, counting(&calls, now)).unwrap(), 3, "an error is not kept");
        for key in 1000..1000 + CACHE_ENTRIES as i64 {
            cache.get_or(key, || Ok(0)).unwrap();
        }
        assert!(cache.lock().len() <= CACHE_ENTRIES + 1, "bounded");
    }

    #[test]
    fn simultaneous_first_requests_share_one_computation() {
        let cache: Arc<TtlCache<i64, usize>> = Arc::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (cache, calls) = (Arc::clone(&cache), Arc::clone(&calls));
                std::thread::spawn(move || *cache.get_or(1, counting(&calls, Duration::from_millis(200))).unwrap())
            })
            .collect();
        let got: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(got, [1; 8]);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_stale_result_is_served_while_one_refresh_runs_in_the_background() {
        let cache: Arc<TtlCache<i64, usize>> = Arc::new(TtlCache::with_max_age(Duration::from_millis(50)));
        let calls = Arc::new(AtomicUsize::new(0));
        assert_eq!(*cache.get_or(1, counting(&calls, Duration::ZERO)).unwrap(), 1);
        std::thread::sleep(Duration::from_millis(80));
        let slow = Duration::from_millis(1_000);
        let started = Instant::now();
        for _ in 0..5 {
            assert_eq!(*cache.get_or(1, counting(&calls, slow)).unwrap(), 1, "the stale result, at once");
        }
        assert!(started.elapsed() < slow, "no request waited for the refresh");
        std::thread::sleep(slow + Duration::from_millis(500));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh for the five requests");
        assert_eq!(*cache.get_or(1, counting(&calls, Duration::ZERO)).unwrap(), 2, "the refreshed result");
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_text("Macron"), "Macron");
        assert_eq!(csv_text("Smith, John"), "\"Smith, John\"");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_text("-1"), "'-1");
        assert_eq!(percent(0.4249), "42%");
    }
}
