//! Atom feeds: one per category (`/feeds/category/{slug}`) and one per search
//! (`/feeds/search?q=…` with the search page's filters).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use polmon_store::{ArticleSummary, ListQuery};

use crate::params::{self, Params};
use crate::views::excerpt;
use crate::{blocking, AppState, WebError};

/// Escapes for XML and drops the control characters XML 1.0 forbids.
fn xml_escape(s: &str) -> String {
    polmon_feeds::escape_html(s).chars().filter(|&c| c as u32 >= 0x20 || matches!(c, '\t' | '\n' | '\r')).collect()
}

fn rfc3339(published: Option<&str>) -> String {
    published
        .and_then(polmon_store::parse_timestamp)
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// An Atom document for `entries`; `self_path` is the feed's own path.
fn atom(title: &str, self_path: &str, entries: &[ArticleSummary]) -> Response {
    let updated = entries.iter().map(|e| rfc3339(e.published.as_deref())).max().unwrap_or_else(|| rfc3339(None));
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    xml.push_str(&format!("  <id>urn:polmon:feed:{}</id>\n", xml_escape(self_path)));
    xml.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n", xml_escape(self_path)));
    xml.push_str(&format!("  <updated>{updated}</updated>\n  <generator>Politics Monitor</generator>\n"));
    for e in entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
        xml.push_str(&format!("    <id>urn:polmon:article:{}</id>\n", e.id));
        xml.push_str(&format!("    <link href=\"/article/{}\"/>\n", e.id));
        if let Some(u) = e.url.as_ref().filter(|u| crate::sanitize::is_web_url(u)) {
            xml.push_str(&format!("    <link rel=\"via\" href=\"{}\"/>\n", xml_escape(u)));
        }
        xml.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.published.as_deref())));
        if let Some(s) = &e.source {
            xml.push_str(&format!("    <author><name>{}</name></author>\n", xml_escape(s)));
        }
        xml.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(&e.category)));
        xml.push_str(&format!("    <summary>{}</summary>\n", xml_escape(&excerpt(&e.lead, 300))));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response()
}

pub(crate) async fn category(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, WebError> {
    blocking(move || {
        let (rows, total) = state.store.list(&ListQuery { category: Some(slug.clone()), limit: 50, ..Default::default() })?;
        if total == 0 {
            return Err(WebError::NotFound(format!("There is no category {slug:?}.")));
        }
        Ok(atom(
            &format!("Politics Monitor — {}", crate::views::category_label(&slug)),
            &format!("/feeds/category/{}", params::encode(&slug)),
            &rows,
        ))
    })
    .await
}

pub(crate) async fn search(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Response, WebError> {
    let (q, _) = crate::pages::search_query(&p, 50)?;
    let base = crate::pages::search_base(&p);
    blocking(move || {
        let results = state.index.search(&q)?;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
        let rows = state.store.summaries(&ids)?;
        Ok(atom(&format!("Politics Monitor — search: {}", q.text), &format!("/feeds/search?{base}"), &rows))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_via_links_are_web_urls_only() {
        let mk = |url: &str| ArticleSummary {
            id: 1,
            title: "T".into(),
            source: None,
            published: None,
            category: "politics".into(),
            language: None,
            url: Some(url.into()),
            lead: String::new(),
            story_id: None,
        };
        for bad in ["javascript:alert(1)", "data:text/html,<b>x</b>", " JavaScript:alert(1)", "vbscript:x"] {
            let body = feed_body(&[mk(bad)]);
            assert!(!body.contains("rel=\"via\""), "{bad}: {body}");
        }
        assert!(feed_body(&[mk("https://news.example/a")]).contains("rel=\"via\" href=\"https://news.example/a\""));
    }

    fn feed_body(entries: &[ArticleSummary]) -> String {
        let res = atom("T", "/feeds/x", entries);
        let bytes = futures_body(res);
        String::from_utf8(bytes).unwrap()
    }

    fn futures_body(res: Response) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async { axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec() })
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"c\u{1}"), "a&lt;b&gt;&amp;&quot;c");
        assert_eq!(rfc3339(Some("2024-04-02")), "2024-04-02T00:00:00Z");
    }
}
