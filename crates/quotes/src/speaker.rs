//! Speaker phrases around a cue, and their resolution to a named entity.
//!
//! A phrase is read next to its cue: before it in the usual order ("Blinken told", "the
//! source added", "Smith, a top adviser, said") or after it when inverted ("said Smith",
//! "warns the head of American diplomacy", "a déclaré le ministre", "according to X"). It is
//! then resolved: a name to its entity; a pronoun to the most recent person of matching gender;
//! "the same source" to the previous quote's speaker; a definite description ("the French
//! minister") to the person whose roles share most of its words, the most recently mentioned
//! one winning ties; an indefinite one ("a UNESCO diplomat") to nobody.

use polmon_model::EntityType;

use crate::clause;
use crate::lexicon;
use crate::names::{self, Mention, Mentions, LOOK_AROUND};
use crate::text::Doc;
use crate::work;

/// A speaker phrase: tokens `a..b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub(crate) a: usize,
    pub(crate) b: usize,
}

/// A cue and the speaker phrase it names.
#[derive(Debug, Clone)]
pub(crate) struct Cue {
    /// The cue verb's token.
    pub(crate) verb: usize,
    /// The cue as written, auxiliary included ("a déclaré", "according to").
    pub(crate) text: String,
    pub(crate) speaker: Option<Phrase>,
}

/// A resolved speaker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Speaker {
    pub(crate) text: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) canonical: Option<String>,
}

/// The cue at token `i`, if it is one; French inverted pronouns ("dit-il") give the speaker.
pub(crate) fn cue_at(doc: &Doc, i: usize, lo: usize, hi: usize, lang: &str) -> Option<Cue> {
    work::step();
    let t = &doc.tokens[i];
    if !t.is_word() || t.quoted {
        return None;
    }
    let w = t.lower.as_str();
    // "dit-il", "déclare-t-elle"
    for suffix in ["-t-il", "-t-elle", "-il", "-elle"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            if lexicon::is_cue(stem) {
                return Some(Cue { verb: i, text: doc.tok_text(i, i + 1), speaker: Some(Phrase { a: i, b: i + 1 }) });
            }
        }
    }
    // "peut-on lire dans Le Monde", "lit-on dans X": the publication speaks.
    if lang == "fr" && (w == "lit-on" || w == "lire" && i > lo && matches!(doc.tokens[i - 1].lower.as_str(), "peut-on" | "pouvait-on" | "pourra-t-on")) {
        let source = (i + 1 < hi && matches!(doc.tokens[i + 1].lower.as_str(), "dans" | "sur")).then(|| phrase_after(doc, i + 1, hi, lang)).flatten();
        let first = if w == "lire" { i - 1 } else { i };
        return Some(Cue { verb: i, text: doc.tok_text(first, i + 1), speaker: source });
    }
    // A verb is written in lower case unless it opens a sentence ("the United States").
    let opens_sentence = i == 0 || doc.sentence[i - 1] != doc.sentence[i];
    // "pourrait commenter le Président", "tente d'expliquer la ministre": the modal opens the
    // verb group.
    let modal = (lang == "fr" && !t.cap && lexicon::is_french_infinitive_cue(w))
        .then(|| {
            let mut k = i;
            if k > lo + 1 && matches!(doc.tokens[k - 1].lower.as_str(), "de" | "d'" | "à") {
                k -= 1;
            }
            (k > lo && lexicon::is_french_modal(&doc.tokens[k - 1].lower)).then_some(k - 1)
        })
        .flatten();
    if let Some(m) = modal {
        let mut first = m;
        while first > lo && doc.tokens[first - 1].is_word() && (is_aux(&doc.tokens[first - 1].lower, lang) || lexicon::is_verb_filler(&doc.tokens[first - 1].lower)) {
            first -= 1;
        }
        return Some(Cue { verb: i, text: doc.tok_text(first, i + 1), speaker: french_subject(doc, first, i, lo, hi) });
    }
    if !lexicon::is_cue(w) || (t.cap && !opens_sentence) {
        return None;
    }
    if w == "according" && !(i + 1 < hi && doc.tokens[i + 1].lower == "to") {
        return None;
    }
    // "Pour X, …": a source only when a person, a body or a pronoun follows, then a comma.
    if w == "pour" {
        return pour_source(doc, i, hi, lang).map(|p| Cue { verb: i, text: doc.tok_text(i, i + 1), speaker: Some(p) });
    }
    // "d'après X": the elision is its own token.
    if w == "après" {
        if i > lo && doc.tokens[i - 1].lower == "d'" {
            return Some(Cue { verb: i, text: doc.tok_text(i - 1, i + 1), speaker: phrase_after(doc, i, hi, lang) });
        }
        return None;
    }
    let french = lang == "fr";
    let mut first = i;
    while first > lo
        && doc.tokens[first - 1].is_word()
        && (is_aux(&doc.tokens[first - 1].lower, lang) || french && lexicon::is_verb_filler(&doc.tokens[first - 1].lower))
    {
        first -= 1;
    }
    // "a-t-il déclaré"
    if first > lo {
        let p = &doc.tokens[first - 1].lower;
        if p.ends_with("-t-il") || p.ends_with("-t-elle") || (lang == "fr" && (p.ends_with("-il") || p.ends_with("-elle"))) {
            return Some(Cue { verb: i, text: doc.tok_text(first - 1, i + 1), speaker: Some(Phrase { a: first - 1, b: first }) });
        }
    }
    let last = if w == "according" { i + 2 } else { i + 1 };
    let text = doc.tok_text(first, last);
    let speaker = if lexicon::is_source_first(w) {
        phrase_after(doc, last - 1, hi, lang)
    } else if french {
        french_subject(doc, first, i, lo, hi)
    } else {
        phrase_before(doc, i, lo, lang).or_else(|| phrase_after(doc, i, hi, lang))
    };
    Some(Cue { verb: i, text, speaker })
}

/// The speaker of a French cue whose verb group (auxiliaries, clitics, adverbs) spans
/// `first..=verb`: after the verb when the group opens an incise ("« … », a ensuite précisé
/// Febelfin", "comme le rappelle HRW"), else the subject before it ("Febelfin a rappelé",
/// "il avait alors lâché"); none after a coordination ("… et a déclaré"): the clause's
/// subject speaks, which the caller looks for.
fn french_subject(doc: &Doc, first: usize, verb: usize, lo: usize, hi: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    // A passive ("Emmanuel Macron a été interpellé par une retraitée : « … »"): the agent speaks.
    if verb > lo && toks[verb - 1].lower == "été" && verb + 1 < hi && toks[verb + 1].lower == "par" {
        return phrase_after(doc, verb + 1, hi, "fr");
    }
    let before = (first > lo).then(|| &toks[first - 1]);
    let inverted = match before {
        None => true,
        Some(t) => !t.is_word() && !t.is_punct(',') && !t.is_punct(')') || matches!(t.lower.as_str(), "comme" | "que" | "qu'" | "où" | "ainsi" | "tel" | "telle"),
    };
    if inverted {
        return phrase_after(doc, verb, hi, "fr");
    }
    let t = before?;
    // After a comma: an incise when a phrase follows the verb and ends the clause ("…,
    // commente Song Myung-Sup, analyste …"), else the end of an apposition ("X, PDG de Y, a
    // indiqué").
    if t.is_punct(',') {
        if let Some(p) = phrase_after(doc, verb, hi, "fr") {
            if p.b >= hi || !toks[p.b].is_word() {
                return Some(p);
            }
        }
    }
    if matches!(t.lower.as_str(), "et" | "mais" | "puis" | "ou") {
        return None;
    }
    // The clause analysis: a subject with incidental material between it and the verb ("Le
    // ministre, visiblement agacé, a déclaré"), or the antecedent of a relative "qui".
    if t.is_punct(',') || t.is_punct(')') || t.lower == "qui" {
        if let Some(p) = clause::subject_before(doc, verb, lo).filter(|&p| clause::names_a_person_or_body(doc, p)) {
            return Some(with_apposed_name(doc, p, lo));
        }
    }
    if lexicon::is_subject_pronoun(&t.lower) {
        return Some(Phrase { a: first - 1, b: first });
    }
    phrase_before(doc, first, lo, "fr").map(|p| with_apposed_name(doc, p, lo)).or_else(|| phrase_after(doc, verb, hi, "fr"))
}

