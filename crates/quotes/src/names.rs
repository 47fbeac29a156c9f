//! Named mentions the speaker resolution works with, from the NER or from a fallback.
//!
//! The NER of `polmon-enrich` gives [`EntityMention`]s. When it gives none, [`propose_entities`]
//! proposes person and organisation spans from capitalised word sequences so that quotes still
//! get named speakers: titles (`Mr.`, `Sen.`) and role words (`Minister of the Armed Forces
//! Sébastien Lecornu`) mark persons and are kept as roles, organisation words (`Party`,
//! `Ministry`, `News`) and acronyms mark organisations, a later surname alone (`Blinken`) is
//! linked to the full name met before. It is a fallback: it knows no list of names, so a
//! single unknown capitalised word is only a person when it speaks ("Trump said").

use polmon_model::{EntityMention, EntityType};

use crate::lexicon::{self, Gender};
use crate::text::Doc;

/// A mention prepared for speaker resolution.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: EntityType,
    pub(crate) canonical: String,
    pub(crate) gender: Option<Gender>,
    /// Lower-case content words of the roles the text ties to this mention.
    pub(crate) roles: Vec<String>,
    /// Whether the mention is a clause subject: it opens its sentence or a cue follows it.
    pub(crate) subject: bool,
}

/// Person and organisation spans proposed from capitalised word sequences (the no-NER fallback).
///
/// ```
/// let found = polmon_quotes::propose_entities("Secretary of State Antony Blinken met reporters. Blinken said no.");
/// assert_eq!(found[0].text, "Antony Blinken");
/// assert_eq!(found[0].role.as_deref(), Some("Secretary of State"));
/// assert_eq!(found[1].canonical, "Antony Blinken");
/// ```
pub fn propose_entities(text: &str) -> Vec<EntityMention> {
    let doc = Doc::new(text);
    propose(&doc)
}

pub(crate) fn propose(doc: &Doc) -> Vec<EntityMention> {
    let toks = &doc.tokens;
    // Words the text also writes in lower case are common words when they open a sentence.
    let mut common: Vec<&str> = toks.iter().filter(|t| t.is_word() && !t.cap).map(|t| t.lower.as_str()).collect();
    common.sort_unstable();
    common.dedup();
    let mut out: Vec<EntityMention> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !(toks[i].is_word() && toks[i].cap) {
            i += 1;
            continue;
        }
        // Extend over capitalised words and inner connectors ("of the", "de", "d'").
        let mut j = i + 1;
        loop {
            if j < toks.len() && toks[j].para == toks[i].para && toks[j].is_word() && toks[j].cap && !ends_possessive(&toks[j - 1].lower) {
                j += 1;
                continue;
            }
            let mut k = j;
            while k < toks.len() && k - j < 2 && toks[k].is_word() && is_connector(&toks[k].lower) && !ends_possessive(&toks[k - 1].lower) {
                k += 1;
            }
            if k > j && k < toks.len() && toks[k].is_word() && toks[k].cap && toks[k].para == toks[i].para {
                j = k + 1;
                continue;
            }
            break;
        }
        classify(doc, i, j, &common, &mut out);
        i = j;
    }
    out
}

fn is_connector(w: &str) -> bool {
    matches!(w, "of" | "the" | "de" | "du" | "des" | "d'" | "la" | "van" | "von" | "der" | "bin" | "al" | "el" | "le")
}

fn ends_possessive(w: &str) -> bool {
    w.ends_with("'s") || w.ends_with('\'')
}

