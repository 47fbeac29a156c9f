//! A watch's matches, opened by the watch's own secret token: the Atom feed
//! (`/feeds/watch/{id}?token=…`) and the JSON list (`/api/watches/{id}/matches?token=…`).
//! A wrong or missing token is answered as if the watch did not exist (404), so ids
//! cannot be probed.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use crate::atom::{atom_response, FeedMeta};
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