/// "Pour X, …" (at a sentence or clause start): the phrase X when it is a pronoun, a name, or
/// a description of a person or a body, and a comma closes it.
fn pour_source(doc: &Doc, i: usize, hi: usize, lang: &str) -> Option<Phrase> {
    let toks = &doc.tokens;
    if lang != "fr" || i + 1 >= hi || !(doc.sentence_start(i) == i || toks[i - 1].is_punct(',') || toks[i - 1].is_punct(';')) {
        return None;
    }
    let comma = (i + 1..hi.min(i + 14)).find(|&k| toks[k].is_punct(',') || toks[k].is_punct(':'))?;
    let next = &toks[i + 1];
    if matches!(next.lower.as_str(), "elle" | "lui" | "eux" | "elles") && comma == i + 2 {
        return Some(Phrase { a: i + 1, b: i + 2 });
    }
    let words = &toks[i + 1..comma];
    if !words.iter().all(|t| t.is_word() || t.is_punct('(') || t.is_punct(')')) {
        return None;
    }
    words.iter().find(|t| !lexicon::is_french_determiner(&t.lower) && !lexicon::is_role_stop(&t.lower))?;
    // The head noun may follow an adjective ("la principale association de …").
    let head_part = words.iter().take_while(|t| !matches!(t.lower.as_str(), "de" | "du" | "des" | "d'"));
    let describes = lexicon::is_french_determiner(&next.lower) && head_part.take(3).any(|t| is_person_or_body(&t.lower));
    if !(next.cap && !lexicon::is_not_name(&next.lower) || describes) {
        return None;
    }
    // "Pour l'association de …, l'April : « … »": the name in apposition is the source.
    if describes && toks[comma].is_punct(',') {
        let mut a = comma + 1;
        if a < hi && matches!(toks[a].lower.as_str(), "l'" | "le" | "la" | "les") {
            a += 1;
        }
        let mut b = a;
        while b < hi && b - a < 4 && toks[b].is_word() && toks[b].cap {
            b += 1;
        }
        if b > a && b < hi && (toks[b].is_punct(':') || toks[b].is_punct(',')) {
            return Some(Phrase { a: comma + 1, b });
        }
    }
    Some(Phrase { a: i + 1, b: comma })
}

/// A description in apposition to a name before it ("Bernard Bonnet, le successeur de …"):
/// the phrase takes the name in, and the name is its head.
fn with_apposed_name(doc: &Doc, p: Phrase, lo: usize) -> Phrase {
    let toks = &doc.tokens;
    if p.a >= lo + 2 && toks[p.a - 1].is_punct(',') && lexicon::is_definite(&toks[p.a].lower) {
        let mut a = p.a - 1;
        while a > lo && a + 5 > p.a && toks[a - 1].is_word() && toks[a - 1].cap && !lexicon::is_not_name(&toks[a - 1].lower) {
            a -= 1;
        }
        if a < p.a - 1 && (a == lo || !toks[a - 1].is_word() || lexicon::is_boundary(&toks[a - 1].lower)) {
            return Phrase { a, b: p.b };
        }
    }
    p
}

fn is_aux(w: &str, lang: &str) -> bool {
    matches!(w, "has" | "have" | "had" | "will" | "would" | "ont" | "avait" | "aurait" | "avaient")
        || (lang == "fr" && w == "a")
}

/// The phrase before the cue at token `cue`, not before token `lo`.
pub(crate) fn phrase_before(doc: &Doc, cue: usize, lo: usize, lang: &str) -> Option<Phrase> {
    let toks = &doc.tokens;
    let mut j = cue;
    while j > lo && toks[j - 1].is_word() && lexicon::is_skippable(&toks[j - 1].lower, lang) {
        j -= 1;
    }
    // "Smith on Tuesday said", "Smith Tuesday said"
    let mut k = j;
    while k > lo && toks[k - 1].is_word() && lexicon::is_time_word(&toks[k - 1].lower) {
        k -= 1;
    }
    if k < j {
        if k > lo && matches!(toks[k - 1].lower.as_str(), "on" | "last" | "this" | "late" | "early" | "mardi") {
            k -= 1;
        }
        j = k;
    }
    // A relative clause: "a headline that said", "Smith, who said".
    if j > lo && matches!(toks[j - 1].lower.as_str(), "who" | "that" | "which" | "qui") {
        let mut r = j - 1;
        if r > lo && toks[r - 1].is_punct(',') {
            r -= 1;
        }
        return collect_back(doc, r, lo);
    }
    // An appositive between commas: "Smith, a top adviser, said".
    if j > lo && toks[j - 1].is_punct(',') {
        let close = j - 1;
        let mut m = close;
        while m > lo && close - m < 14 && toks[m - 1].is_word() && !toks[m - 1].quoted {
            m -= 1;
        }
        if m > lo && m < close && toks[m - 1].is_punct(',') {
            if let Some(p) = collect_back(doc, m - 1, lo) {
                // "La ministre de la Santé, Claire Dubois, a affirmé": the name is in the appositive.
                if toks[m].cap && toks[m..close].iter().all(|t| t.cap || matches!(t.lower.as_str(), "de" | "van" | "von" | "d'")) {
                    return Some(Phrase { a: p.a, b: close });
                }
                return Some(p);
            }
        }
        // "Rucker Culpepper, who runs …, said": the phrase that opens the clause.
        return phrase_forward(doc, lo, close);
    }
    collect_back(doc, j, lo)
}

fn collect_back(doc: &Doc, end: usize, lo: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    // "it said", "they added": the pronoun alone.
    if end > lo && matches!(toks[end - 1].lower.as_str(), "it" | "they") {
        return Some(Phrase { a: end - 1, b: end });
    }
    let mut a = end;
    while a > lo && end - a < 12 {
        let t = &toks[a - 1];
        if t.is_punct(')') {
            // "Rep. Gwen Moore (D-Wis.)"
            if let Some(k) = (lo.max(a.saturating_sub(8))..a - 1).rev().find(|&k| toks[k].is_punct('(')) {
                a = k;
                continue;
            }
        }
        // ("le juge a déclaré": a verb of saying after a determiner is a noun.)
        if !t.is_word() || t.quoted || lexicon::is_boundary(&t.lower) || lexicon::is_cue(&t.lower) && !(a >= 2 && lexicon::is_french_determiner(&toks[a - 2].lower)) {
            break;
        }
        // A possessive ends a phrase only at its end: "Séjourné’s entourage".
        a -= 1;
    }
    valid(doc, a, end)
}