fn classify(doc: &Doc, mut a: usize, b: usize, common: &[&str], out: &mut Vec<EntityMention>) {
    let toks = &doc.tokens;
    // Words that only start a sentence ("The", "But", "He").
    while a < b && (lexicon::is_not_name(&toks[a].lower) && lexicon::title(&toks[a].lower).is_none() || is_connector(&toks[a].lower)) {
        a += 1;
    }
    let opens_sentence = a < b && (a == 0 || doc.sentence[a - 1] != doc.sentence[a]);
    if opens_sentence && (common.binary_search(&toks[a].lower.as_str()).is_ok() || lexicon::is_sentence_adverb(&toks[a].lower)) {
        a += 1;
    }
    if a >= b {
        return;
    }
    let lower: Vec<&str> = toks[a..b].iter().map(|t| t.lower.as_str()).collect();
    // A title inside the sequence: "Pennsylvania Gov. Ed Rendell" is Ed Rendell.
    if let Some(t) = (1..lower.len().saturating_sub(1)).rev().find(|&k| lexicon::title(lower[k]).is_some()) {
        a += t;
    }
    let lower = &lower[lower.len() - (b - a)..];
    // Title: "Mr. Blinken", "Sen. Tim Kaine".
    if lexicon::title(lower[0]).is_some() && b - a >= 2 {
        push(doc, a + 1, b, EntityType::Person, None, out);
        // "Mr. Okafor" after "Daniel Okafor": the same person.
        if b - a == 2 {
            let n = out.len() - 1;
            let w = out[n].text.to_lowercase();
            if let Some(full) = out[..n].iter().rev().find(|m| m.entity_type == EntityType::Person && m.canonical.to_lowercase().rsplit(' ').next() == Some(w.as_str())) {
                out[n].canonical = full.canonical.clone();
            }
        }
        return;
    }
    // Role words first: "Minister of the Armed Forces Sébastien Lecornu".
    if let Some(last_role) = (0..lower.len()).rev().find(|&k| lexicon::is_role_word(lower[k].trim_end_matches("'s"))) {
        let name_start = a + last_role + 1;
        let has_role_head = lower[..=last_role].iter().any(|w| lexicon::is_role_word(w) && !is_connector(w));
        let org_in_name = lower[last_role + 1..].iter().any(|w| lexicon::is_org_word(w));
        if has_role_head && name_start < b && !org_in_name {
            let role = doc.tok_text(a, name_start);
            push(doc, name_start, b, EntityType::Person, Some(role), out);
            return;
        }
        if has_role_head && !lower.iter().any(|w| lexicon::is_org_word(w)) {
            return; // a role without a name: "Secretary of State"
        }
    }
    let acronym = b - a == 1 && {
        let t = &toks[a];
        let cs = &doc.chars[t.start..t.end];
        cs.len() >= 2 && cs.iter().all(|c| c.is_uppercase() || *c == '.')
    };
    if acronym || lower.iter().any(|w| lexicon::is_org_word(w.trim_end_matches("'s"))) {
        push(doc, a, b, EntityType::Organization, None, out);
        return;
    }
    if lower.iter().any(|w| lexicon::is_place_word(w)) || lexicon::is_place(&doc.tok_text(a, b).to_lowercase()) {
        push(doc, a, b, EntityType::Location, None, out);
        return;
    }
    if b - a >= 2 {
        push(doc, a, b, EntityType::Person, None, out);
        return;
    }
    // One word: a surname seen before, or a word that speaks.
    let w = strip_possessive(lower[0]);
    let earlier = out.iter().rev().find(|m| {
        m.entity_type == EntityType::Person && m.canonical.to_lowercase().rsplit(' ').next() == Some(w)
    });
    if let Some(m) = earlier {
        let canonical = m.canonical.clone();
        let (s, e) = span(doc, a, b);
        out.push(EntityMention {
            text: doc.slice(s, e),
            start: s,
            end: e,
            entity_type: EntityType::Person,
            canonical,
            role: None,
        });
        return;
    }
    let mut k = b;
    while k < toks.len() && toks[k].is_word() && lexicon::is_skippable(&toks[k].lower, "en") {
        k += 1;
    }
    let speaks = k < toks.len() && lexicon::is_cue(&toks[k].lower) && !lexicon::is_source_first(&toks[k].lower);
    let kind = if speaks { EntityType::Person } else { EntityType::Other };
    push(doc, a, b, kind, None, out);
}

fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix('\'')).unwrap_or(w)
}

