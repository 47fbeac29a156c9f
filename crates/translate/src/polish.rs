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
    /// What each placeholder stands for, by index.
    slots: Vec<Slot>,
    /// Source and target languages (639-1).
    from: String,
    to: String,
}

impl Prepared {
    /// How many names and glossary terms were taken out of the text.
    pub fn placeholders(&self) -> usize {
        self.slots.len()
    }
}

/// What a placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    /// The name as written, or the glossary's target.
    text: String,
    /// Whether the source word after it starts in lowercase: Apertium
    /// capitalises the word after a sentence-initial unknown word ("Zxqbx
    /// Insists"), and this says to undo it.
    next_lower: bool,
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
    prepare_with(req, glossary, opts, &|_| true)
}

/// The names [`prepare`] would protect, before any check by the engine.
pub fn candidate_names(req: &Request, opts: &Options) -> Vec<String> {
    let mut names: Vec<String> = req
        .protect
        .iter()
        .filter(|p| opts.kinds.contains(&p.kind))
        .filter_map(|p| byte_range(&req.text, p.start, p.end))
        .map(|r| req.text[r].to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether the engine's translation of a name alone shows it is a name: its
/// first word, particles aside, comes out unchanged ("De Croo" → "Of Croo").
/// A phrase the engine translates from its first word ("Museo de Israel" →
/// "Museum of Israel", "Viernes Negro" → "Black Friday") is no person,
/// whatever the recogniser said.
pub fn engine_says_name(name: &str, translated: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "le", "la", "les", "el", "los", "van", "von",
        "der", "den", "y", "e", "al", "bin", "ben", "of", "the", "and", "from", "to",
    ];
    let content = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || c == '.')
            .filter(|w| !w.is_empty() && !PARTICLES.contains(&w.to_lowercase().as_str()))
            .map(str::to_owned)
            .collect()
    };
    // A person's name starts with a given name the engine leaves alone; the
    // surname may be a word it knows ("Gilles Surprenant" → "Gilles Surprising").
    content(name).first() == content(translated).first()
}

