//! Connecting coverage: near-duplicates, stories, related articles, pair similarity.
//!
//! This crate owns the decisions that tie articles together once they are
//! extracted and enriched:
//!
//! - **near-duplicates**: MinHash over word 4-shingles with LSH buckets, so a
//!   new article finds its near-copies in sub-linear time; copies point at the
//!   earliest-published original;
//! - **stories**: online clustering of articles about one event: tf-idf over
//!   words, word pairs, names, numbers and enricher entities with IDF learned
//!   online, candidates from an inverted index over each article's key terms,
//!   average link over a story's closest members, merges when two stories
//!   come to look like one, and local re-clustering of a story with its
//!   neighbours at size checkpoints (splits and regroupings), and a time window after which a silent story
//!   closes. French articles are mapped into the English term space by a
//!   small shipped lexicon (`data/lexicon-fr-en.tsv`), so stories link across
//!   the two languages through shared names, numbers, places and words;
//! - **related articles** for the article page ([`Connector::related`]);
//! - **pair similarity** of two texts in any languages ([`similarity`],
//!   [`PairScorer`]).
//!
//! Decisions can be revised: story merges and local re-clustering move
//! articles between stories after the fact; [`Connector::links`] and
//! [`Connector::story_of`] give the current state and
//! [`Connector::take_story_changes`] lists what the store must relabel.
//!
//! It does not own storage, text extraction, entity recognition or
//! translation; it does no I/O. The connector keeps per article a MinHash
//! signature and its top terms only; the store keeps the text and replays
//! stored decisions with [`Connector::restore`] on start-up.
//!
//! ```
//! use polmon_connect::{Connector, Document};
//! let mut c = Connector::new();
//! let text = "A magnitude 7.1 earthquake struck off the coast of Chile on Monday, \
//!             the US Geological Survey said, and a tsunami warning was issued.";
//! let a = c.assign(&Document { id: 1, title: "Quake hits Chile", text, ..Default::default() });
//! let b = c.assign(&Document { id: 2, title: "Quake hits Chile", text, source: Some("b.example"), ..Default::default() });
//! assert_eq!(b.duplicate_of, Some(1));
//! assert_eq!(b.story_id, a.story_id);
//! assert_eq!(c.story_members(a.story_id.unwrap()), vec![1, 2]);
//! ```
#![deny(missing_docs)]

mod config;
mod connector;
mod error;
mod hash;
mod lexicon;
mod minhash;
mod related;
mod similarity;
mod refine;
mod story;
mod terms;
mod text;

pub use config::ConnectConfig;
pub use connector::{Connector, Document};
pub use error::ConnectError;
pub use polmon_model::Links;
pub use similarity::{similarity, PairScorer};
pub use story::{StoryChange, StoryInfo};

#[cfg(test)]
mod tests;
