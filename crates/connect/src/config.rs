//! The connector's settings, with defaults chosen on ECB+ dev at coarse steps.

use crate::error::ConnectError;

/// Settings of a [`crate::Connector`]. `Default` is the tested configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectConfig {
    /// Estimated Jaccard similarity of word 4-shingles at or above which an
    /// article is a near-copy of an earlier one.
    pub duplicate_threshold: f64,
    /// Average-link cosine at or above which an article joins a story (and two
    /// stories merge).
    pub join_threshold: f64,
    /// Average link over at most this many best-matching members of a story,
    /// so a large, long-running story is judged by its closest coverage.
    pub link_members: usize,
    /// Whether stories that come to look like one (average link between their
    /// members at or above `merge_threshold`) are merged.
    pub merge_stories: bool,
    /// Average link between two stories' members at or above which they merge.
    pub merge_threshold: f64,
    /// Whether a story is re-clustered with its closest neighbour stories at
    /// size checkpoints (average link at `refine_threshold`), which splits and
    /// regroups stories whose early decisions no longer hold.
    pub split_stories: bool,
    /// Average link at which the local re-clustering stops merging groups.
    pub refine_threshold: f64,
    /// A story with no new article for this long is closed (seconds).
    pub story_window_secs: i64,
    /// Terms kept per article (by tf-idf at insertion).
    pub top_terms: usize,
    /// Of those, how many go into the inverted index for candidate retrieval.
    pub index_terms: usize,
    /// Most candidate articles scored exactly per new article.
    pub max_candidates: usize,
    /// Most recent postings read per query term.
    pub max_postings_per_term: usize,
    /// Weight of a capitalised word away from a sentence start (a name).
    pub name_boost: f32,
    /// Weight of a number.
    pub number_boost: f32,
    /// Weight of a year (a number from 1800 to 2199): events are anchored in time.
    pub year_boost: f32,
    /// Weight of a pair of adjacent content words (0 turns bigrams off).
    pub bigram_weight: f32,
    /// Weight of one entity from the enricher.
    pub entity_boost: f32,
}

impl Default for ConnectConfig {
    fn default() -> Self {
        Self {
            duplicate_threshold: 0.6,
            join_threshold: 0.17,
            link_members: 5,
            merge_stories: true,
            merge_threshold: 0.25,
            split_stories: true,
            refine_threshold: 0.17,
            story_window_secs: 3 * 86_400,
            top_terms: 48,
            index_terms: 24,
            max_candidates: 100,
            max_postings_per_term: 500,
            name_boost: 2.5,
            number_boost: 2.5,
            year_boost: 6.0,
            bigram_weight: 1.0,
            entity_boost: 2.0,
        }
    }
}

impl ConnectConfig {
    /// Checks ranges; the connector refuses a config that fails.
    pub fn validate(&self) -> Result<(), ConnectError> {
        let unit = |field, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(ConnectError::Config { field, reason: format!("must be in [0, 1], got {v}") })
            }
        };
        unit("duplicate_threshold", self.duplicate_threshold)?;
        unit("join_threshold", self.join_threshold)?;
        unit("merge_threshold", self.merge_threshold)?;
        unit("refine_threshold", self.refine_threshold)?;
        let positive = |field, v: usize| {
            if v > 0 {
                Ok(())
            } else {
                Err(ConnectError::Config { field, reason: "must be positive".into() })
            }
        };
        positive("link_members", self.link_members)?;
        positive("top_terms", self.top_terms)?;
        positive("index_terms", self.index_terms)?;
        positive("max_candidates", self.max_candidates)?;
        positive("max_postings_per_term", self.max_postings_per_term)?;
        if self.story_window_secs <= 0 {
            return Err(ConnectError::Config { field: "story_window_secs", reason: "must be positive".into() });
        }
        if self.index_terms > self.top_terms {
            return Err(ConnectError::Config { field: "index_terms", reason: "must not exceed top_terms".into() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_ranges_are_checked() {
        assert!(ConnectConfig::default().validate().is_ok());
        let bad = ConnectConfig { join_threshold: 1.5, ..Default::default() };
        assert!(matches!(bad.validate(), Err(ConnectError::Config { field: "join_threshold", .. })));
        let bad = ConnectConfig { index_terms: 500, ..Default::default() };
        assert!(bad.validate().is_err());
    }
}
