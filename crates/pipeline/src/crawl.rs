//! Live ingestion: polling the configured sources (feeds and sitemaps) and running the
//! new items' pages through the [`Pipeline`].
//!
//! The fetching itself (politeness, robots.txt, the private-address guard, retries,
//! conditional GET) is `polmon-fetch`'s; the schedule arithmetic is its
//! [`SourceState`]. This module owns the loop: which sources to poll, which items are
//! new, fetching their pages, storing them, and saving each source's state.
//!
//! **Crash safety.** An item is marked seen only after its article is stored, and a
//! source's validators and state are saved only after all its items are dealt with, so
//! a `kill -9` at any point loses nothing: the next poll fetches the feed again and
//! finds the unseen items. An item whose article was stored just before the kill (but
//! not yet marked seen) is recognised by its URL and is not fetched a second time.

use std::sync::Arc;
use std::time::Duration;

use polmon_feeds::{discover_feeds, parse_feed, parse_sitemap, ParseError, Sitemap, SitemapUrl};
use polmon_fetch::{FetchConfig, FetchError, FetchOutcome, FetchRequest, Fetcher, SchedulePolicy, SourceState, Validators};
use polmon_store::{Facet, SourceKind, SourceRecord, Store, StoreError};
use url::Url;

use crate::{InputItem, Outcome, Pipeline};

const TARGET: &str = "polmon::crawl";

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
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            fetch: FetchConfig::default(),
            policy: SchedulePolicy::default(),
            max_items_per_poll: 100,
            max_sources_at_once: 8,
            max_child_sitemaps: 5,
        }
    }
}

/// Why a crawl step failed.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
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

/// What a URL given to `sources add` turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The feed or sitemap URL to poll (normalised, after redirects).
    pub url: String,
    /// Feed or sitemap.
    pub kind: SourceKind,
    /// The feed's title, if any.
    pub title: Option<String>,
    /// The site's home page, if known.
    pub site_url: Option<String>,
    /// Further feeds the page announced (not added).
    pub other_feeds: Vec<String>,
}

fn fetched(outcome: FetchOutcome, url: &Url) -> Result<polmon_fetch::FetchedPage, CrawlError> {
    match outcome {
        FetchOutcome::Fetched(p) => Ok(p),
        FetchOutcome::NotModified { .. } => {
            Err(CrawlError::NotASource { url: url.to_string(), detail: "304 Not Modified without validators".into() })
        }
    }
}

fn normalized(url: &Url) -> String {
    let mut u = url.clone();
    polmon_fetch::normalize_url_in_place(&mut u);
    u.to_string()
}

/// Fetches `url` once and finds out what it is: a feed, a sitemap (also Google News or
/// an index), or a page whose `<link rel="alternate">` announces a feed (the first is
/// taken, and checked to parse).
pub async fn probe(fetcher: &Fetcher, url: &str) -> Result<Probe, CrawlError> {
    let url = Url::parse(url.trim()).map_err(|_| CrawlError::InvalidUrl(url.to_string()))?;
    let page = fetched(fetcher.fetch(&url).await?, &url)?;
    if let Some(kind) = classify_document(&page.body, page.content_type.as_deref(), &page.final_url) {
        let (kind, title, site_url) = kind;
        return Ok(Probe { url: normalized(&page.final_url), kind, title, site_url, other_feeds: Vec::new() });
    }
    let html = String::from_utf8_lossy(&page.body);
    let found = discover_feeds(&html, &page.final_url);
    let Some(first) = found.first() else {
        let ct = page.content_type.clone().unwrap_or_else(|| "no Content-Type".into());
        return Err(CrawlError::NotASource { url: url.to_string(), detail: format!("got {ct}, {} bytes", page.body.len()) });
    };
    let feed_page = fetched(fetcher.fetch(&first.url).await?, &first.url)?;
    let feed = parse_feed(&feed_page.body, Some(&feed_page.final_url))?;
    Ok(Probe {
        url: normalized(&feed_page.final_url),
        kind: SourceKind::Feed,
        title: feed.title.or_else(|| first.title.clone()),
        site_url: Some(normalized(&page.final_url)),
        other_feeds: found[1..].iter().map(|f| f.url.to_string()).collect(),
    })
}

