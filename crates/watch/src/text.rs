//! A text as the watches see it: its folded words, each as the id of a word some watch's
//! query asks for, with its position. Words no watch asks for only advance the position,
//! so a text costs one folding pass and one lookup per word, and no allocation per word.

use rustc_hash::FxHashMap;

/// The words the watches' queries use, each with a small id.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Fx hashing: the keys are the watches' words; an article's words are only looked up.
    ids: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
}

impl Vocabulary {
    /// The id of `word` (folded), given a new one the first time.
    pub(crate) fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.words.len()).expect("fewer than 2^32 distinct query words");
        self.words.push(word.into());
        self.ids.insert(word.into(), id);
        id
    }

    /// The id of `word`, if some query uses it.
    pub(crate) fn get(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    /// The word of an id.
    pub(crate) fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    /// How many words.
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The words of a text (or of several parts read as one) that are in a [`Vocabulary`],
/// with their positions.
#[derive(Debug, Default)]
pub(crate) struct Words {
    /// `(word id, position)`, sorted.
    hits: Vec<(u32, u32)>,
    /// The position each part starts at.
    part_starts: Vec<u32>,
}

impl Words {
    /// Folds `parts` as one text (each part continues the positions, after a gap so that
    /// a phrase never spans two parts: title and body) and keeps the vocabulary's words.
    pub(crate) fn of(vocabulary: &Vocabulary, parts: &[&str]) -> Words {
        let mut hits = Vec::new();
        let mut part_starts = Vec::with_capacity(parts.len());
        if vocabulary.is_empty() {
            return Words { hits, part_starts };
        }
        let mut n: u32 = 0;
        for part in parts {
            part_starts.push(n);
            polmon_index::for_each_folded_word(part, |w| {
                if let Some(id) = vocabulary.get(w) {
                    hits.push((id, n));
                }
                n += 1;
            });
            n += 1;
        }
        hits.sort_unstable();
        Words { hits, part_starts }
    }

    /// Which part (index into the `parts` read) holds `position`.
    pub(crate) fn part_of(&self, position: u32) -> usize {
        self.part_starts.partition_point(|&s| s <= position).saturating_sub(1)
    }

    /// The distinct word ids, in increasing order.
    pub(crate) fn distinct(&self) -> impl Iterator<Item = u32> + '_ {
        let mut last = None;
        self.hits.iter().filter_map(move |&(id, _)| (last.replace(id) != Some(id)).then_some(id))
    }

    /// The positions of `id`'s hits, as a slice of `hits`.
    fn hits_of(&self, id: u32) -> &[(u32, u32)] {
        let start = self.hits.partition_point(|&(w, _)| w < id);
        let len = self.hits[start..].partition_point(|&(w, _)| w == id);
        &self.hits[start..start + len]
    }

    pub(crate) fn contains(&self, id: u32) -> bool {
        !self.hits_of(id).is_empty()
    }

    pub(crate) fn has_phrase(&self, ids: &[u32]) -> bool {
        self.phrase_starts(ids).next().is_some()
    }

    /// The positions where the words `ids` start in a row, in increasing order.
    pub(crate) fn phrase_starts<'w>(&'w self, ids: &'w [u32]) -> impl Iterator<Item = u32> + 'w {
        let (first, rest) = ids.split_first().map_or((None, &[][..]), |(f, r)| (Some(*f), r));
        let starts = first.map_or(&[][..], |f| self.hits_of(f));
        starts
            .iter()
            .map(|&(_, p)| p)
            .filter(move |&p| rest.iter().zip(1..).all(|(&id, i)| self.hits.binary_search(&(id, p + i)).is_ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(words: &[&str]) -> Vocabulary {
        let mut v = Vocabulary::default();
        for w in words {
            v.intern(w);
        }
        v
    }

    #[test]
    fn keeps_only_the_vocabulary_but_counts_every_position() {
        let v = vocabulary(&["quai", "orsay", "kyiv", "absent"]);
        let words = Words::of(&v, &["Séjourné à Kyiv", "Le Quai d'Orsay, le quai."]);
        let id = |w: &str| v.get(w).unwrap();
        assert_eq!(words.distinct().collect::<Vec<_>>(), [id("quai"), id("orsay"), id("kyiv")]);
        assert!(words.contains(id("kyiv")) && !words.contains(id("absent")));
        assert!(words.has_phrase(&[id("quai")]));
        assert!(!words.has_phrase(&[id("quai"), id("orsay")]), "\"d\" stands between them");
        assert!(!words.has_phrase(&[id("kyiv"), id("quai")]), "not adjacent, and never across parts");
        assert!(!words.has_phrase(&[]));
        assert_eq!(words.phrase_starts(&[id("quai")]).map(|p| words.part_of(p)).collect::<Vec<_>>(), [1, 1]);
        assert_eq!(words.part_of(0), 0);
        assert!(Words::of(&Vocabulary::default(), &["Kyiv"]).distinct().next().is_none());
    }

    #[test]
    fn phrases_follow_positions() {
        let v = vocabulary(&["new", "york", "times"]);
        let words = Words::of(&v, &["The New York Times, new times, New new York"]);
        let ids: Vec<u32> = ["new", "york", "times"].iter().map(|w| v.get(w).unwrap()).collect();
        assert!(words.has_phrase(&ids));
        assert!(words.has_phrase(&[ids[0], ids[0], ids[1]]), "a repeated word");
        assert!(!words.has_phrase(&[ids[2], ids[1]]));
        assert_eq!(v.word(ids[1]), "york");
        assert_eq!(v.len(), 3);
    }
}
