//! The pipeline's one error type.

use std::path::PathBuf;

/// Why an item could not be ingested, or the pipeline could not open or finish.
///
/// [`is_transient`](IngestError::is_transient) tells a passing failure (a busy database,
/// a full disk, an index locked by another process) from one that will happen again
/// (a page with no article text): the crawler asks again later for the first kind and
/// records the second kind for good.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The page could not be extracted.
    #[error("extraction failed: {0}")]
    Extract(#[from] polmon_extract::ExtractError),
    /// The page or input holds no article text.
    #[error("no article text found")]
    NoText,
    /// The text is not readable text (binary data, a wrong encoding).
    #[error("not article text: {0}")]
    NotText(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] polmon_store::StoreError),
    /// The search index failed.
    #[error(transparent)]
    Index(#[from] polmon_index::IndexError),
    /// The data folder's category rules are malformed.
    #[error("category rules {path}: {source}")]
    Rules {
        /// The rule file.
        path: PathBuf,
        /// What is wrong, with the line.
        source: polmon_enrich::EnrichError,
    },
    /// A file of the data folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A raw page kept for a worker cannot be read back as an input.
    #[error("raw page {key}: {reason}")]
    RawPage {
        /// The page's key.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A stored article could not be handed to the processes that link and index it
    /// (the distributed mode's queue is away).
    #[error("handing the stored article on: {0}")]
    Handoff(String),
    /// A background task died.
    #[error("ingest task failed: {0}")]
    Task(String),
}

impl IngestError {
    /// Whether the same item may succeed later without any change to it.
    pub fn is_transient(&self) -> bool {
        match self {
            IngestError::Store(e) => e.is_transient(),
            IngestError::Index(_) | IngestError::Io { .. } | IngestError::Task(_) | IngestError::Handoff(_) => true,
            IngestError::Extract(_)
            | IngestError::NoText
            | IngestError::NotText(_)
            | IngestError::Rules { .. }
            | IngestError::RawPage { .. } => {
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_problems_are_permanent_and_a_busy_store_is_not() {
        assert!(!IngestError::NoText.is_transient());
        assert!(!IngestError::NotText("binary".into()).is_transient());
        let busy = polmon_store::StoreError::Sqlite(rusqlite_busy());
        assert!(IngestError::Store(busy).is_transient());
    }

    fn rusqlite_busy() -> polmon_store::rusqlite::Error {
        polmon_store::rusqlite::Error::SqliteFailure(
            polmon_store::rusqlite::ffi::Error::new(polmon_store::rusqlite::ffi::SQLITE_BUSY),
            None,
        )
    }
}