/// The phrase that starts at token `a` and ends at a comma or a cue before token `hi`:
/// "Scott Pruitt, the attorney general, said", "White House press secretary Josh Earnest said".
pub(crate) fn phrase_forward(doc: &Doc, a: usize, hi: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    let mut b = a;
    loop {
        if b < hi && b > a && toks[b].is_punct('(') {
            // A parenthesis inside the phrase: "Rep. Gwen Moore (D-Wis.) said".
            match (b + 1..hi.min(b + 8)).find(|&k| toks[k].is_punct(')')) {
                Some(k) => {
                    b = k + 1;
                    continue;
                }
                None => return None,
            }
        }
        if !(b < hi && b - a < 12 && toks[b].is_word() && !toks[b].quoted && !lexicon::is_cue(&toks[b].lower)) {
            break;
        }
        if lexicon::is_boundary(&toks[b].lower) && !(b == a && lexicon::pronoun(&toks[b].lower).is_some()) {
            return None;
        }
        b += 1;
    }
    if b >= hi || !(toks[b].is_punct(',') || lexicon::is_cue(&toks[b].lower) || lexicon::is_skippable(&toks[b].lower, "en")) {
        return None;
    }
    valid(doc, a, b)
}

/// The phrase after the cue at token `cue` ("said Smith"), not reaching token `hi`. Adverbs
/// and an addressee come first in French ("a expliqué à l'AFP Gilles-Éric Séralini"), and a
/// parenthesis may stand inside the phrase ("le président de l'Ufip (…), Jean Louis …").
pub(crate) fn phrase_after(doc: &Doc, cue: usize, hi: usize, lang: &str) -> Option<Phrase> {
    let toks = &doc.tokens;
    let french = lang == "fr";
    let mut a = cue + 1;
    // Adverbs of the verb group ("ainsi", "de son côté", "quant à elle") before the speaker.
    while french && clause::verb_adverb_len(doc, a, hi) > 0 {
        a += clause::verb_adverb_len(doc, a, hi);
    }
    // "à l'AFP", "au Figaro", "auprès de l'AFP", "sur BFMTV", "dans Le Parisien", "devant la
    // presse" (then a time: "dimanche soir") before the speaker.
    for _ in 0..2 {
        if !(french && a + 2 < hi && matches!(toks[a].lower.as_str(), "à" | "au" | "aux" | "auprès" | "sur" | "dans" | "devant" | "lors")) {
            break;
        }
        let mut k = a + 1;
        if matches!(toks[a].lower.as_str(), "auprès" | "lors") && matches!(toks[k].lower.as_str(), "de" | "d'" | "du" | "des") {
            k += 1;
        }
        if k < hi && matches!(toks[k].lower.as_str(), "l'" | "la" | "le" | "les" | "un" | "une") {
            k += 1;
        }
        // The object: one word ("BFMTV", "Le Parisien", "la presse"); the speaker's name may follow
        // at once ("à l'AFP Gilles-Éric Séralini").
        if k < hi && toks[k].is_word() {
            k += 1;
        }
        while k < hi && toks[k].is_word() && matches!(toks[k].lower.as_str(), "soir" | "matin" | "midi" | "après-midi") || k < hi && lexicon::is_time_word(&toks[k].lower) {
            k += 1;
        }
        if k < hi && toks[k - 1].is_word() && toks[k].is_word() && (toks[k].cap || lexicon::is_definite(&toks[k].lower) || lexicon::is_indefinite(&toks[k].lower)) {
            a = k;
        } else {
            break;
        }
    }
    let mut b = a;
    while b < hi && b - a < if french { 12 } else { 8 } {
        let t = &toks[b];
        if french && t.is_punct('(') && b > a {
            match (b + 1..hi.min(b + 8)).find(|&k| toks[k].is_punct(')')) {
                Some(k) => {
                    b = k + 1;
                    continue;
                }
                None => break,
            }
        }
        // ("a expliqué le juge": a verb of saying after a determiner is a noun.)
        if !t.is_word() || t.quoted || lexicon::is_cue(&t.lower) && !(b > a && lexicon::is_french_determiner(&toks[b - 1].lower)) {
            break;
        }
        if lexicon::is_boundary(&t.lower) && !(b == a && lexicon::pronoun(&t.lower).is_some()) {
            break;
        }
        // "comme prévenait l'OMS début mars 2020": the date is not the speaker's.
        // ("according to a 2019 Marquette University poll": after an article, a year is part of it.)
        let after_article = lexicon::is_definite(&toks[b - 1].lower) || lexicon::is_indefinite(&toks[b - 1].lower);
        if b > a && !t.cap && !after_article && (lexicon::is_date_word(&t.lower) || lexicon::is_time_word(&t.lower)) {
            break;
        }
        b += 1;
        if lexicon::pronoun(&t.lower).is_some() && b == a + 1 {
            break;
        }
    }
    // "a souligné la porte-parole du gouvernement, Prisca Thevenot.": the name in apposition.
    if b > a && b + 1 < hi && toks[b].is_punct(',') && toks[b + 1].cap && toks[b + 1].is_word() {
        let mut e = b + 1;
        while e < hi && e - b <= 4 && toks[e].is_word() && toks[e].cap {
            e += 1;
        }
        if e >= hi || matches!(toks[e].kind, crate::text::Kind::Punct('.' | ',' | ';')) {
            b = e;
        }
    }
    valid(doc, a, b)
}

fn valid(doc: &Doc, a: usize, b: usize) -> Option<Phrase> {
    if a >= b {
        return None;
    }
    let toks = &doc.tokens[a..b];
    if toks.iter().all(|t| lexicon::is_not_alone(&t.lower) || lexicon::is_role_stop(&t.lower)) {
        return None;
    }
    // A lone lower-case object ("told reporters") is no speaker.
    if toks.len() == 1 && !toks[0].cap && lexicon::pronoun(&toks[0].lower).is_none() && !is_plain_source(&toks[0].lower) {
        return None;
    }
    Some(Phrase { a, b })
}

fn is_plain_source(w: &str) -> bool {
    matches!(w, "sources" | "officials" | "aides" | "observers" | "analysts" | "critics" | "experts" | "supporters" | "protesters" | "witnesses" | "sources," | "police" | "prosecutors" | "investigators" | "residents" | "democrats" | "republicans")
}

/// Resolves a phrase to a speaker; `previous` is the last resolved quote speaker.
pub(crate) fn resolve(doc: &Doc, p: Phrase, mentions: &Mentions, previous: Option<&Speaker>, lang: &str) -> Speaker {
    let toks = &doc.tokens;
    let mut start = toks[p.a].start;
    let end = toks[p.b - 1].end;
    // A French inverted pronoun token ("dit-il") speaks for its pronoun only.
    let last = &toks[p.b - 1].lower;
    let inverted_pronoun = last.ends_with("-il") || last.ends_with("-elle");
    if inverted_pronoun {
        let dash = doc.chars[start..end].iter().rposition(|&c| c == '-').map_or(start, |k| start + k + 1);
        start = dash;
    }
    let text = doc.slice(start, end);
    // "the same source", "la même source": the previous quote's speaker, as it was written.
    let lower: Vec<&str> = toks[p.a..p.b].iter().map(|t| t.lower.as_str()).collect();
    if lower.iter().any(|w| *w == "same" || *w == "même") && lower.iter().any(|w| w.starts_with("source")) {
        if let Some(prev) = previous {
            return prev.clone();
        }
    }
    let canonical = canonical(doc, p, start, end, &text, mentions, previous, lang);
    Speaker { text, start, end, canonical }
}