/// [`prepare`], protecting only the candidate names `keep` accepts.
pub fn prepare_with(req: &Request, glossary: &Glossary, opts: &Options, keep: &dyn Fn(&str) -> bool) -> Prepared {
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
        let Some(mut r) = byte_range(text, p.start, p.end) else { continue };
        // "Según Elsie Monereau": a sentence opener glued to the name.
        if sentence_start(text, r.start) && text[r.clone()].split_whitespace().count() > 2 {
            if let Some(space) = text[r.clone()].find(' ') {
                r.start += space + 1;
            }
        }
        let multiword_canonical = p.canonical.as_deref().is_some_and(|c| c.split_whitespace().count() > 1);
        if !looks_like_a_name(text, &r, multiword_canonical) || !keep(&text[r.clone()]) {
            continue;
        }
        if !overlaps(&spans, &r) {
            spans.push((r.clone(), text[r.clone()].to_owned()));
        }
        names.push(text[r].to_owned());
        if multiword_canonical {
            names.extend(p.canonical.clone());
        }
    }
    // Other occurrences of the same names (mentions the recogniser missed).
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    for name in names.iter().filter(|n| n.chars().count() >= 3) {
        for (at, _) in text.match_indices(name.as_str()) {
            let r = at..at + name.len();
            if looks_like_a_name(text, &r, true) && !overlaps(&spans, &r) {
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
        let next_lower = text[r.end..].trim_start().starts_with(|c: char| c.is_lowercase());
        slots.push(Slot { text: replacement, next_lower });
        at = r.end;
    }
    out.push_str(&text[at..]);
    let out = if opts.quotes && lang::normalize(&req.to) != "fr" { straight_quotes(&out) } else { out };
    // Apertium analyses "l'Assemblée" but not "l’Assemblée", and takes a
    // no-break space for part of a word.
    let out = out.replace('’', "'").replace(['\u{a0}', '\u{202f}'], " ");
    Prepared { text: out, slots, from: lang::normalize(&req.from), to: lang::normalize(&req.to) }
}

/// Puts names and glossary targets back and tidies the engine's output.
pub fn finish(output: &str, prepared: &Prepared, glossary: &Glossary) -> String {
    let mut text = String::with_capacity(output.len() + output.len() / 4);
    let mut at = 0;
    let mut lower_next = false;
    for c in PLACEHOLDER.captures_iter(output) {
        let m = c.get(0).expect("whole match");
        text.push_str(&between(&output[at..m.start()], lower_next));
        let Some(slot) = placeholder_index(&c[1]).and_then(|i| prepared.slots.get(i)) else {
            text.push_str(m.as_str());
            at = m.end();
            lower_next = false;
            continue;
        };
        text.push_str(&if sentence_start(output, m.start()) { upper_first(&slot.text) } else { slot.text.clone() });
        lower_next = slot.next_lower;
        at = m.end();
    }
    text.push_str(&between(&output[at..], lower_next));
    if prepared.to == "en" {
        text = SPACE_BEFORE_PUNCT.replace_all(&text, "$1").into_owned();
        text = PUNCT_INSIDE_QUOTES.replace_all(&text, "$1$2\"").into_owned();
        text = DOUBLE_SPACE.replace_all(&text, "$1 ").into_owned();
        if DECIMAL_COMMA.contains(&prepared.from.as_str()) {
            text = english_numbers(&text, &prepared.from);
        }
        if NARRATIVE_PERFECT.contains(&prepared.from.as_str()) {
            text = simple_past(&text);
        }
    }
    glossary.fix_output(&prepared.to, &text)
}

/// Source languages writing `3,5` for 3.5 and grouping thousands with `.` or a space.
const DECIMAL_COMMA: &[&str] = &["fr", "es", "it", "pt", "ca", "gl", "ro"];

/// Source languages whose compound past is their narrative past (French
/// passé composé, Italian passato prossimo): "a dit" is "said", not "has said".
const NARRATIVE_PERFECT: &[&str] = &["fr", "it"];

/// `3,5` → `3.5`, `1 500` / `1.500` → `1,500`, as the source's conventions say.
fn english_numbers(text: &str, from: &str) -> String {
    static GROUPED_SPACE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(\d{1,3}(?:[ \u{a0}\u{202f}]\d{3})+)(,\d+)?\b").expect("valid regex")
    });
    static GROUPED_DOT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(\d{1,3}(?:\.\d{3})+)(,\d+)?\b").expect("valid regex"));
    static DECIMAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d+),(\d+)\b").expect("valid regex"));
    let grouped: &Regex = if from == "fr" { &GROUPED_SPACE } else { &GROUPED_DOT };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in grouped.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        out.push_str(&DECIMAL.replace_all(&text[at..m.start()], "$1.$2"));
        let int: String = c[1].chars().map(|ch| if ch.is_ascii_digit() { ch } else { ',' }).collect();
        out.push_str(&int);
        if let Some(frac) = c.get(2) {
            out.push('.');
            out.push_str(&frac.as_str()[1..]);
        }
        at = m.end();
    }
    out.push_str(&DECIMAL.replace_all(&text[at..], "$1.$2"));
    out
}

/// "has said" → "said", "have been elected" → "were elected".
fn simple_past(text: &str) -> String {
    static PERFECT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b([Hh]as|[Hh]ave) (been|[a-z]+ed|[a-z]+)\b").expect("valid regex"));
    PERFECT
        .replace_all(text, |c: &regex::Captures<'_>| {
            let (aux, verb) = (&c[1], &c[2]);
            let upper = aux.starts_with('H');
            let past = if verb == "been" {
                Some(if aux.eq_ignore_ascii_case("has") { "was" } else { "were" }.to_owned())
            } else if verb.ends_with("ed") && verb.len() > 3 && verb != "need" && verb != "feed" {
                Some(verb.to_owned())
            } else {
                IRREGULAR.iter().find(|(pp, _)| *pp == verb).map(|(_, past)| (*past).to_owned())
            };
            match past {
                Some(p) if upper => upper_first(&p),
                Some(p) => p,
                None => c[0].to_owned(),
            }
        })
        .into_owned()
}

