//! Feed parsing over `feed-rs` (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into a
//! flat item list, repairing what real feeds get wrong the way forgiving
//! readers do:
//!
//! * a declared single-byte encoding on bytes that are really UTF-8 is
//!   corrected before parsing (otherwise every accent becomes mojibake);
//! * when parsing fails, the document is decoded to UTF-8 (declared
//!   encoding; else UTF-8 with the odd invalid byte replaced by U+FFFD when
//!   the rest is UTF-8; else windows-1252), junk before the first tag and characters
//!   XML forbids are dropped, bare `&` are escaped and HTML named entities
//!   (`&nbsp;`, `&eacute;`, …) become character references, then it is
//!   parsed again;
//! * links are resolved against the feed URL (and `xml:base`);
//! * a missing publication date falls back to the updated date, else `None`;
//! * summaries become plain text ([`strip_tags`](crate::strip_tags)); full
//!   HTML content is kept as given, unsanitised (sanitising is the reader's job).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::ParseError;
use crate::text::{html_entity, strip_tags};
use crate::xml::{declared_encoding, decode_document, Decoded};

/// One entry of a feed: what the crawler and file ingest need to make an article of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedItem {
    /// Title as the feed gives it (may contain markup for `type="html"` Atom titles).
    pub title: Option<String>,
    /// The item's page, absolute when the feed URL (or `xml:base`) allows it.
    pub link: Option<String>,
    /// The feed's id/guid, or a stable id generated from the link and title when it has none.
    pub guid: String,
    /// Publication date, else the updated date.
    pub published: Option<DateTime<Utc>>,
    /// Last update date.
    pub updated: Option<DateTime<Utc>>,
    /// Summary or description as plain text (tags stripped, entities decoded).
    pub summary: Option<String>,
    /// Full content (HTML, unsanitised), when the feed carries it.
    pub content_html: Option<String>,
    /// Author names, in feed order, blank ones dropped.
    pub authors: Vec<String>,
    /// Category terms (or labels), in feed order.
    pub categories: Vec<String>,
    /// The item's language where the format gives one, else the feed's.
    pub language: Option<String>,
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
    /// The document was UTF-8 but for a few invalid bytes, which became U+FFFD.
    InvalidUtf8 {
        /// How many invalid sequences were replaced.
        replaced: usize,
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
    /// The feed's language (`<language>`, `xml:lang`, JSON Feed `language`).
    pub language: Option<String>,
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
    let (text, decoded) = decode_document(&input);
    match decoded {
        Decoded::Utf8 => {}
        Decoded::LossyUtf8 { replaced } => repairs.push(Repair::InvalidUtf8 { replaced }),
        Decoded::Other(enc) => repairs.push(Repair::Reencoded { from: enc.name().to_owned() }),
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
            FeedItem {
                title: e.title.map(|t| t.content.trim().to_owned()).filter(|t| !t.is_empty()),
                link: pick_link(&e.links).map(&resolve),
                guid: e.id,
                published: e.published.or(e.updated),
                updated: e.updated,
                summary: e.summary.map(|s| strip_tags(&s.content)).filter(|s| !s.is_empty()),
                content_html: e.content.and_then(|c| c.body).filter(|s| !s.trim().is_empty()),
                authors: e.authors.into_iter().filter_map(|p| p.name).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect(),
                categories: e
                    .categories
                    .into_iter()
                    .filter_map(|c| Some(c.term).filter(|t| !t.trim().is_empty()).or(c.label))
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect(),
                language: e.language.or_else(|| feed.language.clone()).filter(|l| !l.trim().is_empty()),
            }
        })
        .collect();
    ParsedFeed {
        title: feed.title.map(|t| t.content.trim().to_owned()).filter(|t| !t.is_empty()),
        language: feed.language.filter(|l| !l.trim().is_empty()),
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
            } else if let Some(ch) = html_entity(name).filter(|_| terminated) {
                out.push_str(&format!("&#{};", u32::from(ch)));
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
        assert_eq!(a.authors.len(), 1);
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
    fn one_invalid_utf8_byte_still_parses() {
        // What the crawler meets: a UTF-8 feed with one stray byte (a cut
        // multi-byte character, a windows-1252 quote pasted in).
        let mut bytes = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Zürich</title>\
            <item><title>Élection à Genève</title><link>https://e.ch/a</link><description>Le vote "
            .as_bytes()
            .to_vec();
        bytes.push(0x93);
        bytes.extend_from_slice("décisif</description></item></channel></rss>".as_bytes());
        assert!(std::str::from_utf8(&bytes).is_err());
        let feed = parse_feed(&bytes, None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Zürich"), "the UTF-8 around the bad byte is kept");
        assert_eq!(feed.items.len(), 1);
        assert_eq!(feed.items[0].title.as_deref(), Some("Élection à Genève"));
        assert_eq!(feed.items[0].summary.as_deref(), Some("Le vote \u{fffd}décisif"));
        assert!(feed.repairs.contains(&Repair::InvalidUtf8 { replaced: 1 }), "{:?}", feed.repairs);
    }

    #[test]
    fn items_carry_what_file_ingest_needs() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le Journal</title><id>urn:j</id><updated>2024-04-02T10:00:00Z</updated>
  <link rel="alternate" href="https://journal.example/"/>
  <entry>
    <title>Budget</title><id>urn:j:1</id>
    <link rel="alternate" href="/politique/budget"/>
    <published>2024-04-02T09:00:00+02:00</published><updated>2024-04-02T11:00:00Z</updated>
    <author><name>Anne</name></author><author><name> Bruno </name></author><author><name> </name></author>
    <category term="politique"/><category term="" label="Économie"/>
    <summary type="html">&lt;p&gt;Le &lt;b&gt;budget&lt;/b&gt; est vot&amp;eacute;.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;Texte &lt;em&gt;complet&lt;/em&gt;&lt;/p&gt;</content>
  </entry>
  <entry><title>No dates</title><id>urn:j:2</id><link href="?page=2"/></entry>
</feed>"#;
        let base = Url::parse("https://journal.example/feeds/atom.xml?lang=fr").unwrap();
        let feed = parse_feed(atom.as_bytes(), Some(&base)).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Le Journal"));
        assert_eq!(feed.language.as_deref(), Some("fr"));
        assert_eq!(feed.site_url.as_deref(), Some("https://journal.example/"));
        let a = &feed.items[0];
        assert_eq!(a.guid, "urn:j:1");
        assert_eq!(a.link.as_deref(), Some("https://journal.example/politique/budget"));
        assert_eq!(a.published.unwrap().to_rfc3339(), "2024-04-02T07:00:00+00:00");
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-04-02T11:00:00+00:00");
        assert_eq!(a.authors, ["Anne", "Bruno"]);
        assert_eq!(a.categories, ["politique", "Économie"]);
        assert_eq!(a.summary.as_deref(), Some("Le budget est voté."), "plain text");
        assert_eq!(a.content_html.as_deref(), Some("<p>Texte <em>complet</em></p>"));
        assert_eq!(a.language.as_deref(), Some("fr"), "inherited from the feed");
        let b = &feed.items[1];
        assert_eq!(b.language.as_deref(), Some("fr"));
        assert_eq!(b.published, None);
        assert_eq!(
            b.link.as_deref(),
            Some("https://journal.example/feeds/atom.xml?page=2"),
            "a query-only link replaces the query, keeps the path"
        );
    }

    #[test]
    fn query_only_and_dot_links_resolve_like_a_browser() {
        let rss = r#"<rss version="2.0"><channel><title>T</title>
<item><title>a</title><link>?page=2</link></item>
<item><title>b</title><link>../up/x?y=1#frag</link></item>
<item><title>c</title><link>//cdn.example.net/z</link></item>
</channel></rss>"#;
        let base = Url::parse("https://e.com/news/rss/index.xml?format=rss").unwrap();
        let feed = parse_feed(rss.as_bytes(), Some(&base)).unwrap();
        let links: Vec<&str> = feed.items.iter().filter_map(|i| i.link.as_deref()).collect();
        assert_eq!(links, ["https://e.com/news/rss/index.xml?page=2", "https://e.com/news/up/x?y=1#frag", "https://cdn.example.net/z"]);
    }

    #[test]
    fn markup_repair_leaves_valid_xml_alone() {
        let ok = "<a>&amp;&lt;&#233;&#xE9;<![CDATA[& raw]]><!-- & --></a>";
        assert_eq!(repair_markup(ok), (ok.to_owned(), 0));
        assert_eq!(repair_markup("a & b\u{b}").0, "a &amp; b");
    }
}
