//! Near-duplicate detection: MinHash signatures of word 4-shingles, LSH buckets.
//!
//! 64 hash functions in 16 bands of 4 rows: a pair with Jaccard similarity J
//! shares at least one band with probability `1 - (1 - J^4)^16` (0.96 at
//! J = 0.6, 0.07 at J = 0.2), so a new article is compared only with the few
//! articles in its buckets. Buckets are chains through a flat array: one
//! `u32` per article and band plus one map entry per distinct band key.

use crate::hash::{hash_str, mix64, IdMap};
use crate::text::Token;

/// Hash functions per signature.
pub(crate) const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;
/// Words per shingle.
const SHINGLE: usize = 4;
const NONE: u32 = u32::MAX;

/// A MinHash signature.
pub(crate) type Signature = [u32; HASHES];

/// The signature of a token sequence (all words, stop words included).
pub(crate) fn signature(tokens: &[Token]) -> Signature {
    let words: Vec<u64> = tokens.iter().map(|t| hash_str(&t.text)).collect();
    let mut sig = [u32::MAX; HASHES];
    let mut add = |h: u64| {
        for (i, s) in sig.iter_mut().enumerate() {
            let v = (mix64(h ^ SEEDS[i]) >> 32) as u32;
            if v < *s {
                *s = v;
            }
        }
    };
    if words.len() < SHINGLE {
        add(words.iter().fold(0x9e37_79b9_7f4a_7c15, |h, &w| mix64(h ^ w)));
    } else {
        for win in words.windows(SHINGLE) {
            add(win.iter().fold(0x9e37_79b9_7f4a_7c15, |h, &w| mix64(h ^ w)));
        }
    }
    sig
}

/// Estimated Jaccard similarity of the shingle sets behind two signatures.
pub(crate) fn jaccard(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

const SEEDS: [u64; HASHES] = {
    let mut s = [0u64; HASHES];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut i = 0;
    while i < HASHES {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        s[i] = z ^ (z >> 31);
        i += 1;
    }
    s
};

/// LSH buckets over signatures; entries are caller-chosen `u32` slots.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lsh {
    heads: IdMap<u64, u32>,
    /// `next[slot * BANDS + band]`: the previous slot in that bucket.
    next: Vec<u32>,
}

fn band_key(sig: &Signature, band: usize) -> u64 {
    let mut h = band as u64;
    for &v in &sig[band * ROWS..(band + 1) * ROWS] {
        h = mix64(h ^ u64::from(v));
    }
    h
}

impl Lsh {
    /// Adds slot `slot` (slots must be added in increasing order, no gaps).
    pub(crate) fn insert(&mut self, slot: u32, sig: &Signature) {
        let base = slot as usize * BANDS;
        if self.next.len() < base + BANDS {
            self.next.resize(base + BANDS, NONE);
        }
        for band in 0..BANDS {
            let prev = self.heads.insert(band_key(sig, band), slot).unwrap_or(NONE);
            self.next[base + band] = prev;
        }
    }

    /// Reserves a slot without bucketing it (an article with no text).
    pub(crate) fn skip(&mut self, slot: u32) {
        let base = slot as usize * BANDS;
        if self.next.len() < base + BANDS {
            self.next.resize(base + BANDS, NONE);
        }
    }

    /// Slots sharing at least one band with `sig`, deduplicated, newest first per band.
    pub(crate) fn candidates(&self, sig: &Signature, limit_per_band: usize) -> Vec<u32> {
        let mut out = Vec::new();
        for band in 0..BANDS {
            let mut slot = self.heads.get(&band_key(sig, band)).copied().unwrap_or(NONE);
            let mut seen = 0;
            while slot != NONE && seen < limit_per_band {
                out.push(slot);
                slot = self.next[slot as usize * BANDS + band];
                seen += 1;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    const TEXT: &str = "The magnitude 6.3 earthquake struck central Italy early on Monday, \
        killing at least 150 people and leaving thousands homeless in the mountain town of \
        L'Aquila, officials said, as rescuers searched the rubble of collapsed buildings for survivors \
        through the night while aftershocks rattled the region and the government declared an emergency.";

    #[test]
    fn edited_copy_is_similar_and_lands_in_a_shared_bucket() {
        let a = signature(&tokenize(TEXT));
        let edited = TEXT.replace("at least 150", "at least 151").replace("officials said", "police said")
            + " (AFP)";
        let b = signature(&tokenize(&edited));
        let other = signature(&tokenize("Parliament passed the budget bill on Tuesday after a long debate."));
        assert!(jaccard(&a, &b) > 0.6, "{}", jaccard(&a, &b));
        assert!(jaccard(&a, &other) < 0.1);
        let mut lsh = Lsh::default();
        lsh.insert(0, &a);
        lsh.insert(1, &other);
        assert_eq!(lsh.candidates(&b, 100), vec![0]);
    }
}
