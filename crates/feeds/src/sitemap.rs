//! Sitemap parsing, pure: `<urlset>` (with Google News `news:news` entries:
//! publication date, title, publication name and language) and
//! `<sitemapindex>`, plus plain-text sitemaps (one URL per line).

use chrono::{DateTime, Utc};
use quick_xml::events::Event;

use crate::error::ParseError;
use crate::xml::{parse_w3c_datetime, resolve_ref, to_utf8};

/// A parsed sitemap.
#[derive(Debug, Clone, PartialEq)]
pub enum Sitemap {
    /// A list of pages.
    UrlSet(Vec<SitemapUrl>),
    /// A list of further sitemaps.
    Index(Vec<SitemapRef>),
}

/// A page listed in a `<urlset>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SitemapUrl {
    /// `<loc>`, trimmed.
    pub loc: String,
    /// `<lastmod>`.
    pub lastmod: Option<DateTime<Utc>>,
    /// The Google News extension, when present.
    pub news: Option<NewsEntry>,
}

/// Google News sitemap data of one page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewsEntry {
    /// `news:publication_date`.
    pub publication_date: Option<DateTime<Utc>>,
    /// `news:title`.
    pub title: Option<String>,
    /// `news:publication/news:name`.
    pub publication_name: Option<String>,
    /// `news:publication/news:language`.
    pub language: Option<String>,
    /// `news:keywords`, split at commas.
    pub keywords: Vec<String>,
}

/// A child sitemap listed in a `<sitemapindex>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SitemapRef {
    /// `<loc>`.
    pub loc: String,
    /// `<lastmod>`.
    pub lastmod: Option<DateTime<Utc>>,
}

impl Sitemap {
    /// Number of entries.
    pub fn len(&self) -> usize {
        match self {
            Sitemap::UrlSet(v) => v.len(),
            Sitemap::Index(v) => v.len(),
        }
    }

