//! The website, JSON API and Atom feeds of Politics Monitor.
//!
//! Server-rendered HTML (askama templates compiled into the binary), usable without
//! JavaScript: home, category, source, article (the reference page's layout), search,
//! story, entity pages; `/api/...` JSON mirroring them; Atom feeds per category and per
//! search. It reads through the [`Pipeline`]'s store, index and connector and never
//! writes. Article text is stored as plain blocks and rendered escaped; the HTML built
//! from it also passes an allow-list sanitiser ([`sanitize`]), so markup from an ingested
//! page never reaches a reader's browser.
#![deny(missing_docs)]

mod api;
mod atom;
mod error;
mod pages;
mod params;
pub mod sanitize;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use polmon_pipeline::Pipeline;

pub use error::WebError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The pipeline over the data folder (store, index, connector).
    pub pipeline: Arc<Pipeline>,
}

/// The routes of the site and API.
pub fn router(state: AppState) -> Router {
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
        .route("/api/articles", get(api::articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/search", get(api::search))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/entities/{id}", get(api::entity))
        .route("/feeds/category/{slug}", get(atom::category))
        .route("/feeds/search", get(atom::search))
        .route("/static/style.css", get(pages::stylesheet))
        .fallback(pages::not_found)
        .with_state(state)
}

/// Serves the site on `addr` until Ctrl-C (or SIGTERM). Calls `ready` with the bound
/// address once listening (port 0 picks a free port).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await
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
