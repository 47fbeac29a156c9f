//! The crate's one error type.

/// Why a feed, sitemap or OPML document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The feed is not RSS, Atom, RDF or JSON Feed, or is broken beyond repair.
    #[error("not a readable feed{}: {reason}", origin.as_deref().map(|u| format!(" ({u})")).unwrap_or_default())]
    Feed {
        /// The feed's URL, when known.
        origin: Option<String>,
        /// The parser's explanation, after the repairs were tried.
        reason: String,
    },
    /// The XML is not well formed.
    #[error("malformed {what} XML at byte {position}: {reason}")]
    Xml {
        /// Which kind of document ("sitemap", "OPML").
        what: &'static str,
        /// Byte offset of the problem.
        position: u64,
        /// The XML reader's message.
        reason: String,
    },
    /// The document is well formed but is not of the expected kind.
    #[error("not a {what}: root element is <{root}>")]
    WrongRoot {
        /// Which kind was expected.
        what: &'static str,
        /// The root element found.
        root: String,
    },
}
