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

use polmon_feeds::{parse_feed, parse_sitemap, Sitemap, SitemapUrl};
use polmon_fetch::{FetchError, FetchOutcome, FetchRequest, Fetcher, SourceState, Validators};
use polmon_pipeline::{IngestError, InputItem, Pipeline};
use polmon_store::{unix_now, ArticleStore, SourceKind, SourceRecord, Store, Upsert};
use url::Url;

use crate::sources::{normalized, source_name, state_of};
use crate::{CrawlConfig, CrawlError};

const TARGET: &str = "polmon::crawl";

/// One item of a feed or sitemap.
#[derive(Debug, Clone)]
struct Entry {
    key: String,
    link: Url,
    fingerprint: String,
    published: Option<String>,
}

fn entry(
    link: Option<&str>,
    base: &Url,
    fingerprint: String,
    published: Option<String>,
) -> Option<Entry> {
    let link = base
        .join(link?.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let key = normalized(&link);
    Some(Entry {
        link: Url::parse(&key).unwrap_or(link),
        key,
        fingerprint,
        published,
    })
}

fn sitemap_entry(u: &SitemapUrl, base: &Url) -> Option<Entry> {
    let news = u.news.as_ref();
    let fp = news
        .and_then(|n| n.title.clone())
        .or_else(|| u.lastmod.map(|t| t.to_rfc3339()))
        .unwrap_or_default();
    let published = news
        .and_then(|n| n.publication_date)
        .or(u.lastmod)
        .map(|t| t.to_rfc3339());
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

/// How long a crawler holds the sources it took for a round (a crawler that dies
/// mid-round leaves them to the others after this).
pub const SOURCE_LEASE_SECS: i64 = 600;

/// The crawler over a pipeline (the data folder's, or in the distributed mode one on the
/// shared store that hands what it stores to the queues). Share it in an [`Arc`].
#[derive(Debug)]
pub struct Crawler<S: ?Sized + ArticleStore = Store> {
    pipeline: Arc<Pipeline<S>>,
    fetcher: Fetcher,
    config: CrawlConfig,
    /// Due sources taken per round.
    round_size: usize,
}

impl<S: ?Sized + ArticleStore + 'static> Crawler<S> {
    /// A crawler with its own fetcher.
    pub fn new(pipeline: Arc<Pipeline<S>>, config: CrawlConfig) -> Result<Crawler<S>, CrawlError> {
        let fetcher = Fetcher::new(config.fetch.clone())?;
        Ok(Crawler {
            pipeline,
            fetcher,
            config,
            round_size: usize::MAX >> 1,
        })
    }

    /// A crawler among several on one shared store: each round takes only the sources it
    /// polls at once (`max_sources_at_once`), leaving the others to the other crawlers,
    /// and every request waits for its host's turn in `turns`, shared by them all.
    pub fn on_shared_store(
        pipeline: Arc<Pipeline<S>>,
        config: CrawlConfig,
        turns: Arc<dyn polmon_fetch::SharedTurns>,
    ) -> Result<Crawler<S>, CrawlError> {
        let fetcher = Fetcher::with_shared_turns(config.fetch.clone(), turns)?;
        let round_size = config.max_sources_at_once.max(1);
        Ok(Crawler {
            pipeline,
            fetcher,
            config,
            round_size,
        })
    }

    /// The fetcher (for `sources add`).
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Arc<Pipeline<S>> {
        &self.pipeline
    }

    /// Polls the due sources (every enabled source when `only_due` is false), a few at a
    /// time, then brings the search index up to date.
    pub async fn poll_all(self: &Arc<Self>, only_due: bool) -> Result<Vec<PollReport>, CrawlError> {
        let store = self.pipeline.shared_store().clone();
        let sources: Vec<SourceRecord> = if only_due {
            // Taken with a lease: another crawler on the same store (another process, or
            // another machine in the distributed mode) does not poll them meanwhile; each
            // poll saves the source's real next time when it ends.
            store.lease_due_sources(unix_now(), SOURCE_LEASE_SECS, self.round_size)?
        } else {
            store.sources()?.into_iter().filter(|s| s.enabled).collect()
        };
        let permits = Arc::new(tokio::sync::Semaphore::new(
            self.config.max_sources_at_once.max(1),
        ));
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
        if reports
            .iter()
            .any(|(_, r)| r.new + r.updated + r.unchanged > 0)
        {
            let pipeline = Arc::clone(&self.pipeline);
            match tokio::task::spawn_blocking(move || pipeline.sync_index()).await {
                Ok(Err(e)) => {
                    tracing::warn!(target: TARGET, error = %e, "search index not synchronised")
                }
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
            let next = self
                .pipeline
                .shared_store()
                .next_source_due()
                .ok()
                .flatten();
            let wait = next.map_or(60, |t| (t - unix_now()).clamp(1, 60)) as u64;
            // Wakes early when told to stop (or when the sender is gone).
            if let Ok(Err(_)) =
                tokio::time::timeout(Duration::from_secs(wait), stop.changed()).await
            {
                return;
            }
        }
    }

    /// Polls one source: fetches its feed or sitemap (conditionally), fetches and stores
    /// the pages of its new items, and saves its state. Never fails: what went wrong is
    /// in the report and in the source's state.
    pub async fn poll_source(self: &Arc<Self>, src: SourceRecord) -> PollReport {
        let mut report = PollReport {
            source_id: src.id,
            url: src.url.clone(),
            ..Default::default()
        };
        if let Err(e) = self.poll_inner(&src, &mut report).await {
            report.error = Some(e.to_string());
            let now = unix_now();
            let policy = &self.config.policy;
            let mut state = state_of(&src, policy);
            state.record_failure(now, e.to_string(), policy);
            if let CrawlError::Fetch(FetchError::Status {
                retry_after: Some(d),
                ..
            }) = &e
            {
                state.defer_until(now + d.as_secs() as i64);
            }
            self.save(
                &src,
                &state,
                &Validators {
                    etag: src.etag.clone(),
                    last_modified: src.last_modified.clone(),
                },
            );
        }
        report
    }

    fn save(&self, src: &SourceRecord, state: &SourceState, v: &Validators) {
        let json = serde_json::to_string(state).unwrap_or_else(|_| "{}".into());
        if let Err(e) = self.pipeline.shared_store().save_source_state(
            src.id,
            &json,
            state.next_due,
            v.etag.as_deref(),
            v.last_modified.as_deref(),
        ) {
            tracing::error!(target: TARGET, source = src.id, error = %e, "cannot save the source state");
        }
    }

    async fn poll_inner(
        self: &Arc<Self>,
        src: &SourceRecord,
        report: &mut PollReport,
    ) -> Result<(), CrawlError> {
        let policy = &self.config.policy;
        let url = Url::parse(&src.url).map_err(|_| CrawlError::InvalidUrl(src.url.clone()))?;
        let validators = Validators {
            etag: src.etag.clone(),
            last_modified: src.last_modified.clone(),
        };
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
                        entry(
                            it.link.as_deref(),
                            &page.final_url,
                            it.title.clone().unwrap_or_default(),
                            published,
                        )
                    })
                    .collect()
            }
        };
        report.listed = entries.len();
        let name: Arc<str> = source_name(src).into();
        // Items to fetch: not seen, or seen with another title. Fetched a few at a time
        // (the fetcher keeps to one request at a time per host, so this only overlaps
        // different hosts and the processing of one page with the fetching of the next);
        // a slow link costs at most the fetcher's total deadline.
        let store = self.pipeline.shared_store();
        let mut todo = Vec::new();
        for e in entries {
            if todo.len() >= self.config.max_items_per_poll {
                break;
            }
            if self.needs_fetch(src.id, &e)? {
                todo.push(e);
            }
        }
        report.fetched = todo.len();
        let permits = Arc::new(tokio::sync::Semaphore::new(
            self.config.max_items_at_once.max(1),
        ));
        let mut tasks = tokio::task::JoinSet::new();
        for e in todo {
            let me = Arc::clone(self);
            let permits = Arc::clone(&permits);
            let name = Arc::clone(&name);
            let source_id = src.id;
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let taken = me.take_entry(source_id, &name, &e).await;
                (e, taken)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (e, taken) =
                done.map_err(|j| CrawlError::Ingest(IngestError::Task(j.to_string())))?;
            match taken? {
                Taken::Stored(Upsert::Inserted(_)) => report.new += 1,
                Taken::Stored(Upsert::Updated(_)) => report.updated += 1,
                Taken::Stored(Upsert::Unchanged(_)) => report.unchanged += 1,
                Taken::NotModified => {}
                Taken::Failed(why) => report.failed.push((e.key.clone(), why)),
            }
        }
        let _ = store;
        let now = unix_now();
        let mut state = state_of(src, policy);
        state.record_success(now, (report.new + report.updated) as u32, policy);
        if let Some((u, why)) = report.failed.first() {
            state.last_error = Some(format!(
                "{} page(s) failed; {u}: {why}",
                report.failed.len()
            ));
            state.last_error_at = Some(now);
        }
        self.save(src, &state, &page.validators);
        Ok(())
    }

    async fn sitemap_entries(&self, body: &[u8], base: &Url) -> Result<Vec<Entry>, CrawlError> {
        match parse_sitemap(body)? {
            Sitemap::UrlSet(urls) => {
                Ok(urls.iter().filter_map(|u| sitemap_entry(u, base)).collect())
            }
            Sitemap::Index(mut refs) => {
                refs.sort_by_key(|r| std::cmp::Reverse(r.lastmod));
                let mut out = Vec::new();
                for r in refs.iter().take(self.config.max_child_sitemaps) {
                    let Ok(child) = base.join(r.loc.trim()) else {
                        continue;
                    };
                    let page = match self.fetcher.fetch(&child).await {
                        Ok(FetchOutcome::Fetched(p)) => p,
                        Ok(FetchOutcome::NotModified { .. }) => continue,
                        Err(e) => {
                            tracing::warn!(target: TARGET, url = %child, error = %e, "child sitemap not fetched");
                            continue;
                        }
                    };
                    if let Ok(Sitemap::UrlSet(urls)) = parse_sitemap(&page.body) {
                        out.extend(
                            urls.iter()
                                .filter_map(|u| sitemap_entry(u, &page.final_url)),
                        );
                    }
                }
                Ok(out)
            }
        }
    }

    /// Whether an item's page must be fetched: not seen, or seen with another title.
    /// An item whose article is stored already (by another source, or just before a
    /// crash) is marked seen instead.
    fn needs_fetch(&self, source_id: i64, e: &Entry) -> Result<bool, CrawlError> {
        let store = self.pipeline.shared_store();
        match store.seen_item(source_id, &e.key)? {
            Some(seen) if seen.fingerprint == e.fingerprint || e.fingerprint.is_empty() => {
                Ok(false)
            }
            Some(_) => Ok(true), // changed title: fetch again, the pipeline updates the article
            None => match store.article_id_by_url(&e.key)? {
                Some(id) => {
                    store.mark_seen(source_id, &e.key, &e.fingerprint, Some(id), None)?;
                    Ok(false)
                }
                None => Ok(true),
            },
        }
    }

    /// Fetches and stores one item's page, and records what happened: stored (seen),
    /// failed for good (seen, with the reason), or failed for a passing reason (asked
    /// again at the next poll, up to [`MAX_ITEM_ATTEMPTS`] times).
    async fn take_entry(&self, source_id: i64, name: &str, e: &Entry) -> Result<Taken, CrawlError> {
        let store: &Arc<S> = self.pipeline.shared_store();
        let page = match self.fetcher.fetch(&e.link).await {
            Ok(FetchOutcome::Fetched(p)) => p,
            Ok(FetchOutcome::NotModified { .. }) => return Ok(Taken::NotModified),
            Err(err) => {
                let why = err.to_string();
                tracing::info!(target: TARGET, url = %e.link, error = %why, "page not fetched");
                self.record_failure(source_id, e, &why, err.is_transient())?;
                return Ok(Taken::Failed(why));
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
            .unwrap_or_else(|j| Err(IngestError::Task(j.to_string())));
        match result {
            Ok(done) => {
                store.mark_seen(
                    source_id,
                    &e.key,
                    &e.fingerprint,
                    Some(done.outcome.id()),
                    None,
                )?;
                store.clear_item_retries(source_id, &e.key)?;
                Ok(Taken::Stored(done.outcome))
            }
            Err(err) => {
                let why = err.to_string();
                self.record_failure(source_id, e, &why, err.is_transient())?;
                Ok(Taken::Failed(why))
            }
        }
    }

    /// A permanent failure marks the item seen with its reason; a transient one is
    /// counted, and marks it seen only after [`MAX_ITEM_ATTEMPTS`].
    fn record_failure(
        &self,
        source_id: i64,
        e: &Entry,
        why: &str,
        transient: bool,
    ) -> Result<(), CrawlError> {
        let store = self.pipeline.shared_store();
        if transient {
            let attempts = store.record_item_retry(source_id, &e.key, why)?;
            if attempts < MAX_ITEM_ATTEMPTS {
                return Ok(());
            }
            let why = format!("given up after {attempts} attempts: {why}");
            store.mark_seen(source_id, &e.key, &e.fingerprint, None, Some(&why))?;
        } else {
            store.mark_seen(source_id, &e.key, &e.fingerprint, None, Some(why))?;
        }
        store.clear_item_retries(source_id, &e.key)?;
        Ok(())
    }
}

/// Polls an item's page is tried at, when it fails for a passing reason (a timeout, a
/// 5xx, a busy database, a full disk), before it is given up.
pub(crate) const MAX_ITEM_ATTEMPTS: u32 = 5;

/// What became of one item.
#[derive(Debug)]
enum Taken {
    Stored(Upsert),
    NotModified,
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use polmon_fetch::{FetchConfig, SchedulePolicy};

    #[test]
    fn entries_are_keyed_by_normalised_link() {
        let base = Url::parse("https://news.example/feed").unwrap();
        let a = entry(Some("/a?utm_source=rss&id=2#top"), &base, "T".into(), None).unwrap();
        assert_eq!(a.key, "https://news.example/a?id=2");
        assert_eq!(a.link.as_str(), a.key);
        assert!(entry(None, &base, String::new(), None).is_none());
        assert!(entry(Some("mailto:x@y"), &base, String::new(), None).is_none());
        let u = SitemapUrl {
            loc: "https://news.example/b?fbclid=1".into(),
            ..Default::default()
        };
        assert_eq!(
            sitemap_entry(&u, &base).unwrap().key,
            "https://news.example/b"
        );
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
        let page = format!(
            "<html><head><title>Page /a</title></head><body><p>{}</p></body></html>",
            "Stored before the crash. ".repeat(20)
        );
        pipeline
            .ingest_item(InputItem::Html {
                bytes: page.into_bytes(),
                url: Some(key_a.clone()),
                content_type: None,
                source: None,
                published: None,
            })
            .unwrap();
        let fetch = FetchConfig {
            allow_private: true,
            per_host_delay: Duration::ZERO,
            ..FetchConfig::default()
        };
        let crawler = Arc::new(
            Crawler::new(
                Arc::clone(&pipeline),
                CrawlConfig {
                    fetch,
                    ..CrawlConfig::default()
                },
            )
            .unwrap(),
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let reports = rt.block_on(crawler.poll_all(true)).unwrap();
        assert_eq!(reports.len(), 1);
        let r = &reports[0];
        assert_eq!(
            (r.listed, r.fetched, r.new, r.error.as_deref()),
            (2, 1, 1, None),
            "{r:?}"
        );
        let paths = hits.lock().unwrap().clone();
        assert!(!paths.iter().any(|p| p.starts_with("/a")), "{paths:?}");
        assert!(paths.contains(&"/b".to_owned()));
        assert!(
            store.is_seen(id, &key_a).unwrap(),
            "recognised and marked seen"
        );
        let saved = store.source(id).unwrap().unwrap();
        let state = state_of(&saved, &policy);
        assert_eq!((state.items_seen, state.consecutive_failures), (1, 0));
        assert!(saved.next_due > unix_now(), "scheduled later");
        // Not due any more: nothing polled.
        assert!(rt.block_on(crawler.poll_all(true)).unwrap().is_empty());
    }
}
