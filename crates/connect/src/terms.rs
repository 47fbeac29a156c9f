//! Article terms: weighted words, word pairs, names, numbers and entities,
//! and the document frequencies learned online that turn them into tf-idf.

use crate::config::ConnectConfig;
use crate::hash::{term_id, IdMap};
use crate::lexicon;
use crate::text::{fold, is_stop, stem, tokenize, Token};

/// The tokens of an article, after the lexicon for its language.
pub(crate) fn article_tokens(title: &str, text: &str, lang: Option<&str>) -> Vec<Token> {
    // Scraped bodies often repeat the headline; count it once then.
    let joined;
    let body = if text.trim_start().starts_with(title.trim()) || title.trim().is_empty() {
        text
    } else {
        joined = format!("{title}\n{text}");
        &joined
    };
    let tokens = tokenize(body);
    match lexicon::for_language(lang) {
        Some(lex) => lex.apply(tokens),
        None => tokens,
    }
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && (s.starts_with("18") || s.starts_with("19") || s.starts_with("20") || s.starts_with("21"))
}

/// Sparse term weights (sublinear tf with boosts), sorted by term id.
pub(crate) fn term_weights(tokens: &[Token], entities: &[String], cfg: &ConnectConfig) -> Vec<(u32, f32)> {
    let mut tf: IdMap<u32, f32> = IdMap::default();
    let mut prev: Option<String> = None;
    for t in tokens {
        if t.sentence_start {
            prev = None;
        }
        let content = !is_stop(&t.text) && (t.number || t.text.chars().count() > 1);
        if !content {
            prev = None;
            continue;
        }
        let s = stem(&t.text).into_owned();
        let w = if t.number && is_year(&t.text) {
            cfg.year_boost
        } else if t.number {
            cfg.number_boost
        } else if t.name {
            cfg.name_boost
        } else {
            1.0
        };
        *tf.entry(term_id(&s)).or_default() += w;
        if cfg.bigram_weight > 0.0 {
            if let Some(p) = &prev {
                *tf.entry(term_id(&format!("{p} {s}"))).or_default() += cfg.bigram_weight;
            }
        }
        prev = Some(s);
    }
    for e in entities {
        *tf.entry(term_id(&format!("e:{}", fold(e)))).or_default() += cfg.entity_boost;
    }
    let mut v: Vec<(u32, f32)> =
        tf.into_iter().map(|(t, w)| (t, if w > 1.0 { 1.0 + w.ln() } else { w })).collect();
    v.sort_unstable_by_key(|&(t, _)| t);
    v
}

/// Buckets per row of the document-frequency sketch (a power of two).
const SKETCH_WIDTH: usize = 1 << 21;

/// Document frequencies, learned as articles arrive.
///
/// A count-min sketch (two rows of 2^21 counters, 16 MiB) rather than a map:
/// unigrams and word pairs of a long news stream run to tens of millions of
/// distinct terms, and the sketch keeps memory fixed. A count can only be
/// overestimated (by colliding rare terms), which lowers a rare term's IDF
/// a little.
#[derive(Debug, Clone)]
pub(crate) struct DocFreq {
    docs: u32,
    rows: [Vec<u32>; 2],
}

impl Default for DocFreq {
    /// Empty; the rows are allocated by the first `add`.
    fn default() -> Self {
        Self { docs: 0, rows: [Vec::new(), Vec::new()] }
    }
}

fn buckets(term: u32) -> [usize; 2] {
    let h = crate::hash::mix64(u64::from(term));
    [(h as usize) & (SKETCH_WIDTH - 1), ((h >> 32) as usize) & (SKETCH_WIDTH - 1)]
}

impl DocFreq {
    /// Counts one article's terms.
    pub(crate) fn add(&mut self, terms: &[(u32, f32)]) {
        if self.rows[0].is_empty() {
            self.rows = [vec![0; SKETCH_WIDTH], vec![0; SKETCH_WIDTH]];
        }
        self.docs += 1;
        for &(t, _) in terms {
            let [a, b] = buckets(t);
            self.rows[0][a] = self.rows[0][a].saturating_add(1);
            self.rows[1][b] = self.rows[1][b].saturating_add(1);
        }
    }

    /// Articles counted.
    pub(crate) fn docs(&self) -> u32 {
        self.docs
    }

    /// Articles containing `term` (never underestimated).
    pub(crate) fn df(&self, term: u32) -> u32 {
        if self.rows[0].is_empty() {
            return 0;
        }
        let [a, b] = buckets(term);
        self.rows[0][a].min(self.rows[1][b])
    }

    /// Smoothed inverse document frequency (as scikit-learn's `smooth_idf`).
    pub(crate) fn idf(&self, term: u32) -> f32 {
        ((1.0 + self.docs as f32) / (1.0 + self.df(term) as f32)).ln() + 1.0
    }
}

