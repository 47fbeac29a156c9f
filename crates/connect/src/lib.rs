//! Connecting coverage: near-duplicates, stories, related articles, pair similarity.
//!
//! PLACEHOLDER INTERFACE: the real connector replaces this file. Pure: no I/O.

use polmon_model::Links;

/// What the connector needs to know of one article.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    /// The store id.
    pub id: i64,
    /// The headline.
    pub title: &'a str,
    /// The body text.
    pub text: &'a str,
    /// ISO 639-1 language, if known.
    pub language: Option<&'a str>,
    /// Publication time, Unix seconds.
    pub published: Option<i64>,
    /// The publishing source (host or site name).
    pub source: Option<&'a str>,
    /// Canonical names of the entities the enricher found.
    pub entities: &'a [String],
}

/// Online near-duplicate detection, story clustering and related-article lookup.
#[derive(Debug, Default)]
pub struct Connector {
    docs: Vec<(i64, Option<String>, Links)>,
}

impl Connector {
    /// An empty connector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decides the links of a new article and remembers it.
    pub fn assign(&mut self, doc: &Document<'_>) -> Links {
        let links = Links { duplicate_of: None, story_id: Some(doc.id) };
        self.restore(doc, links);
        links
    }

    /// Remembers an article whose links were decided earlier (replay on start-up).
    pub fn restore(&mut self, doc: &Document<'_>, links: Links) {
        self.docs.push((doc.id, doc.source.map(str::to_owned), links));
    }

    /// Up to `n` related article ids for `id`, best first.
    pub fn related(&self, id: i64, n: usize) -> Vec<i64> {
        self.docs.iter().rev().map(|d| d.0).filter(|&d| d != id).take(n).collect()
    }
}

/// Similarity of two texts in [0, 1].
pub fn similarity(a: &str, _lang_a: Option<&str>, b: &str, _lang_b: Option<&str>) -> f64 {
    let wa: std::collections::HashSet<_> = a.split_whitespace().map(str::to_lowercase).collect();
    let wb: std::collections::HashSet<_> = b.split_whitespace().map(str::to_lowercase).collect();
    let inter = wa.intersection(&wb).count() as f64;
    let union = wa.union(&wb).count() as f64;
    if union == 0.0 { 0.0 } else { inter / union }
}
