//! A watch's matches, opened by the watch's own secret token: the page
//! (`/watch/{id}?token=…`), the Atom feed (`/feeds/watch/{id}?token=…`) and the JSON list
//! (`/api/watches/{id}/matches?token=…`). A wrong or missing token is answered as if the
//! watch did not exist (404), so ids cannot be probed.
//!
//! Managing watches — `/watches?token=ADMIN` (the list with match counts and the
//! dead-lettered deliveries) and `GET`/`POST /api/watches`, `DELETE /api/watches/{id}` with
//! `Authorization: Bearer ADMIN` — takes the site's admin token (`watches.admin_token`);
//! without one configured, they are switched off (403). Adding a watch is the one write
//! the web side makes.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use serde_json::Value;

use crate::atom::{atom_response, FeedMeta};
use crate::pages::filters;
use crate::error::ApiError;
use crate::params::{self, Params};
use crate::{blocking, AppState, WebError};

/// Matches per feed or page.
const PER_PAGE: usize = 50;

/// Compares without stopping at the first difference (the token is a secret).
fn same_secret(given: &str, stored: &str) -> bool {
    given.len() == stored.len() && given.bytes().zip(stored.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The watch `id` if `token` opens it.
fn opened(state: &AppState, id: &str, token: Option<String>) -> Result<polmon_store::WatchRecord, WebError> {
    let missing = || WebError::NotFound(format!("There is no watch {id:?} for this token."));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let token = token.ok_or_else(missing)?;
    match state.store.watch(id)? {
        Some(w) if same_secret(&token, &w.secret) => Ok(w),
        _ => Err(missing()),
    }
}

pub(crate) async fn feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, WebError> {
    params::only(&p, &["token"])?;
    let token = params::text(&p, "token");
    blocking(move || {
        let w = opened(&state, &id, token.clone())?;
        let rows = state.store.watch_matches(w.id, PER_PAGE, 0)?.into_iter().map(|m| m.article).collect();
        let token = params::encode(&token.unwrap_or_default());
        let meta = FeedMeta {
            title: format!("Politics Monitor — watch: {}", w.name),
            self_path: format!("/feeds/watch/{}?token={token}", w.id),
            page_path: format!("/api/watches/{}/matches?token={token}", w.id),
        };
        atom_response(&state, &meta, rows)
    })
    .await
}

/// The query of `/api/watches/{id}/matches`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; the handler parses them by hand for named 400s
pub(crate) struct MatchesQuery {
    /// The watch's secret token (printed by `polmon watch add`, returned by `POST /api/watches`).
    /// A missing or wrong token is a 404, as for a watch that does not exist.
    token: String,
    /// Page number, from 1 to 50 (50 matches a page, newest first).
    #[param(minimum = 1, maximum = 50)]
    page: Option<u32>,
}

/// A watch's matches, newest first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct MatchesPage {
    watch: MatchesOf,
    /// This page's number.
    page: usize,
    /// The page (up to 50).
    matches: Vec<MatchView>,
}

/// The watch whose matches these are.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct MatchesOf {
    id: i64,
    name: String,
    /// Articles matched so far.
    matches: u64,
}

/// One article a watch matched.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct MatchView {
    article: polmon_store::ArticleSummary,
    /// What matched: `terms` (query words and phrases found), `entities` (canonical names
    /// asked for), `quotes` (`{text, speaker}`, at most 10). Null if the stored record
    /// cannot be read.
    #[schema(value_type = Option<Object>)]
    matched: Option<Value>,
    /// When it matched (UTC, `YYYY-MM-DD HH:MM:SS`).
    at: String,
}

