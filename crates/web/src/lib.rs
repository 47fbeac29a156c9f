//! The website, JSON API and Atom feeds of Politics Monitor.
//!
//! Server-rendered HTML (askama templates compiled into the binary), usable without
//! JavaScript: home, category, source, article (the reference page's layout), search,
//! story, entity pages; `/api/...` JSON mirroring them; Atom feeds per category and per
//! search. It reads the store and the search index through an [`AppState`] and never
//! writes: related lists are computed by the writer (the pipeline) and stored, source
//! statuses come from a function the binary hands in. It does not depend on the
//! ingest side. Article text is stored as plain blocks and rendered escaped; the HTML built
//! from it also passes an allow-list sanitiser ([`sanitize`]), so markup from an ingested
//! page never reaches a reader's browser.
//!
//! ## HTTP behaviour
//!
//! Every successful `GET` carries a strong `ETag` (a hash of the body) and answers
//! `304 Not Modified` to a matching `If-None-Match`; the article page also carries
//! `Last-Modified` (the article's ingestion time) and honours `If-Modified-Since`.
//! `Cache-Control` is `public, max-age=60` for pages and the API, `max-age=300` for
//! feeds, `robots.txt` and the sitemap, a day for `/static/*`. Bodies are compressed
//! with gzip or brotli by `Accept-Encoding`. `HEAD` is answered on every route. `/api`
//! and `/feeds` allow cross-origin `GET` from any origin (a preflight `OPTIONS` gets
//! 200 with the CORS headers).
//!
//! ## API errors
//!
//! Every `/api` error (400, 404 including unknown paths, 405, 413, 414, 5xx) is JSON
//! `{"error": "...", "status": N}` with `Content-Type: application/json`. A query
//! parameter an endpoint does not know is a 400 naming it (a typo such as `?catgory=`
//! is reported rather than silently ignored).
//!
//! ## Feeds
//!
//! Atom feeds at `/feeds/latest`, `/feeds/category/{slug}`, `/feeds/source/{name}` and
//! `/feeds/search?q=…`, with absolute links built on [`AppState::public_url`].
#![deny(missing_docs)]

mod api;
mod atom;
mod cache;
mod error;
mod http;
mod menu;
mod pages;
mod params;
pub mod sanitize;
mod seo;
mod server;
mod translated;
mod svg;
mod trends;
mod views;
mod watches;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use polmon_index::SearchIndex;
use polmon_store::{ArticleStore, SourceStatus, StoreError};

pub use error::WebError;
pub use cache::Cached;
pub use menu::CategoryMenu;
pub use pages::TopStories;
pub use server::Limits;
pub use trends::TrendsCache;

/// How the site lists the crawled sources with their state.
pub type SourceStatuses = fn(&dyn ArticleStore) -> Result<Vec<SourceStatus>, StoreError>;

/// What every handler shares: a read-only view of the data folder.
#[derive(Clone)]
pub struct AppState {
    /// The store (read).
    pub store: Arc<dyn ArticleStore>,
    /// The search index (read).
    pub index: Arc<SearchIndex>,
    /// The crawled sources with their state.
    pub source_statuses: SourceStatuses,
    /// The site's public base URL without a trailing slash (`https://news.example`),
    /// for the absolute links of feeds and the sitemap.
    pub public_url: String,
    /// The header's categories menu, cached.
    pub categories: CategoryMenu,
    /// The token that manages watches (`/watches`, `/api/watches`); `None`: switched off.
    pub admin_token: Option<String>,
    /// The origins allowed to read `/api` and `/feeds` cross-origin; empty: any.
    pub cors_origins: Vec<String>,
    /// The reader's language: articles in others are shown in their stored machine
    /// translation (with a line saying so and a switch to the original).
    pub reader_language: Option<String>,
    /// Computed trends, cached for a minute.
    pub trends: TrendsCache,
    /// The ranked top stories, cached until an article is added (at most 30 s).
    pub top_stories: TopStories,
    /// The rendered home page, cached like the top stories (until an article is added,
    /// at most 30 s: translations made meanwhile show within that).
    pub home: cache::Cached<str>,
}

impl AppState {
    /// A state over `store` and `index`; `public_url` loses any trailing slash.
    pub fn new(store: Arc<dyn ArticleStore>, index: Arc<SearchIndex>, source_statuses: SourceStatuses, public_url: &str) -> AppState {
        AppState {
            store,
            index,
            source_statuses,
            public_url: public_url.trim_end_matches('/').to_string(),
            categories: CategoryMenu::default(),
            reader_language: None,
            admin_token: None,
            cors_origins: Vec::new(),
            trends: TrendsCache::default(),
            top_stories: TopStories::default(),
            home: cache::Cached::default(),
        }
    }

    /// The same state, showing articles in `language` where a translation exists.
    pub fn with_reader_language(mut self, language: Option<&str>) -> AppState {
        self.reader_language = language.filter(|l| !l.is_empty()).map(str::to_owned);
        self
    }

    /// The same state, allowing only `origins` (empty: any) to read `/api` and `/feeds`
    /// cross-origin.
    pub fn with_cors_origins(mut self, origins: &[String]) -> AppState {
        self.cors_origins = origins.to_vec();
        self
    }

