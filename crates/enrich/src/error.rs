//! The crate's error type.

/// What can go wrong while building an [`crate::Analyzer`].
#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    /// A tagger model file is malformed.
    #[error("NER model: {0}")]
    Model(String),
    /// A topic category rule file is malformed.
    #[error(transparent)]
    Rules(#[from] polmon_topics::TopicsError),
}