/// `(kind, title, site_url)` when the document is a sitemap or a feed.
fn classify_document(body: &[u8], content_type: Option<&str>, url: &Url) -> Option<(SourceKind, Option<String>, Option<String>)> {
    let text_start: Vec<u8> = body.iter().copied().skip_while(|b| b.is_ascii_whitespace()).take(512).collect();
    let head = String::from_utf8_lossy(&text_start).to_ascii_lowercase();
    let is_html = head.contains("<html") || head.contains("<!doctype html");
    let plain = content_type.is_some_and(|c| c.starts_with("text/plain"));
    if !is_html && (head.starts_with('<') || plain || body.starts_with(&[0x1f, 0x8b])) {
        if let Ok(map) = parse_sitemap(body) {
            if !map.is_empty() || head.starts_with('<') {
                return Some((SourceKind::Sitemap, None, None));
            }
        }
    }
    if is_html {
        return None;
    }
    let feed = parse_feed(body, Some(url)).ok()?;
    Some((SourceKind::Feed, feed.title, feed.site_url))
}

/// One item of a feed or sitemap.
#[derive(Debug, Clone)]
struct Entry {
    key: String,
    link: Url,
    fingerprint: String,
    published: Option<String>,
}

fn entry(link: Option<&str>, base: &Url, fingerprint: String, published: Option<String>) -> Option<Entry> {
    let link = base.join(link?.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let key = normalized(&link);
    Some(Entry { link: Url::parse(&key).unwrap_or(link), key, fingerprint, published })
}

fn sitemap_entry(u: &SitemapUrl, base: &Url) -> Option<Entry> {
    let news = u.news.as_ref();
    let fp = news
        .and_then(|n| n.title.clone())
        .or_else(|| u.lastmod.map(|t| t.to_rfc3339()))
        .unwrap_or_default();
    let published = news.and_then(|n| n.publication_date).or(u.lastmod).map(|t| t.to_rfc3339());
    entry(Some(&u.loc), base, fp, published)
}

/// What polling one source did.
#[derive(Debug, Clone, Default)]
pub struct PollReport {
    /// The source.
    pub source_id: i64,
    /// Its URL.
    pub url: String,
    /// The feed answered 304.
    pub not_modified: bool,
    /// Items listed by the feed or sitemap.
    pub listed: usize,
    /// Pages fetched.
    pub fetched: usize,
    /// New articles.
    pub new: usize,
    /// Articles updated (a changed title or text at the same URL).
    pub updated: usize,
    /// Pages whose article was already stored unchanged.
    pub unchanged: usize,
    /// Items given up or to retry: `(page URL, reason)`.
    pub failed: Vec<(String, String)>,
    /// Why the source itself could not be polled.
    pub error: Option<String>,
}

/// The crawler over a pipeline. Share it in an [`Arc`].
#[derive(Debug)]
pub struct Crawler {
    pipeline: Arc<Pipeline>,
    fetcher: Fetcher,
    config: CrawlConfig,
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A source's schedule state as stored (a fresh one if it cannot be read).
pub fn state_of(src: &SourceRecord, policy: &SchedulePolicy) -> SourceState {
    serde_json::from_str(&src.state).unwrap_or_else(|_| SourceState::new(src.next_due, policy))
}

/// The name a source's articles carry: its configured name, else its site's host.
pub fn source_name(src: &SourceRecord) -> String {
    if let Some(n) = src.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        return n.to_owned();
    }
    let url = src.site_url.as_deref().unwrap_or(&src.url);
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.strip_prefix("www.").unwrap_or(h).to_owned()))
        .unwrap_or_else(|| src.url.clone())
}

impl Crawler {
    /// A crawler with its own fetcher.
    pub fn new(pipeline: Arc<Pipeline>, config: CrawlConfig) -> Result<Crawler, CrawlError> {
        let fetcher = Fetcher::new(config.fetch.clone())?;
        Ok(Crawler { pipeline, fetcher, config })
    }

    /// The fetcher (for `sources add`).
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Arc<Pipeline> {
        &self.pipeline
    }

