//! Averaged-perceptron training for the greedy tagger (used by `examples/train-ner.rs`).
//!
//! Sentences come as gold tokens with IOB2 tags; every gold token is re-tokenized with
//! [`crate::token::tokenize`] so that training sees the tokens the analyzer will see
//! (`l'Iran` becomes `l'` + `Iran`, the elision outside the entity).

use std::collections::HashMap;

use super::features::{dynamic_features, mostly_upper, static_features, token_infos};
use super::gazetteer::Gazetteers;
use super::model::{Model, L, LABELS, TABLE};
use super::tagger::allowed;

/// One training sentence: words and label indices.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Words as the analyzer's tokenizer splits them.
    pub words: Vec<String>,
    /// Gold label index per word.
    pub labels: Vec<u8>,
}

fn label_index(tag: &str) -> u8 {
    LABELS.iter().position(|l| *l == tag).unwrap_or(0) as u8
}

fn is_word(t: &str) -> bool {
    t.chars().any(char::is_alphanumeric) && !t.ends_with(['\'', '’'])
}

/// Re-tokenizes one gold sentence (IOB2 tags; unknown types such as MISC become `O`).
pub fn retokenize(tokens: &[&str], tags: &[&str]) -> Sentence {
    let mut words = Vec::new();
    let mut labels: Vec<u8> = Vec::new();
    for (k, (tok, tag)) in tokens.iter().zip(tags).enumerate() {
        let gold = label_index(tag);
        let next_continues = tags.get(k + 1).is_some_and(|t| t.starts_with("I-") && gold != 0);
        let subs = crate::token::tokenize(tok);
        let first_word = subs.iter().position(|s| is_word(s.text));
        let last_word = subs.iter().rposition(|s| is_word(s.text));
        for (j, s) in subs.iter().enumerate() {
            let l = if gold == 0 {
                0
            } else {
                match (first_word, last_word) {
                    (Some(f), Some(_)) if j == f => gold,
                    (Some(f), Some(e)) if j > f && j <= e => inside(gold),
                    (Some(f), _) if j < f => {
                        if gold % 2 == 1 {
                            0
                        } else {
                            inside(gold)
                        }
                    }
                    (Some(_), _) => {
                        if next_continues {
                            inside(gold)
                        } else {
                            0
                        }
                    }
                    _ => {
                        if gold % 2 == 1 {
                            0
                        } else {
                            inside(gold)
                        }
                    }
                }
            };
            words.push(s.text.to_string());
            labels.push(l);
        }
    }
    // repair: I-X after anything but B-X/I-X becomes B-X
    for i in 0..labels.len() {
        let prev = if i == 0 { 0 } else { labels[i - 1] };
        if !allowed(prev, labels[i]) {
            labels[i] -= 1;
        }
    }
    Sentence { words, labels }
}

fn inside(l: u8) -> u8 {
    if l % 2 == 1 {
        l + 1
    } else {
        l
    }
}

/// Relabels organisation spans that are exactly a country or capital name as locations.
///
/// WikiANN links a country's name in sports results to its national team, so "Sweden"
/// is often an organisation there; news text means the country. Returns how many changed.
pub fn relabel_countries(sentences: &mut [Sentence], gaz: &Gazetteers) -> usize {
    let mut changed = 0;
    for s in sentences {
        for (a, b, k) in super::tagger::spans(&s.labels) {
            if k != 1 {
                continue;
            }
            let lower: Vec<String> = s.words[a..b].iter().map(|w| w.to_lowercase()).collect();
            let m = gaz.country.mark(&lower);
            if m.first() == Some(&super::gazetteer::GazMark::Begin)
                && m[1..].iter().all(|x| *x == super::gazetteer::GazMark::Inside)
            {
                s.labels[a] = 5;
                for l in &mut s.labels[a + 1..b] {
                    *l = 6;
                }
                changed += 1;
            }
        }
    }
    changed
}

