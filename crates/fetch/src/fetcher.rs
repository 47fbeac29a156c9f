//! The polite, guarded HTTP fetcher.
//!
//! One [`Fetcher`] is shared by all crawl tasks (it is cheap to clone). For
//! each hop of a fetch it: refuses non-http(s) URLs and literal non-public
//! addresses; takes the host's slot (one request at a time per host);
//! consults the host's robots.txt (fetched once, cached for `robots_ttl`);
//! waits out the per-host delay (or the robots `Crawl-delay`); takes a global
//! concurrency permit; sends the request through the guarded resolver; and
//! streams the body up to `max_body_bytes`. 5xx, timeouts and broken
//! connections are retried with exponential backoff and jitter; 4xx are not.
//! Redirects are followed by hand, each hop going through all of the above.
//! A budget of `total_timeout` covers the network time and retry waits
//! of all hops together; politeness waits are not charged to it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::backoff::{parse_retry_after, retry_delay, Jitter};
use crate::config::FetchConfig;
use crate::error::FetchError;
use crate::guard::{classify, find_blocked, guarded_client_builder, AddressPolicy};
use crate::politeness::{HostSlot, Hosts, RobotsEntry};
use crate::robots::Robots;

const TARGET: &str = "polmon_fetch";
/// robots.txt larger than this is cut (RFC 9309 asks for at least 500 KiB).
const ROBOTS_MAX_BYTES: u64 = 512 * 1024;

/// Cache validators of a response, to send back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    /// The `ETag` header, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` header, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }

    fn from_headers(h: &HeaderMap) -> Self {
        let get = |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Validators { etag: get(header::ETAG), last_modified: get(header::LAST_MODIFIED) }
    }

    fn or(self, other: &Validators) -> Self {
        Validators {
            etag: self.etag.or_else(|| other.etag.clone()),
            last_modified: self.last_modified.or_else(|| other.last_modified.clone()),
        }
    }
}

/// What to fetch.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    /// The URL.
    pub url: Url,
    /// Validators from the previous fetch, for a conditional GET.
    pub validators: Validators,
    /// `Accept` header; `None` sends one suited to feeds and pages.
    pub accept: Option<String>,
}

impl FetchRequest {
    /// A plain GET of `url`.
    pub fn new(url: Url) -> Self {
        FetchRequest { url, validators: Validators::default(), accept: None }
    }

    /// Makes it a conditional GET.
    pub fn with_validators(mut self, validators: Validators) -> Self {
        self.validators = validators;
        self
    }
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The URL asked for.
    pub requested_url: Url,
    /// The URL the body came from, after redirects.
    pub final_url: Url,
    /// HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// Validators to store for the next conditional GET.
    pub validators: Validators,
    /// The decompressed body.
    pub body: Bytes,
    /// Every redirect hop, in order.
    pub redirects: Vec<Url>,
    /// Requests made, including retries and redirects (not robots.txt).
    pub attempts: u32,
}

/// The result of a successful fetch.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// New content.
    Fetched(FetchedPage),
    /// `304 Not Modified`: the stored copy is current.
    NotModified {
        /// The URL answered 304 (after redirects).
        final_url: Url,
        /// Validators to keep (the server's, else the ones sent).
        validators: Validators,
    },
}

/// The polite, guarded HTTP fetcher. Clone it freely: clones share the
/// connection pool, the per-host state and the concurrency limit.
#[derive(Clone, Debug)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    config: FetchConfig,
    policy: Arc<AddressPolicy>,
    hosts: Hosts,
    permits: Semaphore,
    jitter: Jitter,
    /// Turns shared with other fetchers (other processes), if any.
    shared_turns: Option<Arc<dyn crate::SharedTurns>>,
}

/// What is left of one fetch's `total_timeout`. Charged with the time spent
/// sending requests and reading bodies, and with retry waits; not with waits
/// for the host's politeness turn or a concurrency permit.
#[derive(Debug, Clone, Copy)]
struct Budget {
    total: Duration,
    left: Duration,
}

impl Budget {
    fn new(total: Duration) -> Self {
        Budget { total, left: total }
    }

    fn spend(&mut self, d: Duration) {
        self.left = self.left.saturating_sub(d);
    }

    fn exceeded(&self, url: &Url, attempts: u32) -> FetchError {
        FetchError::Deadline { url: url.to_string(), deadline: self.total, attempts }
    }
}

/// One response, before redirect handling.
enum Hop {
    Redirect { status: u16, location: Option<String> },
    NotModified(Validators),
    Body { status: u16, content_type: Option<String>, validators: Validators, body: Bytes },
    Status { status: u16, retry_after: Option<Duration> },
}

