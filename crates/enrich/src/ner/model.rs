//! The compact weight table: sorted feature keys, quantised `i8` weights.
//!
//! Weights are `i8` codes into a 128-entry table of magnitudes (geometric steps, so small
//! and large weights keep the same relative precision); the sign is the code's.
//!
//! File layout (little-endian): `b"PMNER02\n"`, `u32` label count `L`, 128 `f32` magnitudes,
//! `u32` feature count `N`, `N` `u32` keys (sorted, distinct), `N * L` `i8` codes.
//! At load time the keys go into an open-addressing table for O(1) lookups.

use crate::EnrichError;

/// The labels, in model order: BIO over person, organization, location.
pub const LABELS: [&str; 7] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"];
/// Number of labels.
pub const L: usize = LABELS.len();

const MAGIC: &[u8; 8] = b"PMNER02\n";
/// Number of magnitudes in the code table.
pub const TABLE: usize = 128;

/// A loaded tagger model.
#[derive(Debug, Clone)]
pub struct Model {
    slots: Vec<u32>,
    shift: u32,
    keys: Vec<u32>,
    weights: Vec<i8>,
    /// Code -> weight, for codes -127..=127 (index `code + 127`).
    values: [f32; 255],
    table: [f32; TABLE],
}

#[inline]
fn slot_of(key: u32, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9) >> shift) as usize
}

impl Model {
    /// Builds a model from keys, their code rows (`weights.len() == keys.len() * L`) and
    /// the magnitude table (`table[0]` is 0).
    pub fn from_parts(keys: Vec<u32>, weights: Vec<i8>, table: [f32; TABLE]) -> Self {
        assert_eq!(weights.len(), keys.len() * L);
        let mut values = [0f32; 255];
        for (i, v) in values.iter_mut().enumerate() {
            let code = i as i32 - 127;
            *v = table[code.unsigned_abs() as usize] * code.signum() as f32;
        }
        let bits = (keys.len().max(1) * 2).next_power_of_two().trailing_zeros().max(4);
        let shift = 32 - bits;
        let mut slots = vec![0u32; 1 << bits];
        let mask = slots.len() - 1;
        for (i, &k) in keys.iter().enumerate() {
            let mut s = slot_of(k, shift);
            while slots[s] != 0 {
                s = (s + 1) & mask;
            }
            slots[s] = i as u32 + 1;
        }
        Model { slots, shift, keys, weights, values, table }
    }

    /// Reads the file format described in the module doc.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, EnrichError> {
        let bad = |m: &str| EnrichError::Model(m.to_string());
        const HEAD: usize = 16 + 4 * TABLE;
        if bytes.len() < HEAD || &bytes[..8] != MAGIC {
            return Err(bad("not a PMNER02 model"));
        }
        let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
        if u32_at(8) as usize != L {
            return Err(bad("label count differs from this build"));
        }
        let mut table = [0f32; TABLE];
        for (k, t) in table.iter_mut().enumerate() {
            *t = f32::from_bits(u32_at(12 + 4 * k));
        }
        let n = u32_at(HEAD - 4) as usize;
        if bytes.len() != HEAD + n * 4 + n * L {
            return Err(bad("truncated model"));
        }
        let keys: Vec<u32> = (0..n).map(|i| u32_at(HEAD + 4 * i)).collect();
        let weights: Vec<i8> = bytes[HEAD + 4 * n..].iter().map(|&b| b as i8).collect();
        Ok(Model::from_parts(keys, weights, table))
    }

    /// Serialises to the file format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(20 + self.keys.len() * (4 + L));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(L as u32).to_le_bytes());
        for t in &self.table {
            out.extend_from_slice(&t.to_le_bytes());
        }
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for k in &self.keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|&w| w as u8));
        out
    }

    /// Number of features kept.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the model has no features.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Adds the weight row of `key` (if known) to `scores`.
    #[inline]
    pub fn add(&self, key: u32, scores: &mut [f32; L]) {
        let mask = self.slots.len() - 1;
        let mut s = slot_of(key, self.shift);
        loop {
            let v = self.slots[s];
            if v == 0 {
                return;
            }
            let i = (v - 1) as usize;
            if self.keys[i] == key {
                let row = &self.weights[i * L..i * L + L];
                for (a, &w) in scores.iter_mut().zip(row) {
                    *a += self.values[(i32::from(w) + 127) as usize];
                }
                return;
            }
            s = (s + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_looks_up() {
        let keys: Vec<u32> = (1..500).map(|k| k * 7919).collect();
        let weights: Vec<i8> = (0..keys.len() * L).map(|i| (i % 200) as i8).collect();
        let mut table = [0f32; TABLE];
        for (k, t) in table.iter_mut().enumerate() {
            *t = k as f32 * 0.5;
        }
        let m = Model::from_parts(keys.clone(), weights.clone(), table);
        let m2 = Model::from_bytes(&m.to_bytes()).unwrap();
        let mut s = [0f32; L];
        m2.add(keys[3], &mut s);
        let expect: Vec<f32> = weights[3 * L..4 * L].iter().map(|&w| f32::from(w) * 0.5).collect();
        assert_eq!(s.to_vec(), expect);
        let mut z = [0f32; L];
        m2.add(12345, &mut z);
        assert_eq!(z, [0.0; L]);
        assert!(Model::from_bytes(b"garbage").is_err());
    }
}