#[allow(clippy::too_many_arguments)]
fn canonical(doc: &Doc, p: Phrase, start: usize, end: usize, text: &str, mentions: &Mentions, previous: Option<&Speaker>, lang: &str) -> Option<String> {
    let french = lang == "fr";
    let toks = &doc.tokens;
    let lower: Vec<&str> = toks[p.a..p.b].iter().map(|t| t.lower.as_str()).collect();
    let pron = text.to_lowercase();
    if pron == "it" {
        // "it said": the most recent organisation.
        let k = mentions.before(start);
        return mentions[k.saturating_sub(LOOK_AROUND)..k]
            .iter()
            .rev()
            .inspect(|_| work::step())
            .find(|m| m.end <= start && m.kind == EntityType::Organization)
            .map(|m| m.canonical.clone());
    }
    // "ils", "elles": the plural description whose clause they continue ("Les auteurs ont
    // répertorié … Puis, ils ont classé …"), as written; else nobody.
    if french && (pron == "ils" || pron == "elles") {
        return clause::continued_plural_subject(doc, p.a).map(|s| doc.tok_text(s.a, s.b));
    }
    if pron == "they" || pron == "ils" || pron == "elles" || pron == "eux" {
        return None;
    }
    if french && (lexicon::is_subject_pronoun(&pron) || pron == "lui") {
        return french_antecedent(doc, mentions, p.a, start, lexicon::pronoun(&pron).flatten(), previous);
    }
    if let Some(g) = lexicon::pronoun(&pron) {
        // A pronoun that opens its sentence or follows a quotation ("“…,” he said") continues
        // the last subject; one inside a clause ("…, where he called") the last person named.
        let before = if p.a > 0 { Some(&toks[p.a - 1]) } else { None };
        let after_quote = before.is_some_and(|t| t.quoted || t.is_punct(',') && p.a >= 2 && toks[p.a - 2].quoted);
        let opens = doc.sentence_start(p.a) == p.a || after_quote;
        return pronoun_antecedent(mentions, start, g, opens).map(|m| m.canonical.clone());
    }
    if lower.iter().any(|w| *w == "same" || *w == "même") {
        return previous.and_then(|s| s.canonical.clone());
    }
    // A name inside the phrase: the last one is its head ("campaign manager Kellyanne Conway").
    let mut inside: Vec<&Mention> =
        mentions.inside(start, end).filter(|m| matches!(m.kind, EntityType::Person | EntityType::Organization | EntityType::Location)).collect();
    if french {
        // Not the head: a name in parentheses ("Philippe Gosselin (UMP)") or a complement
        // ("le successeur de Claude Erignac"); in an apposition the name opening a part is
        // ("Gérald Karsenti, PDG de HP France").
        inside.retain(|m| {
            let k = doc.tok_at(m.start);
            let in_parens = k > p.a && toks[p.a..k].iter().rev().take_while(|t| !t.is_punct(')')).any(|t| t.is_punct('('));
            let mut j = k;
            while j > p.a + 1 && matches!(toks[j - 1].lower.as_str(), "la" | "le" | "les" | "l'") {
                j -= 1;
            }
            let complement = j > p.a && matches!(toks[j - 1].lower.as_str(), "de" | "du" | "des" | "d'") && !toks[p.a].cap;
            !in_parens && !complement
        });
        if let Some(m) = inside.iter().find(|m| {
            let k = doc.tok_at(m.start);
            k == p.a || (k > p.a && toks[k - 1].is_punct(','))
        }) {
            return Some(m.canonical.clone());
        }
    }
    if let Some(m) = inside.last() {
        // "Séjourné’s entourage", "a UNESCO diplomat": the name only qualifies the head noun.
        let after = doc.tok_at(m.end);
        let qualifies = toks[after.max(p.a)..p.b].iter().any(|t| t.is_word() && !t.cap && !t.lower.starts_with('\''))
            || (after > p.a && after <= p.b && toks[after - 1].lower.ends_with("'s") && after < p.b)
            || (after < p.b && toks[after].lower.starts_with('\''));
        if !qualifies {
            return Some(m.canonical.clone());
        }
        if !lexicon::is_definite(lower[0]) {
            return None;
        }
    }
    if lexicon::is_indefinite(lower[0]) {
        return None;
    }
    let words: Vec<String> = names::content_words(text);
    // "l'OMS", "la NASA", "the White House": a definite article before a name the mentions
    // missed; unless it is a title that points at a person ("The French Minister of the Armed
    // Forces"), the name is the speaker (an organisation, or a place for its government).
    let article_name = || {
        let h = (p.a + 1..p.b).find(|&k| !lexicon::is_role_stop(&toks[k].lower))?;
        let name = toks[h..p.b].iter().all(|t| t.cap || !t.is_word() || lexicon::is_role_stop(&t.lower)) && toks[p.b - 1].cap && !lexicon::is_not_name(&toks[h].lower);
        name.then(|| doc.slice(toks[h].start, end))
    };
    if lexicon::is_definite(lower[0]) && !words.is_empty() {
        let found = described_person(mentions, start, &words).map(|m| m.canonical.clone()).or_else(article_name);
        // "l'universitaire", "son avocate", "ce dernier": a person the text has just named.
        let head = lower.iter().find(|w| !lexicon::is_french_determiner(w) && !lexicon::is_role_stop(w));
        let relational = matches!(lower[0], "son" | "sa" | "ses" | "leur" | "leurs");
        // (Not a title: "le juge", "la ministre" name whoever holds the office, whom only a
        // role the text gives ties to a person.)
        if found.is_none() && french && !relational && head.is_some_and(|h| lexicon::is_person_noun(h) && !lexicon::is_office_noun(h)) {
            return french_antecedent(doc, mentions, p.a, start, None, previous);
        }
        return found;
    }
    // A capitalised phrase the mentions missed is a name in its own right.
    let caps = toks[p.a..p.b].iter().filter(|t| t.cap).count();
    if caps * 2 >= p.b - p.a && toks[p.b - 1].cap {
        let first = toks[p.a..p.b].iter().position(|t| !lexicon::is_not_alone(&t.lower) && lexicon::title(&t.lower).is_none()).map_or(p.a, |k| p.a + k);
        return Some(doc.slice(toks[first].start, end).trim_end_matches("’s").trim_end_matches("'s").to_string());
    }
    None
}

/// The person a French subject pronoun (or a description of a person) at token `tok` continues:
/// the subject of its sentence or of the sentence before — a person named at the start of it, or
/// the speaker of a quote there — else the last person named (outside quotations) whose gender
/// agrees.
fn french_antecedent(doc: &Doc, mentions: &Mentions, tok: usize, pos: usize, gender: Option<lexicon::Gender>, previous: Option<&Speaker>) -> Option<String> {
    let sent = doc.sentence[tok];
    let near = |t: usize| {
        let s = doc.sentence[t.min(doc.tokens.len() - 1)];
        s <= sent && s + 1 >= sent
    };
    let agrees = |g: Option<lexicon::Gender>| gender.is_none() || g.is_none() || g == gender;
    let chain = mentions.subject_of(sent).filter(|(m, t)| *t <= tok && agrees(m.gender));
    let spoke = previous.filter(|s| {
        s.canonical.as_ref().is_some_and(|c| agrees(mentions.gender_of(c))) && s.end <= pos && near(doc.tok_at(s.start))
    });
    match (chain, spoke) {
        // The pronoun is its sentence's subject: the chain already continued it.
        (Some((m, t)), _) if t == tok => Some(m.canonical.clone()),
        (Some((m, t)), Some(s)) => Some(if doc.tok_at(s.start) > t { s.canonical.clone()? } else { m.canonical.clone() }),
        (Some((m, _)), None) => Some(m.canonical.clone()),
        (None, Some(s)) => s.canonical.clone(),
        // Else the subject of the clauses just before; else, for a pronoun, the last person
        // named in this sentence or the [`RECENT_SENTENCES`] before it (never one from further
        // away), for a description of a person the last person named.
        (None, None) => {
            let pronoun = lexicon::is_subject_pronoun(&doc.tokens[tok].lower) || doc.tokens[tok].lower.contains("-il") || doc.tokens[tok].lower.contains("-elle");
            continued_person(doc, mentions, tok, gender, pronoun).or_else(|| {
                mentions
                    .persons_before(pos)
                    .take_while(|m| !pronoun || doc.sentence[doc.tok_at(m.start).min(doc.tokens.len() - 1)] + RECENT_SENTENCES >= sent)
                    .find(|m| !m.quoted && agrees(m.gender))
                    .map(|m| m.canonical.clone())
            })
        }
    }
}