/// A watch's matches, opened by the watch's own token.
#[utoipa::path(get, path = "/api/watches/{id}/matches", tag = "watches", params(("id" = i64, Path, description = "Watch id"), MatchesQuery),
    responses(
        (status = 200, description = "A page of the watch's matches, newest first", body = MatchesPage),
        (status = 400, description = "A malformed, repeated or unknown query parameter", body = crate::api::ErrorBody),
        (status = 404, description = "No such watch, or a missing or wrong token (answered alike, so ids cannot be probed)", body = crate::api::ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn matches(
    State(state): State<AppState>,
    Path(id): Path<String>,
    crate::params::ApiQuery(p): crate::params::ApiQuery,
) -> Result<Json<MatchesPage>, ApiError> {
    crate::api::only::<MatchesQuery>(&p)?;
    let token = params::text(&p, "token");
    let page = params::page(&p)?;
    let body = blocking(move || {
        let w = opened(&state, &id, token)?;
        let rows = state.store.watch_matches(w.id, PER_PAGE, (page - 1) * PER_PAGE)?;
        let matches = rows
            .into_iter()
            .map(|m| MatchView {
                matched: serde_json::from_str(&m.matched_json).ok(),
                article: m.article,
                at: polmon_store::format_unix(m.at),
            })
            .collect();
        Ok(MatchesPage { watch: MatchesOf { id: w.id, name: w.name, matches: w.matches }, page, matches })
    })
    .await?;
    Ok(Json(body))
}

/// The site's admin token must be `given` (compared in constant time).
fn admin(state: &AppState, given: Option<&str>) -> Result<(), WebError> {
    let Some(given) = given else {
        return Err(WebError::Unauthorized("an admin token is required (Authorization: Bearer TOKEN)".into()));
    };
    let Some(expected) = state.admin_token.as_deref() else {
        return Err(WebError::Forbidden("managing watches over the web is switched off: set watches.admin_token".into()));
    };
    if same_secret(given, expected) {
        Ok(())
    } else {
        Err(WebError::Unauthorized("a valid admin token is required (Authorization: Bearer TOKEN)".into()))
    }
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// A watch as the management API shows it (never its secret).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct WatchView {
    id: i64,
    name: String,
    /// The saved question (query and filters).
    #[schema(value_type = Object)]
    spec: Value,
    webhook: Option<String>,
    email: Option<String>,
    digest: Option<String>,
    created_at: String,
    /// Articles matched so far.
    matches: u64,
    /// Deliveries waiting or being retried.
    pending: u64,
    /// Deliveries given up.
    dead: u64,
}

impl From<polmon_store::WatchRecord> for WatchView {
    fn from(w: polmon_store::WatchRecord) -> Self {
        WatchView {
            spec: serde_json::from_str(&w.spec_json).unwrap_or(Value::Null),
            id: w.id,
            name: w.name,
            webhook: w.webhook,
            email: w.email,
            digest: w.digest,
            created_at: w.created_at,
            matches: w.matches,
            pending: w.pending,
            dead: w.dead,
        }
    }
}

/// A watch to add: a name, the question (the `polmon watch add` options) and where to
/// deliver its matches.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct NewWatchRequest {
    name: String,
    /// The saved question: `query`, `entities`, `speaker`, `category`, `language`,
    /// `source`, `country`, `burst` (`{"min_articles", "within_hours"}`).
    #[serde(default)]
    #[schema(value_type = Object)]
    spec: polmon_watch::WatchSpec,
    webhook: Option<String>,
    email: Option<String>,
    /// `hourly` or `daily@HH:MM` (UTC), with `email`.
    digest: Option<String>,
}

/// The watch added: its id and the secret that opens its page and feed and signs its webhooks.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct AddedWatch {
    id: i64,
    token: String,
}

