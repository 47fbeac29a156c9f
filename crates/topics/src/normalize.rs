//! Lower-cased text for matching, with word boundaries and word positions.

/// Text prepared for matching: lower-cased char by char (so positions stay aligned with
/// the original's characters), typographic apostrophes straightened.
pub(crate) struct Normalized {
    pub(crate) text: String,
    /// For each byte of `text` that starts a char: whether the original char was upper case.
    upper: Vec<bool>,
    /// Byte offsets at which words start, ascending.
    word_starts: Vec<usize>,
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl Normalized {
    pub(crate) fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut upper = Vec::with_capacity(original.len());
        let mut word_starts = Vec::new();
        let mut prev_word = false;
        for c in original.chars() {
            let lc = match c {
                '’' | 'ʼ' | '`' => '\'',
                _ => c.to_lowercase().next().unwrap_or(c),
            };
            let at = text.len();
            text.push(lc);
            upper.resize(text.len(), false);
            upper[at] = c.is_uppercase();
            let w = is_word_char(lc);
            if w && !prev_word {
                word_starts.push(at);
            }
            prev_word = w;
        }
        Normalized { text, upper, word_starts }
    }

    /// Whether a match `[s, e)` starts on a word boundary, and ends on one unless `prefix`.
    pub(crate) fn on_boundaries(&self, s: usize, e: usize, prefix: bool) -> bool {
        let before = self.text[..s].chars().next_back().is_none_or(|c| !is_word_char(c));
        let after = prefix || self.text[e..].chars().next().is_none_or(|c| !is_word_char(c));
        before && after
    }

    /// Whether the original character at byte `s` was upper case.
    pub(crate) fn upper_at(&self, s: usize) -> bool {
        self.upper.get(s).copied().unwrap_or(false)
    }

    /// Index of the word holding byte `s`.
    pub(crate) fn word_index(&self, s: usize) -> usize {
        self.word_starts.partition_point(|&w| w <= s).saturating_sub(1)
    }

}

/// Normalises a rule or gazetteer term the same way as the text.
pub(crate) fn term(s: &str) -> String {
    Normalized::new(s.trim()).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_and_word_positions() {
        let n = Normalized::new("L’Élysée said: minister-led talks");
        assert_eq!(n.text, "l'élysée said: minister-led talks");
        let s = n.text.find("élysée").unwrap();
        assert!(n.on_boundaries(s, s + "élysée".len(), false));
        assert!(n.upper_at(s));
        let m = n.text.find("minister").unwrap();
        assert!(n.on_boundaries(m, m + 8, false));
        assert!(!n.on_boundaries(m, m + 5, false));
        assert!(n.on_boundaries(m, m + 5, true));
        assert_eq!(n.word_index(m), 3);
        assert_eq!(n.word_index(n.text.len() - 1), 5);
    }
}
