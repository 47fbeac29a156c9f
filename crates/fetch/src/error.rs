//! The crate's one error type. (Parsing errors are `polmon_feeds::ParseError`.)

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
    /// The whole fetch (attempts, retry waits, redirects, body reads) took
    /// longer than `total_timeout`: the server is too slow, typically
    /// trickling its answer.
    #[error("gave up on {url}: no complete answer within the total deadline of {}s per fetch ({attempts} attempt(s)); the server is too slow (raise total_timeout to wait longer)", deadline.as_secs_f64())]
    Deadline {
        /// The URL being fetched when the deadline passed.
        url: String,
        /// The configured `total_timeout`.
        deadline: Duration,
        /// How many attempts were made (the last one cut short).
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
        /// `Retry-After` (delay-seconds or an HTTP date), as a delay from the answer.
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
    /// True for failures worth retrying later (timeouts, the total
    /// deadline, connection problems, 5xx, 429); false for those that will
    /// not go away by themselves (4xx, robots, guard, limits).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Deadline { .. } | FetchError::Connect { .. } | FetchError::Dns { .. } => true,
            FetchError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// True when the server was too slow: a request timed out
    /// ([`FetchError::Timeout`]) or the whole fetch ran past its deadline
    /// ([`FetchError::Deadline`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, FetchError::Timeout { .. } | FetchError::Deadline { .. })
    }

    /// The HTTP status, when the failure is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
