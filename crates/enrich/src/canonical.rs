//! One canonical name per entity within a document.
//!
//! People: honorifics are dropped ("Mr. Blinken" → "Blinken"); full names that share a
//! surname and whose first names are close ("Antony"/"Anthony", "J."/"Joe") are one person,
//! named by their fullest form (then the most frequent, then the first written); a lone
//! surname or given name joins the person it belongs to, and so do a first surname
//! ("Rosselló" of "Ricardo Rosselló Nevares") and a form without accents ("Erdogan" of
//! "Recep Tayyip Erdoğan"). Organisations and places: a leading article and a possessive are
//! dropped, and an acronym next to its long form in parentheses takes the acronym as
//! canonical.

use std::collections::HashMap;

use crate::token::Token;
use crate::Span;
use polmon_model::{Analysis, EntityType};

const HONORIFICS: &[&str] = &[
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "m.", "mme", "mme.", "mlle", "sir",
    "dame", "herr", "frau", "sr.", "sra.", "sig.", "prof.", "pan", "pani",
];
const ARTICLES: &[&str] = &["the", "le", "la", "les", "l'", "l’", "der", "die", "das", "el", "il"];

/// Words of a span with honorifics/articles and trailing possessives removed.
fn words<'a>(tokens: &'a [Token<'a>], s: &Span) -> Vec<&'a str> {
    let mut w: Vec<&str> = tokens[s.first..s.last].iter().map(|t| t.text).collect();
    let strip: &[&str] = if s.kind == EntityType::Person { HONORIFICS } else { ARTICLES };
    while w.len() > 1 && strip.contains(&w[0].to_lowercase().as_str()) {
        w.remove(0);
    }
    while w.len() > 1 && matches!(w[w.len() - 1], "'s" | "’s" | "'" | "’") {
        w.pop();
    }
    w
}

fn join(tokens: &[Token<'_>], s: &Span, w: &[&str]) -> String {
    // rebuild with the original spacing between kept tokens
    let toks = &tokens[s.first..s.last];
    let mut out = String::new();
    let mut prev_end: Option<usize> = None;
    for t in toks.iter().filter(|t| w.iter().any(|x| std::ptr::eq(*x, t.text))) {
        if let Some(e) = prev_end {
            if e < t.byte_start {
                out.push(' ');
            }
        }
        out.push_str(t.text);
        prev_end = Some(t.byte_end);
    }
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Words of a name written out in full (not initials such as "B." or "J.-M.").
fn full_words(form: &str) -> usize {
    form.split_whitespace().filter(|w| !is_initials(w)).count()
}

/// "B.", "J.-M.", "JM": initials rather than a name.
fn is_initials(w: &str) -> bool {
    w.split('-').all(|p| {
        let letters = p.trim_end_matches('.').chars().count();
        letters == 1 || (letters <= 2 && p.ends_with('.'))
    })
}

/// A word lower-cased without its accents ("Erdoğan" → "erdogan").
fn folded(w: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    w.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// First letters of the hyphen-separated parts ("jean-marc" → "jm", "j.-m." → "jm").
fn part_initials(w: &str) -> String {
    w.split('-').filter_map(|p| p.chars().next()).collect()
}

fn same_given_name(a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    let (ia, ib) = (la.trim_end_matches('.'), lb.trim_end_matches('.'));
    if la == lb {
        return true;
    }
    // initials of a compound given name ("J.-M." / "Jean-Marc")
    if (is_initials(a) || is_initials(b)) && la.contains('-') && lb.contains('-') {
        return part_initials(&la) == part_initials(&lb);
    }
    // an initial matches a name starting with it
    if (la.ends_with('.') && ia.chars().count() == 1 && lb.starts_with(ia))
        || (lb.ends_with('.') && ib.chars().count() == 1 && la.starts_with(ib))
    {
        return true;
    }
    let longest = la.chars().count().max(lb.chars().count());
    longest >= 4 && edit_distance(&la, &lb) <= if longest >= 6 { 2 } else { 1 }
}

/// One person: key words, form -> (count, first mention), first mention.
type Cluster<'a> = (Vec<&'a str>, HashMap<String, (usize, usize)>, usize);

/// The canonical name of every span, in order.
pub fn canonicals(tokens: &[Token<'_>], spans: &[Span]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(spans.len());
    let forms: Vec<Vec<&str>> = spans.iter().map(|s| words(tokens, s)).collect();
    // people: cluster full names
    let mut clusters: Vec<Cluster<'_>> = Vec::new();
    let mut cluster_of: Vec<Option<usize>> = vec![None; spans.len()];
    for (k, s) in spans.iter().enumerate() {
        if s.kind != EntityType::Person || forms[k].len() < 2 {
            continue;
        }
        let w = &forms[k];
        let form = join(tokens, s, w);
        let found = clusters.iter().position(|(key, _, _)| {
            key.last().map(|x| x.to_lowercase()) == w.last().map(|x| x.to_lowercase())
                && same_given_name(key[0], w[0])
        });
        let c = match found {
            Some(c) => c,
            None => {
                clusters.push((w.clone(), HashMap::new(), k));
                clusters.len() - 1
            }
        };
        clusters[c].1.entry(form).or_insert((0, k)).0 += 1;
        cluster_of[k] = Some(c);
    }
    let best: Vec<String> = clusters
        .iter()
        .map(|(_, counts, _)| {
            // the fullest form (most words written out, not initials: "Barack Hussein Obama"
            // over "Barack Obama" over "B. Obama"), then the most frequent, then the first
            let mut v: Vec<(&String, &(usize, usize))> = counts.iter().collect();
            v.sort_by(|a, b| {
                full_words(b.0)
                    .cmp(&full_words(a.0))
                    .then(b.1 .0.cmp(&a.1 .0))
                    .then(a.1 .1.cmp(&b.1 .1))
            });
            v[0].0.clone()
        })
        .collect();
    // acronyms in parentheses: "Long Name (ACRO)" or "ACRO (Long Name)"
    let mut acronym_of: HashMap<String, String> = HashMap::new();
    for k in 0..spans.len().saturating_sub(1) {
        let (a, b) = (&spans[k], &spans[k + 1]);
        if a.kind == EntityType::Person || b.kind == EntityType::Person {
            continue;
        }
        let between: Vec<&str> = tokens[a.last..b.first].iter().map(|t| t.text).collect();
        if between != ["("] || tokens.get(b.last).map(|t| t.text) != Some(")") {
            continue;
        }
        let (fa, fb) = (join(tokens, a, &forms[k]), join(tokens, b, &forms[k + 1]));
        for (short, long) in [(&fa, &fb), (&fb, &fa)] {
            let initials: String = long
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .filter_map(|w| w.chars().next())
                .collect();
            if short.chars().count() >= 2 && short.chars().all(|c| c.is_uppercase() || c == '.') && initials == short.replace('.', "") {
                acronym_of.insert(long.clone(), short.clone());
            }
        }
    }
    for (k, s) in spans.iter().enumerate() {
        let w = &forms[k];
        let form = join(tokens, s, w);
        let name = if let Some(c) = cluster_of[k] {
            best[c].clone()
        } else if s.kind == EntityType::Person && w.len() == 1 {
            // a lone surname (or given name) joins the most frequent matching person; a
            // middle word of a longer name is a first surname ("Rosselló" of "Ricardo
            // Rosselló Nevares"); accents aside ("Erdogan", "Erdoğan")
            let lw = folded(w[0]);
            // (a surname or given name first: "Hussein" is Saddam Hussein's before it is
            // Barack Hussein Obama's)
            let mut cands: Vec<(usize, (bool, usize))> = clusters
                .iter()
                .enumerate()
                .filter_map(|(c, (key, counts, first))| {
                    let ends = key.last().is_some_and(|x| folded(x) == lw) || (key.len() >= 2 && folded(key[0]) == lw);
                    let middle = key.len() >= 3
                        && key[1..key.len() - 1].iter().any(|x| x.chars().next().is_some_and(char::is_uppercase) && !is_initials(x) && folded(x) == lw);
                    (ends || middle).then(|| (c, (ends, counts.values().map(|x| x.0).sum::<usize>() * 1000 + 999 - (*first).min(999))))
                })
                .collect();
            cands.sort_by_key(|x| std::cmp::Reverse(x.1));
            cands.first().map_or(form, |(c, _)| best[*c].clone())
        } else {
            acronym_of
                .get(&form)
                .or_else(|| crate::kinds::organizations().get(&form.to_lowercase()))
                .cloned()
                .unwrap_or(form)
        };
        out.push(name);
    }
    out
}

/// The key a person's full name is known by across documents: its last word, lower-cased
/// ("Barack Obama" → "obama"); `None` for a one-word name or a last word in lower case.
pub fn surname_key(full_name: &str) -> Option<String> {
    let mut words = full_name.split_whitespace();
    let last = words.next_back()?;
    words.next()?;
    last.chars().next().filter(|c| c.is_uppercase())?;
    Some(last.to_lowercase())
}

/// Joins each person a document names by one word only ("Obama": no fuller form in the
/// document) to the person other documents name in full: `known` answers a lower-cased
/// surname with the full name when exactly one person is known by it (the caller's
/// knowledge: earlier articles in the store). Renames the mentions and the quotes'
/// speakers; returns how many names were joined.
pub fn join_known_surnames(analysis: &mut Analysis, known: impl Fn(&str) -> Option<String>) -> usize {
    let mut joined: HashMap<String, Option<String>> = HashMap::new();
    for m in &analysis.entities {
        if m.entity_type == EntityType::Person && !m.canonical.contains(char::is_whitespace) && !joined.contains_key(&m.canonical) {
            let full = known(&m.canonical.to_lowercase()).filter(|f| f != &m.canonical);
            joined.insert(m.canonical.clone(), full);
        }
    }
    let mut n = 0;
    for m in analysis.entities.iter_mut().filter(|m| m.entity_type == EntityType::Person) {
        if let Some(Some(full)) = joined.get(&m.canonical) {
            m.canonical = full.clone();
            n += 1;
        }
    }
    for q in &mut analysis.quotes {
        if let Some(Some(full)) = q.speaker_canonical.as_ref().and_then(|c| joined.get(c)) {
            q.speaker_canonical = Some(full.clone());
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn spans_for(toks: &[Token<'_>], names: &[(&str, EntityType)]) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut from = 0;
        for (name, kind) in names {
            let words: Vec<&str> = tokenize(name).iter().map(|t| t.text).collect();
            let i = (from..toks.len())
                .find(|&i| toks[i..].iter().take(words.len()).map(|t| t.text).eq(words.iter().copied()))
                .unwrap();
            spans.push(Span { first: i, last: i + words.len(), kind: *kind, role: None });
            from = i + words.len();
        }
        spans
    }

    #[test]
    fn merges_variants_of_one_person() {
        use EntityType::Person;
        let text = "Antony Blinken came. Blinken told reporters. Antony Blinken ate. With Stéphane Séjourné, Anthony Blinken will talk. Mr. Blinken left. Séjourné stayed.";
        let toks = tokenize(text);
        let spans = spans_for(&toks, &[
            ("Antony Blinken", Person), ("Blinken", Person), ("Antony Blinken", Person),
            ("Stéphane Séjourné", Person), ("Anthony Blinken", Person), ("Mr. Blinken", Person), ("Séjourné", Person),
        ]);
        let c = canonicals(&toks, &spans);
        assert_eq!(c, ["Antony Blinken", "Antony Blinken", "Antony Blinken", "Stéphane Séjourné", "Antony Blinken", "Antony Blinken", "Stéphane Séjourné"]);
    }

    #[test]
    fn the_fullest_form_names_the_person() {
        use EntityType::Person;
        let text = "B. Obama spoke. Barack Obama left. B. Obama came back. Obama said. Barack Hussein Obama was there. J.-M. Ayrault met Jean-Marc Ayrault.";
        let toks = tokenize(text);
        let spans = spans_for(&toks, &[
            ("B. Obama", Person), ("Barack Obama", Person), ("B. Obama", Person), ("Obama", Person),
            ("Barack Hussein Obama", Person), ("J.-M. Ayrault", Person), ("Jean-Marc Ayrault", Person),
        ]);
        let c = canonicals(&toks, &spans);
        assert_eq!(&c[..5], ["Barack Hussein Obama"; 5]);
        assert_eq!(&c[5..], ["Jean-Marc Ayrault"; 2]);
    }

    #[test]
    fn a_first_surname_or_a_name_without_accents_joins_the_full_name() {
        use EntityType::Person;
        let text = "Ricardo Rosselló Nevares resigned. Rosselló left. Recep Tayyip Erdoğan spoke. Erdogan said. Saddam Hussein and Barack Hussein Obama. Hussein died.";
        let toks = tokenize(text);
        let spans = spans_for(&toks, &[
            ("Ricardo Rosselló Nevares", Person), ("Rosselló", Person), ("Recep Tayyip Erdoğan", Person), ("Erdogan", Person),
            ("Saddam Hussein", Person), ("Barack Hussein Obama", Person), ("Hussein", Person),
        ]);
        let c = canonicals(&toks, &spans);
        assert_eq!(&c[..2], ["Ricardo Rosselló Nevares"; 2]);
        assert_eq!(&c[2..4], ["Recep Tayyip Erdoğan"; 2]);
        assert_eq!(c[6], "Saddam Hussein");
    }

    #[test]
    fn different_people_with_one_surname_stay_apart() {
        use EntityType::Person;
        let text = "Joe Biden met Hunter Biden.";
        let toks = tokenize(text);
        let c = canonicals(&toks, &spans_for(&toks, &[("Joe Biden", Person), ("Hunter Biden", Person)]));
        assert_eq!(c, ["Joe Biden", "Hunter Biden"]);
    }

    #[test]
    fn acronyms_and_articles() {
        use EntityType::Organization;
        let text = "He went to UNESCO (United Nations Educational, Scientific and Cultural Organization) and the NATO summit.";
        let toks = tokenize(text);
        let spans = spans_for(&toks, &[
            ("UNESCO", Organization),
            ("United Nations Educational, Scientific and Cultural Organization", Organization),
            ("the NATO", Organization),
        ]);
        let c = canonicals(&toks, &spans);
        assert_eq!(c, ["UNESCO", "UNESCO", "NATO"]);
    }

    #[test]
    fn a_lone_surname_joins_the_one_person_known_by_it() {
        use polmon_model::{EntityMention, Quote};
        let mention = |name: &str, t: EntityType| EntityMention {
            text: name.into(),
            start: 0,
            end: 0,
            entity_type: t,
            canonical: name.into(),
            role: None,
        };
        let mut a = Analysis {
            entities: vec![mention("Obama", EntityType::Person), mention("Clinton", EntityType::Person), mention("Paris", EntityType::Location)],
            quotes: vec![Quote {
                text: "Yes we can".into(),
                start: 0,
                end: 0,
                speaker: Some("Obama".into()),
                speaker_canonical: Some("Obama".into()),
                cue: None,
                direct: true,
                speaker_start: None,
                speaker_end: None,
            }],
            ..Default::default()
        };
        let known = |s: &str| match s {
            "obama" => Some("Barack Obama".to_string()),
            "paris" => Some("Paris Hilton".to_string()),
            _ => None, // "clinton": two people known, so none
        };
        assert_eq!(join_known_surnames(&mut a, known), 1);
        let names: Vec<&str> = a.entities.iter().map(|m| m.canonical.as_str()).collect();
        assert_eq!(names, ["Barack Obama", "Clinton", "Paris"], "only people, only known ones");
        assert_eq!(a.quotes[0].speaker_canonical.as_deref(), Some("Barack Obama"));
        assert_eq!(surname_key("Barack Hussein Obama").as_deref(), Some("obama"));
        assert_eq!(surname_key("Obama"), None);
        assert_eq!(surname_key("Charles de gaulle"), None);
    }
}
