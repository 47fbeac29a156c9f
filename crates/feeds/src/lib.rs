//! # polmon-feeds
//!
//! Politics Monitor's pure feed code: bytes that were already fetched (or
//! read from a file) in, structured data out. No tokio, no HTTP, no clock,
//! no file system, so everything here is fast to test and to benchmark.
//!
//! **Owns**
//! - [`parse_feed`]: RSS 0.9x/1.0/2.0, Atom and JSON Feed over `feed-rs` into
//!   [`FeedItem`]s (link, title, dates, authors, plain-text summary, full HTML
//!   content, guid, categories, language) and the feed's title, language and
//!   site, repairing common breakage (wrong or missing encodings, a stray
//!   invalid UTF-8 byte, bare `&`, HTML entities, truncation); what was
//!   repaired is reported as [`Repair`]s. The one feed parser of the
//!   workspace: the crawler and file ingest both use it.
//! - [`parse_sitemap`]: `<urlset>` (with Google News entries),
//!   `<sitemapindex>`, plain-text and gzipped sitemaps.
//! - [`parse_opml`] / [`write_opml`]: subscription lists, folders as categories.
//! - [`discover_feeds`]: the feeds a page announces (`<link rel="alternate">`).
//! - [`normalize_url`]: the one URL normaliser, giving the dedup key of an
//!   article or a source (tracking parameters, fragment and default port
//!   dropped, parameters sorted); [`normalize`] does it in place.
//! - Text helpers shared with the pipeline and the web pages:
//!   [`escape_html`], [`decode_entities`], [`strip_tags`], [`host_of`].
//! - [`parse_w3c_datetime`] for sitemap and feed dates.
//! - One error type, [`ParseError`].
//!
//! **Does not own**: fetching anything (HTTP, robots.txt, politeness,
//! schedules: `polmon-fetch`); deciding which items are new or storing them
//! (the pipeline and the store); extracting article text from pages
//! (`polmon-extract`); sanitising HTML for display (the web crate).
//!
//! ```
//! use polmon_feeds::{normalize_url, parse_feed};
//!
//! let rss = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <rss version="2.0"><channel><title>Example News</title><language>en</language>
//!   <item><title>Budget passes</title><link>/politics/budget?utm_source=rss</link>
//!     <description>&lt;p&gt;The vote was &lt;b&gt;close&lt;/b&gt;.&lt;/p&gt;</description></item>
//! </channel></rss>"#;
//! let base = url::Url::parse("https://news.example.com/rss.xml").unwrap();
//! let feed = parse_feed(rss, Some(&base)).unwrap();
//! assert_eq!(feed.title.as_deref(), Some("Example News"));
//! let item = &feed.items[0];
//! assert_eq!(item.summary.as_deref(), Some("The vote was close."));
//! assert_eq!(item.language.as_deref(), Some("en"));
//! let key = normalize_url(item.link.as_deref().unwrap()).unwrap();
//! assert_eq!(key, "https://news.example.com/politics/budget");
//! ```

#![deny(missing_docs)]

mod discover;
mod error;
mod feed;
mod normalize;
mod opml;
mod sitemap;
mod text;
mod xml;

pub use discover::{discover_feeds, DiscoveredFeed, FeedKind};
pub use error::ParseError;
pub use feed::{parse_feed, FeedItem, ParsedFeed, Repair};
pub use normalize::{is_tracking_param, normalize, normalize_url, parse_normalized};
pub use opml::{parse_opml, write_opml, OpmlDocument, OpmlFeed};
pub use sitemap::{parse_sitemap, NewsEntry, Sitemap, SitemapRef, SitemapUrl};
pub use text::{decode_entities, escape_html, host_of, strip_tags};
pub use xml::parse_w3c_datetime;
