//! Live ingestion: the sources Politics Monitor polls, and the polite crawler that runs
//! their new items through the [`polmon_pipeline::Pipeline`].
//!
//! **Owns**: adding sources (a feed, a sitemap, or a home page announcing a feed:
//! [`sources::probe`], OPML import), their status for `sources list` and `/sources`
//! ([`sources::statuses`]), and the crawl loop ([`Crawler`]): which sources are due, which
//! items are new, fetching their pages, storing them, saving each source's state.
//!
//! **Does not own**: HTTP, politeness and the address guard (`polmon-fetch`), parsing
//! feeds and sitemaps (`polmon-feeds`), extraction and enrichment (`polmon-pipeline`).
#![deny(missing_docs)]

mod crawler;
pub mod sources;

pub use crawler::{Crawler, PollReport, SOURCE_LEASE_SECS};

use polmon_feeds::ParseError;
use polmon_fetch::{FetchConfig, FetchError, SchedulePolicy};
use polmon_store::StoreError;

/// How the crawler fetches and schedules.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// The fetcher's settings (User-Agent, timeouts, politeness, private addresses).
    pub fetch: FetchConfig,
    /// The polling schedule.
    pub policy: SchedulePolicy,
    /// Pages fetched per source and poll at most; the rest wait for the next poll.
    pub max_items_per_poll: usize,
    /// Sources polled at the same time.
    pub max_sources_at_once: usize,
    /// Child sitemaps of a sitemap index read per poll (newest first).
    pub max_child_sitemaps: usize,
    /// Pages of one source fetched and stored at the same time (the fetcher still asks
    /// one host one thing at a time).
    pub max_items_at_once: usize,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            fetch: FetchConfig::default(),
            policy: SchedulePolicy::default(),
            max_items_per_poll: 100,
            max_sources_at_once: 8,
            max_child_sitemaps: 5,
            max_items_at_once: 4,
        }
    }
}

/// Why a crawl step failed.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// Ingesting a page failed.
    #[error(transparent)]
    Ingest(#[from] polmon_pipeline::IngestError),
    /// Fetching failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A feed or sitemap could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The URL is not a feed, a sitemap, nor a page announcing a feed.
    #[error("{url} is neither a feed nor a sitemap, and announces no feed (<link rel=\"alternate\">): {detail}")]
    NotASource {
        /// The URL.
        url: String,
        /// What was found instead.
        detail: String,
    },
    /// The URL cannot be parsed.
    #[error("invalid URL {0:?}")]
    InvalidUrl(String),
}

