//! An editable glossary: political titles and institutions the engine gets
//! wrong, and recurring slips in its output.
//!
//! The format is plain text, one entry a line, `source<TAB>target` (a tab
//! between, shown as spaces below), under a
//! section header naming the language pair; `#` starts a comment:
//!
//! ```text
//! [fr-en]
//! Premier ministre  Prime Minister
//! =Front national  National Front
//! [en]
//! Prime minister  Prime Minister
//! ```
//!
//! - `[xx-yy]` entries are found in the **source** text (before translation)
//!   and their target replaces whatever the engine would have made of them.
//!   The first letter matches either case, the rest exactly; a lowercase
//!   match of a capitalised entry gets a lowercase target ("premier ministre"
//!   → "prime minister"). A leading `=` asks for an exact-case match only.
//! - `[yy]` entries are fixes applied to the **output** in language `yy`,
//!   whatever the source (case-sensitive, whole words).
//!
//! The longest entry wins where entries overlap.

use std::collections::HashMap;

use regex::Regex;

/// A parsed glossary.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// Source-side entries by (from, to).
    pairs: HashMap<(String, String), Section>,
    /// Output fixes by target language.
    post: HashMap<String, Section>,
}

#[derive(Debug, Clone)]
struct Section {
    regex: Regex,
    /// Exact source → target.
    exact: HashMap<String, String>,
    /// Source with a lowercase first letter → (entry as written, target).
    loose: HashMap<String, (String, String)>,
}

/// An entry as parsed: source, target, exact case.
type Entry = (String, String, bool);

/// A glossary entry found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Byte range in the text.
    pub range: std::ops::Range<usize>,
    /// What replaces it in the translation.
    pub target: String,
}

/// The glossary shipped with polmon (fr, es, it, pt → en).
const BUNDLED: &str = include_str!("../glossary/glossary.tsv");

impl Glossary {
    /// The bundled glossary.
    pub fn bundled() -> Glossary {
        Glossary::parse(BUNDLED).expect("the bundled glossary parses")
    }

    /// Parses the glossary format; the error names the bad line.
    pub fn parse(text: &str) -> Result<Glossary, String> {
        let mut raw_pairs: HashMap<(String, String), Vec<Entry>> = HashMap::new();
        let mut raw_post: HashMap<String, Vec<Entry>> = HashMap::new();
        let mut section: Option<(String, Option<String>)> = None;
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            let line = line.split_once(" #").map_or(line, |(a, _)| a);
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let trimmed = line.trim();
            if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                section = Some(match name.split_once('-') {
                    Some((a, b)) => (crate::lang::normalize(a), Some(crate::lang::normalize(b))),
                    None => (crate::lang::normalize(name), None),
                });
                continue;
            }
            let Some((src, tgt)) = line.split_once('\t') else {
                return Err(format!("line {n}: expected `source<TAB>target`, found {trimmed:?}"));
            };
            let (src, tgt) = (src.trim(), tgt.trim());
            let (src, exact) = match src.strip_prefix('=') {
                Some(s) => (s.trim(), true),
                None => (src, false),
            };
            if src.is_empty() || tgt.is_empty() {
                return Err(format!("line {n}: empty source or target"));
            }
            let entry = (src.to_owned(), tgt.to_owned(), exact);
            match &section {
                Some((a, Some(b))) => raw_pairs.entry((a.clone(), b.clone())).or_default().push(entry),
                Some((a, None)) => raw_post.entry(a.clone()).or_default().push((src.to_owned(), tgt.to_owned(), true)),
                None => return Err(format!("line {n}: entry before any [xx-yy] or [yy] section header")),
            }
        }
        let mut pairs = HashMap::new();
        for (k, v) in raw_pairs {
            pairs.insert(k, Section::build(v)?);
        }
        let mut post = HashMap::new();
        for (k, v) in raw_post {
            post.insert(k, Section::build(v)?);
        }
        Ok(Glossary { pairs, post })
    }

    /// Whether the glossary has no entry at all.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty() && self.post.is_empty()
    }

    /// The number of entries for a language pair (source side) and its target (fixes).
    pub fn len_for(&self, from: &str, to: &str) -> usize {
        let key = (crate::lang::normalize(from), crate::lang::normalize(to));
        self.pairs.get(&key).map_or(0, |s| s.exact.len() + s.loose.len())
            + self.post.get(&key.1).map_or(0, |s| s.exact.len())
    }

    /// The entries found in a source text, in order, not overlapping.
    pub fn find(&self, from: &str, to: &str, text: &str) -> Vec<Match> {
        let key = (crate::lang::normalize(from), crate::lang::normalize(to));
        let Some(section) = self.pairs.get(&key) else { return Vec::new() };
        section
            .regex
            .find_iter(text)
            .filter_map(|m| section.target_for(m.as_str()).map(|target| Match { range: m.range(), target }))
            .collect()
    }

    /// Applies the output fixes for language `to`.
    pub fn fix_output(&self, to: &str, text: &str) -> String {
        let Some(section) = self.post.get(&crate::lang::normalize(to)) else { return text.to_owned() };
        section
            .regex
            .replace_all(text, |c: &regex::Captures<'_>| section.exact.get(&c[0]).cloned().unwrap_or_else(|| c[0].to_owned()))
            .into_owned()
    }
}