/// Code-point span of tokens `a..b`, a final possessive `'s` left out.
fn span(doc: &Doc, a: usize, b: usize) -> (usize, usize) {
    let s = doc.tokens[a].start;
    let mut e = doc.tokens[b - 1].end;
    let last = &doc.tokens[b - 1].lower;
    if last.ends_with("'s") {
        e -= 2;
    } else if last.ends_with('\'') && last.len() > 2 {
        e -= 1;
    }
    (s, e)
}

fn push(doc: &Doc, a: usize, b: usize, kind: EntityType, role: Option<String>, out: &mut Vec<EntityMention>) {
    let (s, e) = span(doc, a, b);
    if s >= e {
        return;
    }
    let text = doc.slice(s, e);
    out.push(EntityMention { canonical: text.clone(), text, start: s, end: e, entity_type: kind, role });
}

/// Prepares mentions for resolution: genders, and role words from the entity's role, the
/// words right before it ("his French counterpart Stéphane Séjourné") and an appositive
/// after it ("Smith, the party's treasurer,").
pub(crate) fn prepare(doc: &Doc, entities: &[EntityMention]) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(entities.len());
    let mut sorted: Vec<&EntityMention> = entities.iter().collect();
    sorted.sort_by_key(|m| m.start);
    for m in sorted {
        let mut roles = Vec::new();
        if let Some(r) = &m.role {
            roles.extend(content_words(r));
        }
        let first = doc.tok_at(m.start);
        roles.extend(words_before(doc, first));
        let last = doc.tok_at(m.end);
        roles.extend(appositive_after(doc, last));
        let mut gender = None;
        if first > 0 {
            if let Some(g) = lexicon::title(&doc.tokens[first - 1].lower) {
                gender = g;
            }
        }
        if gender.is_none() && m.entity_type == EntityType::Person {
            let first_name = m.canonical.split_whitespace().next().unwrap_or("").to_lowercase();
            gender = lexicon::first_name_gender(&first_name, m.canonical.split_whitespace().count() >= 2);
        }
        if gender.is_none() {
            gender = out.iter().rev().find(|o| o.canonical == m.canonical).and_then(|o| o.gender);
        }
        let mut next = last;
        while next < doc.tokens.len() && doc.tokens[next].is_word() && lexicon::is_skippable(&doc.tokens[next].lower, "en") {
            next += 1;
        }
        let subject = first < doc.tokens.len()
            && (first - doc.sentence_start(first) <= 2 || next < doc.tokens.len() && lexicon::is_cue(&doc.tokens[next].lower));
        out.push(Mention { start: m.start, end: m.end, kind: m.entity_type, canonical: m.canonical.clone(), gender, roles, subject });
    }
    infer_genders(doc, &mut out);
    out
}

/// Genders the text shows: a person who opens a sentence is usually the one the next
/// "he"/"his" or "she"/"her" (outside quotes, in that sentence or the next) refers to.
fn infer_genders(doc: &Doc, mentions: &mut [Mention]) {
    let toks = &doc.tokens;
    let mut votes: Vec<(String, i32)> = Vec::new();
    for m in mentions.iter().filter(|m| m.kind == EntityType::Person && m.gender.is_none()) {
        let first = doc.tok_at(m.start);
        if first >= toks.len() || doc.sentence_start(first) != first {
            continue;
        }
        let after = doc.tok_at(m.end);
        let end = doc.sentence_end(doc.sentence_end(first).min(toks.len().saturating_sub(1)));
        let vote = toks[after.min(end)..end].iter().filter(|t| !t.quoted).find_map(|t| match t.lower.as_str() {
            "he" | "his" | "him" | "himself" => Some(1),
            "she" | "her" | "hers" | "herself" => Some(-1),
            _ => None,
        });
        if let Some(v) = vote {
            match votes.iter_mut().find(|(c, _)| *c == m.canonical) {
                Some((_, n)) => *n += v,
                None => votes.push((m.canonical.clone(), v)),
            }
        }
    }
    for m in mentions.iter_mut().filter(|m| m.gender.is_none()) {
        if let Some((_, n)) = votes.iter().find(|(c, _)| *c == m.canonical) {
            m.gender = match n.signum() {
                1 => Some(Gender::Male),
                -1 => Some(Gender::Female),
                _ => None,
            };
        }
    }
}

