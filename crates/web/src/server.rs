//! The HTTP server loop: connection limits and timeouts that keep one slow or hostile
//! client from taking the site down.
//!
//! * A client must send a whole request header within [`Limits::header_timeout`] of
//!   connecting (slowloris; sockets that never send a byte).
//! * A connection lives at most [`Limits::max_connection_age`], then is closed
//!   gracefully (an idle keep-alive socket at once, a busy one after its response).
//! * At most [`Limits::max_connections`] are open at once (the default stays below the
//!   process's file-descriptor limit); the others wait in the listen backlog.
//! * At most [`Limits::max_in_flight`] requests are handled at once; beyond that the
//!   server answers 503 with `Retry-After` at once instead of queueing without end.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// The server's limits. `Default` suits a small machine behind no proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time allowed from connecting to the end of the first request's header.
    pub header_timeout: Duration,
    /// A connection is closed (gracefully) after this long.
    pub max_connection_age: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Requests handled at once before the server sheds load with 503.
    pub max_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            max_connection_age: Duration::from_secs(120),
            max_connections: default_max_connections(),
            max_in_flight: 512,
        }
    }
}

/// Connections at once: 1,024, or fewer when the process may open fewer files (each
/// connection is one file descriptor; the store and index need some too).
pub(crate) fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits").ok().and_then(|limits| {
        limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|v| v.parse::<usize>().ok())
    });
    match soft {
        Some(n) => n.saturating_sub(64).clamp(16, 1024),
        None => 1024,
    }
}

/// Accepts connections on `listener` and serves `app` on them until `shutdown` resolves.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&permits).acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => return Ok(()),
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // little instead of spinning, and keep serving.
                    tracing::warn!(target: "polmon::web", error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _permit = permit;
            serve_connection(stream, peer, service, limits).await;
        });
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    service: TowerToHyperService<Router>,
    limits: Limits,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        res = conn.as_mut() => {
            if let Err(e) = res {
                tracing::debug!(target: "polmon::web", %peer, error = %e, "connection ended");
            }
        }
        () = tokio::time::sleep(limits.max_connection_age) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(30), conn).await;
        }
    }
}

/// Shed load beyond [`Limits::max_in_flight`] requests: 503 with `Retry-After: 1`.
pub(crate) fn with_load_shedding(app: Router, max_in_flight: usize) -> Router {
    use axum::response::IntoResponse;
    let in_flight = Arc::new(tokio::sync::Semaphore::new(max_in_flight.max(1)));
    app.layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
        let in_flight = Arc::clone(&in_flight);
        async move {
            match in_flight.try_acquire_owned() {
                Ok(_permit) => next.run(req).await,
                Err(_) => (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "1")],
                    "The server is busy; try again in a moment.\n",
                )
                    .into_response(),
            }
        }
    }))
}
