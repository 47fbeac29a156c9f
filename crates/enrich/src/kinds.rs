//! Entity types corrected by context and by lists of kinds, per document.
//!
//! The tagger knows names by their shape and neighbours; it cannot know that "Sandy" is a
//! hurricane or "Moody" a rating agency. Here, after [`crate::propagate`]:
//!
//! * a name right after a storm word ("l'ouragan Sandy", "Hurricane Sandy", also in the
//!   headline) is a storm: every mention of that name in the document becomes `other`;
//! * a name in the organisation list (`data/lexicon/organizations.txt`: rating and news
//!   agencies) is an organisation, and a person right after "agency", "agence", "company"…
//!   is one too;
//! * a star designation (a Greek letter and a constellation: "Alpha Centauri", "Proxima
//!   Centauri") or a name right after "star"/"étoile" is `other`.
//!
//! Lists of kinds, never names of particular people: see the lexicon files for sources.

use std::collections::{HashMap, HashSet};

use polmon_model::EntityType;

use crate::token::Token;
use crate::Span;

/// Words that name a storm before its name (en, fr, de, es, it, nl, pt).
const STORM_WORDS: &[&str] = &[
    "hurricane", "typhoon", "cyclone", "storm", "superstorm", "ouragan", "typhon", "tempête",
    "orkan", "sturm", "hurrikan", "taifun", "zyklon", "huracán", "huracan", "tormenta", "tifón",
    "ciclón", "uragano", "tempesta", "tifone", "ciclone", "orkaan", "tyfoon", "furacão", "tufão",
    "tropical",
];

/// Words after which a name is an organisation, not a person ("l'agence Moody's").
const ORG_WORDS: &[&str] = &[
    "agency", "agence", "agentur", "agencia", "agenzia", "agentschap", "company", "firm",
    "société", "entreprise", "groupe", "group", "conglomerate", "konzern", "empresa", "azienda",
    "bedrijf",
];

/// Words after which a name is a celestial body ("l'étoile Bételgeuse").
const STAR_WORDS: &[&str] = &["star", "étoile", "stern", "estrella", "stella", "ster", "estrela", "exoplanet", "exoplanète"];

/// Greek letters as written in star designations (Bayer names), with "Proxima".
const GREEK: &[&str] = &[
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega", "proxima",
];

/// The organisation list: lowercased variant → canonical name.
pub fn organizations() -> &'static HashMap<String, String> {
    static MAP: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for line in crate::ORGANIZATIONS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split('\t');
            let (Some(canonical), Some(variants)) = (parts.next(), parts.next()) else { continue };
            m.insert(canonical.to_lowercase(), canonical.to_string());
            for v in variants.split('|') {
                m.insert(v.trim().to_lowercase(), canonical.to_string());
            }
        }
        m
    })
}

