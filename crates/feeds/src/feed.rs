//! Feed parsing over `feed-rs` (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into a
//! flat item list, repairing what real feeds get wrong the way forgiving
//! readers do:
//!
//! * a declared single-byte encoding on bytes that are really UTF-8 is
//!   corrected before parsing (otherwise every accent becomes mojibake);
//! * when parsing fails, the document is decoded to UTF-8 (declared
//!   encoding, else windows-1252), junk before the first tag and characters
//!   XML forbids are dropped, bare `&` are escaped and HTML named entities
//!   (`&nbsp;`, `&eacute;`, …) become character references, then it is
//!   parsed again;
//! * links are resolved against the feed URL (and `xml:base`);
//! * a missing publication date falls back to the updated date, else `None`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::ParseError;
use crate::xml::{declared_encoding, to_utf8};

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedItem {
    /// Title as the feed gives it (may contain markup for `type="html"` Atom titles).
    pub title: Option<String>,
    /// The item's page, absolute when the feed URL (or `xml:base`) allows it.
    pub link: Option<String>,
    /// The feed's id/guid, or a stable hash of link and title when it has none.
    pub guid: String,
    /// Publication date, else the updated date.
    pub published: Option<DateTime<Utc>>,
    /// Last update date.
    pub updated: Option<DateTime<Utc>>,
    /// Summary or description.
    pub summary: Option<String>,
    /// Full content (HTML), when the feed carries it.
    pub content_html: Option<String>,
    /// Author names, comma separated.
    pub author: Option<String>,
}

/// What had to be repaired before the feed parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Repair {
    /// The declared encoding was wrong: the bytes were UTF-8.
    DeclaredEncodingWasUtf8 {
        /// The declared label.
        declared: String,
    },
    /// The document was decoded to UTF-8 from this encoding and re-parsed.
    Reencoded {
        /// The encoding used.
        from: String,
    },
    /// Bare ampersands, HTML entities, forbidden characters, leading junk or a
    /// missing RSS version were fixed.
    Markup {
        /// How many spots were changed.
        fixes: usize,
    },
    /// The document ended early; its open elements were closed (a cut
    /// download or a server error mid-page).
    ClosedTruncated,
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedFeed {
    /// Feed title.
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
    /// Items in feed order.
    pub items: Vec<FeedItem>,
    /// Repairs applied (empty for a clean feed).
    pub repairs: Vec<Repair>,
}

/// Parses a feed. `feed_url` resolves relative links and names the feed in errors.
pub fn parse_feed(bytes: &[u8], feed_url: Option<&Url>) -> Result<ParsedFeed, ParseError> {
    let origin = feed_url.map(Url::to_string);
    let mut repairs = Vec::new();
    let mut input = std::borrow::Cow::Borrowed(bytes);
    if let Some(declared) = mislabelled_utf8(bytes) {
        input = std::borrow::Cow::Owned(replace_declaration(std::str::from_utf8(bytes).unwrap_or_default()).into_bytes());
        repairs.push(Repair::DeclaredEncodingWasUtf8 { declared });
    }
    let first_err = match run_feed_rs(&input, feed_url) {
        Ok(feed) => return Ok(convert(feed, feed_url, repairs)),
        Err(e) => e,
    };
    if input.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Err(ParseError::Feed { origin, reason: format!("JSON Feed: {first_err}") });
    }
    // Repair pass: UTF-8, then markup.
    let text = to_utf8(&input);
    if std::str::from_utf8(&input).is_err() {
        let from = declared_encoding(&input).unwrap_or_else(|| "windows-1252".into());
        repairs.push(Repair::Reencoded { from });
    }
    let (fixed, mut fixes) = repair_markup(&text);
    let mut fixed = replace_declaration(&fixed);
    if let Some(versioned) = add_rss_version(&fixed) {
        fixed = versioned;
        fixes += 1;
    }
    let truncated = match close_truncated(&fixed) {
        Some(closed) => {
            fixed = closed;
            true
        }
        None => false,
    };
    if fixes > 0 {
        repairs.push(Repair::Markup { fixes });
    }
    if truncated {
        repairs.push(Repair::ClosedTruncated);
    }
    match run_feed_rs(fixed.as_bytes(), feed_url) {
        Ok(feed) => Ok(convert(feed, feed_url, repairs)),
        Err(second) => {
            let explain = |e: &feed_rs::parser::ParseFeedError| match e {
                feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot) => format!(
                    "no RSS, Atom, RDF or JSON Feed root element (the document's root is {})",
                    root_element(&fixed).map_or("missing".to_owned(), |r| format!("<{r}>"))
                ),
                other => other.to_string(),
            };
            let (a, b) = (explain(&first_err), explain(&second));
            let reason = if a == b { a } else { format!("{a} (after repairs: {b})") };
            Err(ParseError::Feed { origin, reason })
        }
    }
}

