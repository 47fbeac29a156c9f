//! The JSON form of a stored article, shared by `polmon export` and `/api/articles/{id}`
//! (with the related ids the store keeps, see [`Store::related`](crate::Store::related)).

use polmon_model::Article;
use serde::Serialize;

/// One article as exported: flat fields first, then enrichment and links.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleRecord<'a> {
    /// Store id.
    pub id: i64,
    /// The input's own id.
    pub external_id: Option<&'a str>,
    /// Original URL.
    pub url: Option<&'a str>,
    /// Canonical URL (normalised).
    pub canonical_url: Option<&'a str>,
    /// Headline.
    pub title: &'a str,
    /// Author(s).
    pub author: Option<&'a str>,
    /// ISO 8601 publication date-time.
    pub published: Option<&'a str>,
    /// ISO 639-1 language.
    pub language: Option<&'a str>,
    /// Publishing source.
    pub source: Option<&'a str>,
    /// Credited original publisher.
    pub original_source: Option<&'a str>,
    /// Primary category slug.
    pub category: &'a str,
    /// Body text.
    pub text: &'a str,
    /// Body blocks.
    pub blocks: &'a [polmon_model::Block],
    /// Named entities.
    pub entities: &'a [polmon_model::EntityMention],
    /// Quotes.
    pub quotes: &'a [polmon_model::Quote],
    /// All matched categories with scores.
    pub categories: &'a [polmon_model::CategoryMatch],
    /// Countries the article is about.
    pub countries: &'a [String],
    /// Political relevance, 0 (sport, science, culture) to 1 (government, elections, war).
    pub political: f32,
    /// Story id.
    pub story_id: Option<i64>,
    /// Id of the original this is a near-copy of.
    pub duplicate_of: Option<i64>,
    /// Related article ids (the article page's box).
    pub related: Vec<i64>,
    /// When it was stored.
    pub ingested_at: &'a str,
}

impl<'a> ArticleRecord<'a> {
    /// The record of `a` with its related ids.
    pub fn new(a: &'a Article, related: Vec<i64>) -> Self {
        ArticleRecord {
            id: a.id,
            external_id: a.external_id.as_deref(),
            url: a.url.as_deref(),
            canonical_url: a.canonical_url.as_deref(),
            title: &a.title,
            author: a.author.as_deref(),
            published: a.published.as_deref(),
            language: a.language.as_deref(),
            source: a.source.as_deref(),
            original_source: a.original_source.as_deref(),
            category: &a.category,
            text: &a.text,
            blocks: &a.blocks,
            entities: &a.analysis.entities,
            quotes: &a.analysis.quotes,
            categories: &a.analysis.categories,
            countries: &a.analysis.countries,
            political: a.analysis.political,
            story_id: a.links.story_id,
            duplicate_of: a.links.duplicate_of,
            related,
            ingested_at: &a.ingested_at,
        }
    }
}
