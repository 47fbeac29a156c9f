//! Feed files (RSS 0.9x/1.0/2.0, Atom, JSON Feed) turned into input items, via feed-rs.

use crate::inputs::{InputItem, TextArticle};

/// The items of a feed: those with full HTML content become pages to extract, the others
/// text articles from their summary.
pub(crate) fn items(bytes: &[u8]) -> Result<Vec<InputItem>, String> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| format!("not a readable feed: {e}"))?;
    let feed_title = feed.title.as_ref().map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty());
    let mut out = Vec::new();
    for entry in feed.entries {
        let url = entry.links.first().map(|l| l.href.clone());
        let title = entry.title.as_ref().map(|t| t.content.trim().to_string());
        let published = entry.published.or(entry.updated).map(|d| d.to_rfc3339());
        let names: Vec<String> = entry.authors.iter().filter_map(|p| p.name.clone()).filter(|n| !n.trim().is_empty()).collect();
        let author = (!names.is_empty()).then(|| names.join("; "));
        let content = entry.content.as_ref().and_then(|c| c.body.clone()).filter(|b| !b.trim().is_empty());
        let summary = entry.summary.as_ref().map(|s| s.content.clone()).filter(|s| !s.trim().is_empty());
        if let Some(html) = content {
            let title_tag = title.as_deref().map(escape).unwrap_or_default();
            let page = format!("<html><head><title>{title_tag}</title></head><body><article><h1>{title_tag}</h1>{html}</article></body></html>");
            out.push(InputItem::Html {
                bytes: page.into_bytes(),
                url,
                content_type: Some("text/html; charset=utf-8".into()),
                source: feed_title.clone(),
                published,
            });
        } else if title.is_some() || summary.is_some() {
            out.push(InputItem::Text(TextArticle {
                id: Some(entry.id.clone()).filter(|i| !i.is_empty()),
                url,
                title,
                text: summary.map(|s| strip_tags(&s)).unwrap_or_default(),
                published,
                language: feed.language.clone(),
                source: feed_title.clone(),
                author,
                category: None,
            }));
        }
    }
    Ok(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Plain text of a summary that may hold HTML.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_become_text_articles() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Le Monde</title>
            <item><title>Budget</title><link>https://x.fr/a</link><description>Le &lt;b&gt;budget&lt;/b&gt; est vot&#233;.</description>
            <pubDate>Tue, 02 Apr 2024 10:00:00 GMT</pubDate></item></channel></rss>"#;
        let items = items(rss).unwrap();
        assert_eq!(items.len(), 1);
        match &items[0] {
            InputItem::Text(a) => {
                assert_eq!(a.title.as_deref(), Some("Budget"));
                assert_eq!(a.text, "Le budget est voté.");
                assert_eq!(a.source.as_deref(), Some("Le Monde"));
                assert!(a.published.as_deref().unwrap().starts_with("2024-04-02T10:00:00"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(items(b"\x00\x01 not a feed").unwrap_err().contains("not a readable feed"));
    }
}
