//! The JSON API: `/api/articles` (newest first: `page=` up to 50, then the `before=`
//! cursor each answer gives as `next_before`), `/api/articles/{id}`, `/api/search`, `/api/stories/{id}`,
//! `/api/entities/{id}`. Field names are documented in the README. A query parameter an
//! endpoint does not know is a 400 naming it.

use axum::extract::{Path, Query, State};
use axum::Json;
use polmon_store::ArticleRecord;
use polmon_store::ListQuery;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::{self, Params};
use crate::views::Listed;
use crate::{blocking, AppState, WebError};

fn parse_id(id: &str, what: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError(WebError::NotFound(format!("there is no {what} {id:?}"))))
}

pub(crate) async fn articles(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Json<Value>, ApiError> {
    params::only(&p, &["page", "per_page", "before", "category", "source", "lang"])?;
    let at = params::listed(&p)?;
    let per_page = params::per_page(&p, 20)?;
    let mut q = ListQuery {
        category: params::text(&p, "category"),
        source: params::text(&p, "source"),
        language: params::language(&p)?,
        limit: per_page + 1,
        ..Default::default()
    };
    let page = match at {
        Listed::Page(page) => {
            q.offset = (page - 1) * per_page;
            Some(page)
        }
        Listed::Before(c) => {
            q.before = Some(c);
            None
        }
    };
    let body = blocking(move || {
        let (mut rows, total) = state.store.list(&q)?;
        let next_before = (rows.len() > per_page).then(|| rows[per_page - 1].cursor().to_string());
        rows.truncate(per_page);
        Ok(json!({
            "total": total, "page": page, "per_page": per_page, "next_before": next_before, "articles": rows,
        }))
    })
    .await?;
    Ok(Json(body))
}

pub(crate) async fn article(State(state): State<AppState>, Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    params::only(&p, &[])?;
    let id = parse_id(&id, "article")?;
    let body = blocking(move || {
        let a = state
            .store
            .article(id)?
            .ok_or_else(|| WebError::NotFound(format!("there is no article {id}")))?;
        let related = state.related(&a)?;
        serde_json::to_value(ArticleRecord::new(&a, related)).map_err(|e| WebError::Internal(e.to_string()))
    })
    .await?;
    Ok(Json(body))
}

pub(crate) async fn search(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Json<Value>, ApiError> {
    params::only(&p, &["q", "page", "per_page", "lang", "source", "category", "from", "to"])?;
    let per_page = params::per_page(&p, 20)?;
    let (q, page) = crate::pages::search_query(&p, per_page)?;
    let body = blocking(move || {
        let results = state.index.search(&q)?;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
        let summaries = state.store.summaries(&ids)?;
        let hits: Vec<Value> = results
            .hits
            .iter()
            .filter_map(|h| {
                let s = summaries.iter().find(|s| s.id == h.id)?;
                Some(json!({
                    "id": s.id, "title": s.title, "source": s.source, "published": s.published,
                    "category": s.category, "language": s.language, "url": s.url, "story_id": s.story_id,
                    "score": h.score, "snippet_html": crate::sanitize::clean_html(&h.snippet_html),
                }))
            })
            .collect();
        Ok(json!({ "total": results.total, "page": page, "per_page": per_page, "query": q.text, "hits": hits }))
    })
    .await?;
    Ok(Json(body))
}

/// Articles `/api/stories/{id}` lists at most: the newest, oldest first (`total` counts all).
const STORY_ARTICLES: usize = 100;

pub(crate) async fn story(State(state): State<AppState>, Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    params::only(&p, &[])?;
    let id = parse_id(&id, "story")?;
    let body = blocking(move || {
        let (mut rows, total) = state.store.list(&ListQuery { story_id: Some(id), limit: STORY_ARTICLES, ..Default::default() })?;
        if total == 0 {
            return Err(WebError::NotFound(format!("there is no story {id}")));
        }
        rows.reverse();
        Ok(json!({ "id": id, "total": total, "articles": rows }))
    })
    .await?;
    Ok(Json(body))
}

pub(crate) async fn entity(State(state): State<AppState>, Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Json<Value>, ApiError> {
    params::only(&p, &[])?;
    let id = parse_id(&id, "entity")?;
    let body = blocking(move || {
        let store = &state.store;
        let e = store.entity(id)?.ok_or_else(|| WebError::NotFound(format!("there is no entity {id}")))?;
        Ok(json!({
            "entity": e,
            "roles": store.entity_roles(id)?,
            "quotes": store.quotes(Some(id), None, 100)?,
            "articles": store.entity_articles(id, 100)?,
        }))
    })
    .await?;
    Ok(Json(body))
}