impl Fetcher {
    /// Builds a fetcher (and its HTTP client) from `config`.
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let policy = Arc::new(AddressPolicy {
            allow_private: config.allow_private,
            allowed_addresses: config.allowed_addresses.clone(),
        });
        let client = guarded_client_builder(policy.clone())
            .user_agent(config.user_agent())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(2)
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| FetchError::Client(error_chain(&e)))?;
        let permits = Semaphore::new(config.max_concurrency.max(1));
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                config,
                policy,
                hosts: Hosts::default(),
                permits,
                jitter: Jitter::new(),
                shared_turns: None,
            }),
        })
    }

    /// A fetcher that also takes each request's turn at its host from `turns`, shared
    /// with other processes' fetchers (besides its own one-request-at-a-time rule).
    pub fn with_shared_turns(config: FetchConfig, turns: Arc<dyn crate::SharedTurns>) -> Result<Self, FetchError> {
        let mut fetcher = Fetcher::new(config)?;
        Arc::get_mut(&mut fetcher.inner).expect("a new fetcher is not shared yet").shared_turns = Some(turns);
        Ok(fetcher)
    }

    /// Waits for this request's shared turn at `url`'s host, if turns are shared. A
    /// reservation that fails (the store away) is logged and the request goes on its
    /// local turn alone.
    async fn shared_turn(&self, url: &Url, gap: Duration) {
        let Some(turns) = self.inner.shared_turns.clone() else { return };
        let origin = url.origin().ascii_serialization();
        let reserved = tokio::task::spawn_blocking(move || turns.reserve(&origin, gap)).await;
        match reserved {
            Ok(Ok(wait)) if !wait.is_zero() => tokio::time::sleep(wait).await,
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(target: TARGET, url = %url, error = %e, "no shared turn: going on the local one"),
            Err(e) => tracing::warn!(target: TARGET, url = %url, error = %e, "no shared turn: going on the local one"),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &FetchConfig {
        &self.inner.config
    }

    /// GETs `url` (unconditionally).
    pub async fn fetch(&self, url: &Url) -> Result<FetchOutcome, FetchError> {
        self.fetch_with(&FetchRequest::new(url.clone())).await
    }

    /// GETs `req.url`, conditionally when validators are given, following redirects.
    pub async fn fetch_with(&self, req: &FetchRequest) -> Result<FetchOutcome, FetchError> {
        let cfg = &self.inner.config;
        let mut url = req.url.clone();
        let mut redirects: Vec<Url> = Vec::new();
        let mut attempts = 0;
        let mut budget = Budget::new(cfg.total_timeout);
        loop {
            let (hop, tries) = match self.fetch_hop(&url, req, &mut budget).await {
                Ok(done) => done,
                Err(FetchError::Deadline { url, deadline, attempts: tries }) => {
                    return Err(FetchError::Deadline { url, deadline, attempts: attempts + tries });
                }
                Err(e) => return Err(e),
            };
            attempts += tries;
            match hop {
                Hop::Redirect { status, location } => {
                    let next = location
                        .and_then(|l| url.join(l.trim()).ok())
                        .ok_or_else(|| FetchError::BadRedirect { url: url.to_string(), status })?;
                    let looped = next == req.url || redirects.contains(&next);
                    if redirects.len() >= cfg.max_redirects || looped {
                        return Err(FetchError::TooManyRedirects {
                            url: req.url.to_string(),
                            limit: cfg.max_redirects,
                            last: next.to_string(),
                        });
                    }
                    tracing::debug!(target: TARGET, from = %url, to = %next, status, "redirect");
                    redirects.push(next.clone());
                    url = next;
                }
                Hop::NotModified(v) => {
                    return Ok(FetchOutcome::NotModified { final_url: url, validators: v.or(&req.validators) });
                }
                Hop::Body { status, content_type, validators, body } => {
                    return Ok(FetchOutcome::Fetched(FetchedPage {
                        requested_url: req.url.clone(),
                        final_url: url,
                        status,
                        content_type,
                        validators,
                        body,
                        redirects,
                        attempts,
                    }));
                }
                Hop::Status { status, retry_after } => {
                    return Err(FetchError::Status { url: url.to_string(), status, attempts: tries, retry_after });
                }
            }
        }
    }

    /// The robots.txt that governs `url` (fetched and cached as for a page fetch).
    pub async fn robots_for(&self, url: &Url) -> Result<Arc<Robots>, FetchError> {
        self.check_url(url)?;
        let slot = self.inner.hosts.slot(&url.origin().ascii_serialization(), self.idle_after());
        let mut slot = slot.lock().await;
        Ok(self.robots_locked(&mut slot, url).await?.robots)
    }

    fn idle_after(&self) -> Duration {
        let c = &self.inner.config;
        (c.per_host_delay.max(c.max_crawl_delay)).max(Duration::from_secs(60))
    }

    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedScheme { url: url.to_string(), scheme: url.scheme().to_owned() });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(FetchError::InvalidUrl { url: url.to_string(), reason: "no host".into() });
        }
        self.inner
            .policy
            .check_url(url)
            .map_err(|(addr, class)| FetchError::PrivateAddress { url: url.to_string(), addr, class })
    }

    /// One hop: politeness, robots, retries, within what is left of `budget`.
    /// Returns the response and the number of attempts.
    async fn fetch_hop(&self, url: &Url, req: &FetchRequest, budget: &mut Budget) -> Result<(Hop, u32), FetchError> {
        let cfg = &self.inner.config;
        self.check_url(url)?;
        let slot = self.inner.hosts.slot(&url.origin().ascii_serialization(), self.idle_after());
        let mut slot = slot.lock().await;
        let mut delay = cfg.per_host_delay;
        if cfg.respect_robots && url.path() != "/robots.txt" {
            let entry = self.robots_locked(&mut slot, url).await?;
            let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
            if !entry.robots.is_allowed(cfg.robots_token(), path) {
                let reason = entry.unavailable.unwrap_or_else(|| "robots.txt disallows it for our user agent".into());
                return Err(FetchError::DisallowedByRobots { url: url.to_string(), reason });
            }
            if let Some(cd) = entry.robots.crawl_delay(cfg.robots_token()) {
                delay = delay.max(cd.min(cfg.max_crawl_delay));
            }
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            slot.wait_turn(delay).await;
            self.shared_turn(url, delay).await;
            let result = {
                let _permit = self.inner.permits.acquire().await.map_err(|_| FetchError::Client("fetcher closed".into()))?;
                let started = Instant::now();
                let sent = tokio::time::timeout(budget.left, self.send_once(url, req, cfg.max_body_bytes)).await;
                budget.spend(started.elapsed());
                sent.unwrap_or_else(|_| Err(budget.exceeded(url, attempt)))
            };
            slot.last_request_end = Some(Instant::now());
            let retryable = match &result {
                Ok(Hop::Status { status, .. }) => *status >= 500,
                Err(FetchError::Timeout { .. } | FetchError::Connect { .. }) => true,
                _ => false,
            };
            let wait = retry_delay(attempt - 1, cfg.retry_base_delay, cfg.retry_max_delay, self.inner.jitter.next());
            if !retryable || attempt > cfg.max_retries || wait >= budget.left {
                if retryable && attempt <= cfg.max_retries {
                    tracing::debug!(target: TARGET, url = %url, attempt, "no time left to retry");
                }
                return match result {
                    Ok(hop) => Ok((hop, attempt)),
                    Err(FetchError::Timeout { url, .. }) => Err(FetchError::Timeout { url, attempts: attempt }),
                    Err(FetchError::Connect { url, reason, .. }) => Err(FetchError::Connect { url, attempts: attempt, reason }),
                    Err(e) => Err(e),
                };
            }
            tracing::debug!(target: TARGET, url = %url, attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            budget.spend(wait);
        }
    }

    /// The host's robots.txt, fetching it when missing or expired. The caller holds the host slot.
    async fn robots_locked(&self, slot: &mut HostSlot, page: &Url) -> Result<RobotsEntry, FetchError> {
        if let Some(entry) = slot.fresh_robots() {
            return Ok(entry.clone());
        }
        let cfg = &self.inner.config;
        let mut robots_url = page.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        slot.wait_turn(cfg.per_host_delay).await;
        self.shared_turn(&robots_url, cfg.per_host_delay).await;
        let result = {
            let _permit = self.inner.permits.acquire().await.map_err(|_| FetchError::Client("fetcher closed".into()))?;
            let own_budget = Budget::new(cfg.total_timeout);
            tokio::time::timeout(own_budget.left, self.fetch_robots(&robots_url))
                .await
                .unwrap_or_else(|_| Err(own_budget.exceeded(&robots_url, 1)))
        };
        slot.last_request_end = Some(Instant::now());
        let now = Instant::now();
        let (robots, ttl, unavailable) = match result {
            Ok(Hop::Body { body, .. }) => (Robots::parse(&String::from_utf8_lossy(&body)), cfg.robots_ttl, None),
            Ok(Hop::Status { status, .. }) if (400..500).contains(&status) => (Robots::allow_all(), cfg.robots_ttl, None),
            Ok(Hop::Status { status, .. }) => (
                Robots::disallow_all(),
                cfg.robots_error_ttl,
                Some(format!("robots.txt answered HTTP {status}; the host is left alone for a while")),
            ),
            Ok(Hop::NotModified(_) | Hop::Redirect { .. }) => (Robots::allow_all(), cfg.robots_ttl, None),
            Err(FetchError::BodyTooLarge { .. }) => (Robots::allow_all(), cfg.robots_ttl, None),
            Err(FetchError::PrivateAddress { addr, class, .. }) => {
                return Err(FetchError::PrivateAddress { url: page.to_string(), addr, class });
            }
            Err(e @ (FetchError::Dns { .. } | FetchError::InvalidUrl { .. } | FetchError::UnsupportedScheme { .. })) => {
                return Err(e);
            }
            Err(e) => (
                Robots::disallow_all(),
                cfg.robots_error_ttl,
                Some(format!("robots.txt could not be fetched ({e}); the host is left alone for a while")),
            ),
        };
        tracing::debug!(target: TARGET, url = %robots_url, unavailable = unavailable.is_some(), "robots.txt cached");
        let entry = RobotsEntry { robots: Arc::new(robots), expires: now + ttl, unavailable };
        slot.robots = Some(entry.clone());
        Ok(entry)
    }

    /// GETs a robots.txt, following up to five redirects (each hop guarded), without retries.
    async fn fetch_robots(&self, url: &Url) -> Result<Hop, FetchError> {
        let mut url = url.clone();
        let req = FetchRequest { accept: Some("text/plain, */*;q=0.5".into()), ..FetchRequest::new(url.clone()) };
        for _ in 0..=5 {
            self.check_url(&url)?;
            match self.send_once(&url, &req, ROBOTS_MAX_BYTES).await? {
                Hop::Redirect { location, .. } => match location.and_then(|l| url.join(&l).ok()) {
                    Some(next) => url = next,
                    None => return Ok(Hop::Status { status: 404, retry_after: None }),
                },
                other => return Ok(other),
            }
        }
        Ok(Hop::Status { status: 404, retry_after: None })
    }

    /// One request and its body, no retries, no redirects.
    async fn send_once(&self, url: &Url, req: &FetchRequest, max_body: u64) -> Result<Hop, FetchError> {
        let mut rb = self.inner.client.get(url.clone()).header(
            header::ACCEPT,
            req.accept.as_deref().unwrap_or(
                "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.9, */*;q=0.8",
            ),
        );
        if let Some(etag) = req.validators.etag.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            rb = rb.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = req.validators.last_modified.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            rb = rb.header(header::IF_MODIFIED_SINCE, lm);
        }
        let mut resp = rb.send().await.map_err(|e| self.map_error(url, &e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers();
        match status {
            301 | 302 | 303 | 307 | 308 => {
                let location = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
                return Ok(Hop::Redirect { status, location });
            }
            304 => return Ok(Hop::NotModified(Validators::from_headers(headers))),
            200..=299 => {}
            _ => {
                let retry_after = headers
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, SystemTime::now()));
                return Ok(Hop::Status { status, retry_after });
            }
        }
        let validators = Validators::from_headers(headers);
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        if resp.content_length().is_some_and(|n| n > max_body) {
            return Err(FetchError::BodyTooLarge { url: url.to_string(), limit: max_body });
        }
        let mut body: Vec<u8> = Vec::with_capacity(resp.content_length().unwrap_or(0).min(max_body) as usize);
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_error(url, &e))? {
            if body.len() as u64 + chunk.len() as u64 > max_body {
                tracing::warn!(target: TARGET, url = %url, limit = max_body, "body too large, cut");
                return Err(FetchError::BodyTooLarge { url: url.to_string(), limit: max_body });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Hop::Body { status, content_type, validators, body: Bytes::from(body) })
    }

    fn map_error(&self, url: &Url, e: &reqwest::Error) -> FetchError {
        if let Some(b) = find_blocked(e) {
            return FetchError::PrivateAddress { url: url.to_string(), addr: b.addr, class: classify(b.addr) };
        }
        let chain = error_chain(e);
        if e.is_timeout() || chain.contains("timed out") {
            return FetchError::Timeout { url: url.to_string(), attempts: 1 };
        }
        if e.is_connect() && chain.contains("dns error") {
            return FetchError::Dns { url: url.to_string(), reason: chain };
        }
        FetchError::Connect { url: url.to_string(), attempts: 1, reason: chain }
    }
}

/// An error and its sources, joined with ": ".
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}
