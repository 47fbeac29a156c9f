//! The JSON API: `/api/articles` (newest first: `page=` up to 50, then the `before=`
//! cursor each answer gives as `next_before`), `/api/articles/{id}`, `/api/search`,
//! `/api/stories/{id}`, `/api/entities/{id}`, the trends, and its OpenAPI 3.1 description at
//! `/api/openapi.json`, generated from the types below (see [`ApiDoc`]). A query parameter
//! an endpoint does not know is a 400 naming it: each endpoint's known parameters are the
//! fields of its `…Query` type, the same list the description publishes.

use axum::extract::{Path, State};
use axum::Json;
use polmon_store::{ArticleRecord, ArticleSummary, StoredTranslation, EntityArticle, EntityRecord, EntityRole, ListQuery, QuoteRecord};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiError;
use crate::params::{self, ApiQuery, Params};
use crate::views::Listed;
use crate::{blocking, AppState, WebError};

/// Paging of `/api/articles`, filtered by category, source or language.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; the handler parses them by hand for named 400s
pub(crate) struct ArticlesQuery {
    /// Page number, from 1 to 50; older articles are paged with `before`.
    #[param(minimum = 1, maximum = 50)]
    page: Option<u32>,
    /// A cursor `SORT_TS.ID` (the `next_before` of the previous answer): the articles
    /// older than it. When given, `page` is not used (but must still be valid).
    #[param(pattern = "^(-?[0-9]{1,15}\\.[0-9]{1,15})?$")]
    before: Option<String>,
    /// Articles per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Only this category (its slug, e.g. `politics`).
    category: Option<String>,
    /// Only this source (e.g. `fr.wikinews.org`).
    source: Option<String>,
    /// Only this language (ISO 639 code, e.g. `fr`).
    #[param(pattern = "^([A-Za-z]{2,3})?$")]
    lang: Option<String>,
}

/// A full-text search with filters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct SearchQuery {
    /// The query: words, `"phrases"`, `-excluded`, `OR`, `title:word`. Empty lists the newest. An empty value of a text parameter is the same as leaving it out.
    #[param(max_length = 500)]
    q: Option<String>,
    /// Page number, from 1 to 50 (search serves the first 10,000 hits).
    #[param(minimum = 1, maximum = 50)]
    page: Option<u32>,
    /// Hits per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Only this language (ISO 639 code).
    #[param(pattern = "^([A-Za-z]{2,3})?$")]
    lang: Option<String>,
    /// Only this source.
    source: Option<String>,
    /// Only this category.
    category: Option<String>,
    /// Published on or after this day (UTC), `YYYY-MM-DD`.
    #[param(schema_with = optional_date)]
    from: Option<String>,
    /// Published on or before this day (UTC), `YYYY-MM-DD` (before `from`: no hits).
    #[param(schema_with = optional_date)]
    to: Option<String>,
}

/// A `YYYY-MM-DD` date, or empty for none.
fn optional_date() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))))
        .item(ObjectBuilder::new().schema_type(Type::String).max_length(Some(0)))
        .build()
        .into()
}

/// The names of `P`'s query parameters, for [`params::only`].
fn names<P: IntoParams>() -> Vec<String> {
    P::into_params(|| None).into_iter().map(|p| p.name).collect()
}

pub(crate) fn only<P: IntoParams>(p: &Params) -> Result<(), WebError> {
    let known = names::<P>();
    params::only(p, &known.iter().map(String::as_str).collect::<Vec<_>>())
}

fn parse_id(id: &str, what: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError(WebError::NotFound(format!("there is no {what} {id:?}"))))
}

/// An error: every `/api` failure has this body.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// What was wrong, for a person.
    error: String,
    /// The HTTP status code.
    status: u16,
}

/// A page of articles, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct ArticlesPage {
    /// Articles matching the filters.
    total: u64,
    /// This page's number (null when the page was asked for with `before`).
    page: Option<usize>,
    /// Page size.
    per_page: usize,
    /// The cursor of the next (older) page, for `before=`; null on the last page.
    next_before: Option<String>,
    /// The page.
    articles: Vec<ArticleSummary>,
}

/// One search hit.
#[derive(Serialize, ToSchema)]
pub(crate) struct SearchHit {
    /// Store id.
    id: i64,
    /// Headline.
    title: String,
    /// Source.
    source: Option<String>,
    /// Publication date-time (ISO 8601), if known.
    published: Option<String>,
    /// Category slug.
    category: String,
    /// Language.
    language: Option<String>,
    /// Original URL.
    url: Option<String>,
    /// Story id.
    story_id: Option<i64>,
    /// Relevance (BM25).
    score: f32,
    /// A passage with the matched words in `<b>`; other markup escaped.
    snippet_html: String,
}

