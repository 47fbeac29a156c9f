//! What polmon adds around a rule-based engine: protected names, glossary
//! terms, quotation marks and typography.
//!
//! [`prepare`] replaces every protected name and every glossary term of the
//! source by a placeholder the engine passes through untouched (an unknown
//! word such as `Zxqbx`), and normalises quotation marks and apostrophes;
//! [`finish`] puts the names and the glossary's targets back in place of the
//! placeholders and tidies the output.

use std::sync::LazyLock;

use regex::Regex;

use crate::glossary::{upper_first, Glossary};
use crate::{lang, NameKind, Request};

/// What to protect and tidy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Kinds of names kept as written. Persons by default: place and
    /// organisation names often have a translation the engine knows
    /// ("Allemagne" → "Germany") and a name kept in the source language
    /// reads worse than one translated.
    pub kinds: Vec<NameKind>,
    /// Replace guillemets and curly quotes by straight ones (targets other than French).
    pub quotes: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { kinds: vec![NameKind::Person], quotes: true }
    }
}

/// A source text ready for the engine, and what to put back afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The text to translate, with placeholders.
    pub text: String,
    /// The text each placeholder stands for, by index.
    slots: Vec<String>,
}

impl Prepared {
    /// How many names and glossary terms were taken out of the text.
    pub fn placeholders(&self) -> usize {
        self.slots.len()
    }
}

const PREFIX: &str = "Zxq";
const SUFFIX: char = 'x';

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bzxq([a-w]+)x\b").expect("valid regex"));

/// A placeholder: `Zxq` + the index in base 23 over `a..=w` + `x`, a word
/// no Apertium dictionary knows.
fn placeholder(i: usize) -> String {
    let mut digits = Vec::new();
    let mut n = i;
    loop {
        digits.push((b'a' + (n % 23) as u8) as char);
        n /= 23;
        if n == 0 {
            break;
        }
    }
    let mut s = String::from(PREFIX);
    s.extend(digits.iter().rev());
    s.push(SUFFIX);
    s
}

fn placeholder_index(letters: &str) -> Option<usize> {
    letters.bytes().try_fold(0usize, |acc, b| {
        let d = b.to_ascii_lowercase().checked_sub(b'a').filter(|d| *d < 23)?;
        acc.checked_mul(23)?.checked_add(d as usize)
    })
}

/// Masks the request's names and glossary terms, and normalises quotes.
pub fn prepare(req: &Request, glossary: &Glossary, opts: &Options) -> Prepared {
    let text = &req.text;
    // (byte range, replacement): glossary terms first, they win over names
    // ("Assemblée nationale" is an organisation with an English name).
    let mut spans: Vec<(std::ops::Range<usize>, String)> =
        glossary.find(&req.from, &req.to, text).into_iter().map(|m| (m.range, m.target)).collect();
    let overlaps = |spans: &[(std::ops::Range<usize>, String)], r: &std::ops::Range<usize>| {
        spans.iter().any(|(s, _)| s.start < r.end && r.start < s.end)
    };
    let mut names: Vec<String> = Vec::new();
    for p in req.protect.iter().filter(|p| opts.kinds.contains(&p.kind)) {
        if let Some(r) = byte_range(text, p.start, p.end) {
            names.push(text[r.clone()].to_owned());
            if is_word_bounded(text, &r) && !text[r.clone()].contains('\n') && !overlaps(&spans, &r) {
                spans.push((r.clone(), text[r].to_owned()));
            }
        }
        if let Some(c) = p.canonical.as_deref() {
            names.push(c.to_owned());
        }
    }
    // Other occurrences of the same names (mentions the recogniser missed).
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    for name in names.iter().filter(|n| n.chars().count() >= 3 && !n.contains('\n')) {
        for (at, _) in text.match_indices(name.as_str()) {
            let r = at..at + name.len();
            if is_word_bounded(text, &r) && !overlaps(&spans, &r) {
                spans.push((r, name.clone()));
            }
        }
    }
    spans.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut slots = Vec::with_capacity(spans.len());
    let mut at = 0;
    for (r, replacement) in spans {
        out.push_str(&text[at..r.start]);
        out.push_str(&placeholder(slots.len()));
        slots.push(replacement);
        at = r.end;
    }
    out.push_str(&text[at..]);
    let out = if opts.quotes && lang::normalize(&req.to) != "fr" { straight_quotes(&out) } else { out };
    Prepared { text: out.replace('’', "'"), slots }
}

/// Puts names and glossary targets back and tidies the engine's output.
pub fn finish(output: &str, prepared: &Prepared, glossary: &Glossary, to: &str) -> String {
    let restored = PLACEHOLDER.replace_all(output, |c: &regex::Captures<'_>| {
        let Some(slot) = placeholder_index(&c[1]).and_then(|i| prepared.slots.get(i)) else {
            return c[0].to_owned();
        };
        let at = c.get(0).map_or(0, |m| m.start());
        if sentence_start(output, at) {
            upper_first(slot)
        } else {
            slot.clone()
        }
    });
    let mut text = lower_after_names(&restored, prepared);
    if lang::normalize(to) == "en" {
        text = SPACE_BEFORE_PUNCT.replace_all(&text, "$1").into_owned();
    }
    glossary.fix_output(to, &text)
}