    /// Polls the due sources (every enabled source when `only_due` is false), a few at a
    /// time, then brings the search index up to date.
    pub async fn poll_all(self: &Arc<Self>, only_due: bool) -> Result<Vec<PollReport>, CrawlError> {
        let store = self.pipeline.store().clone();
        let sources: Vec<SourceRecord> = if only_due {
            store.due_sources(unix_now(), usize::MAX >> 1)?
        } else {
            store.sources()?.into_iter().filter(|s| s.enabled).collect()
        };
        let permits = Arc::new(tokio::sync::Semaphore::new(self.config.max_sources_at_once.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (i, src) in sources.into_iter().enumerate() {
            let me = Arc::clone(self);
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (i, me.poll_source(src).await)
            });
        }
        let mut reports = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(r) => reports.push(r),
                Err(e) => tracing::error!(target: TARGET, error = %e, "a poll task failed"),
            }
        }
        reports.sort_by_key(|(i, _)| *i);
        // Only when something was stored: the index writer is shared with other processes.
        if reports.iter().any(|(_, r)| r.new + r.updated + r.unchanged > 0) {
            let pipeline = Arc::clone(&self.pipeline);
            match tokio::task::spawn_blocking(move || pipeline.sync_index()).await {
                Ok(Err(e)) => tracing::warn!(target: TARGET, error = %e, "search index not synchronised"),
                Err(e) => tracing::warn!(target: TARGET, error = %e, "search index task failed"),
                Ok(Ok(_)) => {}
            }
        }
        Ok(reports.into_iter().map(|(_, r)| r).collect())
    }

    /// Polls due sources until `stop` turns true, sleeping until the next one is due
    /// (at most a minute, so sources added meanwhile are picked up).
    pub async fn run(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            match self.poll_all(true).await {
                Ok(reports) => {
                    for r in &reports {
                        tracing::info!(target: TARGET, url = %r.url, new = r.new, updated = r.updated, failed = r.failed.len(), error = ?r.error, "polled");
                    }
                }
                Err(e) => tracing::warn!(target: TARGET, error = %e, "crawl round failed"),
            }
            let next = self.pipeline.store().next_source_due().ok().flatten();
            let wait = next.map_or(60, |t| (t - unix_now()).clamp(1, 60)) as u64;
            // Wakes early when told to stop (or when the sender is gone).
            if let Ok(Err(_)) = tokio::time::timeout(Duration::from_secs(wait), stop.changed()).await {
                return;
            }
        }
    }

    /// Polls one source: fetches its feed or sitemap (conditionally), fetches and stores
    /// the pages of its new items, and saves its state. Never fails: what went wrong is
    /// in the report and in the source's state.
    pub async fn poll_source(&self, src: SourceRecord) -> PollReport {
        let mut report = PollReport { source_id: src.id, url: src.url.clone(), ..Default::default() };
        if let Err(e) = self.poll_inner(&src, &mut report).await {
            report.error = Some(e.to_string());
            let now = unix_now();
            let policy = &self.config.policy;
            let mut state = state_of(&src, policy);
            state.record_failure(now, e.to_string(), policy);
            if let CrawlError::Fetch(FetchError::Status { retry_after: Some(d), .. }) = &e {
                state.defer_until(now + d.as_secs() as i64);
            }
            self.save(&src, &state, &Validators { etag: src.etag.clone(), last_modified: src.last_modified.clone() });
        }
        report
    }

    fn save(&self, src: &SourceRecord, state: &SourceState, v: &Validators) {
        let json = serde_json::to_string(state).unwrap_or_else(|_| "{}".into());
        if let Err(e) = self.pipeline.store().save_source_state(
            src.id,
            &json,
            state.next_due,
            v.etag.as_deref(),
            v.last_modified.as_deref(),
        ) {
            tracing::error!(target: TARGET, source = src.id, error = %e, "cannot save the source state");
        }
    }

    async fn poll_inner(&self, src: &SourceRecord, report: &mut PollReport) -> Result<(), CrawlError> {
        let policy = &self.config.policy;
        let url = Url::parse(&src.url).map_err(|_| CrawlError::InvalidUrl(src.url.clone()))?;
        let validators = Validators { etag: src.etag.clone(), last_modified: src.last_modified.clone() };
        let req = FetchRequest::new(url.clone()).with_validators(validators);
        let page = match self.fetcher.fetch_with(&req).await? {
            FetchOutcome::NotModified { validators, .. } => {
                report.not_modified = true;
                let mut state = state_of(src, policy);
                state.record_not_modified(unix_now(), policy);
                self.save(src, &state, &validators);
                return Ok(());
            }
            FetchOutcome::Fetched(p) => p,
        };
        let entries = match src.kind {
            SourceKind::Sitemap => self.sitemap_entries(&page.body, &page.final_url).await?,
            SourceKind::Feed | SourceKind::Page => {
                let feed = parse_feed(&page.body, Some(&page.final_url))?;
                feed.items
                    .iter()
                    .filter_map(|it| {
                        let published = it.published.or(it.updated).map(|t| t.to_rfc3339());
                        entry(it.link.as_deref(), &page.final_url, it.title.clone().unwrap_or_default(), published)
                    })
                    .collect()
            }
        };
        report.listed = entries.len();
        let name = source_name(src);
        for e in entries {
            if report.fetched >= self.config.max_items_per_poll {
                break;
            }
            self.take_entry(src, &name, e, report).await?;
        }
        let now = unix_now();
        let mut state = state_of(src, policy);
        state.record_success(now, (report.new + report.updated) as u32, policy);
        if let Some((u, why)) = report.failed.first() {
            state.last_error = Some(format!("{} page(s) failed; {u}: {why}", report.failed.len()));
            state.last_error_at = Some(now);
        }
        self.save(src, &state, &page.validators);
        Ok(())
    }

    async fn sitemap_entries(&self, body: &[u8], base: &Url) -> Result<Vec<Entry>, CrawlError> {
        match parse_sitemap(body)? {
            Sitemap::UrlSet(urls) => Ok(urls.iter().filter_map(|u| sitemap_entry(u, base)).collect()),
            Sitemap::Index(mut refs) => {
                refs.sort_by_key(|r| std::cmp::Reverse(r.lastmod));
                let mut out = Vec::new();
                for r in refs.iter().take(self.config.max_child_sitemaps) {
                    let Ok(child) = base.join(r.loc.trim()) else { continue };
                    let page = match self.fetcher.fetch(&child).await {
                        Ok(FetchOutcome::Fetched(p)) => p,
                        Ok(FetchOutcome::NotModified { .. }) => continue,
                        Err(e) => {
                            tracing::warn!(target: TARGET, url = %child, error = %e, "child sitemap not fetched");
                            continue;
                        }
                    };
                    if let Ok(Sitemap::UrlSet(urls)) = parse_sitemap(&page.body) {
                        out.extend(urls.iter().filter_map(|u| sitemap_entry(u, &page.final_url)));
                    }
                }
                Ok(out)
            }
        }
    }

    /// Fetches and stores one item's page unless it was taken before.
    async fn take_entry(&self, src: &SourceRecord, name: &str, e: Entry, report: &mut PollReport) -> Result<(), CrawlError> {
        let store: &Arc<Store> = self.pipeline.store();
        match store.seen_item(src.id, &e.key)? {
            Some(seen) if seen.fingerprint == e.fingerprint || e.fingerprint.is_empty() => return Ok(()),
            Some(_) => {} // changed title: fetch again, the pipeline updates the article
            None => {
                if let Some(id) = store.article_id_by_url(&e.key)? {
                    // Stored already (by another source, or just before a crash).
                    store.mark_seen(src.id, &e.key, &e.fingerprint, Some(id), None)?;
                    return Ok(());
                }
            }
        }
        report.fetched += 1;
        let page = match self.fetcher.fetch(&e.link).await {
            Ok(FetchOutcome::Fetched(p)) => p,
            Ok(FetchOutcome::NotModified { .. }) => return Ok(()),
            Err(err) => {
                let why = err.to_string();
                tracing::info!(target: TARGET, url = %e.link, error = %why, "page not fetched");
                if !err.is_transient() {
                    // Will not go away by itself: do not ask again.
                    store.mark_seen(src.id, &e.key, &e.fingerprint, None, Some(&why))?;
                }
                report.failed.push((e.key.clone(), why));
                return Ok(());
            }
        };
        let item = InputItem::Html {
            bytes: page.body.to_vec(),
            url: Some(e.key.clone()),
            content_type: page.content_type.clone(),
            source: Some(name.to_owned()),
            published: e.published.clone(),
        };
        let pipeline = Arc::clone(&self.pipeline);
        let result = tokio::task::spawn_blocking(move || pipeline.ingest_item(item))
            .await
            .unwrap_or_else(|j| Err(format!("ingest task failed: {j}")));
        match result {
            Ok(outcome) => {
                let id = match outcome {
                    Outcome::New(id) => {
                        report.new += 1;
                        id
                    }
                    Outcome::Updated(id) => {
                        report.updated += 1;
                        id
                    }
                    Outcome::Skipped(id) => {
                        report.unchanged += 1;
                        id
                    }
                };
                store.mark_seen(src.id, &e.key, &e.fingerprint, Some(id), None)?;
            }
            Err(why) => {
                store.mark_seen(src.id, &e.key, &e.fingerprint, None, Some(&why))?;
                report.failed.push((e.key.clone(), why));
            }
        }
        Ok(())
    }
}

