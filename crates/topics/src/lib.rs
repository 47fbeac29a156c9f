//! Topic categories and the countries an article is about.
//!
//! This crate owns two small classifiers over plain text:
//!
//! * [`Categorizer`]: weighted Boolean keyword rules in the spirit of the EU Media Monitor's
//!   category definitions — terms with weights, `require`/`exclude` constraints, proximity
//!   rules and a threshold per category — read from rule files a user can edit (the format is
//!   in this crate's `README.md`). The bundled rules cover politics, diplomacy, defence,
//!   elections, economy, climate, migration and justice, and the non-political business,
//!   sport, technology, science, culture, disasters, crime and education, in English and
//!   French; [`Categorizer::political`] turns the matches into a political relevance 0..1.
//! * [`countries`]: ISO 3166-1 alpha-2 codes of the countries a text mentions, by country
//!   names, capitals and demonyms (English, French and other European languages), most
//!   mentioned first, from a gazetteer generated from GeoNames and Debian iso-codes.
//!
//! It does not own language detection, entities or quotes, and it does no I/O: rules and the
//! gazetteer are compiled in or handed over as text. Matching is one Aho-Corasick pass over
//! the lower-cased text for all terms of all categories.
//!
//! ```
//! let cat = polmon_topics::Categorizer::bundled();
//! let found = cat.categorize(
//!     "Foreign ministers meet on Ukraine",
//!     "The foreign minister met his counterpart and the ambassador for talks on a ceasefire.",
//! );
//! assert_eq!(found[0].name, "diplomacy");
//! assert_eq!(polmon_topics::countries("Talks in Kyiv with Ukrainian and French officials. Ukraine asked for more."), ["UA", "FR"]);
//! ```
#![deny(missing_docs)]

mod categorize;
mod countries;
mod normalize;
mod rules;

pub use categorize::{Categorizer, MAX_HITS, TITLE_HITS};
pub use countries::{countries, CountryOptions, Gazetteer};

/// What can go wrong when reading rules or a gazetteer.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TopicsError {
    /// A rule file line could not be read.
    #[error("category rules, line {line}: {message}")]
    Rules {
        /// 1-based line number in the rule text.
        line: usize,
        /// What is wrong and how to write it instead.
        message: String,
    },
    /// A gazetteer line could not be read.
    #[error("gazetteer, line {line}: {message}")]
    Gazetteer {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}
