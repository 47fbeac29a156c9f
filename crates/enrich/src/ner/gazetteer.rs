//! Multi-token name lists matched longest-first, case-insensitively.

use std::collections::{HashMap, HashSet};

/// Per-token gazetteer flags: `begin`/`inside` of a matched name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GazMark {
    /// Not in a listed name.
    #[default]
    None,
    /// First token of a listed name.
    Begin,
    /// A later token of a listed name.
    Inside,
}

/// A set of names, each a sequence of lowercased tokens.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// first token -> list of remaining-token sequences (longest first)
    names: HashMap<String, Vec<Vec<String>>>,
}

impl Gazetteer {
    /// Builds a gazetteer from one name a line, tokenized like the text.
    pub fn from_lines(lines: &str) -> Self {
        let mut names: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for line in lines.lines() {
            let toks: Vec<String> =
                crate::token::tokenize(line).iter().map(|t| t.text.to_lowercase()).collect();
            if let Some((first, rest)) = toks.split_first() {
                names.entry(first.clone()).or_default().push(rest.to_vec());
            }
        }
        for v in names.values_mut() {
            v.sort_by_key(|r| std::cmp::Reverse(r.len()));
            v.dedup();
        }
        Gazetteer { names }
    }

    /// Marks the tokens (given lowercased) covered by listed names, longest match first.
    pub fn mark(&self, lower: &[String]) -> Vec<GazMark> {
        let mut out = vec![GazMark::None; lower.len()];
        let mut i = 0;
        while i < lower.len() {
            let mut len = 0;
            if let Some(rests) = self.names.get(&lower[i]) {
                for rest in rests {
                    let n = rest.len();
                    if i + 1 + n <= lower.len() && lower[i + 1..i + 1 + n] == rest[..] {
                        len = n + 1;
                        break;
                    }
                }
            }
            if len > 0 {
                out[i] = GazMark::Begin;
                for m in &mut out[i + 1..i + len] {
                    *m = GazMark::Inside;
                }
                i += len;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// The word lists the tagger consults: countries (with capitals), other places,
/// demonyms ("French", "Iraqis") and words usually written in lowercase.
#[derive(Debug, Clone, Default)]
pub struct Gazetteers {
    /// Countries, their capitals and common short forms.
    pub country: Gazetteer,
    /// Other places: cities, states, continents.
    pub place: Gazetteer,
    /// Nationality and group words, lowercased.
    pub demonyms: HashSet<String>,
    /// Words seen in lowercase in running text, lowercased.
    pub common: HashSet<String>,
    /// French lowercase words that end a name ("auront", "lors"): see `training/clause_lexicon.py`.
    pub clause: HashSet<String>,
}

fn word_set(lines: &str) -> HashSet<String> {
    lines.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_lowercase).collect()
}

impl Gazetteers {
    /// The bundled lists (see `data/gazetteer/NOTICE`).
    pub fn bundled() -> Self {
        Gazetteers {
            country: Gazetteer::from_lines(crate::COUNTRIES),
            place: Gazetteer::from_lines(crate::LOCATIONS),
            demonyms: word_set(crate::DEMONYMS),
            common: word_set(crate::COMMON_WORDS),
            clause: word_set(crate::CLAUSE_WORDS_FR),
        }
    }

    /// Marks per token, one per list.
    pub fn mark(&self, lower: &[String]) -> Vec<[GazMark; 2]> {
        let c = self.country.mark(lower);
        let p = self.place.mark(lower);
        c.into_iter().zip(p).map(|(a, b)| [a, b]).collect()
    }

    /// Whether every (lowercased) word is a demonym ("Iraqi Kurdish").
    pub fn all_demonyms(&self, lower: &[String]) -> bool {
        !lower.is_empty() && lower.iter().all(|w| self.demonyms.contains(w))
    }

    /// Whether the whole (lowercased) name is in a list.
    pub fn contains(&self, lower: &[String]) -> bool {
        let whole = |g: &Gazetteer| {
            let m = g.mark(lower);
            m.first() == Some(&GazMark::Begin) && m[1..].iter().all(|x| *x == GazMark::Inside)
        };
        !lower.is_empty() && (whole(&self.country) || whole(&self.place))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_match_wins() {
        let g = Gazetteer::from_lines("New York\nNew York City\nParis\n");
        let toks: Vec<String> = ["in", "new", "york", "city", "and", "paris"].iter().map(|s| s.to_string()).collect();
        let m = g.mark(&toks);
        use GazMark::*;
        assert_eq!(m, [None, Begin, Inside, Inside, None, Begin]);
    }
}
