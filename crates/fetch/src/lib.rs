//! # polmon-fetch
//!
//! Politics Monitor's HTTP edge: everything between a source URL and the
//! bytes of a feed or page, plus the pure schedule arithmetic that decides
//! *when* to poll. What the bytes contain (feeds, sitemaps, OPML, announced
//! feeds, URL keys) is `polmon-feeds`' business.
//!
//! **Owns**
//! - [`Fetcher`]: async HTTP GET (tokio + reqwest/rustls-ring) with a
//!   User-Agent naming the product and a contact URL, connect/read/request
//!   timeouts, a **total deadline per fetch** (`total_timeout`: all
//!   attempts, retry waits, redirects and body reads together, so one
//!   server trickling bytes cannot hold a source for minutes), a streamed
//!   body cap, hand-followed redirects with a cap, retries with exponential
//!   backoff and jitter (5xx, timeouts, broken connections; never 4xx),
//!   `Retry-After` in seconds or as an HTTP date, conditional GET
//!   ([`Validators`] → [`FetchOutcome::NotModified`]) and
//!   gzip/brotli/deflate decoding.
//! - [`guard`]: the private-address guard. Host names are resolved by a
//!   resolver inside the HTTP client that drops loopback, RFC 1918, ULA,
//!   link-local, multicast, CGNAT, … addresses (IPv4-mapped too), so the
//!   connection goes to the address that was checked (no DNS rebinding);
//!   literal IPs are checked on every redirect hop. Off with `allow_private`.
//! - Politeness: robots.txt ([`Robots`]) fetched once per host and cached
//!   (4xx = allow all, 5xx = leave the host alone for `robots_error_ttl`),
//!   one request at a time per host with a minimum delay (raised by
//!   `Crawl-delay`), and a global concurrency limit.
//! - [`schedule`] (pure): per-source adaptive poll interval, failure backoff,
//!   serialisable [`SourceState`], [`due_sources`] ordering.
//! - One error type, [`FetchError`], with [`FetchError::is_transient`].
//!
//! **Does not own**: parsing what was fetched (`polmon-feeds`: feeds,
//! sitemaps, OPML, discovery, URL normalisation); storing sources, their
//! state or items (the store); running the crawl loop or deciding which
//! items are new (the pipeline); extracting article text (polmon-extract).
//!
//! ```no_run
//! use polmon_fetch::{FetchConfig, FetchOutcome, FetchRequest, Fetcher, SchedulePolicy, SourceState};
//! use polmon_feeds::parse_feed;
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let fetcher = Fetcher::new(FetchConfig { contact_url: "https://pm.example/about-bot".into(), ..FetchConfig::default() })?;
//! let policy = SchedulePolicy::default();
//! let now = 1_700_000_000;
//! let mut state = SourceState::new(now, &policy);
//! let url = url::Url::parse("https://www.example.com/rss.xml")?;
//! match fetcher.fetch_with(&FetchRequest::new(url.clone())).await {
//!     Ok(FetchOutcome::Fetched(page)) => {
//!         let feed = parse_feed(&page.body, Some(&page.final_url))?;
//!         // …store page.validators and the items, count the new ones…
//!         state.record_success(now, feed.items.len() as u32, &policy);
//!     }
//!     Ok(FetchOutcome::NotModified { .. }) => state.record_not_modified(now, &policy),
//!     Err(e) => state.record_failure(now, e.to_string(), &policy),
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod backoff;
mod config;
mod error;
mod fetcher;
pub mod guard;
mod politeness;
mod robots;
pub mod schedule;

pub use config::FetchConfig;
pub use error::FetchError;
pub use fetcher::{FetchOutcome, FetchRequest, FetchedPage, Fetcher, Validators};
pub use backoff::{parse_retry_after, retry_delay, Jitter};
pub use guard::{classify, guarded_client_builder, refused_address, AddressClass, AddressPolicy};
pub use politeness::SharedTurns;
pub use robots::Robots;
pub use schedule::{due_sources, next_wakeup, PollRecord, SchedulePolicy, SourceState, UnixTime};