/// Reads `token<TAB>tag` lines (blank line between sentences).
pub fn read_bio(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut toks: Vec<&str> = Vec::new();
    let mut tags: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !toks.is_empty() {
                out.push(retokenize(&toks, &tags));
                toks.clear();
                tags.clear();
            }
            continue;
        }
        let mut it = line.split('\t');
        let tok = it.next().unwrap_or("");
        let tag = line.rsplit('\t').next().unwrap_or("O");
        if !tok.is_empty() {
            toks.push(tok);
            tags.push(tag);
        }
    }
    out
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// Share of sentences (of 6+ words) also added in capitals (headline robustness).
    pub upper_share: f64,
    /// Averaged weights smaller than this (in absolute value) are dropped.
    pub min_weight: f32,
    /// Seed of the shuffling.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { epochs: 10, upper_share: 0.1, min_weight: 0.05, seed: 42 }
    }
}

struct Prepared {
    feats: Vec<Vec<u32>>, // per token, static features
    infos: Vec<super::features::TokenInfo>,
    upper: bool,
    labels: Vec<u8>,
}

fn prepare(s: &Sentence, gaz: &Gazetteers) -> Prepared {
    let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
    let infos = token_infos(&words, gaz);
    let upper = mostly_upper(&words);
    let feats = (0..words.len())
        .map(|i| {
            let mut f = Vec::new();
            static_features(&infos, i, upper, &mut f);
            f
        })
        .collect();
    Prepared { feats, infos, upper, labels: s.labels.clone() }
}

struct Weights {
    index: HashMap<u32, u32>,
    w: Vec<f32>,
    total: Vec<f64>,
    stamp: Vec<u64>,
    step: u64,
}

impl Weights {
    fn idx(&mut self, key: u32) -> usize {
        let n = self.index.len() as u32;
        let i = *self.index.entry(key).or_insert(n) as usize;
        if i * L >= self.w.len() {
            self.w.extend([0.0; L]);
            self.total.extend([0.0; L]);
            self.stamp.extend([0; L]);
        }
        i
    }

    fn update(&mut self, key: u32, label: u8, delta: f32) {
        let i = self.idx(key) * L + label as usize;
        self.total[i] += (self.step - self.stamp[i]) as f64 * f64::from(self.w[i]);
        self.stamp[i] = self.step;
        self.w[i] += delta;
    }

    fn score(&self, feats: &[u32], scores: &mut [f32; L]) {
        for f in feats {
            if let Some(&i) = self.index.get(f) {
                let row = &self.w[i as usize * L..i as usize * L + L];
                for (a, w) in scores.iter_mut().zip(row) {
                    *a += w;
                }
            }
        }
    }
}

fn lcg(state: &mut u64) -> u64 {
    *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *state >> 33
}