/// How many sentences back a French pronoun or description with no subject before it may
/// find the last person named.
pub(crate) const RECENT_SENTENCES: usize = 3;

/// The person a French pronoun at token `tok` continues by subject continuity when no subject
/// chain or quote before gives one: the subject of the clause before it
/// ([`clause::continued_subject`]) — the person it names (not one in a complement), else the
/// person its description points at, else (for a `pronoun`) the description as written. None
/// when no clause near has such a subject: a pronoun far from any subject names nobody.
fn continued_person(doc: &Doc, mentions: &Mentions, tok: usize, gender: Option<lexicon::Gender>, pronoun: bool) -> Option<String> {
    let p = clause::continued_subject(doc, tok)?;
    let toks = &doc.tokens;
    let (start, end) = (toks[p.a].start, toks[p.b - 1].end);
    let agrees = |m: &Mention| gender.is_none() || m.gender.is_none() || m.gender == gender;
    let head = mentions.inside(start, end).find(|m| {
        let k = doc.tok_at(m.start);
        let complement = k > p.a && matches!(toks[k - 1].lower.as_str(), "de" | "du" | "des" | "d'");
        !complement && m.kind == EntityType::Person
    });
    if let Some(m) = head {
        return agrees(m).then(|| m.canonical.clone());
    }
    let first = toks[p.a].lower.as_str();
    if !pronoun {
        return None;
    }
    let head_noun = toks[p.a..p.b].iter().find(|t| !lexicon::is_french_determiner(&t.lower) && !lexicon::is_role_stop(&t.lower))?;
    if !lexicon::is_definite(first) || !(lexicon::is_person_noun(&head_noun.lower) || lexicon::is_body_noun(&head_noun.lower)) {
        return None;
    }
    // "il" does not continue "la revue …", nor "elle" "le groupe …".
    if gender.is_some() && lexicon::french_determiner_gender(first).is_some_and(|d| Some(d) != gender) {
        return None;
    }
    let words = names::content_words(&doc.slice(start, end));
    Some(described_person(mentions, start, &words).map_or_else(|| doc.slice(start, end), |m| m.canonical.clone()))
}

/// The most recent person before `pos` whose gender agrees with the pronoun.
pub(crate) fn pronoun_antecedent(mentions: &Mentions, pos: usize, gender: Option<lexicon::Gender>, prefer_subject: bool) -> Option<&Mention> {
    let before = || mentions.persons_before(pos);
    let agrees = |m: &&Mention| gender.is_none() || m.gender.is_none() || m.gender == gender;
    // Such a pronoun usually continues the last person who was a subject, if one is recent.
    if prefer_subject {
        if let Some(m) = before().take(3).find(|m| m.subject && agrees(m)) {
            return Some(m);
        }
    }
    // A person of the pronoun's gender among the last few named wins over a closer unknown one.
    if gender.is_some() {
        if let Some(m) = before().take(4).find(|m| m.gender == gender) {
            return Some(m);
        }
    }
    before().find(|m| gender.is_none() || m.gender.is_none() || m.gender == gender)
}

/// The person a definite description points at (see the module doc), among the persons of
/// the last [`LOOK_AROUND`] mentions (a headline's: the next ones).
fn described_person<'m>(mentions: &'m Mentions, pos: usize, words: &[String]) -> Option<&'m Mention> {
    // Each person once, most recently mentioned first, with the overlap of its roles.
    let mut seen = std::collections::HashSet::new();
    let mut people: Vec<(usize, &Mention)> = Vec::new();
    for m in mentions.persons_before(pos) {
        if seen.insert(m.id) {
            people.push((mentions.role_overlap(m.id, Some(pos), words), m));
        }
    }
    // The most recent person gets one point more; ties go to the more recent.
    let best = people
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| *s > 0)
        .map(|(rank, (s, m))| (s + usize::from(rank == 0), *m))
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.start.cmp(&b.1.start)));
    if let Some((_, m)) = best {
        return Some(m);
    }
    // A headline speaks of someone the body names later.
    let need = words.len().clamp(1, 2);
    let k = mentions.before(pos);
    mentions[k..]
        .iter()
        .take(LOOK_AROUND)
        .inspect(|_| work::step())
        .filter(|m| m.kind == EntityType::Person && m.start >= pos)
        .map(|m| (mentions.role_overlap(m.id, None, words), m))
        .filter(|(s, _)| *s >= need)
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.start.cmp(&a.1.start)))
        .map(|(_, m)| m)
}

/// Words that end a French subject noun phrase: the verb group begins.
fn ends_french_np(w: &str) -> bool {
    matches!(w, "a" | "ont" | "avait" | "avaient" | "aurait" | "auraient" | "aura" | "est" | "sont" | "était" | "étaient" | "fut" | "s'" | "se" | "ne" | "n'" | "y" | "lui" | "qui" | "que" | "qu'" | "dont")
        || lexicon::is_cue(w)
        || lexicon::is_boundary(w) && !matches!(w, "il" | "elle")
}

/// From token `s` towards `i`, skips the given punctuation and whole quotations (each
/// quotation in one step, at most 8 of them, so the look-back stays short).
pub(crate) fn skip_quotations(doc: &Doc, mut s: usize, i: usize, punct: &[char]) -> usize {
    let toks = &doc.tokens;
    let mut hops = 0;
    while s < i && hops < 8 {
        if punct.iter().any(|&p| toks[s].is_punct(p)) {
            s += 1;
        } else if toks[s].quoted {
            let r = doc.regions.partition_point(|r| r.open <= toks[s].start).saturating_sub(1);
            s = doc.tok_at(doc.regions[r].outer_end).max(s + 1).min(i);
            hops += 1;
        } else {
            break;
        }
    }
    s
}

