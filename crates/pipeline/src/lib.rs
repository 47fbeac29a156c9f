//! The pipeline: inputs in, stored, enriched, connected and indexed articles out.
//!
//! [`Pipeline`] wires the pure stages (`polmon-extract`, `polmon-enrich`,
//! `polmon-connect`) to the store and the search index. It owns the order of the stages,
//! the identity of an article (its dedup key), and crash safety: every article is stored
//! in its own SQLite transaction, its links right after, and the search index is
//! committed in batches; whatever a crash leaves unlinked, unindexed or without a
//! related list is finished by [`Pipeline::recover`]. Input formats live in [`inputs`];
//! live crawling is `polmon-crawl`'s. This crate does no network I/O.
#![deny(missing_docs)]

mod blocks;
mod error;
mod feed;
mod hash;
mod people;
pub mod inputs;
mod prepare;
mod process;
mod raw;
mod warc;

pub use blocks::blocks_from_text;
pub use error::IngestError;
pub use hash::content_hash;
pub use inputs::{InputFailure, InputItem, TextArticle};
pub use prepare::{check_readable, MAX_TEXT_CHARS};
pub use raw::{input_item_of, raw_page_of, TEXT_ARTICLE_TYPE};
pub use process::{analyzer_with_rules, Handoff, IngestReport, Ingested, Pipeline, Progress, CATEGORY_RULES_FILE, CONNECTOR_WINDOW, RELATED};
pub use polmon_feeds::normalize_url;
