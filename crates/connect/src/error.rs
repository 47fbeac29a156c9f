//! The crate's error type.

/// What can go wrong when building a connector.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A configuration value is out of range.
    #[error("invalid connect config: {field} {reason}")]
    Config {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A lexicon line could not be read.
    #[error("lexicon line {line}: {reason}")]
    Lexicon {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}