/// A page of search hits, best first.
#[derive(Serialize, ToSchema)]
pub(crate) struct SearchPage {
    /// Hits in all, counted up to 10,000.
    total: usize,
    /// False when more than 10,000 articles matched: `total` is then 10,000, the most
    /// that is counted (a search costs the same however many match).
    total_exact: bool,
    /// This page's number.
    page: usize,
    /// Page size.
    per_page: usize,
    /// The query as run.
    query: String,
    /// The page.
    hits: Vec<SearchHit>,
}

/// A story: the articles that cover one event, oldest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct StoryPage {
    /// Story id (the id of its first article).
    id: i64,
    /// Articles in the story.
    total: u64,
    /// The newest 100 of them, oldest first.
    articles: Vec<ArticleSummary>,
}

/// An entity with its roles, quotes and articles.
#[derive(Serialize, ToSchema)]
pub(crate) struct EntityPage {
    /// The entity.
    entity: EntityRecord,
    /// Roles the articles gave it.
    roles: Vec<EntityRole>,
    /// Its newest quotes (up to 100).
    quotes: Vec<QuoteRecord>,
    /// The newest articles that mention it (up to 100).
    articles: Vec<EntityArticle>,
}

/// Lists stored articles, newest first.
#[utoipa::path(get, path = "/api/articles", tag = "articles", params(ArticlesQuery),
    responses(
        (status = 200, description = "A page of articles", body = ArticlesPage),
        (status = 400, description = "A malformed, repeated or unknown query parameter", body = ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = ErrorBody),
    ))]
pub(crate) async fn articles(State(state): State<AppState>, ApiQuery(p): ApiQuery) -> Result<Json<ArticlesPage>, ApiError> {
    only::<ArticlesQuery>(&p)?;
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
        let (mut articles, total) = state.store.list(&q)?;
        let next_before = (articles.len() > per_page).then(|| articles[per_page - 1].cursor().to_string());
        articles.truncate(per_page);
        Ok(ArticlesPage { total, page, per_page, next_before, articles })
    })
    .await?;
    Ok(Json(body))
}

/// One article with its text, entities, quotes, categories, story and related articles.
#[utoipa::path(get, path = "/api/articles/{id}", tag = "articles",
    params(("id" = i64, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article", body = ArticleResponse),
        (status = 400, description = "A query parameter (this endpoint takes none)", body = ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ))]
pub(crate) async fn article(State(state): State<AppState>, Path(id): Path<String>,
    ApiQuery(p): ApiQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    params::only(&p, &[])?;
    let id = parse_id(&id, "article")?;
    let body = blocking(move || {
        let a = state
            .store
            .article(id)?
            .ok_or_else(|| WebError::NotFound(format!("there is no article {id}")))?;
        let related = state.related(&a)?;
        let translation = match state.reader_language.as_deref() {
            Some(target) if a.language.as_deref() != Some(target) => state.store.translation(a.id, target)?,
            _ => None,
        };
        let response = ArticleResponse { record: ArticleRecord::new(&a, related), translation };
        serde_json::to_value(response).map_err(|e| WebError::Internal(e.to_string()))
    })
    .await?;
    Ok(Json(body))
}

/// An article record with its machine translation into the site's reader language.
#[derive(Serialize, ToSchema)]
pub(crate) struct ArticleResponse<'a> {
    #[serde(flatten)]
    record: ArticleRecord<'a>,
    /// The machine translation (headline and body) into the site's reader language, when
    /// the article is in another and has been translated.
    translation: Option<StoredTranslation>,
}

/// Full-text search over titles and bodies (accents and case folded).
#[utoipa::path(get, path = "/api/search", tag = "search", params(SearchQuery),
    responses(
        (status = 200, description = "A page of hits", body = SearchPage),
        (status = 400, description = "A malformed, repeated or unknown query parameter", body = ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = ErrorBody),
    ))]
pub(crate) async fn search(State(state): State<AppState>, ApiQuery(p): ApiQuery) -> Result<Json<SearchPage>, ApiError> {
    only::<SearchQuery>(&p)?;
    let per_page = params::per_page(&p, 20)?;
    let (q, page) = crate::pages::search_query(&p, per_page)?;
    let body = blocking(move || {
        let results = state.index.search(&q)?;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
        let summaries = state.store.summaries(&ids)?;
        let hits = results
            .hits
            .iter()
            .filter_map(|h| {
                let s = summaries.iter().find(|s| s.id == h.id)?.clone();
                Some(SearchHit {
                    id: s.id,
                    title: s.title,
                    source: s.source,
                    published: s.published,
                    category: s.category,
                    language: s.language,
                    url: s.url,
                    story_id: s.story_id,
                    score: h.score,
                    snippet_html: crate::sanitize::clean_html(&h.snippet_html),
                })
            })
            .collect();
        Ok(SearchPage { total: results.total, total_exact: results.total_exact, page, per_page, query: q.text, hits })
    })
    .await?;
    Ok(Json(body))
}