/// Lists the watches.
#[utoipa::path(get, path = "/api/watches", tag = "watches", security(("admin" = [])),
    responses(
        (status = 200, description = "The watches", body = Vec<WatchView>),
        (status = 400, description = "A query parameter (this endpoint takes none)", body = crate::api::ErrorBody),
        (status = 401, description = "No or a wrong admin token", body = crate::api::ErrorBody),
        (status = 403, description = "No admin token is configured", body = crate::api::ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    crate::params::ApiQuery(p): crate::params::ApiQuery,
) -> Result<Json<Vec<WatchView>>, ApiError> {
    params::only(&p, &[])?;
    admin(&state, bearer(&headers))?;
    let watches = blocking(move || Ok(state.store.watches()?.into_iter().map(WatchView::from).collect())).await?;
    Ok(Json(watches))
}

/// Adds a watch; matched from the next article stored on.
#[utoipa::path(post, path = "/api/watches", tag = "watches", security(("admin" = [])), request_body = NewWatchRequest,
    responses(
        (status = 201, description = "Added", body = AddedWatch),
        (status = 400, description = "A malformed watch, naming what is wrong", body = crate::api::ErrorBody),
        (status = 401, description = "No or a wrong admin token", body = crate::api::ErrorBody),
        (status = 403, description = "No admin token is configured", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn add(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<(axum::http::StatusCode, Json<AddedWatch>), ApiError> {
    admin(&state, bearer(&headers))?;
    let req: NewWatchRequest =
        serde_json::from_slice(&body).map_err(|e| WebError::BadRequest(format!("the body is not a watch: {e}")))?;
    let request = polmon_watch::WatchRequest {
        name: req.name,
        spec: req.spec,
        webhook: req.webhook,
        email: req.email,
        digest: req.digest,
    };
    let w = request.check::<polmon_store::Digest>().map_err(|e| WebError::BadRequest(e.to_string()))?;
    let new = polmon_store::NewWatch {
        spec_json: w.spec.to_json(),
        burst: w.burst(),
        name: w.name,
        webhook: w.webhook,
        email: w.email,
        digest: w.digest,
    };
    let (id, token) = blocking(move || Ok(state.store.add_watch(&new)?)).await?;
    Ok((axum::http::StatusCode::CREATED, Json(AddedWatch { id, token })))
}

/// Removes a watch (its matches and pending deliveries go with it).
#[utoipa::path(delete, path = "/api/watches/{id}", tag = "watches", security(("admin" = [])),
    params(("id" = i64, Path, description = "Watch id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No or a wrong admin token", body = crate::api::ErrorBody),
        (status = 403, description = "No admin token is configured", body = crate::api::ErrorBody),
        (status = 404, description = "No such watch", body = crate::api::ErrorBody),
    ))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    admin(&state, bearer(&headers))?;
    let missing = || WebError::NotFound(format!("there is no watch {id:?}"));
    let n: i64 = id.parse().map_err(|_| missing())?;
    let removed = blocking(move || Ok(state.store.remove_watch(n)?)).await?;
    if removed {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(missing().into())
    }
}

#[derive(askama::Template)]
#[template(path = "watches.html")]
struct WatchesPage {
    watches: Vec<WatchView>,
    dead: Vec<polmon_store::DeadDelivery>,
}

/// `/watches?token=ADMIN`: every watch with its counts, and the dead-lettered deliveries.
pub(crate) async fn page(State(state): State<AppState>, Query(p): Query<Params>) -> Result<axum::response::Html<String>, WebError> {
    admin(&state, params::text(&p, "token").as_deref())?;
    let page = blocking(move || {
        Ok(WatchesPage {
            watches: state.store.watches()?.into_iter().map(WatchView::from).collect(),
            dead: state.store.dead_deliveries(50)?,
        })
    })
    .await?;
    crate::pages::render(&page)
}

#[derive(askama::Template)]
#[template(path = "watch.html")]
struct WatchPage {
    name: String,
    feed_url: String,
    matches: Vec<crate::views::Card>,
}

/// `/watch/{id}?token=SECRET`: the watch's matches, newest first.
pub(crate) async fn watch_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<axum::response::Html<String>, WebError> {
    let token = params::text(&p, "token");
    let page = blocking(move || {
        let w = opened(&state, &id, token.clone())?;
        let rows: Vec<_> = state.store.watch_matches(w.id, PER_PAGE, 0)?.into_iter().map(|m| m.article).collect();
        Ok(WatchPage {
            name: w.name,
            feed_url: format!("/feeds/watch/{}?token={}", w.id, params::encode(&token.unwrap_or_default())),
            matches: crate::views::Card::for_reader(&state, &rows, 200)?,
        })
    })
    .await?;
    crate::pages::render(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", "abc"));
    }
}
