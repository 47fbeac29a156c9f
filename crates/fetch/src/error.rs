//! The crate's error types: one for fetching, one for parsing documents.

use std::net::IpAddr;
use std::time::Duration;

/// Why a fetch failed. Every variant names the URL it concerns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL could not be parsed or has no host.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The offending URL text.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Only `http` and `https` are fetched.
    #[error("refusing {url}: scheme {scheme:?} is not http or https")]
    UnsupportedScheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The host resolves to (or is) a loopback, private, link-local or otherwise
    /// non-public address and `allow_private` is off.
    #[error("refusing {url}: it resolves to the non-public address {addr} ({class}); set allow_private to fetch it")]
    PrivateAddress {
        /// The URL.
        url: String,
        /// The refused address.
        addr: IpAddr,
        /// Which kind of address it is.
        class: crate::guard::AddressClass,
    },
    /// The host name did not resolve.
    #[error("cannot resolve the host of {url}: {reason}")]
    Dns {
        /// The URL.
        url: String,
        /// The resolver's message.
        reason: String,
    },
    /// Connecting, or waiting for the response or its body, took too long.
    #[error("timed out fetching {url} after {attempts} attempt(s)")]
    Timeout {
        /// The URL.
        url: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The connection failed or broke (refused, reset, TLS error).
    #[error("connection to {url} failed after {attempts} attempt(s): {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// How many attempts were made.
        attempts: u32,
        /// The transport's message.
        reason: String,
    },
    /// The server answered with an error status (4xx, or 5xx after the retries).
    #[error("{url} answered HTTP {status} after {attempts} attempt(s)")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// How many attempts were made.
        attempts: u32,
        /// `Retry-After`, when the server sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// More redirects than `max_redirects`, or a redirect loop.
    #[error("too many redirects fetching {url} (limit {limit}, last hop {last})")]
    TooManyRedirects {
        /// The URL first asked for.
        url: String,
        /// The configured limit.
        limit: usize,
        /// The last location seen.
        last: String,
    },
    /// A redirect without a usable `Location`.
    #[error("{url} redirected with HTTP {status} but gave no usable Location")]
    BadRedirect {
        /// The URL.
        url: String,
        /// The redirect status.
        status: u16,
    },
    /// The body grew past `max_body_bytes`; it was cut off and dropped.
    #[error("body of {url} exceeds the {limit}-byte limit; cut off")]
    BodyTooLarge {
        /// The URL.
        url: String,
        /// The configured limit in bytes.
        limit: u64,
    },
    /// robots.txt of the host disallows this URL for our user agent.
    #[error("not fetching {url}: {reason}")]
    DisallowedByRobots {
        /// The URL.
        url: String,
        /// Why: a Disallow rule, or robots.txt being unavailable (5xx).
        reason: String,
    },
    /// The HTTP client could not be built from the configuration.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    /// True for failures worth retrying later (timeouts, connection
    /// problems, 5xx, 429); false for those that will not go away by
    /// themselves (4xx, robots, guard, limits).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Connect { .. } | FetchError::Dns { .. } => true,
            FetchError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The HTTP status, when the failure is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

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
