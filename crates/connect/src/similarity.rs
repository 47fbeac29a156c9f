//! Pair similarity of two news texts (SemEval-2022 Task 8 style), any languages.
//!
//! Three views, each a cosine in [0, 1], averaged with fixed weights (then a
//! square root, which spreads the low end):
//! - words: tf-idf over content words (stemmed plurals, names and numbers
//!   boosted, French mapped into English by the lexicon);
//! - characters: tf-idf over character 3- and 4-grams of the folded text,
//!   which copes with inflection, compounds, unsegmented scripts (Chinese)
//!   and transliterated names;
//! - anchors: overlap of the numbers and capitalised names the two texts
//!   share, which carries across languages.
//!
//! Without a corpus every term has the same IDF; [`PairScorer::fit`] learns
//! document frequencies from a set of texts (for instance all texts of a
//! batch of pairs), which sharpens both tf-idf views.

use crate::config::ConnectConfig;
use crate::hash::{term_id, IdMap};
use crate::terms::{article_tokens, dot, norm, term_weights, DocFreq};
use crate::text::{fold, Token};
use std::collections::HashSet;

/// Default weights of the word, character and anchor views.
const WEIGHTS: [f64; 3] = [0.4, 0.4, 0.2];

/// Scores pairs of texts; optionally fitted to a corpus for IDF.
#[derive(Debug, Clone)]
pub struct PairScorer {
    df: DocFreq,
    cfg: ConnectConfig,
    weights: [f64; 3],
}

impl Default for PairScorer {
    fn default() -> Self {
        Self { df: DocFreq::default(), cfg: ConnectConfig::default(), weights: WEIGHTS }
    }
}

struct Profile {
    words: Vec<(u32, f32)>,
    chars: Vec<(u32, f32)>,
    anchors: HashSet<String>,
}

fn char_grams(text: &str) -> Vec<(u32, f32)> {
    let mut clean = String::with_capacity(text.len() + 2);
    clean.push(' ');
    let mut space = true;
    for c in fold(text).chars() {
        if c.is_alphanumeric() {
            clean.push(c);
            space = false;
        } else if !space {
            clean.push(' ');
            space = true;
        }
    }
    let chars: Vec<char> = clean.chars().collect();
    let mut tf: IdMap<u32, f32> = IdMap::default();
    let mut buf = String::new();
    for n in 3..=4 {
        for w in chars.windows(n) {
            buf.clear();
            buf.push('#');
            buf.extend(w);
            *tf.entry(term_id(&buf)).or_default() += 1.0;
        }
    }
    let mut v: Vec<(u32, f32)> = tf.into_iter().map(|(t, w)| (t, 1.0 + w.ln())).collect();
    v.sort_unstable_by_key(|&(t, _)| t);
    v
}

fn anchors(tokens: &[Token]) -> HashSet<String> {
    tokens
        .iter()
        .filter(|t| (t.number && t.text.len() >= 2) || (t.name && t.text.chars().count() >= 3))
        .map(|t| t.text.clone())
        .collect()
}

fn cosine(a: &[(u32, f32)], b: &[(u32, f32)], df: &DocFreq) -> f64 {
    let (na, nb) = (norm(a, df), norm(b, df));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    f64::from(dot(a, b, df) / (na * nb)).clamp(0.0, 1.0)
}

impl PairScorer {
    /// A scorer without corpus statistics (uniform IDF).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the weights of the word, character and anchor views (normalised to sum 1).
    pub fn with_weights(mut self, words: f64, chars: f64, anchors: f64) -> Self {
        let sum = words + chars + anchors;
        if sum > 0.0 && [words, chars, anchors].iter().all(|w| *w >= 0.0) {
            self.weights = [words / sum, chars / sum, anchors / sum];
        }
        self
    }

    /// A scorer whose IDF is learned from `texts` (text, language).
    pub fn fit<'a>(texts: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Self {
        let mut s = Self::default();
        for (text, lang) in texts {
            let p = s.profile(text, lang);
            s.df.add(&p.words);
            s.df.add(&p.chars);
        }
        s
    }

    fn profile(&self, text: &str, lang: Option<&str>) -> Profile {
        let tokens = article_tokens("", text, lang);
        let cfg = ConnectConfig { bigram_weight: 0.0, ..self.cfg.clone() };
        Profile { words: term_weights(&tokens, &[], &cfg), chars: char_grams(text), anchors: anchors(&tokens) }
    }

    /// Similarity of two texts in [0, 1] (1 = about the same thing).
    pub fn score(&self, text1: &str, lang1: Option<&str>, text2: &str, lang2: Option<&str>) -> f64 {
        let (a, b) = (self.profile(text1, lang1), self.profile(text2, lang2));
        let words = cosine(&a.words, &b.words, &self.df);
        let chars = cosine(&a.chars, &b.chars, &self.df);
        let shared = a.anchors.intersection(&b.anchors).count() as f64;
        let smaller = a.anchors.len().min(b.anchors.len()) as f64;
        let anchors = if smaller == 0.0 { 0.0 } else { shared / smaller };
        let [ww, wc, wa] = self.weights;
        // Cosines crowd near 0; the square root spreads them so the score
        // grows roughly linearly with how related two reports are judged.
        (ww * words + wc * chars + wa * anchors).clamp(0.0, 1.0).sqrt()
    }
}

/// Similarity of two texts in [0, 1] without corpus statistics.
pub fn similarity(text1: &str, lang1: Option<&str>, text2: &str, lang2: Option<&str>) -> f64 {
    PairScorer::new().score(text1, lang1, text2, lang2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUAKE_EN: &str = "A magnitude 7.1 earthquake struck Chile on Tuesday, killing 12 people in Valparaiso.";
    const QUAKE_FR: &str = "Un séisme de magnitude 7,1 a frappé le Chili mardi, tuant 12 personnes à Valparaiso.";
    const BUDGET: &str = "The German parliament approved the 2024 budget after a long debate in Berlin.";

    #[test]
    fn same_event_scores_above_different_event_across_languages() {
        let same = similarity(QUAKE_EN, Some("en"), QUAKE_FR, Some("fr"));
        let diff = similarity(QUAKE_EN, Some("en"), BUDGET, Some("en"));
        assert!(same > diff + 0.2, "same {same} diff {diff}");
        assert!((0.0..=1.0).contains(&same) && (0.0..=1.0).contains(&diff));
        assert!((similarity(BUDGET, None, BUDGET, None) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn fitted_idf_keeps_order() {
        let s = PairScorer::fit([(QUAKE_EN, Some("en")), (QUAKE_FR, Some("fr")), (BUDGET, Some("en"))]);
        assert!(s.score(QUAKE_EN, Some("en"), QUAKE_FR, Some("fr")) > s.score(QUAKE_EN, Some("en"), BUDGET, Some("en")));
    }
}