    /// True when it lists nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Largest uncompressed sitemap read (the sitemap protocol's own limit).
const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// Parses a sitemap document (XML or plain text, gzipped or not: `.xml.gz`
/// files are often served without `Content-Encoding`). Entries without
/// `<loc>` are skipped; an unparseable `lastmod` becomes `None`.
pub fn parse_sitemap(bytes: &[u8]) -> Result<Sitemap, ParseError> {
    let unzipped;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_SITEMAP_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| ParseError::Xml { what: "sitemap", position: 0, reason: format!("bad gzip data: {e}") })?;
        if out.len() as u64 > MAX_SITEMAP_BYTES {
            return Err(ParseError::Xml { what: "sitemap", position: 0, reason: "larger than 50 MB uncompressed".into() });
        }
        unzipped = out;
        &unzipped[..]
    } else {
        bytes
    };
    let text = to_utf8(bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if !trimmed.starts_with('<') {
        let urls = trimmed
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("http://") || l.starts_with("https://"))
            .map(|l| SitemapUrl { loc: l.to_owned(), ..SitemapUrl::default() })
            .collect();
        return Ok(Sitemap::UrlSet(urls));
    }
    let mut reader = quick_xml::Reader::from_str(trimmed);
    let mut path: Vec<String> = Vec::new();
    let mut text_buf = String::new();
    let mut root: Option<String> = None;
    let mut urls = Vec::new();
    let mut refs = Vec::new();
    let mut url = SitemapUrl::default();
    let mut news = NewsEntry::default();
    let mut has_news = false;
    loop {
        let ev = reader.read_event().map_err(|e| ParseError::Xml {
            what: "sitemap",
            position: reader.error_position(),
            reason: e.to_string(),
        })?;
        match ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(ParseError::WrongRoot { what: "sitemap", root: name });
                    }
                    root = Some(name.clone());
                }
                if name == "url" || name == "sitemap" {
                    url = SitemapUrl::default();
                    news = NewsEntry::default();
                    has_news = false;
                }
                if name == "news" {
                    has_news = true;
                }
                path.push(name);
                text_buf.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if root.is_none() {
                    return Err(ParseError::WrongRoot { what: "sitemap", root: name });
                }
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t),
            Event::GeneralRef(r) => text_buf.push_str(&resolve_ref(&r)),
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let value = text_buf.trim().to_owned();
                text_buf.clear();
                let parent = path.last().map(String::as_str).unwrap_or("");
                match (parent, name.as_str()) {
                    ("url" | "sitemap", "loc") => url.loc = value,
                    ("url" | "sitemap", "lastmod") => url.lastmod = parse_w3c_datetime(&value),
                    ("news", "publication_date") => news.publication_date = parse_w3c_datetime(&value),
                    ("news", "title") => news.title = Some(value).filter(|v| !v.is_empty()),
                    ("news", "keywords") => {
                        news.keywords = value.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned).collect()
                    }
                    ("publication", "name") => news.publication_name = Some(value).filter(|v| !v.is_empty()),
                    ("publication", "language") => news.language = Some(value).filter(|v| !v.is_empty()),
                    (_, "url") if !url.loc.is_empty() => {
                        let mut done = std::mem::take(&mut url);
                        if has_news {
                            done.news = Some(std::mem::take(&mut news));
                        }
                        urls.push(done);
                    }
                    (_, "sitemap") if !url.loc.is_empty() => {
                        let done = std::mem::take(&mut url);
                        refs.push(SitemapRef { loc: done.loc, lastmod: done.lastmod });
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match root.as_deref() {
        Some("sitemapindex") => Ok(Sitemap::Index(refs)),
        Some(_) => Ok(Sitemap::UrlSet(urls)),
        None => Err(ParseError::WrongRoot { what: "sitemap", root: String::new() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc> https://news.example.com/politics/2024/budget-vote?id=1&amp;x=2 </loc>
    <lastmod>2024-03-05T15:00:00+01:00</lastmod>
    <news:news>
      <news:publication><news:name>Example Times</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-03-05T14:30:00+01:00</news:publication_date>
      <news:title><![CDATA[Parliament passes the budget & more]]></news:title>
      <news:keywords>budget, parliament ,vote</news:keywords>
    </news:news>
  </url>
  <url><loc>https://news.example.com/about</loc><lastmod>2023-01</lastmod></url>
  <url><lastmod>2023-01-01</lastmod></url>
</urlset>"#;

    #[test]
    fn parses_google_news_sitemap() {
        let Sitemap::UrlSet(urls) = parse_sitemap(NEWS.as_bytes()).unwrap() else { panic!("not a urlset") };
        assert_eq!(urls.len(), 2, "the entry without loc is skipped");
        assert_eq!(urls[0].loc, "https://news.example.com/politics/2024/budget-vote?id=1&x=2");
        assert_eq!(urls[0].lastmod.unwrap().to_rfc3339(), "2024-03-05T14:00:00+00:00");
        let news = urls[0].news.as_ref().unwrap();
        assert_eq!(news.publication_date.unwrap().to_rfc3339(), "2024-03-05T13:30:00+00:00");
        assert_eq!(news.title.as_deref(), Some("Parliament passes the budget & more"));
        assert_eq!(news.publication_name.as_deref(), Some("Example Times"));
        assert_eq!(news.language.as_deref(), Some("en"));
        assert_eq!(news.keywords, ["budget", "parliament", "vote"]);
        assert!(urls[1].news.is_none());
        assert_eq!(urls[1].lastmod.unwrap().to_rfc3339(), "2023-01-01T00:00:00+00:00");
    }

    #[test]
    fn parses_sitemap_index() {
        let xml = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>https://e.com/s1.xml</loc><lastmod>2024-01-02</lastmod></sitemap>
          <sitemap><loc>https://e.com/s2.xml.gz</loc></sitemap></sitemapindex>"#;
        let Sitemap::Index(refs) = parse_sitemap(xml.as_bytes()).unwrap() else { panic!("not an index") };
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].loc, "https://e.com/s2.xml.gz");
        assert!(refs[0].lastmod.is_some() && refs[1].lastmod.is_none());
    }

    #[test]
    fn gzipped_sitemaps_are_unpacked() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(NEWS.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(parse_sitemap(&gz).unwrap(), parse_sitemap(NEWS.as_bytes()).unwrap());
        assert!(parse_sitemap(&gz[..gz.len() / 2]).is_err(), "truncated gzip is an error");
    }

    #[test]
    fn text_sitemaps_and_errors() {
        let s = parse_sitemap(b"https://e.com/a\n\nnot a url\nhttps://e.com/b\n").unwrap();
        assert_eq!(s.len(), 2);
        assert!(matches!(parse_sitemap(b"<rss><channel/></rss>"), Err(ParseError::WrongRoot { .. })));
        let err = parse_sitemap(b"<urlset><url><loc>x</url></urlset>").unwrap_err();
        assert!(err.to_string().contains("sitemap"), "{err}");
    }
}
