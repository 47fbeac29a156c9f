//! Turning article blocks into HTML that is safe to send to a browser.

use std::collections::HashSet;
use std::sync::OnceLock;

use polmon_feeds::escape_html as escape;
use polmon_model::{Block, BlockKind};

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        let tags: HashSet<&str> = ["p", "h2", "h3", "ul", "li", "blockquote", "b", "i", "em", "strong"].into_iter().collect();
        b.tags(tags);
        b
    })
}

/// Whether a URL may be a link target on a page or in a feed: absolute http(s) only
/// (never `javascript:`, `data:` or a relative trick).
pub fn is_web_url(url: &str) -> bool {
    let u = url.trim_start();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    u.len() == url.len() && (lower.starts_with("http://") || lower.starts_with("https://"))
}

/// Cleans an HTML fragment down to the tags an article body may use, with no attributes,
/// scripts, styles or event handlers.
pub fn clean_html(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// The HTML of an article body: each block escaped in its element (list items grouped
/// in a `<ul>`), then passed through [`clean_html`].
pub fn blocks_to_html(blocks: &[Block]) -> String {
    let mut html = String::new();
    let mut in_list = false;
    for b in blocks {
        if b.kind == BlockKind::Li && !in_list {
            html.push_str("<ul>");
            in_list = true;
        } else if b.kind != BlockKind::Li && in_list {
            html.push_str("</ul>");
            in_list = false;
        }
        let tag = match b.kind {
            BlockKind::P => "p",
            BlockKind::H2 => "h2",
            BlockKind::H3 => "h3",
            BlockKind::Li => "li",
            BlockKind::Blockquote => "blockquote",
        };
        html.push_str(&format!("<{tag}>{}</{tag}>", escape(&b.text)));
    }
    if in_list {
        html.push_str("</ul>");
    }
    clean_html(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_in_text_are_escaped_not_run() {
        let blocks = vec![
            Block { kind: BlockKind::P, text: "<script>alert(1)</script> & more".into() },
            Block { kind: BlockKind::H2, text: "Sub".into() },
            Block { kind: BlockKind::Li, text: "one".into() },
        ];
        let html = blocks_to_html(&blocks);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(html.contains("<h2>Sub</h2><ul><li>one</li></ul>"));
    }

    #[test]
    fn the_cleaner_drops_dangerous_markup() {
        let out = clean_html(r#"<p onclick="x()">hi<script>bad()</script><img src=x onerror=y><a href="javascript:z">l</a></p>"#);
        assert_eq!(out, "<p>hil</p>");
    }
}
