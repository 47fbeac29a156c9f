//! The pipeline: inputs in, stored, enriched, connected and indexed articles out.
//!
//! [`Pipeline`] wires the pure stages (`polmon-extract`, `polmon-enrich`,
//! `polmon-connect`) to the store and the search index. It owns the order of the stages,
//! the identity of an article (its dedup key), and crash safety: every article is stored
//! in its own SQLite transaction, its links right after, and the search index is
//! committed in batches; whatever a crash leaves unlinked or unindexed is finished by
//! the next [`Pipeline::open`]. Input formats live in [`inputs`].
#![deny(missing_docs)]

mod blocks;
pub mod crawl;
mod feed;
mod hash;
pub mod inputs;
mod process;
mod record;
mod urls;

pub use blocks::blocks_from_text;
pub use hash::content_hash;
pub use inputs::{InputFailure, InputItem, TextArticle};
pub use process::{IngestReport, Outcome, Pipeline, Progress, CATEGORY_RULES_FILE};
pub use record::ArticleRecord;
pub use urls::normalize_url;

/// Why the pipeline could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
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
        path: std::path::PathBuf,
        /// What is wrong, with the line.
        source: polmon_enrich::EnrichError,
    },
    /// A file of the data folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}