/// Lower-case content words of a phrase, plural `s` dropped.
pub(crate) fn content_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'' && c != '’')
        .map(|w| w.to_lowercase().replace('’', "'"))
        .map(|w| strip_possessive(&w).to_string())
        .filter(|w| !w.is_empty() && !lexicon::is_role_stop(w))
        .map(|w| stem(&w))
        .collect()
}

/// A crude stem so "ministers" meets "minister" and "ministre".
pub(crate) fn stem(w: &str) -> String {
    let w = w.strip_suffix('s').filter(|s| s.len() > 3).unwrap_or(w);
    let w = w.strip_suffix("re").filter(|s| s.ends_with("st")).map(|s| format!("{s}er")).unwrap_or_else(|| w.to_string());
    w
}

fn words_before(doc: &Doc, first: usize) -> Vec<String> {
    let toks = &doc.tokens;
    let mut k = first;
    let mut out = Vec::new();
    while k > 0 && first - k < 7 {
        let t = &toks[k - 1];
        if !t.is_word() || t.para != toks.get(first).map_or(t.para, |f| f.para) {
            break;
        }
        if lexicon::is_definite(&t.lower) || lexicon::is_indefinite(&t.lower) || lexicon::is_boundary(&t.lower) && t.lower != "of" {
            break;
        }
        if lexicon::is_cue(&t.lower) || lexicon::title(&t.lower).is_some() {
            break;
        }
        out.extend(content_words(&t.lower));
        k -= 1;
    }
    out
}

fn appositive_after(doc: &Doc, last: usize) -> Vec<String> {
    let toks = &doc.tokens;
    if last + 1 >= toks.len() || !toks[last].is_punct(',') {
        return Vec::new();
    }
    let first = &toks[last + 1];
    if !(lexicon::is_definite(&first.lower) || lexicon::is_indefinite(&first.lower)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut k = last + 2;
    while k < toks.len() && k - last < 10 && toks[k].is_word() {
        if toks[k].lower == "who" || toks[k].lower == "qui" || lexicon::is_cue(&toks[k].lower) {
            return Vec::new();
        }
        out.extend(content_words(&toks[k].lower));
        k += 1;
    }
    if k < toks.len() && (toks[k].is_punct(',') || toks[k].is_punct('.')) {
        out
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_prefix_is_split_from_the_name() {
        let found = propose_entities("Talks with Minister of the Armed Forces Sébastien Lecornu began.");
        let lecornu = found.iter().find(|m| m.text == "Sébastien Lecornu").expect("Lecornu proposed");
        assert_eq!(lecornu.entity_type, EntityType::Person);
        assert_eq!(lecornu.role.as_deref(), Some("Minister of the Armed Forces"));
    }

    #[test]
    fn surname_links_to_the_full_name_and_possessive_is_dropped() {
        let found = propose_entities("Hillary Clinton spoke. Later Clinton’s team left.");
        let last = found.last().unwrap();
        assert_eq!(last.text, "Clinton");
        assert_eq!(last.canonical, "Hillary Clinton");
    }

    #[test]
    fn organisations_and_sentence_starts() {
        let found = propose_entities("The New York Post reports it. But NATO said so.");
        assert_eq!(found[0].text, "New York Post");
        assert_eq!(found[0].entity_type, EntityType::Organization);
        assert!(found.iter().any(|m| m.text == "NATO" && m.entity_type == EntityType::Organization));
        assert!(!found.iter().any(|m| m.text.starts_with("But")));
    }

    #[test]
    fn roles_come_from_the_words_before_a_name() {
        let text = "He met his French counterpart Stéphane Séjourné.";
        let doc = Doc::new(text);
        let ms = prepare(&doc, &propose(&doc));
        let s = ms.iter().find(|m| m.canonical == "Stéphane Séjourné").unwrap();
        assert!(s.roles.contains(&"french".to_string()) && s.roles.contains(&"counterpart".to_string()));
        assert_eq!(s.gender, Some(Gender::Male));
    }
}