fn run_feed_rs(bytes: &[u8], feed_url: Option<&Url>) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(feed_url.map(Url::as_str))
        .sanitize_content(false)
        .build()
        .parse(bytes)
}

fn convert(feed: feed_rs::model::Feed, feed_url: Option<&Url>, repairs: Vec<Repair>) -> ParsedFeed {
    let resolve = |href: &str| -> String {
        let href = href.trim();
        match feed_url.and_then(|base| base.join(href).ok()) {
            Some(u) => u.to_string(),
            None => href.to_owned(),
        }
    };
    let items = feed
        .entries
        .into_iter()
        .map(|e| {
            let authors: Vec<String> = e.authors.iter().filter_map(|p| p.name.clone()).filter(|n| !n.trim().is_empty()).collect();
            FeedItem {
                title: e.title.map(|t| t.content.trim().to_owned()).filter(|t| !t.is_empty()),
                link: pick_link(&e.links).map(&resolve),
                guid: e.id,
                published: e.published.or(e.updated),
                updated: e.updated,
                summary: e.summary.map(|s| s.content).filter(|s| !s.trim().is_empty()),
                content_html: e.content.and_then(|c| c.body).filter(|s| !s.trim().is_empty()),
                author: (!authors.is_empty()).then(|| authors.join(", ")),
            }
        })
        .collect();
    ParsedFeed {
        title: feed.title.map(|t| t.content.trim().to_owned()).filter(|t| !t.is_empty()),
        site_url: pick_link(&feed.links).map(&resolve),
        items,
        repairs,
    }
}

/// The entry's page link: the first `alternate` (or rel-less) link, else the first.
pub(crate) fn pick_link(links: &[feed_rs::model::Link]) -> Option<&str> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(links.first())
        .map(|l| l.href.as_str())
        .filter(|h| !h.trim().is_empty())
}

/// Declared single-byte encoding on valid, non-ASCII UTF-8: returns the declared label.
fn mislabelled_utf8(bytes: &[u8]) -> Option<String> {
    let declared = declared_encoding(bytes)?;
    let enc = encoding_rs::Encoding::for_label(declared.as_bytes())?;
    if enc == encoding_rs::UTF_8 || enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return None;
    }
    (std::str::from_utf8(bytes).is_ok() && !bytes.is_ascii()).then_some(declared)
}

/// Drops anything before the first `<` and sets the declaration to UTF-8.
fn replace_declaration(text: &str) -> String {
    let start = text.find('<').unwrap_or(0);
    let text = &text[start..];
    if let Some(rest) = text.strip_prefix("<?xml") {
        if let Some(end) = rest.find("?>") {
            return format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", &rest[end + 2..]);
        }
    }
    text.to_owned()
}

/// The name of the first element, skipping the declaration, comments and doctype.
fn root_element(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        let i = rest.find('<')?;
        rest = &rest[i + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
        return Some(rest[..end].to_owned()).filter(|n| !n.is_empty());
    }
}

/// `<rss>` without a `version` attribute: assume 2.0.
fn add_rss_version(text: &str) -> Option<String> {
    if root_element(text)?.as_str() != "rss" {
        return None;
    }
    let start = text.find("<rss")?;
    let end = start + text[start..].find('>')?;
    if text[start..end].contains("version") {
        return None;
    }
    Some(format!("{} version=\"2.0\"{}", &text[..start + 4], &text[start + 4..]))
}

/// Closes the elements a truncated document leaves open (cutting a final
/// partial tag). `None` when every element is closed.
pub(crate) fn close_truncated(text: &str) -> Option<String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut cut = text.len();
    while let Some(off) = text[i..].find('<') {
        let at = i + off;
        let rest = &text[at..];
        let skip_to = |close: &str| rest.find(close).map(|e| at + e + close.len());
        let next = if rest.starts_with("<![CDATA[") {
            skip_to("]]>")
        } else if rest.starts_with("<!--") {
            skip_to("-->")
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            skip_to(">")
        } else {
            rest.find('>').map(|e| {
                let tag = &rest[1..e];
                if let Some(name) = tag.strip_prefix('/') {
                    let name = name.trim();
                    if let Some(pos) = stack.iter().rposition(|n| *n == name) {
                        stack.truncate(pos);
                    }
                } else if !tag.ends_with('/') {
                    let name = tag.split(|c: char| c.is_whitespace()).next().unwrap_or("");
                    if !name.is_empty() {
                        stack.push(name);
                    }
                }
                at + e + 1
            })
        };
        match next {
            Some(n) => i = n,
            None => {
                cut = at;
                break;
            }
        }
    }
    if stack.is_empty() && cut == text.len() {
        return None;
    }
    let mut out = text[..cut].to_owned();
    for name in stack.iter().rev() {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    Some(out)
}