/// Irregular past participles and their simple past.
const IRREGULAR: &[(&str, &str)] = &[
    ("said", "said"), ("made", "made"), ("had", "had"), ("told", "told"), ("paid", "paid"), ("held", "held"),
    ("left", "left"), ("lost", "lost"), ("met", "met"), ("sent", "sent"), ("spent", "spent"), ("built", "built"),
    ("brought", "brought"), ("bought", "bought"), ("thought", "thought"), ("kept", "kept"), ("led", "led"),
    ("won", "won"), ("found", "found"), ("felt", "felt"), ("heard", "heard"), ("sold", "sold"), ("stood", "stood"),
    ("understood", "understood"), ("taught", "taught"), ("caught", "caught"), ("fought", "fought"), ("sought", "sought"),
    ("put", "put"), ("set", "set"), ("cut", "cut"), ("hit", "hit"), ("let", "let"), ("shut", "shut"), ("read", "read"),
    ("meant", "meant"), ("dealt", "dealt"), ("struck", "struck"), ("hung", "hung"), ("got", "got"),
    ("taken", "took"), ("given", "gave"), ("written", "wrote"), ("chosen", "chose"), ("spoken", "spoke"),
    ("begun", "began"), ("done", "did"), ("gone", "went"), ("seen", "saw"), ("known", "knew"), ("grown", "grew"),
    ("shown", "showed"), ("risen", "rose"), ("fallen", "fell"), ("driven", "drove"), ("eaten", "ate"),
    ("broken", "broke"), ("forgotten", "forgot"), ("become", "became"), ("come", "came"), ("run", "ran"),
    ("drawn", "drew"), ("thrown", "threw"), ("flown", "flew"), ("withdrawn", "withdrew"), ("undertaken", "undertook"),
    ("overtaken", "overtook"), ("sworn", "swore"), ("worn", "wore"), ("torn", "tore"), ("hidden", "hid"),
    ("ridden", "rode"), ("beaten", "beat"), ("sung", "sang"), ("swum", "swam"), ("drunk", "drank"), ("sunk", "sank"),
];

/// The output between two placeholders; with `lower`, its first word loses
/// the capital Apertium gave it.
fn between(s: &str, lower: bool) -> std::borrow::Cow<'_, str> {
    let word = s.trim_start_matches(' ');
    if !lower || word.len() == s.len() || !word.starts_with(|c: char| c.is_uppercase()) || PLACEHOLDER.find(word).is_some_and(|m| m.start() == 0) {
        return s.into();
    }
    let lead = s.len() - word.len();
    format!("{}{}", &s[..lead], lower_first(word)).into()
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

/// Whether a recognised name is worth protecting: several words, or one
/// word that is not the first of its sentence (recognisers take capitalised
/// sentence openers for names: "Por", "Además") and belongs to an entity
/// known by a longer name.
fn looks_like_a_name(text: &str, r: &std::ops::Range<usize>, known_longer: bool) -> bool {
    let name = &text[r.clone()];
    if name.contains('\n') || !is_word_bounded(text, r) || !name.starts_with(|c: char| c.is_uppercase()) {
        return false;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    // Lowercase words inside a name are particles ("De la Rúa", "van der Bellen").
    let capitalised = |w: &&str| w.starts_with(|c: char| c.is_uppercase()) || w.chars().count() <= 3;
    if words.len() > 1 {
        return words.iter().all(capitalised) && words.last().is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()));
    }
    let titled = after_title(text[..r.start].trim_end());
    titled || (known_longer && !sentence_start(text, r.start))
}