/// Keeps the `k` terms with the highest tf-idf, still sorted by term id.
pub(crate) fn top_terms(terms: &[(u32, f32)], df: &DocFreq, k: usize) -> Vec<(u32, f32)> {
    if terms.len() <= k {
        return terms.to_vec();
    }
    let mut scored: Vec<(f32, u32, f32)> = terms.iter().map(|&(t, w)| (w * df.idf(t), t, w)).collect();
    scored.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(k);
    let mut v: Vec<(u32, f32)> = scored.into_iter().map(|(_, t, w)| (t, w)).collect();
    v.sort_unstable_by_key(|&(t, _)| t);
    v
}

/// One stored term: id, tf weight, and tf-idf weight of the unit vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TermW {
    pub(crate) id: u32,
    pub(crate) tf: f32,
    pub(crate) w: f32,
}

/// The unit tf-idf vector of sparse tf weights, under today's IDF.
pub(crate) fn unit(terms: &[(u32, f32)], df: &DocFreq) -> Vec<TermW> {
    let mut v: Vec<TermW> = terms.iter().map(|&(id, tf)| TermW { id, tf, w: tf * df.idf(id) }).collect();
    renormalise(&mut v);
    v
}

/// Recomputes the unit weights of stored terms under today's IDF.
pub(crate) fn reweight(v: &mut [TermW], df: &DocFreq) {
    for t in v.iter_mut() {
        t.w = t.tf * df.idf(t.id);
    }
    renormalise(v);
}

fn renormalise(v: &mut [TermW]) {
    let n = v.iter().map(|t| t.w * t.w).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|t| t.w /= n);
    }
}

/// Cosine of two unit vectors sorted by term id.
pub(crate) fn cosine(a: &[TermW], b: &[TermW]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i].id, b[j].id);
        if x == y {
            s += a[i].w * b[j].w;
            i += 1;
            j += 1;
        } else if x < y {
            i += 1;
        } else {
            j += 1;
        }
    }
    s
}

/// The `k` ids of the heaviest stored terms, heaviest first.
pub(crate) fn heaviest(v: &[TermW], k: usize) -> Vec<u32> {
    let mut s: Vec<(f32, u32)> = v.iter().map(|t| (t.w, t.id)).collect();
    s.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    s.into_iter().take(k).map(|(_, id)| id).collect()
}

/// The tf-idf norm of a sparse vector.
pub(crate) fn norm(terms: &[(u32, f32)], df: &DocFreq) -> f32 {
    terms.iter().map(|&(t, w)| (w * df.idf(t)).powi(2)).sum::<f32>().sqrt()
}

/// tf-idf dot product of two sorted sparse vectors.
pub(crate) fn dot(a: &[(u32, f32)], b: &[(u32, f32)], df: &DocFreq) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let idf = df.idf(a[i].0);
                s += a[i].1 * b[j].1 * idf * idf;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_and_bigrams_weigh_in() {
        let cfg = ConnectConfig::default();
        let toks = article_tokens("Quake", "A strong quake hit Chile in 2010, killing 45.", Some("en"));
        let w = term_weights(&toks, &[], &cfg);
        let get = |s: &str| w.iter().find(|&&(t, _)| t == term_id(s)).map(|&(_, w)| w);
        assert_eq!(get("quake"), Some(1.0 + 2f32.ln()), "title and body both count");
        assert_eq!(get("chile"), Some(1.0 + cfg.name_boost.ln()), "sublinear tf of a boosted count");
        assert_eq!(get("2010"), Some(1.0 + cfg.year_boost.ln()), "a year");
        assert_eq!(get("45"), Some(1.0 + cfg.number_boost.ln()));
        assert!(get("strong quake").is_some() && get("the").is_none());
    }

    #[test]
    fn idf_falls_with_document_frequency() {
        let mut df = DocFreq::default();
        df.add(&[(1, 1.0), (2, 1.0)]);
        df.add(&[(1, 1.0)]);
        assert!(df.idf(2) > df.idf(1));
        assert!(df.idf(3) > df.idf(2));
        let a = [(1, 1.0), (2, 1.0)];
        let cos = dot(&a, &a, &df) / (norm(&a, &df) * norm(&a, &df));
        assert!((cos - 1.0).abs() < 1e-6);
        assert_eq!(top_terms(&a, &df, 1), vec![(2, 1.0)]);
        let u = unit(&a, &df);
        assert!((cosine(&u, &u) - 1.0).abs() < 1e-6);
        assert_eq!(heaviest(&u, 1), vec![2]);
        let b = unit(&[(2, 1.0), (3, 1.0)], &df);
        assert!(cosine(&u, &b) > 0.0 && cosine(&u, &b) < 1.0);
    }

    #[test]
    fn french_report_shares_terms_with_english_one() {
        let cfg = ConnectConfig::default();
        let fr = term_weights(&article_tokens("", "Un séisme frappe le Chili mardi", Some("fr")), &[], &cfg);
        let en = term_weights(&article_tokens("", "An earthquake hits Chile on Tuesday", Some("en")), &[], &cfg);
        let shared = fr.iter().filter(|(t, _)| en.iter().any(|(u, _)| u == t)).count();
        assert!(shared >= 2, "earthquake and tuesday at least, got {shared}");
    }
}