/// A source with its schedule state, for `sources list` and the `/sources` page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceStatus {
    /// Store id.
    pub id: i64,
    /// Feed or sitemap URL.
    pub url: String,
    /// The name its articles carry.
    pub name: String,
    /// `feed` or `sitemap`.
    pub kind: &'static str,
    /// The site's home page.
    pub site_url: Option<String>,
    /// Category given at `sources add`.
    pub category: Option<String>,
    /// Language given at `sources add`.
    pub language: Option<String>,
    /// Polled at all.
    pub enabled: bool,
    /// Last successful poll (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub last_success: Option<String>,
    /// Last failure message.
    pub last_error: Option<String>,
    /// When it happened.
    pub last_error_at: Option<String>,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// New items found over the source's life.
    pub items_seen: u64,
    /// Items recorded as taken (stored or given up).
    pub items_taken: u64,
    /// Next poll (UTC).
    pub next_due: String,
    /// Stored articles carrying its name.
    pub articles: u64,
}

/// Every source with its state and article count.
pub fn source_statuses(store: &Store) -> Result<Vec<SourceStatus>, StoreError> {
    let counts = store.facet(Facet::Source)?;
    let policy = SchedulePolicy::default();
    store
        .sources()?
        .into_iter()
        .map(|s| {
            let st = state_of(&s, &policy);
            let name = source_name(&s);
            let articles = counts.iter().find(|(n, _)| *n == name).map_or(0, |(_, c)| *c);
            Ok(SourceStatus {
                id: s.id,
                url: s.url.clone(),
                kind: s.kind.as_str(),
                site_url: s.site_url.clone(),
                category: s.category.clone(),
                language: s.language.clone(),
                enabled: s.enabled,
                last_success: st.last_success.map(format_unix),
                last_error: st.last_error.clone(),
                last_error_at: st.last_error_at.map(format_unix),
                consecutive_failures: st.consecutive_failures,
                items_seen: st.items_seen,
                items_taken: store.seen_count(s.id)?,
                next_due: format_unix(s.next_due),
                articles,
                name,
            })
        })
        .collect()
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn format_unix(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times() {
        assert_eq!(format_unix(0), "1970-01-01 00:00:00");
        assert_eq!(format_unix(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(format_unix(1_700_000_000), "2023-11-14 22:13:20");
        assert_eq!(format_unix(-1), "1969-12-31 23:59:59");
    }

    #[test]
    fn documents_are_classified() {
        let base = Url::parse("https://news.example/feed").unwrap();
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
            <item><title>A</title><link>https://news.example/a</link></item></channel></rss>"#;
        let (kind, title, _) = classify_document(rss, Some("application/rss+xml"), &base).unwrap();
        assert_eq!((kind, title.as_deref()), (SourceKind::Feed, Some("News")));
        let map = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/a</loc>
            <news:news><news:title>A</news:title></news:news></url></urlset>"#;
        assert_eq!(classify_document(map, Some("application/xml"), &base).unwrap().0, SourceKind::Sitemap);
        let html = b"<!doctype html><html><head><link rel=alternate type=application/rss+xml href=/rss></head></html>";
        assert!(classify_document(html, Some("text/html"), &base).is_none());
        assert!(classify_document(b"just words", Some("text/html"), &base).is_none());
    }

    #[test]
    fn entries_are_keyed_by_normalised_link() {
        let base = Url::parse("https://news.example/feed").unwrap();
        let a = entry(Some("/a?utm_source=rss&id=2#top"), &base, "T".into(), None).unwrap();
        assert_eq!(a.key, "https://news.example/a?id=2");
        assert_eq!(a.link.as_str(), a.key);
        assert!(entry(None, &base, String::new(), None).is_none());
        assert!(entry(Some("mailto:x@y"), &base, String::new(), None).is_none());
        let u = SitemapUrl { loc: "https://news.example/b?fbclid=1".into(), ..Default::default() };
        assert_eq!(sitemap_entry(&u, &base).unwrap().key, "https://news.example/b");
    }

    /// A loopback server: `/feed.xml` lists `/a` and `/b`; every request is counted.
    fn serve(hits: Arc<std::sync::Mutex<Vec<String>>>) -> u16 {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                reader.read_line(&mut line).unwrap();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                hits.lock().unwrap().push(path.clone());
                let (ct, body) = match path.as_str() {
                    "/feed.xml" => ("application/rss+xml", format!(
                        "<rss version=\"2.0\"><channel><title>T</title><item><title>A</title><link>http://127.0.0.1:{port}/a?utm_source=x</link></item>\
                         <item><title>B</title><link>http://127.0.0.1:{port}/b</link></item></channel></rss>")),
                    "/robots.txt" => ("text/plain", String::new()),
                    p => ("text/html", format!("<html><head><title>Page {p}</title></head><body><article><h1>Page {p}</h1>\
                         <p>The minister presented the budget to parliament on Monday and the opposition criticised it.</p>\
                         <p>A vote is expected next week after the committee has examined the amendments.</p></article></body></html>")),
                };
                let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            }
        });
        port
    }

    #[test]
    fn an_article_stored_before_a_crash_is_not_fetched_again() {
        let hits = Arc::new(std::sync::Mutex::new(Vec::new()));
        let port = serve(Arc::clone(&hits));
        let data = tempfile::tempdir().unwrap();
        let pipeline = Arc::new(Pipeline::open(data.path()).unwrap());
        let store = pipeline.store().clone();
        let policy = SchedulePolicy::default();
        let (id, _) = store
            .add_source(&polmon_store::NewSource {
                url: format!("http://127.0.0.1:{port}/feed.xml"),
                name: Some("Loop".into()),
                category: None,
                language: None,
                kind: SourceKind::Feed,
                site_url: None,
                state: serde_json::to_string(&SourceState::new(0, &policy)).unwrap(),
                next_due: 0,
            })
            .unwrap();
        // `/a` was stored, then the crawler died before marking its item seen.
        let key_a = format!("http://127.0.0.1:{port}/a");
        let page = format!("<html><head><title>Page /a</title></head><body><p>{}</p></body></html>", "Stored before the crash. ".repeat(20));
        pipeline
            .ingest_item(InputItem::Html { bytes: page.into_bytes(), url: Some(key_a.clone()), content_type: None, source: None, published: None })
            .unwrap();
        let fetch = FetchConfig { allow_private: true, per_host_delay: Duration::ZERO, ..FetchConfig::default() };
        let crawler = Arc::new(Crawler::new(Arc::clone(&pipeline), CrawlConfig { fetch, ..CrawlConfig::default() }).unwrap());
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let reports = rt.block_on(crawler.poll_all(true)).unwrap();
        assert_eq!(reports.len(), 1);
        let r = &reports[0];
        assert_eq!((r.listed, r.fetched, r.new, r.error.as_deref()), (2, 1, 1, None), "{r:?}");
        let paths = hits.lock().unwrap().clone();
        assert!(!paths.iter().any(|p| p.starts_with("/a")), "{paths:?}");
        assert!(paths.contains(&"/b".to_owned()));
        assert!(store.is_seen(id, &key_a).unwrap(), "recognised and marked seen");
        let saved = store.source(id).unwrap().unwrap();
        let state = state_of(&saved, &policy);
        assert_eq!((state.items_seen, state.consecutive_failures), (1, 0));
        assert!(saved.next_due > unix_now(), "scheduled later");
        // Not due any more: nothing polled.
        assert!(rt.block_on(crawler.poll_all(true)).unwrap().is_empty());
    }

    #[test]
    fn source_names_fall_back_to_the_host() {
        let mut s = SourceRecord {
            id: 1,
            url: "https://www.news.example/rss".into(),
            name: None,
            category: None,
            language: None,
            kind: SourceKind::Feed,
            site_url: None,
            enabled: true,
            created_at: String::new(),
            state: "{}".into(),
            next_due: 0,
            etag: None,
            last_modified: None,
        };
        assert_eq!(source_name(&s), "news.example");
        s.name = Some("The News".into());
        assert_eq!(source_name(&s), "The News");
        assert_eq!(state_of(&s, &SchedulePolicy::default()).items_seen, 0);
    }
}
