//! Shared data types of Politics Monitor.
//!
//! Every stage of the pipeline speaks these types: `extract` produces an
//! [`ExtractedArticle`], `enrich` an [`Analysis`], `connect` a [`Links`], and
//! `store` keeps them together as an [`Article`]. This crate owns only the
//! shapes and their JSON form (serde); it does no I/O and holds no logic
//! beyond small helpers on the types themselves.
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// The kind of one block of an article body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BlockKind {
    /// A paragraph.
    P,
    /// A subheading of the first level below the headline.
    H2,
    /// A subheading of a lower level.
    H3,
    /// A list item.
    Li,
    /// A block quotation.
    Blockquote,
}

impl BlockKind {
    /// Whether this block is a subheading.
    pub fn is_heading(self) -> bool {
        matches!(self, BlockKind::H2 | BlockKind::H3)
    }
}

/// One block of an article body: a paragraph, a subheading, a list item or a quotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Block {
    /// What kind of block this is.
    pub kind: BlockKind,
    /// Its text, whitespace-normalised.
    pub text: String,
}

/// What the extractor found in one HTML page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExtractedArticle {
    /// The URL the page was fetched from, if known.
    pub url: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The author or authors, joined with `"; "`.
    pub author: Option<String>,
    /// Publication date-time, ISO 8601 (`2024-04-02` or `2024-04-02T10:00:00+02:00`).
    pub published: Option<String>,
    /// ISO 639-1 language code declared or detected.
    pub language: Option<String>,
    /// The site's name ("RTL Info") or host.
    pub site: Option<String>,
    /// The canonical URL the page declares, absolute.
    pub canonical_url: Option<String>,
    /// The original publisher where the page credits one ("rtl.be", "AFP").
    pub original_source: Option<String>,
    /// The body as plain text, blocks separated by blank lines.
    pub text: String,
    /// The body as blocks.
    pub blocks: Vec<Block>,
}

impl ExtractedArticle {
    /// Joins blocks into the plain-text body (blocks separated by a blank line).
    pub fn text_from_blocks(blocks: &[Block]) -> String {
        let mut out = String::new();
        for b in blocks {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&b.text);
        }
        out
    }
}

/// A language guess.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageGuess {
    /// ISO 639-1 code.
    pub code: String,
    /// Confidence in [0, 1].
    pub confidence: f32,
}

/// The type of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EntityType {
    /// A person.
    Person,
    /// An organisation: party, ministry, company, agency, alliance.
    Organization,
    /// A place: country, city, region, building.
    Location,
    /// Any other name (events, nationalities, works).
    Other,
}

impl EntityType {
    /// The lowercase name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Location => "location",
            EntityType::Other => "other",
        }
    }
}

/// One mention of a named entity in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntityMention {
    /// The mention as written.
    pub text: String,
    /// Start offset in Unicode code points into the analysed text.
    pub start: usize,
    /// End offset (exclusive) in Unicode code points.
    pub end: usize,
    /// The entity's type.
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// The name shared by all mentions of the same entity ("Antony Blinken").
    pub canonical: String,
    /// A role or title the text gives the entity here ("Secretary of State").
    pub role: Option<String>,
}

/// A quotation, direct or reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    /// The quoted words, without the quotation marks.
    pub text: String,
    /// Start offset of the quoted words in code points.
    pub start: usize,
    /// End offset (exclusive) in code points.
    pub end: usize,
    /// The speaker as the text names or describes them ("the French minister").
    pub speaker: Option<String>,
    /// The named entity the speaker resolves to, if any ("Stéphane Séjourné").
    pub speaker_canonical: Option<String>,
    /// The verb or phrase that attributes the quote ("told reporters").
    pub cue: Option<String>,
    /// True for words in quotation marks, false for reported speech.
    pub direct: bool,
    /// Where the speaker is written (code points), if the text names or describes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_start: Option<usize>,
    /// End (exclusive) of the speaker as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_end: Option<usize>,
}

/// A topic category matched by the rule files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryMatch {
    /// The category's slug ("diplomacy").
    pub name: String,
    /// The rule score; higher is more confident.
    pub score: f32,
}

/// What the enrichment stage found in one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The detected language.
    pub language: Option<LanguageGuess>,
    /// Named-entity mentions, in text order.
    pub entities: Vec<EntityMention>,
    /// Quotes, in text order.
    pub quotes: Vec<Quote>,
    /// Topic categories, best first.
    pub categories: Vec<CategoryMatch>,
    /// ISO 3166-1 alpha-2 codes of the countries the text is about, most mentioned first.
    pub countries: Vec<String>,
    /// Political relevance, 0 (sport, science, culture...) to 1 (government, elections, war).
    #[serde(default)]
    pub political: f32,
}

/// How an article is connected to the others: near-duplicate original and story.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    /// The id of the earliest near-identical copy, if this article is a copy.
    pub duplicate_of: Option<i64>,
    /// The story this article belongs to.
    pub story_id: Option<i64>,
}

/// A stored article: extraction, enrichment and links together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Store id.
    pub id: i64,
    /// An id the input gave the article (JSONL `id`).
    pub external_id: Option<String>,
    /// The URL it was read from.
    pub url: Option<String>,
    /// The canonical URL, the dedup key where present.
    pub canonical_url: Option<String>,
    /// The headline.
    pub title: String,
    /// The author(s).
    pub author: Option<String>,
    /// Publication date-time, ISO 8601.
    pub published: Option<String>,
    /// ISO 639-1 language.
    pub language: Option<String>,
    /// The publishing source: site name or host.
    pub source: Option<String>,
    /// The original publisher if the page credits one.
    pub original_source: Option<String>,
    /// The primary topic category's slug.
    pub category: String,
    /// The body as text.
    pub text: String,
    /// The body as blocks.
    pub blocks: Vec<Block>,
    /// Entities, quotes, categories, countries.
    pub analysis: Analysis,
    /// Near-duplicate and story links.
    pub links: Links,
    /// When it was first stored, ISO 8601 UTC.
    pub ingested_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_kind_serialises_lowercase() {
        let b = Block { kind: BlockKind::Blockquote, text: "x".into() };
        assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"kind":"blockquote","text":"x"}"#);
    }

    #[test]
    fn entity_type_field_is_named_type() {
        let m = EntityMention {
            text: "NATO".into(),
            start: 0,
            end: 4,
            entity_type: EntityType::Organization,
            canonical: "NATO".into(),
            role: None,
        };
        let v: serde_json::Value = serde_json::to_value(&m).unwrap();
        assert_eq!(v["type"], "organization");
    }

    #[test]
    fn text_from_blocks_separates_with_blank_lines() {
        let blocks = vec![
            Block { kind: BlockKind::P, text: "a".into() },
            Block { kind: BlockKind::H2, text: "b".into() },
        ];
        assert_eq!(ExtractedArticle::text_from_blocks(&blocks), "a\n\nb");
    }
}