/// Articles `/api/stories/{id}` lists at most: the newest, oldest first (`total` counts all).
const STORY_ARTICLES: usize = 100;

/// The articles of one story, oldest first.
#[utoipa::path(get, path = "/api/stories/{id}", tag = "stories",
    params(("id" = i64, Path, description = "Story id")),
    responses(
        (status = 200, description = "The story", body = StoryPage),
        (status = 400, description = "A query parameter (this endpoint takes none)", body = ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = ErrorBody),
        (status = 404, description = "No such story", body = ErrorBody),
    ))]
pub(crate) async fn story(State(state): State<AppState>, Path(id): Path<String>,
    ApiQuery(p): ApiQuery,
) -> Result<Json<StoryPage>, ApiError> {
    params::only(&p, &[])?;
    let id = parse_id(&id, "story")?;
    let body = blocking(move || {
        let (mut articles, total) = state.store.list(&ListQuery { story_id: Some(id), limit: STORY_ARTICLES, ..Default::default() })?;
        if total == 0 {
            return Err(WebError::NotFound(format!("there is no story {id}")));
        }
        articles.reverse();
        Ok(StoryPage { id, total, articles })
    })
    .await?;
    Ok(Json(body))
}

/// A person, organisation or place: its roles, quotes and articles.
#[utoipa::path(get, path = "/api/entities/{id}", tag = "entities",
    params(("id" = i64, Path, description = "Entity id")),
    responses(
        (status = 200, description = "The entity", body = EntityPage),
        (status = 400, description = "A query parameter (this endpoint takes none)", body = ErrorBody),
        (status = 414, description = "The request URI is over 4 KiB", body = ErrorBody),
        (status = 404, description = "No such entity", body = ErrorBody),
    ))]
pub(crate) async fn entity(State(state): State<AppState>, Path(id): Path<String>,
    ApiQuery(p): ApiQuery,
) -> Result<Json<EntityPage>, ApiError> {
    params::only(&p, &[])?;
    let id = parse_id(&id, "entity")?;
    let body = blocking(move || {
        let store = &state.store;
        let entity = store.entity(id)?.ok_or_else(|| WebError::NotFound(format!("there is no entity {id}")))?;
        Ok(EntityPage {
            entity,
            roles: store.entity_roles(id)?,
            quotes: store.quotes(Some(id), None, 100)?,
            articles: store.entity_articles(id, 100)?,
        })
    })
    .await?;
    Ok(Json(body))
}

/// The API's description. Every path also answers `HEAD`, `OPTIONS` (CORS preflight) and,
/// for other methods, `405` with an [`ErrorBody`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Politics Monitor API",
        description = "Read-only JSON API of a Politics Monitor site: articles with their entities, quotes \
            and categories, full-text search, stories and entities. Errors are `{\"error\", \"status\"}`; \
            a query parameter an endpoint does not know is a 400 naming it.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(articles, article, search, story, entity, crate::trends::api, crate::trends::api_entity, crate::trends::api_source,
        crate::watches::list, crate::watches::add, crate::watches::remove, crate::watches::matches),
    modifiers(&AdminToken),
    components(schemas(ErrorBody)),
    tags(
        (name = "articles", description = "Stored articles"),
        (name = "search", description = "Full-text search"),
        (name = "stories", description = "Stories: coverage of one event across sources"),
        (name = "entities", description = "People, organisations and places"),
        (name = "trends", description = "Who is in the news, and who gets to speak"),
        (name = "watches", description = "Saved questions that alert by webhook and e-mail (managed with the admin token; a watch's matches open with its own token)"),
    )
)]
pub(crate) struct ApiDoc;

/// The `admin` security scheme: `Authorization: Bearer` with `watches.admin_token`.
struct AdminToken;

impl utoipa::Modify for AdminToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("admin", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// `/api/openapi.json`.
pub(crate) async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_covers_every_endpoint_with_its_parameters() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = doc["paths"].as_object().unwrap();
        for p in ["/api/articles", "/api/articles/{id}", "/api/search", "/api/stories/{id}", "/api/entities/{id}", "/api/watches/{id}/matches"] {
            assert!(paths.contains_key(p), "{p} missing");
        }
        let search: Vec<&str> = doc["paths"]["/api/search"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(search, names::<SearchQuery>());
        assert!(search.contains(&"from") && search.contains(&"q"));
        let matches = &doc["paths"]["/api/watches/{id}/matches"]["get"];
        assert_eq!(matches["parameters"].as_array().unwrap().len(), 3, "id, token, page: {matches}");
        assert!(matches["responses"]["404"].is_object(), "a wrong token is documented: {matches}");
        for schema in ["ArticleRecord", "ArticleSummary", "EntityRecord", "ErrorBody", "Quote"] {
            assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema} missing");
        }
    }
}