    /// The same state, managing watches with `token` (an empty one switches it off).
    pub fn with_admin_token(mut self, token: &str) -> AppState {
        self.admin_token = Some(token.trim().to_string()).filter(|t| !t.is_empty());
        self
    }

    /// Puts the summaries that have a stored machine translation into the reader's
    /// language in it (headline, lead and language; one query for all); returns the ids
    /// of those translated.
    pub(crate) fn translate_summaries(
        &self,
        rows: &mut [polmon_store::ArticleSummary],
    ) -> Result<std::collections::HashSet<i64>, StoreError> {
        let Some(target) = self.reader_language.as_deref() else { return Ok(Default::default()) };
        let foreign: Vec<i64> = rows.iter().filter(|s| s.language.as_deref() != Some(target)).map(|s| s.id).collect();
        let mut translated = self.store.translated_leads(&foreign, target)?;
        let mut done = std::collections::HashSet::new();
        for s in rows.iter_mut() {
            if let Some((title, lead)) = translated.remove(&s.id) {
                s.title = title;
                s.lead = lead;
                s.language = Some(target.to_string());
                done.insert(s.id);
            }
        }
        Ok(done)
    }

    /// `path` (starting with `/`) as an absolute URL on the public base URL.
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }

    /// The article page's related ids: the list the writer stored, else (an article
    /// stored by an older version, not yet backfilled) the newest of its story.
    pub(crate) fn related(&self, a: &polmon_model::Article) -> Result<Vec<i64>, StoreError> {
        if let Some(list) = self.store.related(a.id)? {
            return Ok(list);
        }
        let Some(story) = a.links.story_id else { return Ok(Vec::new()) };
        let q = polmon_store::ListQuery { story_id: Some(story), limit: 5, ..Default::default() };
        Ok(self.store.list(&q)?.0.into_iter().map(|s| s.id).filter(|&id| id != a.id).take(4).collect())
    }
}

/// The routes of the site and API.
pub fn router(state: AppState) -> Router {
    let cross_origin = Router::new()
        .route("/api/articles", get(api::articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/search", get(api::search))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/entities/{id}", get(api::entity))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/trends", get(trends::api))
        .route("/api/trends/entities/{id}", get(trends::api_entity))
        .route("/api/trends/sources/{name}", get(trends::api_source))
        .route("/feeds/latest", get(atom::latest))
        .route("/feeds/category/{slug}", get(atom::category))
        .route("/feeds/source/{name}", get(atom::source))
        .route("/feeds/search", get(atom::search))
        .route("/feeds/watch/{id}", get(watches::feed))
        .route("/api/watches/{id}/matches", get(watches::matches))
        .route("/api/watches", get(watches::list).post(watches::add))
        .route("/api/watches/{id}", axum::routing::delete(watches::remove))
        .layer(http::cors(&state.cors_origins));
    Router::new()
        .route("/", get(pages::home))
        .route("/category/{slug}", get(pages::category))
        .route("/source/{name}", get(pages::source))
        .route("/sources", get(pages::sources))
        .route("/article/{id}", get(pages::article))
        .route("/search", get(pages::search))
        .route("/stories", get(pages::stories))
        .route("/story/{id}", get(pages::story))
        .route("/entities", get(pages::entities))
        .route("/entity/{id}", get(pages::entity))
        .route("/trends", get(trends::page))
        .route("/watches", get(watches::page))
        .route("/watch/{id}", get(watches::watch_page))
        .route("/robots.txt", get(pages::robots))
        .route("/sitemap.xml", get(pages::sitemap))
        .route("/sitemaps/{file}", get(pages::sitemap_file))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/favicon.svg", get(pages::favicon))
        .route("/favicon.ico", get(pages::favicon))
        .merge(cross_origin)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::conditional))
        .layer(axum::middleware::from_fn(http::errors))
        .layer(tower_http::compression::CompressionLayer::new().gzip(true).br(true))
        .layer(axum::middleware::map_response(http::etag_per_encoding))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// The policy every response carries: no script at all, styles and images from the site
/// only, never framed, and no MIME sniffing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::header::{self, HeaderValue};
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    res
}

/// Serves the site on `addr` until Ctrl-C (or SIGTERM), within `limits`. Calls `ready`
/// with the bound address once listening (port 0 picks a free port). An empty
/// [`AppState::public_url`] becomes `http://{bound address}`.
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    limits: Limits,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let mut state = state;
    if state.public_url.is_empty() {
        state.public_url = format!("http://{bound}");
    }
    ready(bound);
    serve_on(listener, state, limits, shutdown_signal()).await
}

/// Serves the site on a bound listener until `shutdown` resolves.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    // The trends overview is computed once in the background, so its first visitors do
    // not wait for it; later refreshes happen behind the cache (see `trends`).
    let warming = state.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = trends::warm(&warming) {
            tracing::warn!(target: "polmon::web", error = %e, "could not compute the trends overview");
        }
    });
    let app = server::with_load_shedding(router(state), limits.max_in_flight);
    server::run(listener, app, limits, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Runs blocking store/index work off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| WebError::Internal(e.to_string()))?
}
