//! Scoring a text against the category rules.
//!
//! All terms of all categories go into one Aho-Corasick automaton over the lower-cased text;
//! a hit counts when it sits on word boundaries (a `*` term needs only the one at its start).
//! A category's score is the sum over its terms of weight × hits, hits capped at
//! [`MAX_HITS`] per term in the body, and a hit in the title counting [`TITLE_HITS`] times.
//! Proximity rules add their weight once when satisfied. A category is reported when every
//! `require` group has a hit, no `exclude` term has one, and the score reaches the threshold;
//! its [`CategoryMatch::score`] is the score divided by the threshold (1.0 = just matched).

use aho_corasick::{AhoCorasick, MatchKind};
use polmon_model::CategoryMatch;

use crate::normalize::Normalized;
use crate::rules::{self, Alternatives, Term};
use crate::TopicsError;

/// Body hits counted per term at most: one word repeated does not make a topic.
pub const MAX_HITS: u32 = 3;
/// How many body hits one hit in the title is worth.
pub const TITLE_HITS: u32 = 2;

/// The bundled rule files, one per category (in `rules/`).
const BUNDLED: &[(&str, &str)] = &[
    ("politics.rules", include_str!("../rules/politics.rules")),
    ("diplomacy.rules", include_str!("../rules/diplomacy.rules")),
    ("defence.rules", include_str!("../rules/defence.rules")),
    ("elections.rules", include_str!("../rules/elections.rules")),
    ("economy.rules", include_str!("../rules/economy.rules")),
    ("climate.rules", include_str!("../rules/climate.rules")),
    ("migration.rules", include_str!("../rules/migration.rules")),
    ("justice.rules", include_str!("../rules/justice.rules")),
    ("business.rules", include_str!("../rules/business.rules")),
    ("sport.rules", include_str!("../rules/sport.rules")),
    ("technology.rules", include_str!("../rules/technology.rules")),
    ("science.rules", include_str!("../rules/science.rules")),
    ("culture.rules", include_str!("../rules/culture.rules")),
    ("disasters.rules", include_str!("../rules/disasters.rules")),
    ("crime.rules", include_str!("../rules/crime.rules")),
    ("education.rules", include_str!("../rules/education.rules")),
];

/// Scores of matched categories count up to this many times their threshold in
/// [`Categorizer::political`]: one long article on one topic does not drown the others.
const POLITICAL_CAP: f32 = 3.0;

struct Compiled {
    name: String,
    threshold: f32,
    political: f32,
    terms: Vec<(f32, usize)>,
    require: Vec<Vec<usize>>,
    exclude: Vec<usize>,
    near: Vec<(usize, f32, Vec<usize>, Vec<usize>)>,
}

/// Categories from weighted Boolean keyword rules; build once, share across threads.
pub struct Categorizer {
    automaton: AhoCorasick,
    /// For each automaton pattern: the term ids (exact, prefix) that share its text.
    by_pattern: Vec<[Option<usize>; 2]>,
    n_terms: usize,
    categories: Vec<Compiled>,
}

impl std::fmt::Debug for Categorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Categorizer").field("categories", &self.names()).field("terms", &self.n_terms).finish()
    }
}

impl Categorizer {
    /// The categorizer with the bundled rules: political categories (politics, diplomacy,
    /// defence, elections, economy, climate, migration, justice) and the others (business,
    /// sport, technology, science, culture, disasters, crime, education); English and French.
    pub fn bundled() -> Self {
        let mut cats = Vec::new();
        for (file, text) in BUNDLED {
            cats.extend(rules::parse(text).unwrap_or_else(|e| panic!("bundled rules/{file}: {e}")));
        }
        Self::compile(&cats).expect("the bundled rules compile (tested)")
    }

    /// A categorizer from rule text (see the crate README for the format).
    pub fn from_rules(text: &str) -> Result<Self, TopicsError> {
        Self::compile(&rules::parse(text)?)
    }