/// Apertium capitalises the word after an unknown word that opens a sentence
/// ("Zxqbx Has found"); English function words and verbs after a name are
/// never capitalised, so lower them.
fn lower_after_names(text: &str, prepared: &Prepared) -> String {
    if prepared.slots.is_empty() {
        return text.to_owned();
    }
    static AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(Has|Have|Had|Is|Are|Was|Were|Will|Would|Can|Could|Should|Must|May|Might|Does|Did|Do|Said|Says|Say|Of|The|And|In|To|For|With|On|At|By|From|Who|Which|That|Also|Not|Was|Been|Announced|Declared|Explained|Added|Affirmed|Considered|Estimated|Wants|Wanted)\b")
            .expect("valid regex")
    });
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in AFTER.find_iter(text) {
        let before = text[..m.start()].trim_end_matches(' ');
        let after_name = m.start() > before.len() && prepared.slots.iter().any(|s| before.ends_with(s.as_str()));
        if after_name {
            out.push_str(&text[at..m.start()]);
            out.push_str(&m.as_str().to_lowercase());
            at = m.end();
        }
    }
    out.push_str(&text[at..]);
    out
}

static SPACE_BEFORE_PUNCT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \u{a0}\u{202f}]+([?!:;%])").expect("valid regex"));

fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    before.is_empty() || before.ends_with(['.', '!', '?', '\n'])
}

/// `« mot »`, `“mot”`, `„mot“` → `"mot"`; `‹mot›` → `'mot'`.
fn straight_quotes(text: &str) -> String {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"«[ \u{a0}\u{202f}]*").expect("valid regex"));
    static CLOSE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[ \u{a0}\u{202f}]*»").expect("valid regex"));
    let t = OPEN.replace_all(text, "\"");
    let t = CLOSE.replace_all(&t, "\"");
    t.replace(['“', '”', '„'], "\"").replace(['‹', '›'], "'")
}

/// Byte range of a code-point range, if it lies inside the text.
fn byte_range(text: &str, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
    if start >= end {
        return None;
    }
    let mut idx = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len()));
    let s = idx.by_ref().nth(start)?;
    let e = if end - start == 0 { s } else { idx.nth(end - start - 1)? };
    Some(s..e)
}

fn is_word_bounded(text: &str, r: &std::ops::Range<usize>) -> bool {
    let before = text[..r.start].chars().next_back();
    let after = text[r.end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Protect;

    fn person(text: &str, name: &str) -> Protect {
        let at = text.find(name).unwrap();
        let start = text[..at].chars().count();
        Protect { start, end: start + name.chars().count(), kind: NameKind::Person, canonical: None }
    }

    #[test]
    fn placeholders_round_trip() {
        for i in [0, 1, 22, 23, 600, 12_345] {
            let p = placeholder(i);
            let c = PLACEHOLDER.captures(&p).unwrap();
            assert_eq!(placeholder_index(&c[1]), Some(i), "{p}");
        }
    }

    #[test]
    fn names_and_terms_are_masked_and_restored() {
        let text = "Le Premier ministre De Croo a dit « non ». De Croo part.";
        let req = Request::new(text, "fr", "en").protect([person(text, "De Croo")]);
        let g = Glossary::parse("[fr-en]\nPremier ministre\tPrime Minister\n").unwrap();
        let p = prepare(&req, &g, &Options::default());
        assert_eq!(p.text, "Le Zxqax Zxqbx a dit \"non\". Zxqcx part.");
        let out = finish("The Zxqax Zxqbx Has said \"no\". zxqcx leaves.", &p, &g, "en");
        assert_eq!(out, "The Prime Minister De Croo has said \"no\". De Croo leaves.");
    }

    #[test]
    fn kinds_not_asked_for_are_left_to_the_engine() {
        let text = "La France gagne.";
        let mut span = person(text, "France");
        span.kind = NameKind::Location;
        let p = prepare(&Request::new(text, "fr", "en").protect([span]), &Glossary::default(), &Options::default());
        assert_eq!(p.text, text);
    }

    #[test]
    fn spans_are_code_points() {
        let text = "Élisabeth Borne et Édouard Philippe";
        let req = Request::new(text, "fr", "en").protect([person(text, "Édouard Philippe")]);
        let p = prepare(&req, &Glossary::default(), &Options::default());
        assert_eq!(p.text, "Élisabeth Borne et Zxqax");
    }

    #[test]
    fn french_spacing_before_punctuation_goes_in_english() {
        let p = prepare(&Request::new("Quoi ?", "fr", "en"), &Glossary::default(), &Options::default());
        assert_eq!(finish("What ?", &p, &Glossary::default(), "en"), "What?");
    }
}
