//! # polmon-fetch
//!
//! Politics Monitor's fetching and scheduling core: everything between a
//! source URL and the bytes of a feed or page, plus the pure helpers that
//! decide *when* to poll and *what* a feed, sitemap or OPML file contains.
//!
//! **Owns**
//! - [`Fetcher`]: async HTTP GET (tokio + reqwest/rustls-ring) with a
//!   User-Agent naming the product and a contact URL, connect/read/request
//!   timeouts, a streamed body cap, hand-followed redirects with a cap,
//!   retries with exponential backoff and jitter (5xx, timeouts, broken
//!   connections; never 4xx), conditional GET ([`Validators`] →
//!   [`FetchOutcome::NotModified`]) and gzip/brotli/deflate decoding.
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
//! - Pure discovery helpers: [`discover_feeds`] (`<link rel="alternate">`),
//!   [`parse_sitemap`] (incl. Google News), [`parse_opml`] / [`write_opml`],
//!   [`normalize_url`] for dedup keys.
//! - [`parse_feed`]: RSS/Atom/JSON Feed over `feed-rs` into [`FeedItem`]s,
//!   repairing common breakage (bare `&`, HTML entities, wrong encodings).
//!
//! **Does not own**: storing sources, their state or items (the store);
//! running the crawl loop or deciding which items are new (the pipeline);
//! extracting article text from pages (polmon-extract).
//!
//! ```no_run
//! use polmon_fetch::{parse_feed, FetchConfig, FetchOutcome, FetchRequest, Fetcher, SchedulePolicy, SourceState};
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
mod discover;
mod error;
mod feed;
mod fetcher;
pub mod guard;
mod normalize;
mod opml;
mod politeness;
mod robots;
pub mod schedule;
mod sitemap;
mod xml;

pub use config::FetchConfig;
pub use discover::{discover_feeds, DiscoveredFeed, FeedKind};
pub use error::{FetchError, ParseError};
pub use feed::{parse_feed, FeedItem, ParsedFeed, Repair};
pub use fetcher::{FetchOutcome, FetchRequest, FetchedPage, Fetcher, Validators};
pub use guard::{classify, AddressClass, AddressPolicy};
pub use normalize::{is_tracking_param, normalize as normalize_url_in_place, normalize_str as normalize_url};
pub use opml::{parse_opml, write_opml, OpmlDocument, OpmlFeed};
pub use robots::Robots;
pub use schedule::{due_sources, next_wakeup, PollRecord, SchedulePolicy, SourceState, UnixTime};
pub use sitemap::{parse_sitemap, NewsEntry, Sitemap, SitemapRef, SitemapUrl};
pub use xml::parse_w3c_datetime;