/// Where the subject of the French clause that runs from token `s` up to `i` starts, after
/// quotations, a fronted adverbial or participial phrase ("Lors du procès, …", "Surpris par
/// …, il", "Très ému, il", "Alors que …, X") and a coordinating conjunction.
pub(crate) fn french_subject_start(doc: &Doc, mut s: usize, i: usize) -> Option<usize> {
    let toks = &doc.tokens;
    // A dateline: "22 mai 2012. - ", "PARIS (AFP) - ".
    if let Some(d) = (s..i.min(s + 8)).find(|&k| matches!(toks[k].kind, crate::text::Kind::Punct('-' | '—' | '–'))) {
        if toks[s..d].iter().any(|t| t.lower.chars().any(|c| c.is_ascii_digit()) || t.is_punct('(')) {
            s = d + 1;
        }
    }
    s = skip_quotations(doc, s, i, &[',', '-', '—']);
    for _ in 0..3 {
        if s >= i {
            return None;
        }
        let t = &toks[s];
        let w = t.lower.as_str();
        // "Surpris par …", "Arrivé à …", "Estimant que …" (not "Denis Baupin").
        let participle = !lexicon::is_person_noun(w)
            && toks.get(s + 1).is_some_and(|n| !n.cap)
            && ["ant", "é", "ée", "és", "ées", "is", "ise", "u", "ue"].iter().any(|e| w.ends_with(e) && w.chars().count() > 4);
        let intro = !t.is_word()
            || (lexicon::is_boundary(w) && !lexicon::is_subject_pronoun(w))
            || lexicon::is_sentence_adverb(w)
            || lexicon::is_not_name(w) && !lexicon::is_french_determiner(w) && !lexicon::is_subject_pronoun(w)
            || participle
            || matches!(w, "très" | "dès" | "lors" | "alors" | "malgré" | "outre" | "face" | "quant")
            || w.chars().all(|c| c.is_ascii_digit());
        if !intro {
            break;
        }
        match (s..i.min(s + 30)).find(|&k| toks[k].is_punct(',') && !toks[k].quoted) {
            Some(c) => s = c + 1,
            None => return None,
        }
    }
    while s < i && matches!(toks[s].lower.as_str(), "et" | "mais" | "puis" | "or" | "donc") {
        s += 1;
    }
    (s < i).then_some(s)
}

/// The subject of the French clause holding token `i` (before it): a subject pronoun, or a
/// noun phrase naming a person or a body, with a name in apposition after it ("Le président
/// du directoire de PSA, Philippe Varin, a précisé"); else the last subject pronoun of the
/// clause ("…, où il s'était pris au président : « … »").
pub(crate) fn french_clause_subject(doc: &Doc, i: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    let s0 = doc.sentence_start(i);
    // A semicolon starts a clause of its own.
    let s0 = (s0..i).rev().take(60).find(|&k| toks[k].is_punct(';') && !toks[k].quoted).map_or(s0, |k| k + 1);
    if let Some(a) = french_subject_start(doc, s0, i) {
        if lexicon::is_subject_pronoun(&toks[a].lower) {
            return Some(Phrase { a, b: a + 1 });
        }
        let mut b = a;
        while b < i && b - a < 12 {
            if toks[b].is_punct('(') && b > a {
                match (b + 1..i.min(b + 8)).find(|&k| toks[k].is_punct(')')) {
                    Some(k) => {
                        b = k + 1;
                        continue;
                    }
                    None => break,
                }
            }
            if !toks[b].is_word() || toks[b].quoted || (b > a && ends_french_np(&toks[b].lower)) {
                break;
            }
            b += 1;
        }
        // Drop a trailing parenthesis.
        while b > a && toks[b - 1].is_punct(')') {
            match (a..b - 1).rev().find(|&k| toks[k].is_punct('(')) {
                Some(k) => b = k,
                None => break,
            }
        }
        if b > a {
            let np = &toks[a..b];
            let head = np.iter().find(|t| !lexicon::is_french_determiner(&t.lower) && !lexicon::is_role_stop(&t.lower));
            let named = np.iter().any(|t| t.cap && !lexicon::is_not_name(&t.lower) && !lexicon::is_cue(&t.lower));
            let describes = head.is_some_and(|h| lexicon::is_person_noun(&h.lower) || lexicon::is_body_noun(&h.lower));
            if (named || describes) && !lexicon::is_cue(&toks[a].lower) {
                let mut p = Phrase { a, b };
                // ", Philippe Varin," after a description.
                if b + 2 < i && toks[b].is_punct(',') && toks[b + 1].cap && (!np[0].cap || lexicon::is_french_determiner(&np[0].lower)) {
                    let mut e = b + 1;
                    while e < i && e - b <= 4 && toks[e].is_word() && toks[e].cap {
                        e += 1;
                    }
                    if e < i && toks[e].is_punct(',') {
                        p.b = e;
                    }
                }
                return valid(doc, p.a, p.b);
            }
        }
    }
    (s0..i).rev().take(40).find(|&k| lexicon::is_subject_pronoun(&toks[k].lower) && !toks[k].quoted && !toks[k].cap || k == s0 && lexicon::is_subject_pronoun(&toks[k].lower)).map(|k| Phrase { a: k, b: k + 1 })
}

/// Whether the French pronoun at token `k` is an impersonal "il" ("il faut", "il s'agit", "il y
/// a", "il est possible que", "il ne manque pas"): it names nobody.
pub(crate) fn impersonal(doc: &Doc, k: usize) -> bool {
    let toks = &doc.tokens;
    if toks[k].lower != "il" {
        return false;
    }
    let mut j = k + 1;
    while j < toks.len() && j < k + 4 && matches!(toks[j].lower.as_str(), "ne" | "n'" | "lui" | "leur" | "nous" | "vous" | "me" | "m'" | "en" | "s'") {
        j += 1;
    }
    let w = |j: usize| toks.get(j).filter(|t| t.is_word()).map_or("", |t| t.lower.as_str());
    if lexicon::is_impersonal_verb(w(j)) || w(j) == "y" && matches!(w(j + 1), "a" | "avait" | "aura" | "aurait" | "eut" | "ait") {
        return true;
    }
    // "il semble que …" (not "il semble déterminé").
    if matches!(w(j), "semble" | "semblait" | "paraît" | "parait" | "apparaît" | "apparait") {
        return matches!(w(j + 1), "que" | "qu'");
    }
    // "il est essentiel d'…", "il était possible que …" (not "il est venu de …").
    if matches!(w(j), "est" | "était" | "sera" | "serait" | "fut") {
        let adj = w(j + 1);
        let participle = ["é", "ée", "és", "u", "ue", "i", "is", "it"].iter().any(|e| adj.ends_with(e));
        return !adj.is_empty() && !participle && matches!(w(j + 2), "de" | "d'" | "que" | "qu'");
    }
    false
}

