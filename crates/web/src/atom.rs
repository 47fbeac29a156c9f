//! Atom feeds (RFC 4287): the newest articles (`/feeds/latest`), one per category
//! (`/feeds/category/{slug}`), one per source (`/feeds/source/{name}`) and one per search
//! (`/feeds/search?q=…` with the search page's filters).
//!
//! Written with `quick_xml`, so text and attributes are escaped by the writer. Links are
//! absolute, on [`AppState::public_url`]. An entry's `updated` is its publication time,
//! else its ingestion time; an empty feed's is the time of the request.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use polmon_store::{ArticleSummary, ListQuery};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::params::{self, Params};
use crate::views::excerpt;
use crate::{blocking, AppState, WebError};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const PER_FEED: usize = 50;

/// Drops the control characters XML 1.0 forbids (the writer escapes the rest).
fn xml_text(s: &str) -> String {
    s.chars().filter(|&c| c as u32 >= 0x20 || matches!(c, '\t' | '\n' | '\r')).collect()
}

/// Unix seconds as RFC 3339 (`2024-04-02T10:00:00Z`).
fn rfc3339_ts(ts: i64) -> Option<String> {
    time::OffsetDateTime::from_unix_timestamp(ts).ok()?.format(&time::format_description::well_known::Rfc3339).ok()
}

/// A stored date-time as RFC 3339, if it parses.
fn rfc3339(value: Option<&str>) -> Option<String> {
    rfc3339_ts(value.and_then(polmon_store::parse_timestamp)?)
}

fn now_rfc3339() -> String {
    rfc3339_ts(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default()
}

/// An entry: the summary, with its `updated` time resolved.
pub(crate) struct Entry {
    summary: ArticleSummary,
    /// RFC 3339: published, else ingested.
    updated: String,
    /// RFC 3339, when the article has a publication date.
    published: Option<String>,
}

/// Entries for `rows`: an undated article's `updated` is its ingestion time (read from
/// the store, since summaries do not carry it), never 1970.
fn entries(state: &AppState, rows: Vec<ArticleSummary>) -> Result<Vec<Entry>, WebError> {
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        let published = rfc3339(s.published.as_deref());
        let updated = match &published {
            Some(p) => p.clone(),
            None => state.store.article(s.id)?.and_then(|a| rfc3339(Some(&a.ingested_at))).unwrap_or_else(now_rfc3339),
        };
        out.push(Entry { summary: s, updated, published });
    }
    Ok(out)
}

/// What a feed says about itself.
pub(crate) struct FeedMeta {
    /// The feed's title.
    pub(crate) title: String,
    /// The feed's own path and query (`/feeds/category/politics`).
    pub(crate) self_path: String,
    /// The HTML page it mirrors (`/category/politics`).
    pub(crate) page_path: String,
}

type XmlResult = std::io::Result<()>;