/// Trains a model; `log` receives one line per epoch.
pub fn train(sentences: &[Sentence], gaz: &Gazetteers, cfg: &TrainConfig, mut log: impl FnMut(&str)) -> Model {
    let mut rng = cfg.seed;
    let mut data: Vec<Prepared> = sentences.iter().map(|s| prepare(s, gaz)).collect();
    let extra: Vec<Prepared> = sentences
        .iter()
        .filter(|s| s.words.len() >= 6 && (lcg(&mut rng) % 10_000) as f64 / 10_000.0 < cfg.upper_share)
        .map(|s| {
            let up = Sentence { words: s.words.iter().map(|w| w.to_uppercase()).collect(), labels: s.labels.clone() };
            prepare(&up, gaz)
        })
        .collect();
    data.extend(extra);
    let mut wts = Weights { index: HashMap::new(), w: Vec::new(), total: Vec::new(), stamp: Vec::new(), step: 0 };
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut dyn_feats = Vec::with_capacity(8);
    for epoch in 0..cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = (lcg(&mut rng) as usize) % (i + 1);
            order.swap(i, j);
        }
        let (mut correct, mut total) = (0usize, 0usize);
        for &si in &order {
            let s = &data[si];
            let (mut p1, mut p2) = (L as u8, L as u8);
            for i in 0..s.labels.len() {
                wts.step += 1;
                dyn_feats.clear();
                dynamic_features(&s.infos, i, p1, p2, s.upper, &mut dyn_feats);
                let mut scores = [0f32; L];
                wts.score(&s.feats[i], &mut scores);
                wts.score(&dyn_feats, &mut scores);
                let mut best = 0u8;
                let mut bs = f32::NEG_INFINITY;
                for (l, &sc) in scores.iter().enumerate() {
                    if sc > bs {
                        best = l as u8;
                        bs = sc;
                    }
                }
                let gold = s.labels[i];
                if best != gold {
                    for &f in s.feats[i].iter().chain(dyn_feats.iter()) {
                        wts.update(f, gold, 1.0);
                        wts.update(f, best, -1.0);
                    }
                } else {
                    correct += 1;
                }
                total += 1;
                p2 = p1;
                p1 = best;
            }
        }
        log(&format!(
            "epoch {}: token accuracy {:.4}, {} features",
            epoch + 1,
            correct as f64 / total.max(1) as f64,
            wts.index.len()
        ));
    }
    // average
    let step = wts.step as f64;
    let n = wts.index.len();
    let avg: Vec<f32> = (0..n * L)
        .map(|i| ((wts.total[i] + (step - wts.stamp[i] as f64) * f64::from(wts.w[i])) / step) as f32)
        .collect();
    // quantise: geometric magnitude table from `lo` (dropped below) to the largest weight
    let hi = avg.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6);
    let lo = (hi / 20_000.0).max(cfg.min_weight);
    let ratio = (hi / lo).ln() / (TABLE - 2) as f32;
    let mut table = [0f32; TABLE];
    for (k, t) in table.iter_mut().enumerate().skip(1) {
        *t = lo * ((k - 1) as f32 * ratio).exp();
    }
    let code = |w: f32| -> i8 {
        let a = w.abs();
        if a < lo * 0.5 {
            return 0;
        }
        let k = if a <= lo { 1 } else { (((a / lo).ln() / ratio).round() as usize + 1).min(TABLE - 1) };
        (k as i8) * if w < 0.0 { -1 } else { 1 }
    };
    let mut keyed: Vec<(u32, usize)> = wts.index.iter().map(|(&k, &i)| (k, i as usize)).collect();
    keyed.sort_unstable();
    let mut keys = Vec::new();
    let mut weights = Vec::new();
    for (k, i) in keyed {
        let row: Vec<i8> = avg[i * L..i * L + L].iter().map(|&w| code(w)).collect();
        if row.iter().any(|&c| c != 0) {
            keys.push(k);
            weights.extend(row);
        }
    }
    log(&format!("kept {} of {} features, weights {lo:.4}..{hi:.1}", keys.len(), n));
    Model::from_parts(keys, weights, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retokenize_keeps_elision_outside() {
        let s = retokenize(&["vers", "l'Iran", "et", "France]]"], &["O", "B-LOC", "O", "B-LOC"]);
        assert_eq!(s.words, ["vers", "l'", "Iran", "et", "France", "]", "]"]);
        assert_eq!(s.labels, [0, 0, 5, 0, 5, 0, 0]);
    }

    #[test]
    fn learns_a_toy_pattern() {
        let mut data = Vec::new();
        for name in ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"] {
            for city in ["Paris", "Rome", "Oslo"] {
                data.push(retokenize(&["Yesterday", name, "visited", city, "."], &["O", "B-PER", "O", "B-LOC", "O"]));
            }
        }
        let gaz = Gazetteers::default();
        let m = train(&data, &gaz, &TrainConfig { epochs: 5, upper_share: 0.0, min_weight: 0.01, seed: 1 }, |_| {});
        let labels = super::super::tagger::tag(&m, &gaz, &["Yesterday", "Grace", "visited", "Lima", "."]);
        assert_eq!(labels, [0, 1, 0, 5, 0]);
    }
}