/// English puts the comma and the full stop inside the closing quote:
/// `"…", he said` → `"…," he said` (a closing quote follows a word or
/// punctuation, an opening one follows a blank).
static PUNCT_INSIDE_QUOTES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?m)([^\s"])" ?([,.])"#).expect("valid regex"));

static DOUBLE_SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"([^ \n])  +").expect("valid regex"));

static SPACE_BEFORE_PUNCT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \u{a0}\u{202f}]+([?!:;%])").expect("valid regex"));

fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end().trim_end_matches(['"', '«', '“', '(', '\'', '-', '—']).trim_end();
    if before.is_empty() || before.ends_with(['!', '?', ':', '\n']) {
        return true;
    }
    // "M. Beaulieu", "Dr. Ur": a title's full stop ends no sentence.
    before.ends_with('.') && !after_title(before)
}

/// Whether `before` ends with a title or its abbreviation ("M.", "Mme",
/// "Sra.", "Dr"): the capitalised word after it is a name.
fn after_title(before: &str) -> bool {
    const TITLES: &[&str] = &[
        "M", "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me", "Mgr", "Sr", "Sra", "Srta", "Dña", "D", "Sig", "Sig.ra", "Dott",
        "On", "Mr", "Mrs", "Ms", "St",
    ];
    let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
    TITLES.contains(&last.trim_end_matches('.'))
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
        let out = finish("The Zxqax Zxqbx Has said \"no\". zxqcx leaves.", &p, &g);
        assert_eq!(out, "The Prime Minister De Croo said \"no.\" De Croo leaves.");
    }

    #[test]
    fn sentence_openers_taken_for_names_are_not_protected() {
        let text = "Por ejemplo, Beaulieu habla. Además, André Beaulieu insiste.";
        let mut opener = person(text, "Por");
        opener.canonical = Some("Por".into());
        let mut surname = person(text, "Beaulieu");
        surname.canonical = Some("André Beaulieu".into());
        let p = prepare(&Request::new(text, "es", "en").protect([opener, surname]), &Glossary::default(), &Options::default());
        assert_eq!(p.text, "Por ejemplo, Zxqax habla. Además, Zxqbx insiste.");
        let out = finish("For example, Zxqax Speaks. Besides, Zxqbx Insists.", &p, &Glossary::default());
        assert_eq!(out, "For example, Beaulieu speaks. Besides, André Beaulieu insists.");
        let text = "Puis M. Tremblay a démissionné.";
        let p = prepare(&Request::new(text, "fr", "en").protect([person(text, "Tremblay")]), &Glossary::default(), &Options::default());
        assert_eq!(p.text, "Puis M. Zxqax a démissionné.");
    }

    #[test]
    fn the_engine_tells_names_from_phrases() {
        assert!(engine_says_name("De Croo", "Of Croo"));
        assert!(engine_says_name("Hélène Richard", "Hélène Richard"));
        assert!(!engine_says_name("Museo de Israel", "Museum of Israel"));
        assert!(!engine_says_name("Viernes Negro", "Black Friday"));
        assert!(engine_says_name("Gilles Surprenant", "Gilles Surprising"));
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
        assert_eq!(finish("What ?", &p, &Glossary::default()), "What?");
        assert_eq!(finish("\"We go\", he said. \"Yes\" .  \"No\"", &p, &Glossary::default()), "\"We go,\" he said. \"Yes.\" \"No\"");
    }

    #[test]
    fn numbers_follow_english_conventions() {
        assert_eq!(english_numbers("3,5 million and 1 500 staff, 2 300 000,25 euros in 2012", "fr"), "3.5 million and 1,500 staff, 2,300,000.25 euros in 2012");
        assert_eq!(english_numbers("1.500 employees, 2,3 %, 10.000,5", "es"), "1,500 employees, 2.3 %, 10,000.5");
    }

    #[test]
    fn the_french_compound_past_becomes_a_simple_past() {
        assert_eq!(simple_past("It has won and has been chosen; they have taken it. Has said."), "It won and was chosen; they took it. Said.");
        assert_eq!(simple_past("He has to go and has many."), "He has to go and has many.");
    }
}
