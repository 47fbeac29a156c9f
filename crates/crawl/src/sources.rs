//! The sources a crawler polls: adding one (probing what a URL is), importing OPML,
//! and their status.

use polmon_feeds::{discover_feeds, parse_feed, parse_sitemap};
use polmon_fetch::{FetchOutcome, Fetcher, SchedulePolicy, SourceState};
use polmon_store::{unix_now, Facet, NewSource, SourceKind, SourceRecord, SourceStatus, StoreError};
use url::Url;

use crate::CrawlError;

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

pub(crate) fn normalized(url: &Url) -> String {
    let mut u = url.clone();
    polmon_feeds::normalize(&mut u);
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

/// A fresh schedule state, due now, as stored.
fn initial_state() -> (String, i64) {
    let now = unix_now();
    let state = SourceState::new(now, &SchedulePolicy::default());
    (serde_json::to_string(&state).unwrap_or_else(|_| "{}".into()), now)
}

/// What to add besides what the URL tells.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// Display name (default: the feed's title, else the host).
    pub name: Option<String>,
    /// Category slug given to its articles.
    pub category: Option<String>,
    /// Language hint (ISO 639-1).
    pub language: Option<String>,
}

/// What [`add`] did.
#[derive(Debug, Clone)]
pub struct Added {
    /// The source's id.
    pub id: i64,
    /// False when the source was there already.
    pub created: bool,
    /// What the URL turned out to be.
    pub probe: Probe,
}

/// Fetches `url` once, finds out what it is ([`probe`]) and adds it as a source.
pub async fn add(store: &dyn polmon_store::ArticleStore, fetcher: &Fetcher, url: &str, opts: AddOptions) -> Result<Added, CrawlError> {
    let found = probe(fetcher, url).await?;
    let (state, next_due) = initial_state();
    let (id, created) = store.add_source(&NewSource {
        url: found.url.clone(),
        name: opts.name.or(found.title.clone()).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        category: opts.category,
        language: opts.language,
        kind: found.kind,
        site_url: found.site_url.clone(),
        state,
        next_due,
    })?;
    Ok(Added { id, created, probe: found })
}

/// What [`import_opml`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// New sources.
    pub added: usize,
    /// Sources there already.
    pub existing: usize,
    /// Outlines whose URL is not http(s), with the URL.
    pub skipped: Vec<String>,
}

/// Adds the feeds of an OPML document (folders become categories; nothing is fetched).
pub fn import_opml(store: &dyn polmon_store::ArticleStore, bytes: &[u8]) -> Result<Imported, CrawlError> {
    let doc = polmon_feeds::parse_opml(bytes)?;
    let mut out = Imported::default();
    for f in doc.feeds {
        let Some(url) = polmon_feeds::normalize_url(&f.xml_url) else {
            out.skipped.push(f.xml_url);
            continue;
        };
        let (state, next_due) = initial_state();
        let (_, created) = store.add_source(&NewSource {
            url,
            name: f.title,
            category: f.category,
            language: None,
            kind: SourceKind::Feed,
            site_url: f.html_url,
            state,
            next_due,
        })?;
        if created {
            out.added += 1;
        } else {
            out.existing += 1;
        }
    }
    Ok(out)
}

/// The sources as an OPML document.
pub fn export_opml(store: &dyn polmon_store::ArticleStore) -> Result<String, StoreError> {
    let feeds = store
        .sources()?
        .into_iter()
        .map(|s| polmon_feeds::OpmlFeed { title: s.name, xml_url: s.url, html_url: s.site_url, category: s.category })
        .collect();
    Ok(polmon_feeds::write_opml(&polmon_feeds::OpmlDocument { title: Some("Politics Monitor sources".into()), feeds }))
}

/// The source named by an id or a URL (as given or normalised).
pub fn find(store: &dyn polmon_store::ArticleStore, which: &str) -> Result<Option<SourceRecord>, StoreError> {
    if let Ok(id) = which.trim().parse::<i64>() {
        return store.source(id);
    }
    if let Some(url) = polmon_feeds::normalize_url(which) {
        if let Some(s) = store.source_by_url(&url)? {
            return Ok(Some(s));
        }
    }
    store.source_by_url(which.trim())
}

/// Every source with its state and article count.
pub fn statuses(store: &dyn polmon_store::ArticleStore) -> Result<Vec<SourceStatus>, StoreError> {
    let counts = store.facet(Facet::Source)?;
    let policy = SchedulePolicy::default();
    let fmt = polmon_store::format_unix;
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
                last_success: st.last_success.map(fmt),
                last_error: st.last_error.clone(),
                last_error_at: st.last_error_at.map(fmt),
                consecutive_failures: st.consecutive_failures,
                items_seen: st.items_seen,
                items_taken: store.seen_count(s.id)?,
                next_due: fmt(s.next_due),
                articles,
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn opml_import_adds_http_feeds_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = polmon_store::Store::open(dir.path()).unwrap();
        let opml = br#"<opml version="2.0"><body><outline text="Politics">
            <outline title="A" xmlUrl="https://a.example/rss"/><outline title="B" xmlUrl="ftp://b.example/rss"/>
            </outline></body></opml>"#;
        let r = import_opml(&store, opml).unwrap();
        assert_eq!((r.added, r.existing, r.skipped.len()), (1, 0, 1));
        assert_eq!(import_opml(&store, opml).unwrap().existing, 1);
        assert_eq!(statuses(&store).unwrap()[0].name, "A");
        assert!(export_opml(&store).unwrap().contains("https://a.example/rss"));
    }
}
