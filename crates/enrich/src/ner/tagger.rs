//! Greedy left-to-right decoding with BIO constraints.

use super::features::{dynamic_features, mostly_upper, static_features, token_infos};
use super::gazetteer::Gazetteers;
use super::model::{Model, L};

/// Whether label `to` may follow label `from` (an `I-X` continues a `B-X` or `I-X`).
#[inline]
pub fn allowed(from: u8, to: u8) -> bool {
    if to == 0 || to % 2 == 1 {
        return true;
    }
    from != 0 && from.div_ceil(2) == to / 2
}

/// Labels for one sentence of words (indices into [`super::model::LABELS`]).
pub fn tag(model: &Model, gaz: &Gazetteers, words: &[&str]) -> Vec<u8> {
    let infos = token_infos(words, gaz);
    let upper = mostly_upper(words);
    let mut feats = Vec::with_capacity(40);
    let mut out = Vec::with_capacity(words.len());
    let (mut p1, mut p2) = (L as u8, L as u8);
    for i in 0..words.len() {
        feats.clear();
        static_features(&infos, i, upper, &mut feats);
        dynamic_features(&infos, i, p1, p2, upper, &mut feats);
        let mut scores = [0f32; L];
        for &f in &feats {
            model.add(f, &mut scores);
        }
        let prev = if i == 0 { 0 } else { p1 };
        let mut best = 0u8;
        let mut best_score = f32::NEG_INFINITY;
        for (l, &s) in scores.iter().enumerate() {
            if s > best_score && allowed(prev, l as u8) {
                best = l as u8;
                best_score = s;
            }
        }
        out.push(best);
        p2 = p1;
        p1 = best;
    }
    out
}

/// Entity spans `(first, last + 1, type index 0..3)` from BIO labels.
pub fn spans(labels: &[u8]) -> Vec<(usize, usize, u8)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let kind = if l == 0 { None } else { Some((l - 1) / 2) };
        let begins = l % 2 == 1;
        if let Some((s, k)) = open {
            if kind != Some(k) || begins {
                out.push((s, i, k));
                open = None;
            }
        }
        if let Some(k) = kind {
            if open.is_none() {
                open = Some((i, k));
            }
        }
    }
    if let Some((s, k)) = open {
        out.push((s, labels.len(), k));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_constraints() {
        assert!(allowed(1, 2)); // B-PER -> I-PER
        assert!(allowed(2, 2));
        assert!(!allowed(0, 2));
        assert!(!allowed(3, 2)); // B-ORG -> I-PER
        assert!(allowed(0, 5));
    }

    #[test]
    fn spans_from_labels() {
        // O B-PER I-PER B-LOC O B-ORG
        assert_eq!(spans(&[0, 1, 2, 5, 0, 3]), vec![(1, 3, 0), (3, 4, 2), (5, 6, 1)]);
    }
}
