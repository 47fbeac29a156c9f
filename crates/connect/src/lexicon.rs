//! The bilingual lexicon: French words and phrases mapped into the English term space.
//!
//! Shipped in `data/lexicon-fr-en.tsv` (see `data/SOURCE.md`). Names and
//! numbers are shared across languages already; the lexicon adds the
//! everyday news words that differ (months, countries, "séisme" ->
//! "earthquake"), so an English and a French report of one event share terms.

use crate::error::ConnectError;
use crate::text::{tokenize, Token};
use std::collections::HashMap;

const FR_EN: &str = include_str!("../data/lexicon-fr-en.tsv");

/// Longest phrase, in tokens, on the French side.
const MAX_PHRASE: usize = 3;

/// A one-way phrase map from one language into English.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lexicon {
    map: HashMap<String, Vec<String>>,
}

impl Lexicon {
    /// Parses `source<TAB>english` lines; `#` lines and blank lines are skipped.
    pub(crate) fn parse(text: &str) -> Result<Self, ConnectError> {
        let mut map = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (src, dst) = line
                .split_once('\t')
                .ok_or_else(|| ConnectError::Lexicon { line: n + 1, reason: "no TAB".into() })?;
            let key: Vec<String> = tokenize(src).into_iter().map(|t| t.text).collect();
            let val: Vec<String> = tokenize(dst).into_iter().map(|t| t.text).collect();
            if key.is_empty() || key.len() > MAX_PHRASE || val.is_empty() {
                return Err(ConnectError::Lexicon {
                    line: n + 1,
                    reason: format!("needs 1..={MAX_PHRASE} source words and a translation"),
                });
            }
            map.insert(key.join(" "), val);
        }
        Ok(Self { map })
    }

    /// The shipped French -> English lexicon.
    pub(crate) fn french() -> &'static Self {
        static LEX: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        LEX.get_or_init(|| Self::parse(FR_EN).expect("shipped lexicon parses"))
    }

    /// Number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Rewrites tokens, longest phrase first; unknown tokens pass through.
    pub(crate) fn apply(&self, tokens: Vec<Token>) -> Vec<Token> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        'outer: while i < tokens.len() {
            for len in (1..=MAX_PHRASE.min(tokens.len() - i)).rev() {
                let key = tokens[i..i + len].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
                if let Some(val) = self.map.get(&key) {
                    let first = &tokens[i];
                    for (k, w) in val.iter().enumerate() {
                        out.push(Token {
                            text: w.clone(),
                            name: first.name,
                            number: false,
                            sentence_start: first.sentence_start && k == 0,
                        });
                    }
                    i += len;
                    continue 'outer;
                }
            }
            out.push(tokens[i].clone());
            i += 1;
        }
        out
    }
}

/// The lexicon for a language code, if one ships.
pub(crate) fn for_language(lang: Option<&str>) -> Option<&'static Lexicon> {
    match lang.map(|l| l.get(..2).unwrap_or(l).to_ascii_lowercase()) {
        Some(l) if l == "fr" => Some(Lexicon::french()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn shipped_lexicon_maps_phrases_longest_first() {
        let lex = Lexicon::french();
        assert!(lex.len() > 200);
        let out = lex.apply(tokenize("Un tremblement de terre en Corée du Sud, mardi 5 mars"));
        assert_eq!(words(&out), ["un", "earthquake", "en", "south", "korea", "tuesday", "5", "march"]);
    }

    #[test]
    fn rejects_malformed_lines() {
        assert!(Lexicon::parse("chat cat").is_err());
        assert!(Lexicon::parse("# c\n\nchat\tcat\n").is_ok());
        assert!(for_language(Some("fr-BE")).is_some());
        assert!(for_language(Some("en")).is_none());
    }
}