/// The speaker phrase `p` as a noun phrase: cut before a word glued on after a name ("Laura
/// Frémy analyse" → "Laura Frémy"), a dangling conjunction or preposition ("Obama and"), a
/// verb after a name ("The Legislative Yuan debated …"), an opening adverb ("Cependant,
/// l'ONG"); none when it is not a noun phrase at all: a clause, a fronted phrase, a
/// capitalised common word opening a sentence ("Banques belges piratées", "Initialement prévu
/// …"), a demonstrative ("C'"), an impersonal "il", a gerund ("holding signs"), or — in
/// French — a description of a thing ("L'émergence des podcasts"), whose complement may name
/// the speaker instead ("des représailles de l'organisation islamique, qui affirme").
///
/// `strict` is for a phrase no verb of saying names (a sentence's mere subject, the agent of
/// "selon"/"d'après"): its French head must then be a person or a body.
pub(crate) fn noun_phrase(doc: &Doc, p: Phrase, mentions: &Mentions, lang: &str, strict: bool) -> Option<Phrase> {
    let toks = &doc.tokens;
    let french = lang == "fr";
    let mut p = p;
    let last = &toks[p.b - 1].lower;
    if last.ends_with("-il") || last.ends_with("-elle") {
        return Some(p);
    }
    // A name's own mention decides where it ends.
    let phrase_end = toks[p.b - 1].end;
    let name_at = |k: usize| mentions.inside(toks[k].start, phrase_end).find(|m| m.start == toks[k].start).map(|m| doc.tok_at(m.end));
    while p.b > p.a + 1 && lexicon::dangles(&toks[p.b - 1].lower) {
        p.b -= 1;
    }
    // "Cependant, l'ONG précise": the adverb and its comma open the clause, not the phrase.
    if p.a + 2 < p.b && toks[p.a + 1].is_punct(',') && (lexicon::is_sentence_adverb(&toks[p.a].lower) || lexicon::is_verb_filler(&toks[p.a].lower)) {
        p.a += 2;
    }
    let first = &toks[p.a];
    if p.b == p.a + 1 && (lexicon::is_non_speaker_pronoun(&first.lower) || lexicon::dangles(&first.lower)) {
        return None;
    }
    if lexicon::opens_no_noun_phrase(&first.lower) && !(first.lower == "d'" && toks.get(p.a + 1).is_some_and(|t| t.lower == "autres")) {
        return None;
    }
    if first.lower == "il" && impersonal(doc, p.a) {
        return None;
    }
    if french {
        // "…, en Allemagne, les responsables de Berlin espèrent": a phrase across a comma is a
        // name or a description with its apposition ("Philippe Varin, le président de PSA", "Le
        // shérif du comté, David Groves"), else the part after the comma.
        if let Some(c) = (p.a + 1..p.b.saturating_sub(1)).find(|&k| toks[k].is_punct(',')) {
            let named = mentions.inside(toks[p.a].start, toks[c - 1].end).any(|m| matches!(m.kind, EntityType::Person | EntityType::Organization));
            let described = toks[p.a..c].iter().any(|t| is_person_or_body(&t.lower));
            if !named && !described && !toks[c + 1].cap {
                p.a = c + 1;
            }
        }
        // "Laura Frémy analyse": the name, without the verb after it.
        if let Some(e) = name_at(p.a) {
            if e < p.b && toks[e].is_word() && !toks[e].cap && !matches!(toks[e].lower.as_str(), "de" | "du" | "des" | "d'") && !lexicon::is_person_noun(&toks[e].lower) {
                p.b = e;
            }
        }
        let first = &toks[p.a];
        let determiner = lexicon::is_french_determiner(&first.lower)
            || lexicon::is_definite(&first.lower)
            || lexicon::is_indefinite(&first.lower)
            || matches!(first.lower.as_str(), "de" | "d'" | "quelques" | "nombreux" | "nombreuses" | "divers" | "chaque" | "tous" | "toutes");
        let opens_sentence = doc.sentence_start(p.a) == p.a || p.a > 0 && (toks[p.a - 1].quoted || matches!(toks[p.a - 1].kind, crate::text::Kind::Punct(':' | '-' | '—' | '–')));
        let named = mentions.inside(toks[p.a].start, toks[p.b - 1].end).next().is_some();
        if first.cap && opens_sentence && !determiner && lexicon::pronoun(&first.lower).is_none() && lexicon::title(&first.lower).is_none() && name_at(p.a).is_none() {
            // A capitalised word opening the sentence is a name only if the phrase's other words
            // are capitalised too (or link names).
            let common = toks[p.a + 1..p.b].iter().any(|t| t.is_word() && !t.cap && !lexicon::is_role_stop(&t.lower) && !is_person_or_body(&t.lower));
            if common || p.b == p.a + 1 && doc.is_capitalised_common(p.a) {
                return None;
            }
        }
        if determiner && !named {
            let head = |a: usize| (a..p.b).find(|&k| !lexicon::is_french_determiner(&toks[k].lower) && !lexicon::is_role_stop(&toks[k].lower) && !lexicon::is_definite(&toks[k].lower));
            let speaks = |k: usize| toks[k].cap || is_person_or_body(&toks[k].lower);
            let h = head(p.a)?;
            if !speaks(h) {
                let complement = (h + 1..p.b)
                    .find(|&k| matches!(toks[k].lower.as_str(), "de" | "du" | "des" | "d'"))
                    .and_then(|of| head(of + 1).filter(|&k| if toks[k].cap { name_at(k).is_some() } else { is_person_or_body(&toks[k].lower) }).map(|k| (of, k)));
                match complement {
                    Some((of, k)) => p.a = if k > of + 1 && lexicon::is_definite(&toks[k - 1].lower) { k - 1 } else { k },
                    // The subject of a verb of saying may be a person the lists do not know ("un
                    // ancien guide"), not a thing.
                    None if !strict && !is_abstract_noun(&toks[h].lower) => {}
                    None => return None,
                }
            }
        }
        return french_np_ok(doc, p).then_some(p);
    }
    // English: "holding signs" is a clause; "The Legislative Yuan debated three …" ends at
    // the name.
    // ("paying an architect who said", "meddling the California congressman said": the noun
    // phrase after the gerund.)
    if !first.cap && first.lower.ends_with("ing") && lexicon::pronoun(&first.lower).is_none() {
        let article = p.a + 1 < p.b && (lexicon::is_definite(&toks[p.a + 1].lower) || lexicon::is_indefinite(&toks[p.a + 1].lower));
        if !article {
            return None;
        }
        p.a += 1;
    }
    // A verb ends the phrase: "The case revolved around Kelly", "climate change must", "He
    // supported education" (an "-ed" word after a determiner or an adverb is an adjective: "the
    // embattled president", "a recently retired general").
    let past_participle = |k: usize| {
        let (w, before) = (toks[k].lower.as_str(), toks[k - 1].lower.as_str());
        let adjective = lexicon::is_definite(before) || lexicon::is_indefinite(before) || before.ends_with("ly");
        // "the experts I interviewed" (a relative clause), "a student named Wong"
        let relative = lexicon::pronoun(before).is_some();
        let naming = matches!(w, "named" | "called") && toks.get(k + 1).is_some_and(|n| n.cap);
        w.ends_with("ed") && !adjective && !relative && !naming
    };
    let verb = (p.a + 1..p.b).find(|&k| toks[k].is_word() && !toks[k].cap && (english_auxiliary(&toks[k].lower) || past_participle(k)));
    if let Some(k) = verb {
        p.b = k;
    }
    // "seven days earlier", "last week": a time, not a speaker.
    if toks[p.a..p.b].iter().all(|t| !t.cap && (lexicon::is_time_word(&t.lower) || is_time_measure(&t.lower))) {
        return None;
    }
    Some(p)
}

/// English auxiliaries and modals: a finite verb group starts.
fn english_auxiliary(w: &str) -> bool {
    matches!(w, "must" | "can" | "could" | "should" | "would" | "will" | "shall" | "may" | "might" | "is" | "was" | "are" | "were" | "has" | "have" | "had" | "does" | "did")
}

/// Words of a span of time ("seven days earlier", "last week").
fn is_time_measure(w: &str) -> bool {
    matches!(
        w,
        "last" | "next" | "earlier" | "later" | "ago" | "day" | "days" | "weeks" | "month" | "months" | "year" | "years" | "hours"
            | "minutes" | "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten" | "this" | "that"
    ) || w.chars().all(|c| c.is_ascii_digit())
}

/// A French noun for a person or a body, singular or plural ("habitants", "syndicats").
fn is_person_or_body(w: &str) -> bool {
    let singular = w.strip_suffix('s').or_else(|| w.strip_suffix('x')).unwrap_or(w);
    [w, singular].iter().any(|w| lexicon::is_person_noun(w) || lexicon::is_body_noun(w))
}

