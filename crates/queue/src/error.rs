//! The crate's one error type.

use crate::Stage;

/// What went wrong talking to NATS, or starting a test server.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The server did not answer the connection.
    #[error(
        "cannot reach NATS at {url}: {detail} (is nats-server running there, with JetStream on: `nats-server -js`?)"
    )]
    Unreachable {
        /// The URL given.
        url: String,
        /// The client's reason.
        detail: String,
    },
    /// A JetStream request failed (stream or consumer set-up, publish, fetch, ack, info).
    #[error("NATS at {url}: {step}: {detail}")]
    JetStream {
        /// The server's URL.
        url: String,
        /// What was being done, naming the stage.
        step: String,
        /// The client's or server's reason.
        detail: String,
    },
    /// A message could not be encoded as JSON.
    #[error("cannot encode a {stage} message: {source}")]
    Encode {
        /// The message's stage.
        stage: Stage,
        /// The encoder's reason.
        source: serde_json::Error,
    },
    /// The store could not be read (the [`Sweeper`](crate::Sweeper)).
    #[error("{step}: {source}")]
    Store {
        /// What was being read.
        step: &'static str,
        /// The store's error.
        source: polmon_store::StoreError,
    },
    /// The runtime driving the NATS client could not start.
    #[error("cannot start the NATS client's runtime: {0}")]
    Runtime(std::io::Error),
    /// A test nats-server could not start or stop.
    #[error("test nats-server: {step}: {detail}")]
    TestServer {
        /// What was being done.
        step: &'static str,
        /// Why it failed.
        detail: String,
    },
}
