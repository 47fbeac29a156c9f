use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong while setting up or running a translation engine.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// The configuration is incomplete or contradictory.
    #[error("translation configuration: {0}")]
    Config(&'static str),
    /// The glossary file could not be read or parsed.
    #[error("glossary {path}: {message}")]
    Glossary {
        /// The file, or `<bundled>`.
        path: PathBuf,
        /// What is wrong and where.
        message: String,
    },
    /// Apertium is not installed, or its modes folder holds no usable pair.
    #[error("Apertium is not available: {0} (install the `apertium` package and a language pair, e.g. apertium-fr-es)")]
    NotInstalled(String),
    /// The engine process could not be started or died.
    #[error("the {engine} process failed: {message}")]
    Process {
        /// The engine.
        engine: &'static str,
        /// What happened.
        message: String,
    },
    /// The engine did not answer within the configured time.
    #[error("the {engine} engine did not answer within {timeout:?}")]
    Timeout {
        /// The engine.
        engine: &'static str,
        /// The limit that was reached.
        timeout: Duration,
    },
    /// The HTTP engine could not be reached or answered with an error.
    #[error("{engine} request failed: {message}")]
    Http {
        /// The engine.
        engine: &'static str,
        /// The transport error or the status and body of the answer.
        message: String,
    },
    /// The HTTP engine answered with something that is not its documented reply.
    #[error("{engine} answered unexpectedly: {message}")]
    Protocol {
        /// The engine.
        engine: &'static str,
        /// What was missing or malformed.
        message: String,
    },
}
