//! Feed files (RSS 0.9x/1.0/2.0, Atom, JSON Feed) turned into input items, through the
//! same repairing parser the crawler uses (`polmon_feeds::parse_feed`).

use polmon_feeds::escape_html;

use crate::inputs::{InputItem, TextArticle};

/// The items of a feed: those with full HTML content become pages to extract, the others
/// text articles from their summary.
pub(crate) fn items(bytes: &[u8]) -> Result<Vec<InputItem>, String> {
    let feed = polmon_feeds::parse_feed(bytes, None).map_err(|e| format!("not a readable feed: {e}"))?;
    let feed_title = feed.title.as_ref().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let mut out = Vec::new();
    for entry in feed.items {
        let title = entry.title.as_ref().map(|t| polmon_feeds::strip_tags(t).trim().to_string()).filter(|t| !t.is_empty());
        let published = entry.published.or(entry.updated).map(|d| d.to_rfc3339());
        let names: Vec<&str> = entry.authors.iter().map(|a| a.trim()).filter(|n| !n.is_empty()).collect();
        let author = (!names.is_empty()).then(|| names.join("; "));
        let content = entry.content_html.filter(|b| !b.trim().is_empty());
        let summary = entry.summary.filter(|s| !s.trim().is_empty());
        if let Some(html) = content {
            let title_tag = title.as_deref().map(escape_html).unwrap_or_default();
            let page = format!("<html><head><title>{title_tag}</title></head><body><article><h1>{title_tag}</h1>{html}</article></body></html>");
            out.push(InputItem::Html {
                bytes: page.into_bytes(),
                url: entry.link,
                content_type: Some("text/html; charset=utf-8".into()),
                source: feed_title.clone(),
                published,
            });
        } else if title.is_some() || summary.is_some() {
            out.push(InputItem::Text(TextArticle {
                id: Some(entry.guid).filter(|i| !i.is_empty()),
                url: entry.link,
                title,
                text: summary.unwrap_or_default(),
                published,
                language: entry.language.or_else(|| feed.language.clone()),
                source: feed_title.clone(),
                author,
                category: None,
            }));
        }
    }
    Ok(out)
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
    fn regression_one_invalid_utf8_byte_does_not_lose_the_feed() {
        let mut rss = br#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>
            <item><title>Caf"#.to_vec();
        rss.push(0xff);
        rss.extend_from_slice(br#" news</title><link>https://x.fr/a</link><description>Le budget est vot&#233;.</description></item></channel></rss>"#);
        let items = items(&rss).unwrap();
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(items(b"\x00\x01 not a feed").unwrap_err().contains("not a readable feed"));
    }
}
