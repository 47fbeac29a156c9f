//! Enrichment: language, entities with roles, quotes with speakers, topic categories.
//!
//! PLACEHOLDER INTERFACE: the real analyzer replaces this file. Pure: no I/O.

use polmon_model::{Analysis, CategoryMatch};

/// One text to analyse.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    /// The headline, used for language and categories (offsets never point into it).
    pub title: Option<&'a str>,
    /// The body; all offsets in the [`Analysis`] are code points into this text.
    pub text: &'a str,
    /// A language the source declared, used when detection is unsure.
    pub lang_hint: Option<&'a str>,
}

/// Why an analyzer could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    /// A category rule file is malformed.
    #[error("category rules, line {line}: {message}")]
    Rules {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Holds lexicons, gazetteers and category rules; build once, share across threads.
#[derive(Debug, Default)]
pub struct Analyzer {}

impl Analyzer {
    /// An analyzer with the bundled lexicons and category rules.
    pub fn new() -> Self {
        Analyzer {}
    }

    /// Analyses one document.
    pub fn analyze(&self, doc: &Document<'_>) -> Analysis {
        let text = format!("{} {}", doc.title.unwrap_or(""), doc.text).to_lowercase();
        let mut categories = Vec::new();
        for (name, words) in [
            ("diplomacy", &["diplomat", "ambassad", "minist"][..]),
            ("elections", &["élection", "election", "vote", "scrutin"][..]),
            ("economy", &["économ", "econom", "budget"][..]),
        ] {
            let score = words.iter().map(|w| text.matches(w).count()).sum::<usize>() as f32;
            if score > 0.0 {
                categories.push(CategoryMatch { name: name.into(), score });
            }
        }
        categories.sort_by(|a, b| b.score.total_cmp(&a.score));
        Analysis { categories, ..Default::default() }
    }
}
