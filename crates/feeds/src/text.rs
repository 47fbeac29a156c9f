//! Small text helpers shared by the parsers here and, later, the pipeline and
//! the web pages: HTML escaping, entity decoding, tag stripping, the display
//! host of a URL. Pure and allocation-light; not an HTML parser.

/// Escapes text for HTML and XML content and attribute values: `& < > " '`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// HTML named entities common in feeds and pages beyond the five XML ones.
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

/// The character of an HTML named entity that XML does not define (`eacute`, `mdash`, …).
pub(crate) fn html_entity(name: &str) -> Option<char> {
    HTML_ENTITIES.iter().find(|(n, _)| *n == name).and_then(|(_, code)| char::from_u32(*code))
}

/// The character an entity reference stands for, without `&` and `;`: the
/// five XML names, the HTML names above, `#38` and `#x26`. `None` when unknown.
pub(crate) fn entity_char(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32),
        n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
        n => html_entity(n),
    }
}

/// Decodes character references (`&amp;`, `&#233;`, `&#xE9;`) and the common
/// HTML named entities (`&eacute;`, `&nbsp;`, …). Unknown or unterminated
/// references are kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|e| e + 1);
        let decoded = match end {
            Some(e) if rest[e..].starts_with(';') => entity_char(&rest[1..e]).map(|c| (c, e + 1)),
            _ => None,
        };
        match decoded {
            Some((c, consumed)) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Elements whose boundaries separate words (the others, like `<b>` or `<a>`, do not).
const BLOCK_TAGS: &[&str] = &[
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "td", "th", "tr", "ul",
];

/// Plain text of an HTML fragment (a feed summary): tags dropped (block
/// elements become a space, inline ones nothing), comments and `<script>` /
/// `<style>` bodies removed, entities decoded, whitespace collapsed. A `<`
/// that does not start a tag (`a < b`) is kept.
pub fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        rest = &rest[i..];
        let after = &rest[1..];
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        let closing = after.starts_with('/');
        let name_part = if closing { &after[1..] } else { after };
        let starts_tag = name_part.starts_with(|c: char| c.is_ascii_alphabetic()) || after.starts_with('!') || after.starts_with('?');
        if !starts_tag {
            text.push('<');
            rest = after;
            continue;
        }
        let name_len = name_part.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name_part.len());
        let name = name_part[..name_len].to_ascii_lowercase();
        let Some(end) = tag_end(rest) else {
            rest = "";
            break;
        };
        rest = &rest[end..];
        if !closing && (name == "script" || name == "style") {
            let close = format!("</{name}");
            rest = find_ascii_ci(rest, &close).map_or("", |e| &rest[e..]);
            continue;
        }
        if BLOCK_TAGS.contains(&name.as_str()) {
            text.push(' ');
        }
    }
    text.push_str(rest);
    decode_entities(&text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offset just past the `>` closing the tag that starts `s`, honouring quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'>') => return Some(i + 1),
            (None, q @ (b'"' | b'\'')) => quote = Some(q),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    None
}

/// Position of `needle` (ASCII) in `hay`, ignoring ASCII case.
pub(crate) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes().windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// The host of an absolute URL, lowercased, without a leading `www.`:
/// what a page shows as the source of a link. `None` for relative URLs or
/// URLs without a host.
pub fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url.trim()).ok()?;
    let host = u.host_str().filter(|h| !h.is_empty())?;
    Some(host.strip_prefix("www.").unwrap_or(host).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(escape_html(r#"Tom & "Jerry" <b>'s</b>"#), "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s&lt;/b&gt;");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(decode_entities(&escape_html("a<'\"&>b")), "a<'\"&>b", "decode undoes escape");
    }

    #[test]
    fn entities_decode() {
        assert_eq!(decode_entities("a&amp;b&#38;c&#x26;d&bogus;e&"), "a&b&c&d&bogus;e&");
        assert_eq!(decode_entities("caf&eacute; &mdash; &nbsp;&quot;x&apos;"), "caf\u{e9} \u{2014} \u{a0}\"x'");
        assert_eq!(decode_entities("&amp no semicolon &#xZZ; &#1114112;"), "&amp no semicolon &#xZZ; &#1114112;");
        assert_eq!(entity_char("#x41"), Some('A'));
        assert_eq!(entity_char("bogus"), None);
    }

    #[test]
    fn strips_tags_to_plain_text() {
        assert_eq!(strip_tags("<p>Le <b>budget</b> est vot&eacute;.</p><p>Suite&nbsp;ici</p>"), "Le budget est voté. Suite ici");
        assert_eq!(strip_tags("a < b and c > d"), "a < b and c > d");
        assert_eq!(strip_tags("x<br/>y<img src=\"a>b.png\">z"), "x y z");
        assert_eq!(strip_tags("<script>var a = '<p>';</script><style>p{}</style>kept<!-- gone -->"), "kept");
        assert_eq!(strip_tags("&lt;b&gt; is text"), "<b> is text", "escaped markup stays text");
        assert_eq!(strip_tags("cut <a href="), "cut");
        assert_eq!(strip_tags(""), "");
    }

    #[test]
    fn host_without_www() {
        assert_eq!(host_of("https://www.Example.com/a?b").as_deref(), Some("example.com"));
        assert_eq!(host_of("http://news.example.org:8080/").as_deref(), Some("news.example.org"));
        assert_eq!(host_of("/relative"), None);
        assert_eq!(host_of("mailto:a@b.c"), None);
    }
}