    fn compile(cats: &[rules::Category]) -> Result<Self, TopicsError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut by_pattern: Vec<[Option<usize>; 2]> = Vec::new();
        let mut n_terms = 0;
        let mut id = |t: &Term| -> usize {
            let p = match patterns.iter().position(|p| *p == t.text) {
                Some(p) => p,
                None => {
                    patterns.push(t.text.clone());
                    by_pattern.push([None, None]);
                    patterns.len() - 1
                }
            };
            let slot = &mut by_pattern[p][usize::from(t.prefix)];
            *slot.get_or_insert_with(|| {
                n_terms += 1;
                n_terms - 1
            })
        };
        let mut ids = |alts: &Alternatives| alts.iter().map(&mut id).collect::<Vec<_>>();
        let mut categories = Vec::with_capacity(cats.len());
        for c in cats {
            let terms = c.terms.iter().map(|(w, t)| (*w, ids(&vec![t.clone()])[0])).collect();
            let require = c.require.iter().map(&mut ids).collect();
            let exclude = ids(&c.exclude);
            let near = c.near.iter().map(|n| (n.window, n.weight, ids(&n.left), ids(&n.right))).collect();
            categories.push(Compiled {
                name: c.name.clone(),
                threshold: c.threshold,
                political: c.political,
                terms,
                require,
                exclude,
                near,
            });
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| TopicsError::Rules { line: 0, message: format!("cannot build the matcher: {e}") })?;
        Ok(Categorizer { automaton, by_pattern, n_terms, categories })
    }

    /// The category slugs, in rule order.
    pub fn names(&self) -> Vec<&str> {
        self.categories.iter().map(|c| c.name.as_str()).collect()
    }

    /// Categories whose rules `title` and `text` satisfy, best first.
    pub fn categorize(&self, title: &str, text: &str) -> Vec<CategoryMatch> {
        let title_hits = self.hits(&Normalized::new(title)).0;
        let body = Normalized::new(text);
        let (body_hits, positions) = self.hits(&body);
        let present = |t: usize| title_hits[t] + body_hits[t] > 0;
        let mut out = Vec::new();
        for c in &self.categories {
            if c.exclude.iter().any(|&t| present(t)) || !c.require.iter().all(|g| g.iter().any(|&t| present(t))) {
                continue;
            }
            let mut score: f32 = c
                .terms
                .iter()
                .map(|&(w, t)| w * (body_hits[t].min(MAX_HITS) + TITLE_HITS * title_hits[t].min(1)) as f32)
                .sum();
            for (window, weight, left, right) in &c.near {
                let close = left.iter().flat_map(|&l| &positions[l]).any(|&a| {
                    right.iter().flat_map(|&r| &positions[r]).any(|&b| a.abs_diff(b) <= *window as u32)
                });
                if close {
                    score += weight;
                }
            }
            if score >= c.threshold {
                out.push(CategoryMatch { name: c.name.clone(), score: score / c.threshold });
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// Political relevance from matched categories, 0..1: each category votes with its
    /// `political` value (1 politics, 0 sport; 0.5 by default) mapped to -1..1, weighted by
    /// its score (capped at three times its threshold). No category at all gives 0.27: an
    /// article no rule recognises is not shown as political. One just-matched political
    /// category gives 0.62, a political and an equally strong non-political one 0.27.
    pub fn political(&self, matches: &[CategoryMatch]) -> f32 {
        let evidence: f32 = matches
            .iter()
            .filter_map(|m| {
                let c = self.categories.iter().find(|c| c.name == m.name)?;
                Some((2.0 * c.political - 1.0) * m.score.min(POLITICAL_CAP))
            })
            .sum();
        1.0 / (1.0 + (-(1.5 * evidence - 1.0)).exp())
    }

    /// Hits per term and their word positions.
    fn hits(&self, n: &Normalized) -> (Vec<u32>, Vec<Vec<u32>>) {
        let mut hits = vec![0u32; self.n_terms];
        let mut pos: Vec<Vec<u32>> = vec![Vec::new(); self.n_terms];
        for m in self.automaton.find_overlapping_iter(&n.text) {
            let (s, e) = (m.start(), m.end());
            let slots = self.by_pattern[m.pattern().as_usize()];
            for (prefix, slot) in slots.iter().enumerate() {
                if let Some(t) = slot {
                    if n.on_boundaries(s, e, prefix == 1) {
                        hits[*t] += 1;
                        pos[*t].push(n.word_index(s) as u32);
                    }
                }
            }
        }
        (hits, pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "[diplomacy]\nthreshold 4\n2 ambassador*\n3 foreign minister\n-4 football\nexclude horoscope\n\n[defence]\nthreshold 3\nrequire army | troops\n2 army\n2 troops\nnear 3 2 tank* / border\n";

    #[test]
    fn weights_thresholds_and_prefixes() {
        let c = Categorizer::from_rules(RULES).unwrap();
        let m = c.categorize("", "The ambassadors met the foreign minister.");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].name, "diplomacy");
        assert!((m[0].score - 5.0 / 4.0).abs() < 1e-6);
        assert!(c.categorize("", "The ambassador spoke.").is_empty(), "2 is below the threshold 4");
        assert!(c.categorize("", "An embassador spoke to the foreign minister.").is_empty(), "word boundary at the start");
    }

    #[test]
    fn negative_weights_exclude_and_title() {
        let c = Categorizer::from_rules(RULES).unwrap();
        assert!(c.categorize("", "The foreign minister and the ambassador watched football.").is_empty());
        assert!(c.categorize("", "foreign minister, ambassador, ambassador: horoscope").is_empty());
        // One title hit counts twice.
        assert_eq!(c.categorize("Foreign minister resigns", "The ambassador left.").len(), 1);
    }

    #[test]
    fn require_and_proximity() {
        let c = Categorizer::from_rules(RULES).unwrap();
        assert!(c.categorize("", "Tanks near the border.").is_empty(), "require army or troops");
        let near = c.categorize("", "The army moved tanks to the border.");
        let far = c.categorize("", "The army moved tanks. Later, much later, after a long while, it reached the border.");
        assert_eq!(near[0].name, "defence");
        assert!(far.is_empty(), "2 points without the proximity bonus is below 3");
    }

    #[test]
    fn bundled_rules_parse_and_cover_every_category() {
        let c = Categorizer::bundled();
        for name in [
            "politics", "diplomacy", "defence", "elections", "economy", "climate", "migration", "justice", "business",
            "sport", "technology", "science", "culture", "disasters", "crime", "education",
        ] {
            assert!(c.names().contains(&name), "{name} missing");
        }
    }

    #[test]
    fn political_relevance() {
        let c = Categorizer::bundled();
        let p = |title: &str, text: &str| c.political(&c.categorize(title, text));
        let vote = p(
            "Parliament passes the budget",
            "The government won the vote in parliament on the budget; the opposition and the prime minister clashed over the deficit.",
        );
        let tennis = p(
            "Tennis: Serena Williams wins Wimbledon",
            "The player beat her rival in the final of the tournament, her fifth Wimbledon title; the match lasted two hours.",
        );
        assert!(vote > 0.7, "{vote}");
        assert!(tennis < 0.3, "{tennis}");
        assert!((c.political(&[]) - 0.269).abs() < 0.01);
    }
}