/// A French noun for a thing, an act or a quality by its ending ("l'émergence", "l'usage",
/// "l'application", "le racisme"): never a speaker.
fn is_abstract_noun(w: &str) -> bool {
    !is_person_or_body(w) && ["tion", "sion", "ment", "ence", "ance", "ité", "isme", "ure", "age", "esse", "ude", "ise", "ie"].iter().any(|e| w.ends_with(e) && w.chars().count() > e.chars().count() + 2)
}

/// Whether a French speaker phrase has the shape of a noun phrase: it opens with a
/// determiner, a capital, a number or a pronoun, and holds no verb ("obtint la consécration",
/// "D'autres thèmes seront aussi abordés" are not speakers).
pub(crate) fn french_np_ok(doc: &Doc, p: Phrase) -> bool {
    let toks = &doc.tokens[p.a..p.b];
    let first = &toks[0];
    let last = first.lower.rsplit('-').next().unwrap_or("");
    let opens = first.cap
        || matches!(first.lower.as_str(), "lui" | "eux")
        || lexicon::is_french_determiner(&first.lower)
        || lexicon::is_definite(&first.lower)
        || lexicon::is_subject_pronoun(&first.lower)
        || matches!(last, "il" | "elle" | "ils" | "elles")
        || first.lower.chars().next().is_some_and(|c| c.is_ascii_digit());
    let verb = toks.iter().skip(1).any(|t| {
        let w = t.lower.as_str();
        t.is_word()
            && !t.cap
            && (matches!(w, "est" | "sont" | "sera" | "seront" | "serait" | "était" | "étaient" | "fut" | "furent" | "a" | "ont" | "avait" | "avaient" | "aura" | "auront" | "aurait" | "peut" | "peuvent" | "doit" | "doivent" | "va" | "vont" | "font" | "se" | "s'" | "ne" | "n'")
                || ["ront", "raient", "rait", "èrent"].iter().any(|e| w.ends_with(e)))
    });
    opens && !verb
}

#[cfg(test)]
mod tests {
    use polmon_model::{EntityMention, EntityType};

    use crate::find_quotes;

    fn person(text: &str, name: &str, canonical: &str, role: Option<&str>) -> EntityMention {
        let byte = text.find(name).unwrap();
        let start = text[..byte].chars().count();
        EntityMention {
            text: name.into(),
            start,
            end: start + name.chars().count(),
            entity_type: EntityType::Person,
            canonical: canonical.into(),
            role: role.map(Into::into),
        }
    }

    #[test]
    fn pronoun_skips_a_person_of_the_other_gender() {
        let text = "Mary Lane met John Ford. “We agreed,” she said.";
        let qs = find_quotes(text, &[], "en");
        assert_eq!(qs[0].speaker.as_deref(), Some("she"));
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Mary Lane"));
    }

    #[test]
    fn description_resolves_through_an_ner_role() {
        let text = "Defence minister Ana Ruiz and Tom Bell met. “We need more shells,” the minister said.";
        let ents = [person(text, "Ana Ruiz", "Ana Ruiz", Some("Defence minister")), person(text, "Tom Bell", "Tom Bell", None)];
        let qs = find_quotes(text, &ents, "en");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Ana Ruiz"));
    }

    #[test]
    fn indefinite_description_stays_unnamed() {
        let text = "Tom Bell spoke first. “It was chaos,” a police officer said.";
        let qs = find_quotes(text, &[], "en");
        assert_eq!(qs[0].speaker.as_deref(), Some("a police officer"));
        assert_eq!(qs[0].speaker_canonical, None);
    }

    #[test]
    fn a_speaker_is_a_noun_phrase_in_english_too() {
        // A verb after the name ends the phrase; a gerund clause is nobody.
        let qs = find_quotes("The Legislative Yuan debated three competing “marriage equality” bills on Friday.", &[], "en");
        assert!(qs.iter().all(|q| q.speaker.as_deref() != Some("The Legislative Yuan debated three competing")), "{qs:?}");
        let qs = find_quotes("Members protested by shouting and holding signs which read “silenced” all day.", &[], "en");
        assert!(qs.iter().all(|q| q.speaker.as_deref() != Some("holding signs")), "{qs:?}");
    }

    #[test]
    fn french_junk_phrases_are_no_speakers() {
        // An impersonal "il", a thing as a sentence's subject, a fronted phrase: none speaks.
        let text = "Marc Dubois est arrivé à Lyon.\n\nIl apparaît que les détenus sont maintenus dans « des positions de stress douloureuses sur de longues périodes ».\n\nL'émergence des podcasts confirme que le média permet « un traitement différent des sujets de société ».";
        let qs = find_quotes(text, &[], "fr");
        assert_eq!(qs.len(), 2, "{qs:?}");
        assert_ne!(qs[0].speaker.as_deref(), Some("Il"));
        assert!(qs[1].speaker.as_deref().is_none_or(|s| !s.starts_with("L'émergence")), "{qs:?}");
    }

    #[test]
    fn french_agent_of_selon_is_a_person_or_a_body() {
        let text = "Jean-Marc Ayrault a présenté son plan. Selon lui, « la croissance reviendra en 2013 ». Selon le droit international, « les responsables de crimes contre l'humanité sont passibles de sanctions ».";
        let qs: Vec<_> = find_quotes(text, &[], "fr").into_iter().filter(|q| q.direct).collect();
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Jean-Marc Ayrault"));
        assert_ne!(qs[1].speaker.as_deref(), Some("le droit international"));
    }

    #[test]
    fn french_pronoun_continues_the_subject_not_a_name_in_a_complement() {
        let text = "Le journaliste et commentateur sportif Thierry Roland s'est éteint samedi. Commentateur mythique avec son complice de toujours, Jean-Michel Larqué, sa disparition a plongé le sport dans la tristesse. Dès 1976, il fit parler de lui. Alors que l'arbitre sifflait, il avait alors lâché : « Vous êtes un salaud ! »";
        let qs = find_quotes(text, &[], "fr");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Thierry Roland"), "{qs:?}");
    }

    #[test]
    fn french_inverted_speaker_after_a_place_of_saying_and_passive_agent() {
        let qs = find_quotes("« Il n'y a pas de plan B », a insisté dimanche sur BFMTV le porte-parole du gouvernement, Gabriel Attal.", &[], "fr");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Gabriel Attal"), "{qs:?}");
        let qs = find_quotes("« Les résultats sont alarmants », a expliqué à l'AFP Gilles-Éric Séralini, professeur à Caen.", &[], "fr");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Gilles-Éric Séralini"), "{qs:?}");
        let qs = find_quotes("Emmanuel Macron a été interpellé par une retraitée : « Vous ne nous écoutez pas ! »", &[], "fr");
        assert_eq!(qs[0].speaker.as_deref(), Some("une retraitée"), "{qs:?}");
    }

    #[test]
    fn french_publication_after_peut_on_lire() {
        let qs = find_quotes("« Une douzaine de responsables ont été mis en examen », peut-on lire dans Les Échos.", &[], "fr");
        assert_eq!(qs[0].speaker.as_deref(), Some("Les Échos"), "{qs:?}");
    }

    #[test]
    fn possessive_names_the_owner_not_the_speaker() {
        let text = "Tom Bell arrived. “Talks go on,” said Tom Bell’s spokesman.";
        let qs = find_quotes(text, &[], "en");
        assert_eq!(qs[0].speaker.as_deref(), Some("Tom Bell’s spokesman"));
        assert_eq!(qs[0].speaker_canonical, None);
    }
}
