//! What a delivery says: loaded from the store, rendered as JSON, plain text and HTML.

use polmon_feeds::escape_html;
use polmon_store::{ArticleStore, MatchRecord, Payload, StoreError, WatchRecord};
use polmon_watch::Matched;
use serde_json::json;

/// A delivery's content: the watch and its matches (one, or a digest's).
#[derive(Debug, Clone)]
pub(crate) struct Content {
    pub(crate) watch: WatchRecord,
    pub(crate) matches: Vec<MatchRecord>,
}

/// Loads a delivery's content; `None` when the watch or the matches are gone.
pub(crate) fn load(store: &dyn ArticleStore, watch_id: i64, payload: Payload) -> Result<Option<Content>, StoreError> {
    let Some(watch) = store.watch(watch_id)? else { return Ok(None) };
    let matches = match payload {
        Payload::Article(id) => store.watch_match(watch_id, id)?.into_iter().collect(),
        Payload::Digest { start, end } => store.watch_matches_between(watch_id, start, end)?,
    };
    Ok((!matches.is_empty()).then_some(Content { watch, matches }))
}

fn matched(m: &MatchRecord) -> Matched {
    serde_json::from_str(&m.matched_json).unwrap_or_default()
}

fn site_link(public_url: &str, m: &MatchRecord) -> String {
    format!("{}/article/{}", public_url.trim_end_matches('/'), m.article.id)
}

/// The webhook body for one match.
pub(crate) fn json_body(c: &Content, key: &str, public_url: &str) -> String {
    let m = &c.matches[0];
    let a = &m.article;
    json!({
        "idempotency_key": key,
        "watch": {"id": c.watch.id, "name": c.watch.name},
        "article": {
            "id": a.id, "title": a.title, "url": a.url, "site_url": site_link(public_url, m),
            "source": a.source, "published": a.published, "language": a.language,
            "category": a.category, "lead": a.lead,
        },
        "matched": matched(m),
        "matched_at": polmon_store::format_unix(m.at),
    })
    .to_string()
}

/// The e-mail subject.
pub(crate) fn subject(c: &Content, digest: bool) -> String {
    if digest {
        format!("[polmon] {}: {} new article{}", c.watch.name, c.matches.len(), if c.matches.len() == 1 { "" } else { "s" })
    } else {
        format!("[polmon] {}: {}", c.watch.name, c.matches[0].article.title)
    }
}

/// The plain-text e-mail body.
pub(crate) fn text_body(c: &Content, public_url: &str) -> String {
    let mut out = format!("Watch \"{}\" matched:\n", c.watch.name);
    for m in &c.matches {
        let found = matched(m);
        let a = &m.article;
        out.push_str(&format!("\n{}\n", a.title));
        if let Some(u) = &a.url {
            out.push_str(&format!("  {u}\n"));
        }
        out.push_str(&format!("  {}\n", site_link(public_url, m)));
        if !found.terms.is_empty() {
            out.push_str(&format!("  terms: {}\n", found.terms.join(", ")));
        }
        if !found.entities.is_empty() {
            out.push_str(&format!("  entities: {}\n", found.entities.join(", ")));
        }
        for q in &found.quotes {
            out.push_str(&format!("  \"{}\" ({})\n", q.text, q.speaker.as_deref().unwrap_or("unattributed")));
        }
    }
    out
}

/// The HTML e-mail body: everything from the article escaped.
pub(crate) fn html_body(c: &Content, public_url: &str) -> String {
    let mut out = format!("<p>Watch <b>{}</b> matched:</p>\n<ul>\n", escape_html(&c.watch.name));
    for m in &c.matches {
        let found = matched(m);
        let a = &m.article;
        out.push_str(&format!(
            "<li><a href=\"{}\">{}</a>",
            escape_html(&site_link(public_url, m)),
            escape_html(&a.title)
        ));
        if let Some(u) = a.url.as_deref().filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
            out.push_str(&format!(" (<a href=\"{}\">original</a>)", escape_html(u)));
        }
        if !found.terms.is_empty() {
            out.push_str(&format!("<br>terms: {}", escape_html(&found.terms.join(", "))));
        }
        if !found.entities.is_empty() {
            out.push_str(&format!("<br>entities: {}", escape_html(&found.entities.join(", "))));
        }
        for q in &found.quotes {
            out.push_str(&format!(
                "<blockquote>{} — {}</blockquote>",
                escape_html(&q.text),
                escape_html(q.speaker.as_deref().unwrap_or("unattributed"))
            ));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    out
}
