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

/// Given names of the US Census 1990 lists (see `training/make_names.py`).
const GIVEN_NAMES: &str = include_str!("../../data/gazetteer/given-names.txt");
/// Common surnames of the US Census 1990 lists.
const SURNAMES: &str = include_str!("../../data/gazetteer/surnames.txt");
/// Typed names from the French, German and Dutch WikiANN train splits
/// (see `training/wiki_names.py`): `TYPE<TAB>name` lines.
const WIKI_NAMES: &str = include_str!("../../data/gazetteer/wikiann-names.txt");
/// Name-list marks of one (lowercased) word: [`GIVEN_NAME`] and/or [`SURNAME`].
pub type NameMarks = u8;
/// The word is a listed given name.
pub const GIVEN_NAME: NameMarks = 1;
/// The word is a listed surname.
pub const SURNAME: NameMarks = 2;

/// The word lists the tagger consults: countries (with capitals), other places,
/// demonyms ("French", "Iraqis"), words usually written in lowercase, given names and
/// surnames, and names typed by other languages' WikiANN data.
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
    /// Given names, lowercased.
    pub given_names: HashSet<String>,
    /// Surnames, lowercased.
    pub surnames: HashSet<String>,
    /// Names seen as person, organisation and location in other languages' WikiANN data.
    pub typed_names: [Gazetteer; 3],
}

/// Splits `TYPE<TAB>name` lines into the person, organisation and location lists; lines
/// of another type or without a tab are skipped.
fn typed_lists(lines: &str) -> [Gazetteer; 3] {
    let mut parts: [String; 3] = Default::default();
    for line in lines.lines() {
        let Some((kind, name)) = line.split_once('\t') else {
            continue;
        };
        let k = match kind {
            "PER" => 0,
            "ORG" => 1,
            "LOC" => 2,
            _ => continue,
        };
        parts[k].push_str(name);
        parts[k].push('\n');
    }
    parts.map(|p| Gazetteer::from_lines(&p))
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
            given_names: word_set(GIVEN_NAMES),
            surnames: word_set(SURNAMES),
            typed_names: typed_lists(WIKI_NAMES),
        }
    }

    /// Name-list marks of a lowercased word.
    pub fn name_marks(&self, lower: &str) -> NameMarks {
        let mut m = 0;
        if self.given_names.contains(lower) {
            m |= GIVEN_NAME;
        }
        if self.surnames.contains(lower) {
            m |= SURNAME;
        }
        m
    }

    /// Marks per token from the person, organisation and location name lists.
    pub fn typed_marks(&self, lower: &[String]) -> Vec<[GazMark; 3]> {
        let [p, o, l] = &self.typed_names;
        let (p, o, l) = (p.mark(lower), o.mark(lower), l.mark(lower));
        (0..lower.len()).map(|i| [p[i], o[i], l[i]]).collect()
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

    #[test]
    fn bundled_name_lists_load() {
        let g = Gazetteers::bundled();
        assert_eq!(g.name_marks("john"), GIVEN_NAME | SURNAME, "John is both");
        assert_eq!(g.name_marks("smith"), SURNAME);
        assert_eq!(g.name_marks("the"), 0);
        let m = g.typed_marks(&["nato".to_string()]);
        assert_eq!(m[0][1], GazMark::Begin, "NATO is a listed organisation");
    }

    #[test]
    fn typed_names_mark_by_type() {
        let g = Gazetteers {
            typed_names: typed_lists("ORG\tWall Street Journal\nLOC\tWall Street\nbad line\nXYZ\tFoo\n"),
            ..Default::default()
        };
        let toks: Vec<String> = ["the", "wall", "street", "journal", "foo"].iter().map(|s| s.to_string()).collect();
        let m = g.typed_marks(&toks);
        use GazMark::*;
        assert_eq!(m[1], [None, Begin, Begin]);
        assert_eq!(m[3], [None, Inside, None]);
        assert_eq!(m[4], [None, None, None]);
    }
}