/// HTML entities common in feeds that XML does not define.
const HTML_ENTITIES: &[(&str, u32)] = &[
    ("nbsp", 160), ("iexcl", 161), ("cent", 162), ("pound", 163), ("euro", 8364), ("yen", 165),
    ("sect", 167), ("copy", 169), ("laquo", 171), ("raquo", 187), ("reg", 174), ("deg", 176),
    ("plusmn", 177), ("middot", 183), ("frac12", 189), ("iquest", 191), ("times", 215), ("divide", 247),
    ("ndash", 8211), ("mdash", 8212), ("lsquo", 8216), ("rsquo", 8217), ("sbquo", 8218),
    ("ldquo", 8220), ("rdquo", 8221), ("bdquo", 8222), ("bull", 8226), ("hellip", 8230),
    ("trade", 8482), ("prime", 8242), ("lsaquo", 8249), ("rsaquo", 8250), ("shy", 173),
    ("Agrave", 192), ("Aacute", 193), ("Acirc", 194), ("Auml", 196), ("Ccedil", 199),
    ("Egrave", 200), ("Eacute", 201), ("Ecirc", 202), ("Iacute", 205), ("Ntilde", 209),
    ("Oacute", 211), ("Ouml", 214), ("Uacute", 218), ("Uuml", 220), ("szlig", 223),
    ("agrave", 224), ("aacute", 225), ("acirc", 226), ("atilde", 227), ("auml", 228),
    ("aring", 229), ("aelig", 230), ("ccedil", 231), ("egrave", 232), ("eacute", 233),
    ("ecirc", 234), ("euml", 235), ("igrave", 236), ("iacute", 237), ("icirc", 238),
    ("iuml", 239), ("ntilde", 241), ("ograve", 242), ("oacute", 243), ("ocirc", 244),
    ("otilde", 245), ("ouml", 246), ("oslash", 248), ("ugrave", 249), ("uacute", 250),
    ("ucirc", 251), ("uuml", 252), ("yacute", 253), ("yuml", 255),
];

/// Escapes bare `&`, turns HTML entities into character references and drops
/// characters XML forbids, leaving CDATA sections and comments alone.
pub(crate) fn repair_markup(s: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len() + 64);
    let mut fixes = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let mut skipped = false;
        for (open, close) in [("<![CDATA[", "]]>"), ("<!--", "-->")] {
            if rest.starts_with(open) {
                let end = rest.find(close).map_or(rest.len(), |e| e + close.len());
                out.push_str(&rest[..end]);
                i += end;
                skipped = true;
                break;
            }
        }
        if skipped {
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c == '&' {
            let name_end = rest[1..].find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '#')).map_or(rest.len(), |e| e + 1);
            let name = &rest[1..name_end];
            let terminated = rest[name_end..].starts_with(';');
            let known = terminated
                && (matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") || valid_char_ref(name));
            if known {
                out.push('&');
            } else if let Some((_, code)) = HTML_ENTITIES.iter().find(|(n, _)| terminated && *n == name) {
                out.push_str(&format!("&#{code};"));
                i += name_end + 1;
                fixes += 1;
                continue;
            } else {
                out.push_str("&amp;");
                fixes += 1;
            }
        } else if is_forbidden_xml_char(c) {
            fixes += 1;
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    (out, fixes)
}

fn valid_char_ref(name: &str) -> bool {
    let n = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
    };
    n.and_then(char::from_u32).is_some_and(|c| !is_forbidden_xml_char(c))
}