/// The Atom document for `entries`.
fn atom_xml(base: &str, meta: &FeedMeta, entries: &[Entry]) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    write_feed(&mut w, base, meta, entries).expect("writing to a Vec does not fail");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn write_feed(w: &mut Writer<Vec<u8>>, base: &str, meta: &FeedMeta, entries: &[Entry]) -> XmlResult {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let updated = entries.iter().map(|e| e.updated.as_str()).max().map_or_else(now_rfc3339, str::to_owned);
    let self_url = format!("{base}{}", meta.self_path);
    w.create_element("feed").with_attribute(("xmlns", ATOM_NS)).write_inner_content(|w| {
        w.create_element("title").write_text_content(BytesText::new(&xml_text(&meta.title)))?;
        w.create_element("id").write_text_content(BytesText::new(&self_url))?;
        w.create_element("link")
            .with_attributes([("rel", "self"), ("type", "application/atom+xml"), ("href", self_url.as_str())])
            .write_empty()?;
        let page_url = format!("{base}{}", meta.page_path);
        w.create_element("link")
            .with_attributes([("rel", "alternate"), ("type", "text/html"), ("href", page_url.as_str())])
            .write_empty()?;
        w.create_element("updated").write_text_content(BytesText::new(&updated))?;
        w.create_element("author").write_inner_content(|w| {
            w.create_element("name").write_text_content(BytesText::new("Politics Monitor"))?;
            Ok(())
        })?;
        w.create_element("generator").write_text_content(BytesText::new("Politics Monitor"))?;
        for e in entries {
            write_entry(w, base, e)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_entry(w: &mut Writer<Vec<u8>>, base: &str, e: &Entry) -> XmlResult {
    let s = &e.summary;
    let page = format!("{base}/article/{}", s.id);
    let mut entry = w.create_element("entry");
    if let Some(lang) = s.language.as_deref().filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
        entry = entry.with_attribute(("xml:lang", lang));
    }
    entry.write_inner_content(|w| {
        let title = xml_text(&s.title);
        let title = if title.trim().is_empty() { format!("Article {}", s.id) } else { title };
        w.create_element("title").write_text_content(BytesText::new(&title))?;
        w.create_element("id").write_text_content(BytesText::new(&page))?;
        w.create_element("link")
            .with_attributes([("rel", "alternate"), ("type", "text/html"), ("href", page.as_str())])
            .write_empty()?;
        if let Some(u) = s.url.as_deref().filter(|u| crate::sanitize::is_web_url(u)) {
            w.create_element("link").with_attributes([("rel", "via"), ("href", u.trim())]).write_empty()?;
        }
        w.create_element("updated").write_text_content(BytesText::new(&e.updated))?;
        if let Some(p) = &e.published {
            w.create_element("published").write_text_content(BytesText::new(p))?;
        }
        if let Some(src) = s.source.as_deref().filter(|v| !v.trim().is_empty()) {
            w.create_element("author").write_inner_content(|w| {
                w.create_element("name").write_text_content(BytesText::new(&xml_text(src)))?;
                Ok(())
            })?;
        }
        if !s.category.is_empty() {
            let term = xml_text(&s.category);
            let label = xml_text(&crate::views::category_label(&s.category));
            w.create_element("category").with_attributes([("term", term.as_str()), ("label", label.as_str())]).write_empty()?;
        }
        w.create_element("summary").write_text_content(BytesText::new(&xml_text(&excerpt(&s.lead, 300))))?;
        Ok(())
    })?;
    Ok(())
}

pub(crate) fn atom_response(state: &AppState, meta: &FeedMeta, mut rows: Vec<ArticleSummary>) -> Result<Response, WebError> {
    // Headlines and summaries in the reader's language where translated (`xml:lang` follows).
    state.translate_summaries(&mut rows)?;
    let entries = entries(state, rows)?;
    let body = atom_xml(&state.public_url, meta, &entries);
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response())
}

pub(crate) async fn latest(State(state): State<AppState>) -> Result<Response, WebError> {
    blocking(move || {
        let (rows, _) = state.store.list(&ListQuery { limit: PER_FEED, ..Default::default() })?;
        let meta = FeedMeta { title: "Politics Monitor — latest".into(), self_path: "/feeds/latest".into(), page_path: "/".into() };
        atom_response(&state, &meta, rows)
    })
    .await
}

pub(crate) async fn category(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, WebError> {
    blocking(move || {
        let (rows, total) = state.store.list(&ListQuery { category: Some(slug.clone()), limit: PER_FEED, ..Default::default() })?;
        if total == 0 {
            return Err(WebError::NotFound(format!("There is no category {slug:?}.")));
        }
        let meta = FeedMeta {
            title: format!("Politics Monitor — {}", crate::views::category_label(&slug)),
            self_path: format!("/feeds/category/{}", params::encode(&slug)),
            page_path: format!("/category/{}", params::encode(&slug)),
        };
        atom_response(&state, &meta, rows)
    })
    .await
}

pub(crate) async fn source(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, WebError> {
    blocking(move || {
        let (rows, total) = state.store.list(&ListQuery { source: Some(name.clone()), limit: PER_FEED, ..Default::default() })?;
        if total == 0 {
            return Err(WebError::NotFound(format!("There is no source {name:?}.")));
        }
        let meta = FeedMeta {
            title: format!("Politics Monitor — {name}"),
            self_path: format!("/feeds/source/{}", params::encode_path(&name)),
            page_path: format!("/source/{}", params::encode_path(&name)),
        };
        atom_response(&state, &meta, rows)
    })
    .await
}

pub(crate) async fn search(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Response, WebError> {
    let (q, _) = crate::pages::search_query(&p, PER_FEED)?;
    let base = crate::pages::search_base(&p);
    blocking(move || {
        // Entries carry summaries, not snippets: the hits' ids alone (no stored document read).
        let ids: Vec<i64> = state.index.search_ids(&q)?.iter().map(|h| h.id).collect();
        let rows = state.store.summaries(&ids)?;
        let meta = FeedMeta {
            title: format!("Politics Monitor — search: {}", q.text),
            self_path: format!("/feeds/search?{base}"),
            page_path: format!("/search?{base}"),
        };
        atom_response(&state, &meta, rows)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mk(url: &str) -> Entry {
        Entry {
            summary: ArticleSummary {
                id: 1,
                title: "T".into(),
                source: None,
                published: None,
                category: "politics".into(),
                language: Some("fr".into()),
                url: Some(url.into()),
                lead: String::new(),
                story_id: None,
                sort_ts: 0,
            },
            updated: "2024-04-02T00:00:00Z".into(),
            published: None,
        }
    }

    fn feed_body(entries: &[Entry]) -> String {
        let meta = FeedMeta { title: "T <&>".into(), self_path: "/feeds/x".into(), page_path: "/x".into() };
        String::from_utf8(atom_xml("https://polmon.example", &meta, entries)).unwrap()
    }

    #[test]
    fn regression_via_links_are_web_urls_only() {
        for bad in ["javascript:alert(1)", "data:text/html,<b>x</b>", " JavaScript:alert(1)", "vbscript:x"] {
            let body = feed_body(&[mk(bad)]);
            assert!(!body.contains("rel=\"via\""), "{bad}: {body}");
        }
        assert!(feed_body(&[mk("https://news.example/a")]).contains("rel=\"via\" href=\"https://news.example/a\""));
    }

    #[test]
    fn links_are_absolute_and_entries_have_their_language() {
        let body = feed_body(&[mk("https://news.example/a")]);
        assert!(body.contains("<title>T &lt;&amp;&gt;</title>"), "{body}");
        assert!(body.contains("rel=\"self\" type=\"application/atom+xml\" href=\"https://polmon.example/feeds/x\""), "{body}");
        assert!(body.contains("<entry xml:lang=\"fr\">"), "{body}");
        assert!(body.contains("rel=\"alternate\" type=\"text/html\" href=\"https://polmon.example/article/1\""), "{body}");
        assert!(!body.contains("1970"), "{body}");
    }

    #[test]
    fn an_empty_feed_is_dated_now() {
        let body = feed_body(&[]);
        assert!(!body.contains("1970"), "{body}");
        let year = time::OffsetDateTime::now_utc().year().to_string();
        assert!(body.contains(&format!("<updated>{year}-")), "{body}");
    }

    #[test]
    fn drops_control_characters_and_formats_dates() {
        assert_eq!(xml_text("a<b\u{1}"), "a<b");
        assert_eq!(rfc3339(Some("2024-04-02")).as_deref(), Some("2024-04-02T00:00:00Z"));
        assert_eq!(rfc3339(None), None);
    }
}
