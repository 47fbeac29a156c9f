//! Feed auto-discovery from a home page, pure: finds
//! `<link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href=…>`
//! (and `application/rdf+xml`, `application/json` feeds), resolving relative
//! hrefs against `<base href>` or the page URL. A light tag scanner, not a
//! full HTML parser: it skips comments, `<script>` and `<style>` bodies.

use url::Url;

use crate::text::{decode_entities, find_ascii_ci};

/// Which syndication format a discovered link announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    /// `application/rss+xml` (or RDF).
    Rss,
    /// `application/atom+xml`.
    Atom,
    /// `application/feed+json` or `application/json`.
    Json,
}

/// A feed announced by a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFeed {
    /// Absolute feed URL.
    pub url: Url,
    /// The link's `title`, if any.
    pub title: Option<String>,
    /// The announced format.
    pub kind: FeedKind,
}

/// Finds the feeds a page announces, in document order, without duplicates.
pub fn discover_feeds(html: &str, page_url: &Url) -> Vec<DiscoveredFeed> {
    let mut base = page_url.clone();
    let mut out: Vec<DiscoveredFeed> = Vec::new();
    for tag in Tags::new(html) {
        match tag.name.as_str() {
            "base" => {
                if let Some(href) = tag.attr("href") {
                    if let Ok(b) = page_url.join(href.trim()) {
                        base = b;
                    }
                }
            }
            "link" => {
                let rel = tag.attr("rel").unwrap_or_default().to_ascii_lowercase();
                if !rel.split_ascii_whitespace().any(|r| r == "alternate" || r == "feed") {
                    continue;
                }
                let ty = tag.attr("type").unwrap_or_default().trim().to_ascii_lowercase();
                let kind = match ty.split(';').next().unwrap_or("").trim() {
                    "application/rss+xml" | "application/rdf+xml" | "text/rss+xml" => FeedKind::Rss,
                    "application/atom+xml" | "text/atom+xml" => FeedKind::Atom,
                    "application/feed+json" | "application/json" => FeedKind::Json,
                    _ => continue,
                };
                let Some(href) = tag.attr("href").map(str::trim).filter(|h| !h.is_empty()) else { continue };
                let Ok(url) = base.join(href) else { continue };
                if !matches!(url.scheme(), "http" | "https") || out.iter().any(|f| f.url == url) {
                    continue;
                }
                let title = tag.attr("title").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
                out.push(DiscoveredFeed { url, title, kind });
            }
            _ => {}
        }
    }
    out
}

/// A start tag: lowercase name and decoded attributes.
#[derive(Debug)]
pub(crate) struct Tag {
    pub(crate) name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Iterates over the start tags of an HTML document.
pub(crate) struct Tags<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Tags<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Tags { s, pos: 0 }
    }

    fn skip_past(&mut self, needle: &str) {
        let hay = &self.s[self.pos..];
        let lower_hit = find_ascii_ci(hay, needle);
        self.pos = match lower_hit {
            Some(i) => self.pos + i + needle.len(),
            None => self.s.len(),
        };
    }
}