impl Section {
    fn build(mut entries: Vec<Entry>) -> Result<Section, String> {
        entries.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.0.cmp(&b.0)));
        let mut exact = HashMap::new();
        let mut loose = HashMap::new();
        let mut alternatives = Vec::with_capacity(entries.len());
        for (src, tgt, exact_case) in entries {
            alternatives.push(pattern(&src, exact_case));
            if exact_case {
                exact.insert(src, tgt);
            } else {
                loose.insert(lower_first(&src), (src, tgt));
            }
        }
        let regex = Regex::new(&alternatives.join("|")).map_err(|e| format!("cannot compile the glossary: {e}"))?;
        Ok(Section { regex, exact, loose })
    }

    fn target_for(&self, found: &str) -> Option<String> {
        let found = found.replace('’', "'");
        let found = collapse_spaces(&found);
        if let Some(t) = self.exact.get(&found) {
            return Some(t.clone());
        }
        let (written, target) = self.loose.get(&lower_first(&found))?;
        let found_upper = found.chars().next().is_some_and(char::is_uppercase);
        let written_upper = written.chars().next().is_some_and(char::is_uppercase);
        Some(match (found_upper, written_upper) {
            (false, true) => target.to_lowercase(),
            (true, false) => upper_first(target),
            _ => target.clone(),
        })
    }
}

/// The regex for one entry: whole words, flexible spaces, either apostrophe,
/// the first letter in either case unless `exact`.
fn pattern(src: &str, exact: bool) -> String {
    let mut p = String::new();
    if src.starts_with(|c: char| c.is_alphanumeric()) {
        p.push_str(r"\b");
    }
    for (i, c) in src.chars().enumerate() {
        if i == 0 && !exact && c.to_lowercase().ne(c.to_uppercase()) {
            let (l, u): (String, String) = (c.to_lowercase().collect(), c.to_uppercase().collect());
            p.push_str(&format!("(?:{}|{})", regex::escape(&l), regex::escape(&u)));
        } else if c == ' ' {
            p.push_str(r"\s+");
        } else if c == '\'' || c == '’' {
            p.push_str("['’]");
        } else {
            p.push_str(&regex::escape(&c.to_string()));
        }
    }
    if src.ends_with(|c: char| c.is_alphanumeric()) {
        p.push_str(r"\b");
    }
    p
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

pub(crate) fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# test\n[fr-en]\nPremier ministre\tPrime Minister\nministre\tminister\n=Front national\tNational Front\n[en]\nOf Croo\tDe Croo\n";

    #[test]
    fn longest_entry_wins_and_case_follows_the_text() {
        let g = Glossary::parse(SAMPLE).unwrap();
        let text = "Le Premier ministre et le premier  ministre, puis le ministre.";
        let found: Vec<_> = g.find("fr", "en", text).into_iter().map(|m| (text[m.range].to_owned(), m.target)).collect();
        assert_eq!(
            found,
            [
                ("Premier ministre".to_owned(), "Prime Minister".to_owned()),
                ("premier  ministre".to_owned(), "prime minister".to_owned()),
                ("ministre".to_owned(), "minister".to_owned())
            ]
        );
    }

    #[test]
    fn exact_entries_ignore_other_cases_and_partial_words() {
        let g = Glossary::parse(SAMPLE).unwrap();
        assert!(g.find("fr", "en", "le front national des ministres").is_empty());
        assert_eq!(g.find("fra", "eng", "le Front national").len(), 1);
    }

    #[test]
    fn output_fixes_apply_to_the_target_language() {
        let g = Glossary::parse(SAMPLE).unwrap();
        assert_eq!(g.fix_output("en", "Alexander Of Croo said."), "Alexander De Croo said.");
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = Glossary::parse("[fr-en]\nPremier ministre Prime Minister\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
    }

    #[test]
    fn the_bundled_glossary_parses() {
        let g = Glossary::bundled();
        for from in ["fr", "es", "it"] {
            assert!(g.len_for(from, "en") > 20, "{from}");
        }
    }
}