fn is_forbidden_xml_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>
<item><title>Budget passes</title><link>/politics/budget</link><guid>b-1</guid>
<pubDate>Tue, 05 Mar 2024 14:30:00 GMT</pubDate><description>Short</description>
<author>jane@example.com (Jane Doe)</author></item>
<item><title>No date</title><link>https://other.example.org/x</link></item>
</channel></rss>"#;

    #[test]
    fn parses_and_resolves_relative_links() {
        let base = Url::parse("https://news.example.com/feeds/main.xml").unwrap();
        let feed = parse_feed(RSS.as_bytes(), Some(&base)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Example News"));
        assert_eq!(feed.items.len(), 2);
        let a = &feed.items[0];
        assert_eq!(a.title.as_deref(), Some("Budget passes"));
        assert_eq!(a.link.as_deref(), Some("https://news.example.com/politics/budget"));
        assert_eq!(a.guid, "b-1");
        assert_eq!(a.published.unwrap().to_rfc3339(), "2024-03-05T14:30:00+00:00");
        assert_eq!(a.summary.as_deref(), Some("Short"));
        assert!(a.author.is_some());
        let b = &feed.items[1];
        assert_eq!(b.link.as_deref(), Some("https://other.example.org/x"));
        assert!(b.published.is_none());
        assert!(!b.guid.is_empty(), "a guid is generated");
        assert!(feed.repairs.is_empty());
    }

    #[test]
    fn repairs_bare_ampersands_and_html_entities() {
        let broken = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Q&A</title>
<item><title>Tom &amp; Jerry &mdash; Salt & Pepper&nbsp;caf&eacute;</title><link>https://e.com/a?x=1&y=2</link>
<description><![CDATA[keep & this]]></description></item></channel></rss>"#;
        let feed = parse_feed(broken.as_bytes(), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Q&A"));
        let item = &feed.items[0];
        assert_eq!(item.title.as_deref(), Some("Tom & Jerry \u{2014} Salt & Pepper\u{a0}caf\u{e9}"));
        assert_eq!(item.link.as_deref(), Some("https://e.com/a?x=1&y=2"));
        assert_eq!(item.summary.as_deref(), Some("keep & this"));
        assert!(matches!(feed.repairs.last(), Some(Repair::Markup { fixes }) if *fixes >= 4));
    }

    #[test]
    fn corrects_a_wrong_declared_encoding() {
        let utf8_declared_latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Zürich</title><item><title>Élection à Genève</title></item></channel></rss>";
        let feed = parse_feed(utf8_declared_latin1.as_bytes(), None).unwrap();
        assert_eq!(feed.items[0].title.as_deref(), Some("Élection à Genève"));
        assert!(matches!(feed.repairs[0], Repair::DeclaredEncodingWasUtf8 { .. }));

        let mut latin1_declared_utf8 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>x</title><item><title>Gen".to_vec();
        latin1_declared_utf8.extend_from_slice(b"\xe8ve \x96 caf\xe9</title></item></channel></rss>");
        let feed = parse_feed(&latin1_declared_utf8, None).unwrap();
        assert_eq!(feed.items[0].title.as_deref(), Some("Genève \u{2013} café"));
    }

    #[test]
    fn hopeless_input_fails_with_a_clear_message() {
        let url = Url::parse("https://e.com/feed").unwrap();
        let err = parse_feed(b"<html><body>Not a feed</body></html>", Some(&url)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("https://e.com/feed") && msg.contains("not a readable feed"), "{msg}");
        assert!(msg.contains("root is <html>"), "{msg}");
        assert!(parse_feed(b"", None).is_err());
        assert!(parse_feed(b"{\"version\": 12}", None).is_err());
    }

    #[test]
    fn truncated_feeds_and_missing_versions_are_salvaged() {
        let truncated = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>One</title></item><item><title>Tw";
        let feed = parse_feed(truncated.as_bytes(), None).unwrap();
        assert_eq!(feed.items.len(), 2);
        assert_eq!(feed.items[0].title.as_deref(), Some("One"));
        assert!(feed.repairs.contains(&Repair::ClosedTruncated));
        assert_eq!(close_truncated("<a><b>x</b></a>"), None);
        assert_eq!(close_truncated("<a><b x='1'>x<!-- <c> --><br/>").as_deref(), Some("<a><b x='1'>x<!-- <c> --><br/></b></a>"));
        let unversioned = b"<rss><channel><title>T</title><item><title>Sem vers\xe3o</title></item></channel></rss>";
        let feed = parse_feed(unversioned, None).unwrap();
        assert_eq!(feed.items[0].title.as_deref(), Some("Sem vers\u{e3}o"));
    }

    #[test]
    fn markup_repair_leaves_valid_xml_alone() {
        let ok = "<a>&amp;&lt;&#233;&#xE9;<![CDATA[& raw]]><!-- & --></a>";
        assert_eq!(repair_markup(ok), (ok.to_owned(), 0));
        assert_eq!(repair_markup("a & b\u{b}").0, "a &amp; b");
    }
}
