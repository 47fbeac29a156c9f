//! One pass over the tree that collects what metadata is read from: `<html lang>`, `<meta>`,
//! `<link rel>`, `<title>`, headings, `<time>`, JSON-LD scripts, and author/date elements.

use crate::html::{entities, Dom, Tag};
use crate::text;

/// Elements of one kind kept at most.
const MAX_NODES: usize = 32;

/// Metadata sources found in a page.
#[derive(Debug, Default)]
pub(crate) struct Facts<'a> {
    pub(crate) html_lang: Option<String>,
    /// `(name|property|itemprop|http-equiv lowercased, content)`.
    pub(crate) metas: Vec<(String, String)>,
    pub(crate) canonical: Option<String>,
    pub(crate) base: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) h1: Vec<u32>,
    /// Headings named as a headline (`itemprop=headline`, class "entry-title"...), in order.
    pub(crate) title_nodes: Vec<u32>,
    pub(crate) times: Vec<u32>,
    pub(crate) ld_scripts: Vec<&'a str>,
    pub(crate) author_nodes: Vec<u32>,
    pub(crate) date_nodes: Vec<u32>,
}

impl Facts<'_> {
    /// The first `<meta>` content under any of `keys`, in the order of `keys`.
    pub(crate) fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.metas.iter().find(|(n, v)| n == k && !v.trim().is_empty()).map(|(_, v)| v.as_str())
        })
    }
}

/// Collects the facts of a page.
pub(crate) fn collect<'a>(dom: &Dom<'a>) -> Facts<'a> {
    let mut f = Facts::default();
    for id in 1..dom.len() as u32 {
        let tag = dom.tag(id);
        match tag {
            Tag::Text => continue,
            Tag::Html if f.html_lang.is_none() => {
                f.html_lang = dom.attr(id, "lang").or_else(|| dom.attr(id, "xml:lang")).map(|s| s.trim().to_string());
            }
            Tag::Meta => {
                let key = dom.attr(id, "property").or_else(|| dom.attr(id, "name")).or_else(|| dom.attr(id, "itemprop")).or_else(|| dom.attr(id, "http-equiv"));
                let content = dom.attr(id, "content").or_else(|| dom.attr(id, "datetime"));
                if let (Some(k), Some(c)) = (key, content) {
                    if f.metas.len() < 512 {
                        f.metas.push((k.trim().to_ascii_lowercase(), text::collapse(&c)));
                    }
                }
            }
            Tag::Link => {
                let rel = dom.attr_raw(id, "rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_ascii_whitespace().any(|r| r == "canonical") && f.canonical.is_none() {
                    f.canonical = dom.attr(id, "href").map(|s| s.trim().to_string());
                }
            }
            Tag::Base if f.base.is_none() => f.base = dom.attr(id, "href").map(|s| s.trim().to_string()),
            Tag::Title if f.title.is_none() => {
                let mut s = String::new();
                for c in dom.children(id) {
                    if dom.tag(c) == Tag::Text {
                        entities::decode_into(dom.raw_text(c), &mut s);
                    }
                }
                let s = text::collapse(&s);
                if !s.is_empty() {
                    f.title = Some(s);
                }
            }
            Tag::Script => {
                let ty = dom.attr_raw(id, "type").unwrap_or("");
                if ty.to_ascii_lowercase().contains("ld+json") {
                    if let Some(c) = dom.children(id).next() {
                        f.ld_scripts.push(dom.raw_text(c));
                    }
                }
            }
            Tag::H1 if f.h1.len() < MAX_NODES => f.h1.push(id),
            Tag::Time if f.times.len() < MAX_NODES => f.times.push(id),
            _ => {}
        }
        if matches!(tag, Tag::Meta | Tag::Link | Tag::Script | Tag::Style | Tag::Head | Tag::Html | Tag::Body) {
            continue;
        }
        if matches!(tag, Tag::H1 | Tag::H2 | Tag::H3) && f.title_nodes.len() < MAX_NODES {
            let names = format!("{} {}", dom.attr_raw(id, "class").unwrap_or(""), dom.attr_raw(id, "itemprop").unwrap_or("")).to_ascii_lowercase();
            if names.contains("headline") || names.contains("entry-title") || names.contains("post-title") || names.contains("article-title") || names.contains("story-title") {
                f.title_nodes.push(id);
            }
        }
        if let Some(ip) = dom.attr_raw(id, "itemprop") {
            let ip = ip.to_ascii_lowercase();
            if ip.contains("author") && f.author_nodes.len() < MAX_NODES {
                f.author_nodes.push(id);
            } else if ip.contains("datepublished") && f.date_nodes.len() < MAX_NODES {
                f.date_nodes.insert(0, id);
            }
            continue;
        }
        if tag == Tag::A {
            if let Some(rel) = dom.attr_raw(id, "rel") {
                if rel.eq_ignore_ascii_case("author") && f.author_nodes.len() < MAX_NODES {
                    f.author_nodes.push(id);
                }
            }
        }
        if let Some(class) = dom.attr_raw(id, "class") {
            let c = class.to_ascii_lowercase();
            if (c.contains("author") || c.contains("byline")) && !c.contains("comment") && f.author_nodes.len() < MAX_NODES {
                f.author_nodes.push(id);
            }
            if (c.contains("date") || c.contains("publish") || c.contains("time") || c.contains("meta")) && !c.contains("update") && !c.contains("modif") && f.date_nodes.len() < MAX_NODES {
                f.date_nodes.push(id);
            }
        }
    }
    f
}