impl Iterator for Tags<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let bytes = self.s.as_bytes();
        loop {
            let lt = self.s[self.pos..].find('<')? + self.pos;
            self.pos = lt + 1;
            if self.s[self.pos..].starts_with("!--") {
                self.skip_past("-->");
                continue;
            }
            let name_end = self.s[self.pos..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                .map_or(self.s.len(), |i| i + self.pos);
            let name = self.s[self.pos..name_end].to_ascii_lowercase();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            let mut i = name_end;
            if !matches!(name.as_str(), "link" | "base" | "script" | "style") {
                // Skip the tag without decoding its attributes, honouring quotes.
                let mut quote = None;
                while i < bytes.len() {
                    match (quote, bytes[i]) {
                        (None, b'>') => break,
                        (None, q @ (b'"' | b'\'')) => quote = Some(q),
                        (Some(q), c) if c == q => quote = None,
                        _ => {}
                    }
                    i += 1;
                }
                self.pos = (i + 1).min(self.s.len());
                continue;
            }
            let mut attrs = Vec::new();
            // Attributes until '>'.
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'>' {
                    i += 1;
                    break;
                }
                let k_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
                    i += 1;
                }
                let key = self.s[k_start..i].to_ascii_lowercase();
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                let mut value = String::new();
                if i < bytes.len() && bytes[i] == b'=' {
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                        let q = bytes[i];
                        let v_start = i + 1;
                        let v_end = bytes[v_start..].iter().position(|&b| b == q).map_or(bytes.len(), |p| p + v_start);
                        value = decode_entities(&self.s[v_start..v_end]);
                        i = (v_end + 1).min(bytes.len());
                    } else {
                        let v_start = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                            i += 1;
                        }
                        value = decode_entities(&self.s[v_start..i]);
                    }
                }
                if !key.is_empty() {
                    attrs.push((key, value));
                }
            }
            self.pos = i.min(self.s.len());
            if name == "script" || name == "style" {
                self.skip_past(&format!("</{name}"));
            }
            return Some(Tag { name, attrs });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
<!-- <link rel="alternate" type="application/rss+xml" href="/commented-out.xml"> -->
<meta charset="utf-8">
<LINK REL="alternate" TYPE="application/rss+xml" TITLE="Top stories &amp; more" HREF="/rss/top.xml">
<link rel=alternate type=application/atom+xml href=atom.xml title='Atom'>
<link rel="alternate" type="application/feed+json" href="https://cdn.example.net/feed.json" />
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="stylesheet" type="text/css" href="/s.css">
<link rel="alternate" type="application/rss+xml" href="/rss/top.xml">
<script>var s = '<link rel="alternate" type="application/rss+xml" href="/in-script.xml">';</script>
</head><body><a href="/feed">not a link tag</a></body></html>"#;

    #[test]
    fn finds_announced_feeds_resolving_relative_hrefs() {
        let page = Url::parse("https://www.example.com/news/index.html").unwrap();
        let feeds = discover_feeds(PAGE, &page);
        let urls: Vec<&str> = feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://www.example.com/rss/top.xml", "https://www.example.com/news/atom.xml", "https://cdn.example.net/feed.json"]
        );
        assert_eq!(feeds[0].title.as_deref(), Some("Top stories & more"));
        assert_eq!(feeds[0].kind, FeedKind::Rss);
        assert_eq!(feeds[1].kind, FeedKind::Atom);
        assert_eq!(feeds[2].kind, FeedKind::Json);
    }

    #[test]
    fn base_href_changes_resolution() {
        let html = r#"<head><base href="https://static.example.org/x/"><link rel="alternate" type="application/atom+xml" href="feed"></head>"#;
        let feeds = discover_feeds(html, &Url::parse("https://example.org/").unwrap());
        assert_eq!(feeds[0].url.as_str(), "https://static.example.org/x/feed");
    }

    #[test]
    fn query_only_hrefs_keep_the_page_path() {
        let html = r#"<link rel="alternate" type="application/rss+xml" href="?feed=rss2&amp;cat=3">"#;
        let feeds = discover_feeds(html, &Url::parse("https://blog.example/politics/index.php?p=7").unwrap());
        assert_eq!(feeds[0].url.as_str(), "https://blog.example/politics/index.php?feed=rss2&cat=3");
    }

    #[test]
    fn pages_without_feeds_give_nothing() {
        let page = Url::parse("https://e.com/").unwrap();
        assert!(discover_feeds("<html><body>hello</body></html>", &page).is_empty());
        assert!(discover_feeds("<link rel=alternate type=application/rss+xml>", &page).is_empty());
        assert!(discover_feeds("<link rel=alternate type=application/rss+xml href='javascript:x()'>", &page).is_empty());
        assert!(discover_feeds("<", &page).is_empty());
        let quoted = r#"<a title="x > <link rel=alternate type=application/rss+xml href=/fake>">y</a>"#;
        assert!(discover_feeds(quoted, &page).is_empty(), "markup inside a quoted attribute is not a tag");
    }
}
