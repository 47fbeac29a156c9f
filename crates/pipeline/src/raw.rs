//! Inputs kept as raw pages, for the distributed mode: `polmon enqueue` keeps each input
//! item in the shared store ([`raw_page_of`]) and publishes only its key; a worker reads
//! it back ([`input_item_of`]) and runs it through [`Pipeline::store_item`](crate::Pipeline::store_item).

use polmon_store::RawPage;

use crate::hash::bytes_hash;
use crate::{IngestError, InputItem, TextArticle};

/// The content type of a raw page that holds an already extracted article (a JSONL
/// line or a feed item without a page) as JSON.
pub const TEXT_ARTICLE_TYPE: &str = "application/x-polmon-article+json";

/// The raw page that keeps `item`, under a key that is a digest of everything in it:
/// the same input gives the same key (and so one message and one stored page), wherever
/// and however often it is enqueued.
pub fn raw_page_of(item: &InputItem) -> RawPage {
    let (body, url, content_type, source, published) = match item {
        InputItem::Html {
            bytes,
            url,
            content_type,
            source,
            published,
        } => (
            bytes.clone(),
            url.clone(),
            content_type.clone(),
            source.clone(),
            published.clone(),
        ),
        InputItem::Text(t) => {
            let body = serde_json::to_vec(t).expect("a text article serialises");
            (
                body,
                t.url.clone(),
                Some(TEXT_ARTICLE_TYPE.to_owned()),
                None,
                None,
            )
        }
    };
    let field = |v: &Option<String>| v.as_deref().unwrap_or("").as_bytes().to_vec();
    let key = bytes_hash(&[
        &body,
        &field(&url),
        &field(&content_type),
        &field(&source),
        &field(&published),
    ]);
    RawPage {
        key,
        url,
        content_type,
        source,
        published,
        body,
    }
}

/// The input item a raw page keeps.
pub fn input_item_of(page: RawPage) -> Result<InputItem, IngestError> {
    if page.content_type.as_deref() == Some(TEXT_ARTICLE_TYPE) {
        let article: TextArticle =
            serde_json::from_slice(&page.body).map_err(|e| IngestError::RawPage {
                key: page.key.clone(),
                reason: format!("not an article: {e}"),
            })?;
        return Ok(InputItem::Text(article));
    }
    Ok(InputItem::Html {
        bytes: page.body,
        url: page.url,
        content_type: page.content_type,
        source: page.source,
        published: page.published,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_html_items_round_trip_under_stable_keys() {
        let text = InputItem::Text(TextArticle {
            id: Some("7".into()),
            url: Some("https://example.org/a".into()),
            title: Some("Budget".into()),
            text: "Le gouvernement présente son budget.".into(),
            language: Some("fr".into()),
            ..Default::default()
        });
        let page = raw_page_of(&text);
        assert_eq!(page.key, raw_page_of(&text).key);
        assert_eq!(page.content_type.as_deref(), Some(TEXT_ARTICLE_TYPE));
        let InputItem::Text(back) = input_item_of(page.clone()).unwrap() else {
            panic!("a text item")
        };
        assert_eq!(
            (back.id.as_deref(), back.text.as_str()),
            (Some("7"), "Le gouvernement présente son budget.")
        );

        let html = InputItem::Html {
            bytes: b"<html><p>x</p></html>".to_vec(),
            url: Some("https://example.org/b".into()),
            content_type: Some("text/html; charset=iso-8859-1".into()),
            source: None,
            published: Some("2026-01-02".into()),
        };
        let raw = raw_page_of(&html);
        assert_ne!(raw.key, page.key);
        let InputItem::Html {
            bytes,
            url,
            published,
            ..
        } = input_item_of(raw).unwrap()
        else {
            panic!("an HTML item")
        };
        assert_eq!(
            (bytes.as_slice(), url.as_deref(), published.as_deref()),
            (
                &b"<html><p>x</p></html>"[..],
                Some("https://example.org/b"),
                Some("2026-01-02")
            )
        );
    }

    #[test]
    fn a_damaged_text_page_is_an_error_naming_its_key() {
        let page = RawPage {
            key: "k1".into(),
            content_type: Some(TEXT_ARTICLE_TYPE.into()),
            body: b"{oops".to_vec(),
            ..Default::default()
        };
        let err = input_item_of(page).unwrap_err().to_string();
        assert!(
            err.contains("raw page k1") && err.contains("not an article"),
            "{err}"
        );
    }
}
