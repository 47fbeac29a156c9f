/// Why a watch was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    /// The query could not be read.
    #[error("watch query {query:?}: {reason}")]
    Query {
        /// The query as given.
        query: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A filter value is not acceptable.
    #[error("watch filter {field}: {reason}")]
    Filter {
        /// The filter ("entity", "language", ...).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A field of a new watch other than its question (name, webhook, email, digest).
    #[error("watch {field}: {reason}")]
    Field {
        /// The field ("webhook", "email", ...).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The watch asks nothing.
    #[error("a watch needs a query or at least one filter (entity, speaker, category, language, source, country)")]
    Empty,
    /// A stored spec is not valid JSON for a watch.
    #[error("stored watch {id} is not a valid spec: {reason}")]
    Stored {
        /// The watch id.
        id: i64,
        /// The decoding error.
        reason: String,
    },
}
