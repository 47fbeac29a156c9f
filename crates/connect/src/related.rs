//! Related articles for the article page.
//!
//! The list holds other stories first (the closest article of each of the
//! most similar other stories), then coverage of the same story, preferring
//! sources not yet shown and not the article's own source; near-copies of
//! the article itself are left out (they say the same thing).

use crate::connector::Connector;

/// Cosine below which another story is not worth showing.
const MIN_OTHER: f32 = 0.05;
/// Most same-story members ranked for one call.
const MAX_SAME: usize = 256;

impl Connector {
    /// Up to `n` related article ids for `id`: other stories first, then the
    /// same story's coverage from different sources.
    pub fn related(&self, id: i64, n: usize) -> Vec<i64> {
        let Some(&slot) = self.by_id.get(&id) else { return Vec::new() };
        if n == 0 {
            return Vec::new();
        }
        let me = &self.docs[slot as usize];
        let base = if me.original == u32::MAX { slot } else { me.original };
        let q = &self.docs[base as usize].terms;
        let story = self.root(me.story);
        let is_self = |d: u32| d == slot || d == base || self.docs[d as usize].original == base;

        // Other stories: best article of each, by cosine.
        let mut other: Vec<(u32, f32)> = Vec::new();
        {
            // A translated article also finds other stories through its translation.
            let mut found = self.retrieve(q, me.published);
            let translated = &self.docs[base as usize].translated;
            if !translated.is_empty() {
                let mut ids: Vec<u32> = found.iter().map(|&(d, _)| d).collect();
                ids.extend(self.retrieve(translated, me.published).into_iter().map(|(d, _)| d));
                ids.sort_unstable();
                ids.dedup();
                found = ids.into_iter().map(|d| (d, self.cosine(base, d))).collect();
                found.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            }
            for (d, c) in found {
                if c < MIN_OTHER {
                    break;
                }
                let s = self.root(self.docs[d as usize].story);
                if s != story && !other.iter().any(|&(o, _)| self.root(self.docs[o as usize].story) == s) {
                    other.push((d, c));
                }
            }
        }

        // Same story: originals by cosine, then copies of other articles.
        let st = &self.stories[story as usize];
        let mut same: Vec<(u32, f32)> = st
            .members
            .iter()
            .rev()
            .take(MAX_SAME)
            .filter(|&&d| !is_self(d))
            .map(|&d| (d, self.cosine(base, d)))
            .collect();
        same.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        same.extend(st.copies.iter().rev().take(MAX_SAME).filter(|&&d| !is_self(d)).map(|&d| (d, -1.0)));
        let mut shown_sources = vec![me.source];
        let mut same_ordered = Vec::with_capacity(same.len());
        let mut rest = Vec::new();
        for (d, _) in same {
            let src = self.docs[d as usize].source;
            if src == u32::MAX || !shown_sources.contains(&src) {
                shown_sources.push(src);
                same_ordered.push(d);
            } else {
                rest.push(d);
            }
        }
        same_ordered.extend(rest);

        let want_other = (n / 2).max(usize::from(same_ordered.is_empty()) * n);
        let n_other = other.len().min(want_other.max(n.saturating_sub(same_ordered.len())));
        let mut out: Vec<i64> = other.iter().take(n_other).map(|&(d, _)| self.docs[d as usize].id).collect();
        out.extend(same_ordered.iter().take(n - out.len()).map(|&d| self.docs[d as usize].id));
        out
    }
}
