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
use serde_json::{json, Value};

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

pub(crate) async fn matches(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    params::only(&p, &["token", "page"])?;
    let token = params::text(&p, "token");
    let page = params::page(&p)?;
    let body = blocking(move || {
        let w = opened(&state, &id, token)?;
        let rows = state.store.watch_matches(w.id, PER_PAGE, (page - 1) * PER_PAGE)?;
        let matches: Vec<Value> = rows
            .into_iter()
            .map(|m| {
                let matched: Value = serde_json::from_str(&m.matched_json).unwrap_or(Value::Null);
                json!({"article": m.article, "matched": matched, "at": polmon_store::format_unix(m.at)})
            })
            .collect();
        Ok(json!({"watch": {"id": w.id, "name": w.name, "matches": w.matches}, "page": page, "matches": matches}))
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
    if req.name.trim().is_empty() || req.name.chars().count() > 200 {
        return Err(WebError::BadRequest("name must be 1 to 200 characters".into()).into());
    }
    let spec = req.spec.validate().map_err(|e| WebError::BadRequest(e.to_string()))?;
    if let Some(w) = &req.webhook {
        if !crate::sanitize::is_web_url(w) {
            return Err(WebError::BadRequest(format!("webhook must be an http(s) URL, not {w:?}")).into());
        }
    }
    if let Some(e) = &req.email {
        let ok = e.len() <= 254 && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
            && !e.chars().any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == '<' || c == '>');
        if !ok {
            return Err(WebError::BadRequest(format!("email must be one address like name@example.org, not {e:?}")).into());
        }
    }
    let digest = match req.digest.as_deref() {
        None => None,
        Some(_) if req.email.is_none() => return Err(WebError::BadRequest("digest needs email".into()).into()),
        Some(d) => Some(d.parse::<polmon_store::Digest>().map_err(|e| WebError::BadRequest(e.to_string()))?),
    };
    let new = polmon_store::NewWatch {
        name: req.name.trim().to_string(),
        spec_json: spec.to_json(),
        webhook: req.webhook,
        email: req.email,
        digest,
        burst: spec.burst.map(|b| (b.min_articles, b.within_hours)),
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