fn lower_text(tokens: &[Token<'_>], a: usize, b: usize) -> String {
    let mut s = String::new();
    for (k, t) in tokens[a..b].iter().enumerate() {
        if k > 0 && tokens[a + k - 1].byte_end < t.byte_start {
            s.push(' ');
        }
        s.push_str(&t.text.to_lowercase());
    }
    s
}

/// The word before token `i`, skipping an elided article ("l'ouragan Sandy" → "ouragan").
fn word_before(tokens: &[Token<'_>], i: usize) -> Option<String> {
    let j = i.checked_sub(1)?;
    if tokens[i].line_start {
        return None;
    }
    Some(tokens[j].text.to_lowercase())
}

/// Adds to `out` every capitalised word right after a storm word in `tokens` (the headline).
fn storm_names_in(tokens: &[Token<'_>], out: &mut HashSet<String>) {
    for i in 1..tokens.len() {
        let w = tokens[i - 1].text.to_lowercase();
        if STORM_WORDS.contains(&w.as_str()) && tokens[i].text.chars().next().is_some_and(char::is_uppercase) {
            out.insert(tokens[i].text.to_lowercase());
        }
    }
}

/// Corrects the types of `spans` (see the module doc). `title` is the headline's tokens.
pub fn correct(tokens: &[Token<'_>], spans: &mut [Span], title: &[Token<'_>]) {
    let mut storms: HashSet<String> = HashSet::new();
    storm_names_in(title, &mut storms);
    for s in spans.iter_mut() {
        let first = tokens[s.first].text.to_lowercase();
        // "Hurricane Sandy" tagged as one span: the first word is the kind
        if s.last - s.first >= 2 && STORM_WORDS.contains(&first.as_str()) {
            storms.insert(lower_text(tokens, s.first + 1, s.last));
            s.kind = EntityType::Other;
            continue;
        }
        // "l'ouragan meurtrier Sandy": one lowercase word may stand between
        let storm_two_back = s.first >= 2
            && !tokens[s.first].line_start
            && tokens[s.first - 1].text.chars().next().is_some_and(char::is_lowercase)
            && STORM_WORDS.contains(&tokens[s.first - 2].text.to_lowercase().as_str());
        if storm_two_back {
            storms.insert(lower_text(tokens, s.first, s.last));
        }
        if let Some(w) = word_before(tokens, s.first) {
            if STORM_WORDS.contains(&w.as_str()) {
                storms.insert(lower_text(tokens, s.first, s.last));
            } else if STAR_WORDS.contains(&w.as_str()) {
                s.kind = EntityType::Other;
            } else if ORG_WORDS.contains(&w.as_str()) && s.kind == EntityType::Person {
                s.kind = EntityType::Organization;
            }
        }
        let text = lower_text(tokens, s.first, s.last);
        if organizations().contains_key(&text) {
            s.kind = EntityType::Organization;
        }
        let n = s.last - s.first;
        if (2..=3).contains(&n) && GREEK.contains(&first.as_str()) {
            let last = tokens[s.last - 1].text;
            let genitive = last.ends_with('i') || last.ends_with("is") || last.ends_with("ae") || last.ends_with("us");
            if last.chars().next().is_some_and(char::is_uppercase) && genitive {
                s.kind = EntityType::Other;
            }
        }
    }
    if storms.is_empty() {
        return;
    }
    for s in spans.iter_mut() {
        if storms.contains(&lower_text(tokens, s.first, s.last)) {
            s.kind = EntityType::Other;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn span(toks: &[Token<'_>], word: &str, kind: EntityType) -> Span {
        let i = toks.iter().position(|t| t.text == word).unwrap();
        Span { first: i, last: i + 1, kind, role: None }
    }

    #[test]
    fn storms_agencies_and_stars() {
        let text = "Sandy a influencé son choix, dit-il après l'ouragan Sandy. L'agence Moody's a dégradé l'Italie. Une planète autour d'Alpha Centauri.";
        let toks = tokenize(text);
        let alpha = toks.iter().position(|t| t.text == "Alpha").unwrap();
        let sandy2 = toks.iter().rposition(|t| t.text == "Sandy").unwrap();
        let mut spans = vec![
            span(&toks, "Sandy", EntityType::Person),
            Span { first: sandy2, last: sandy2 + 1, kind: EntityType::Person, role: None },
            span(&toks, "Moody", EntityType::Person),
            Span { first: alpha, last: alpha + 2, kind: EntityType::Person, role: None },
        ];
        correct(&toks, &mut spans, &[]);
        let kinds: Vec<EntityType> = spans.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [EntityType::Other, EntityType::Other, EntityType::Organization, EntityType::Other]);
    }

    #[test]
    fn a_storm_named_in_the_headline() {
        let title = tokenize("Ouragan Sandy : 39 morts");
        let toks = tokenize("Le passage de Sandy a fait 39 morts.");
        let mut spans = vec![span(&toks, "Sandy", EntityType::Person)];
        correct(&toks, &mut spans, &title);
        assert_eq!(spans[0].kind, EntityType::Other);
    }
}
