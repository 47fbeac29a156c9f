//! Direct quotes: which quoted regions are quotations, and who speaks them.
//!
//! A region is a quotation when it stands on its own (starts a paragraph or follows
//! punctuation), when a cue follows it, or when it is long enough to be more than a scare
//! quote or a title. Its cue is looked for after it ("“…,” said X", "“…” in Kyiv, the same
//! source told AFP"), then before it in its sentence ("X told reporters: “…”", the second half
//! of a split quote), then — for a fragment inside a sentence — the sentence's subject speaks.
//! A short fragment woven into the writer's own sentence ("to provoke “a surge”") is reported
//! speech that borrows a few words: it is returned with `direct: false`, and only when
//! someone is said to speak it.
//! A region with no cue at all takes the speaker of its neighbour in the paragraph or of the
//! last quote of the paragraphs just before (the quote goes on).

use crate::lexicon;
use crate::marks::{is_quote_char, Region};
use crate::names::Mentions;
use crate::speaker::{self, Cue, Phrase, Speaker};
use crate::text::{Doc, Kind};
use crate::{Attributed, Options};

/// How a region was attributed.
struct Found {
    region: usize,
    /// False for a short fragment woven into the writer's sentence (a partial quote).
    direct: bool,
    cue: Option<Cue>,
    phrase: Option<Phrase>,
    /// The cue names a phrase that is no noun phrase: the quote is nobody's.
    not_a_speaker: bool,
}

pub(crate) fn find(doc: &Doc, mentions: &Mentions, lang: &str, opts: &Options, used_cues: &mut Vec<usize>) -> Vec<Attributed> {
    let mut found: Vec<Found> = Vec::new();
    for (ri, r) in doc.regions.iter().enumerate() {
        let words = doc.tokens[doc.tok_at(r.start)..doc.tok_at(r.end)].iter().filter(|t| t.is_word()).count();
        if words == 0 {
            continue;
        }
        let open_tok = doc.tok_at(r.open);
        let embedded = open_tok > 0
            && doc.tokens[open_tok - 1].para == doc.tokens[open_tok].para
            && doc.tokens[open_tok - 1].is_word()
            && !doc.tokens[open_tok - 1].quoted;
        let after = if r.closed { cue_after(doc, ri, r, lang) } else { None };
        let after = after.or_else(|| if lang == "fr" && r.closed { speaker_in_parentheses(doc, mentions, doc.tok_at(r.outer_end)) } else { None });
        let keep = !embedded || after.is_some() || words >= opts.min_embedded_words || introduces(doc, open_tok);
        if title_like(doc, r, embedded) || markup_or_code(doc, r) {
            continue;
        }
        let cued_after = after.is_some();
        // French: an incise inside the marks ("« A, explique X, toxicologue. B »") names the
        // speaker as surely as one after them.
        let inside = if lang == "fr" && after.is_none() { incise_inside(doc, r) } else { None };
        let cued_after = cued_after || inside.is_some();
        let cue = after.or(inside).or_else(|| cue_before(doc, ri, r, lang)).or_else(|| cue_from_colon(doc, r, lang));
        // French: a term in quotation marks (« changement », « Les bâtisseurs de la gloire »)
        // is no quote: a few words, or a title, inside the writer's sentence with no cue.
        if lang == "fr" && embedded && cue.is_none() && (words <= 3 || french_title(doc, r)) {
            continue;
        }
        // A name given to a work or a thing ("une comédie musicale nommée « Les bâtisseurs de la
        // gloire »", "un rapport intitulé « … »") is a term whatever the cue.
        if lang == "fr" && embedded && french_title(doc, r) && names_a_thing(&doc.tokens[open_tok - 1].lower) {
            continue;
        }
        // A few words the writer's sentence uses as a noun ("révèle ces « raisons »", "la
        // « grande » loi") are a term even when a cue stands earlier in the sentence: a quotation
        // of one to three words is introduced right before its mark ("qualifié d'« un choc »",
        // "juge « impardonnable »", "X : « … »") or followed by its cue ("« … », écrit X").
        if lang == "fr" && embedded && words <= 3 && !cued_after && !cue.as_ref().is_some_and(|c| introduced_by(doc, c, open_tok)) {
            continue;
        }
        let phrase = cue.as_ref().and_then(|c| c.speaker).or_else(|| if embedded { subject_in(doc, open_tok, lang) } else { None });
        // French: a quote opening a sentence with no cue is spoken by the subject of the
        // sentence before, when that is a person ("Il a souhaité …. « On ne peut pas … »").
        // (A sentence that gives a view "pour X" is X's: "Pour les auteurs, le ministre n'est
        // pas seul fautif. « … »".)
        let phrase = phrase.or_else(|| {
            (lang == "fr" && cue.is_none() && open_tok > 0 && doc.tokens[open_tok - 1].para == doc.tokens[open_tok].para
                && matches!(doc.tokens[open_tok - 1].kind, Kind::Punct('.' | '!' | '?')) && !doc.tokens[open_tok - 1].quoted)
                .then(|| view_of(doc, open_tok - 1, lang).or_else(|| speaker::french_clause_subject(doc, open_tok - 1)))
                .flatten()
                // (a description is vetted below: its head must be a person or a body)
                .filter(|p| lexicon::is_subject_pronoun(&doc.tokens[p.a].lower) || doc.tokens[p.a].cap || lexicon::is_definite(&doc.tokens[p.a].lower))
        });
        // Only a verb of saying makes any noun phrase a speaker; "selon X", "d'après X" and a
        // sentence's mere subject need a person or a body ("selon le droit international").
        let strict = cue.as_ref().is_none_or(|c| lexicon::is_source_first(&doc.tokens[c.verb].lower));
        let named = phrase.is_some();
        let phrase = phrase.and_then(|p| speaker::noun_phrase(doc, p, mentions, lang, strict));
        // (English only: a French cue's phrase may be a bad pick — "…» du bâtiment …, comme il
        // l'avait reconnu" — and the quote then goes on from its neighbour.)
        let not_a_speaker = lang != "fr" && named && phrase.is_none() && cue.is_some();
        if !keep && phrase.is_none() {
            continue; // a scare quote nobody is said to have spoken
        }
        found.push(Found { region: ri, direct: keep, cue, phrase, not_a_speaker });
    }
    // Resolve in text order so "the same source" and pronouns see what came before.
    let mut out: Vec<Attributed> = Vec::with_capacity(found.len());
    let mut previous: Option<Speaker> = None;
    let mut speakers: Vec<Option<Speaker>> = Vec::with_capacity(found.len());
    // French: the quote's own cue names a pronoun that continues nobody near: the quote is
    // nobody's, not its neighbour's ("« … », écrit-elle. … Il ajoute, « … »" with no "il" near).
    let mut orphan: Vec<bool> = Vec::with_capacity(found.len());
    for f in &found {
        let s = f.phrase.map(|p| speaker::resolve(doc, p, mentions, previous.as_ref(), lang));
        // French: a subject pronoun that continues nobody near names no speaker.
        let nobody = s.as_ref().is_some_and(|s| lang == "fr" && s.canonical.is_none() && is_french_pronoun(&s.text));
        let s = s.filter(|_| !nobody);
        if s.is_some() {
            previous = s.clone();
        }
        speakers.push(s);
        orphan.push(nobody && f.cue.is_some());
    }
    // Regions without a cue: the neighbour in the paragraph, else the quote before.
    let mut next_cued: Vec<Option<usize>> = vec![None; found.len()];
    let mut next = None;
    for i in (0..found.len()).rev() {
        next_cued[i] = next;
        if speakers[i].is_some() && found[i].cue.is_some() {
            next = Some(i);
        }
    }
    let mut last_spoken: Option<usize> = None;
    for i in 0..found.len() {
        // A quote whose cue names something that is no noun phrase ("holding signs that read
        // “…”") is nobody's; others go on from their neighbour.
        // (French: nor is one whose own pronoun continues nobody, nor a quotation standing as a
        // heading — a paragraph of its own with no full stop — the previous quote's.)
        let heading = lang == "fr" && heading_quote(doc, &doc.regions[found[i].region]);
        if speakers[i].is_none() && !found[i].not_a_speaker && !orphan[i] {
            let para = para_of(doc, &doc.regions[found[i].region]);
            let next = next_cued[i].filter(|&j| para_of(doc, &doc.regions[found[j].region]) == para && no_words_between(doc, &doc.regions[found[i].region], &doc.regions[found[j].region]));
            // (French: only from a quote in the sentence before or this one — a quote with no
            // reporting construction near does not inherit an older paragraph's speaker.)
            // (French: not across a paragraph break for a quotation a colon introduces — its
            // sentence names its own source: "Pour X, l'April : « … »".)
            let own_intro = |r: &Region| {
                let k = doc.tok_at(r.open);
                k > 0 && doc.tokens[k - 1].para == doc.tokens[k].para && doc.tokens[k - 1].is_punct(':')
            };
            let prev = last_spoken.filter(|&j| {
                let pj = para_of(doc, &doc.regions[found[j].region]);
                !heading && para - pj <= opts.carry_paragraphs
                    && (lang != "fr" || neighbouring_sentences(doc, &doc.regions[found[j].region], &doc.regions[found[i].region]) && (pj == para || !own_intro(&doc.regions[found[i].region])))
            });
            if let Some(j) = next.or(prev) {
                speakers[i] = speakers[j].clone();
            }
        }
        if speakers[i].is_some() {
            last_spoken = Some(i);
        }
    }
    if lang == "fr" {
        headline_speakers(doc, mentions, &found, &mut speakers);
    }
    for (f, s) in found.iter().zip(speakers) {
        let r = &doc.regions[f.region];
        if let Some(c) = f.cue.as_ref().filter(|_| f.direct) {
            used_cues.push(c.verb);
        }
        out.push(Attributed::new(doc, r.start, r.end, s, f.cue.as_ref().map(|c| c.text.clone()), f.direct));
    }
    out
}

/// Most words a French incise inside a quotation may hold after its verb.
const INCISE_WORDS: usize = 10;

/// A French incise inside the marks of region `r`: after a comma, a verb of saying (with its
/// auxiliary: "a expliqué", "a-t-il ajouté", "écrit-elle") and its inverted subject up to the
/// next comma or full stop ("« Absurde. Ce processus est la norme, explique X, toxicologue,
/// ancien de Y. Les études … »"). The subject must be a pronoun joined to the verb, a name (a
/// capitalised word) or a definite description; the first such incise counts. Reads each token
/// of the region once, and at most [`INCISE_WORDS`] after each verb.
fn incise_inside(doc: &Doc, r: &Region) -> Option<Cue> {
    let toks = &doc.tokens;
    let (lo, hi) = (doc.tok_at(r.start), doc.tok_at(r.end));
    let mut k = lo + 2;
    while k < hi {
        crate::work::step();
        let t = &toks[k];
        let w = t.lower.as_str();
        if !t.is_word() || t.cap || lexicon::is_source_first(w) {
            k += 1;
            continue;
        }
        // The verb group opens right after a comma: "explique", "a expliqué", "a-t-il dit".
        let mut first = k;
        while first > lo && toks[first - 1].is_word() && (matches!(toks[first - 1].lower.as_str(), "a" | "avait") || toks[first - 1].lower.ends_with("-t-il") || toks[first - 1].lower.ends_with("-t-elle")) {
            first -= 1;
        }
        let stem = ["-t-il", "-t-elle", "-il", "-elle"].iter().find_map(|s| w.strip_suffix(s)).unwrap_or(w);
        if first == lo || !toks[first - 1].is_punct(',') || !lexicon::is_cue(stem) {
            k += 1;
            continue;
        }
        // Where the incise ends: a comma, a full stop, the closing mark.
        let closes = |e: usize| e >= hi || matches!(toks[e].kind, Kind::Punct(',' | '.' | ';' | '!' | '?' | ')'));
        if stem != w || first < k && toks[first].lower.contains("-t-") {
            // The pronoun is the subject: "écrit-elle", "a-t-il ajouté".
            let at = if stem != w { k } else { first };
            if closes(k + 1) {
                return Some(Cue { verb: k, text: doc.tok_text(first, k + 1), speaker: Some(Phrase { a: at, b: at + 1 }) });
            }
            k += 1;
            continue;
        }
        let a = k + 1;
        let mut b = a;
        while b < hi && b - a < INCISE_WORDS && toks[b].is_word() && !lexicon::is_boundary(&toks[b].lower) {
            b += 1;
        }
        let opens_phrase = a < hi && (toks[a].cap && toks[a].is_word() || lexicon::is_definite(&toks[a].lower));
        if b > a && opens_phrase && closes(b) {
            return Some(Cue { verb: k, text: doc.tok_text(first, k + 1), speaker: Some(Phrase { a, b }) });
        }
        k += 1;
    }
    None
}

/// Most tokens a French sentence's fronted phrase may take before its "pour X," source.
const VIEW_OPENING: usize = 4;

/// The source "pour X," near the start of the French sentence ending at token `end` ("Pour
/// les auteurs, …", "Cependant, pour les auteurs, …"): the sentence gives X's view.
fn view_of(doc: &Doc, end: usize, lang: &str) -> Option<Phrase> {
    let s0 = doc.sentence_start(end);
    (s0..end.min(s0 + VIEW_OPENING)).filter(|&k| doc.tokens[k].lower == "pour").find_map(|k| speaker::cue_at(doc, k, s0, end, lang)).and_then(|c| c.speaker)
}

/// Most words a parenthesis after a quotation may hold to name its speaker.
const PAREN_WORDS: usize = 8;

/// "« … » (Commissaire de la CENI)": a parenthesis right after the closing mark that holds a
/// name or a description of a person or a body names the speaker.
fn speaker_in_parentheses(doc: &Doc, mentions: &Mentions, first: usize) -> Option<Cue> {
    let toks = &doc.tokens;
    if first >= toks.len() || !toks[first].is_punct('(') {
        return None;
    }
    let close = (first + 1..toks.len().min(first + 2 + PAREN_WORDS)).find(|&k| toks[k].is_punct(')'))?;
    let (a, b) = (first + 1, close);
    if b <= a || !toks[a..b].iter().all(|t| t.is_word()) || toks[a..b].iter().any(|t| lexicon::is_time_word(&t.lower) || lexicon::is_date_word(&t.lower)) {
        return None;
    }
    let person = mentions.inside(toks[a].start, toks[b - 1].end).any(|m| m.kind == polmon_model::EntityType::Person);
    let described = toks[a..b].iter().any(|t| lexicon::is_person_noun(&t.lower) || lexicon::is_body_noun(&t.lower));
    (person || described).then(|| Cue { verb: first, text: String::new(), speaker: Some(Phrase { a, b }) })
}

/// Most words a headline (the text's first paragraph) may have for [`headline_speakers`].
const HEADLINE_WORDS: usize = 30;

/// How many words in a row a headline quotation and a quotation of the body must share to be
/// one quotation written twice.
const SHARED_RUN: usize = 4;

/// French headlines: "Sujet : « … »" puts the topic, not the speaker, before the colon
/// ("Banques belges piratées : « … »"). A headline quotation's speaker is kept when the body
/// names it again (a headline's speaker is always in its article); otherwise the quotation
/// takes the speaker of the body quotation it repeats (a run of [`SHARED_RUN`] words in
/// common), else — when a phrase was taken as its speaker — the first named speaker of the
/// body (the article's source), else none. The headline is the first paragraph when it has at
/// most [`HEADLINE_WORDS`] words and no sentence punctuation (`.`, `!`, `?`, quoted or not),
/// and the text goes on after it.
fn headline_speakers(doc: &Doc, mentions: &Mentions, found: &[Found], speakers: &mut [Option<Speaker>]) {
    let toks = &doc.tokens;
    let Some(body) = toks.iter().position(|t| t.para != toks[0].para) else {
        return;
    };
    if doc.word_counts(0, body).0 > HEADLINE_WORDS || toks[..body].iter().any(|t| matches!(t.kind, Kind::Punct('.' | '!' | '?'))) {
        return;
    }
    let words = |r: &Region| -> Vec<&str> { toks[doc.tok_at(r.start)..doc.tok_at(r.end)].iter().filter(|t| t.is_word()).map(|t| t.lower.as_str()).collect() };
    let body_start = toks[body].start;
    let heads = found.iter().take_while(|f| doc.regions[f.region].open < body_start).count();
    for i in 0..heads {
        let named_in_body = speakers[i].as_ref().and_then(|s| s.canonical.as_ref()).is_some_and(|c| {
            let k = mentions.before(body_start);
            mentions[k..].iter().take(LOOK_AROUND_BODY).any(|m| &m.canonical == c)
        });
        if named_in_body {
            continue;
        }
        let head_words = words(&doc.regions[found[i].region]);
        let runs: std::collections::HashSet<&[&str]> = head_words.windows(SHARED_RUN).collect();
        let repeated = (heads..found.len()).find(|&j| speakers[j].is_some() && words(&doc.regions[found[j].region]).windows(SHARED_RUN).any(|w| runs.contains(w)));
        let source = || speakers[i].as_ref().and((heads..found.len()).find(|&j| speakers[j].as_ref().is_some_and(|s| s.canonical.is_some())));
        speakers[i] = repeated.or_else(source).and_then(|j| speakers[j].clone());
    }
}

/// How many mentions of the body are searched for a headline speaker's name.
const LOOK_AROUND_BODY: usize = crate::names::LOOK_AROUND;

/// Whether region `r` is a quotation standing as a heading: alone in its paragraph, with no
/// full stop, question or exclamation mark ending it.
fn heading_quote(doc: &Doc, r: &Region) -> bool {
    let toks = &doc.tokens;
    let (open, after) = (doc.tok_at(r.open), doc.tok_at(r.outer_end));
    let para = toks[open].para;
    let alone = (open == 0 || toks[open - 1].para != para) && (after >= toks.len() || toks[after].para != para);
    let last = doc.tok_at(r.end).saturating_sub(1);
    alone && !matches!(toks[last].kind, Kind::Punct('.' | '!' | '?' | '…'))
}

/// Whether a French speaker phrase is a bare subject pronoun ("il", "elle", "a-t-il").
fn is_french_pronoun(text: &str) -> bool {
    let w = text.to_lowercase();
    lexicon::is_subject_pronoun(w.rsplit('-').next().unwrap_or(&w))
}

/// Whether region `b` opens in the sentence where region `a` ends (its cue included) or in the
/// next one.
fn neighbouring_sentences(doc: &Doc, a: &Region, b: &Region) -> bool {
    let toks = &doc.tokens;
    let after = doc.tok_at(a.outer_end);
    let last = after.saturating_sub(1).min(toks.len() - 1);
    // ("« … . », a-t-il dit." : the cue after the marks may open a sentence of its own.)
    let end = if after < toks.len() && toks[after].para == toks[last].para { doc.sentence[after] } else { doc.sentence[last] };
    doc.sentence[doc.tok_at(b.open).min(toks.len() - 1)] <= end + 1
}

fn para_of(doc: &Doc, r: &Region) -> usize {
    doc.tokens[doc.tok_at(r.open)].para
}

fn no_words_between(doc: &Doc, a: &Region, b: &Region) -> bool {
    doc.word_counts(doc.tok_at(a.outer_end), doc.tok_at(b.open)).0 == 0
}

/// A cue after the closing mark, in the same sentence: "“…,” he said", "“…,” said X",
/// "“…” in Kyiv, the same source told AFP." After a full stop inside the quote the next
/// sentence must be nothing but the attribution ("“….” Smith said.").
fn cue_after(doc: &Doc, ri: usize, r: &Region, lang: &str) -> Option<Cue> {
    let toks = &doc.tokens;
    let first = doc.tok_at(r.outer_end);
    if first >= toks.len() || toks[first].para != toks[first - 1].para {
        return None;
    }
    let next_open = doc.regions.get(ri + 1).map_or(toks.len(), |n| doc.tok_at(n.open));
    let new_sentence = doc.sentence[first] != doc.sentence[first - 1];
    let sentence_end = doc.sentence_end(first).min(next_open);
    let limit = if new_sentence { 6 } else { 20 };
    // "“…” ― Sonya Herridge": a dash and a name closing the paragraph.
    if matches!(toks[first].kind, Kind::Punct('―' | '—' | '–' | '-')) {
        let a = first + 1;
        let mut b = a;
        while b < toks.len() && toks[b].para == toks[first].para && toks[b].is_word() && b - a < 6 {
            b += 1;
        }
        let closes_par = b >= toks.len() || toks[b].para != toks[first].para || (toks[b].kind == Kind::Punct('.') && (b + 1 >= toks.len() || toks[b + 1].para != toks[first].para));
        if b > a && toks[a].cap && closes_par {
            return Some(Cue { verb: first, text: doc.tok_text(first, first + 1), speaker: Some(Phrase { a, b }) });
        }
    }
    // A semicolon closes the quote's clause: a cue after it belongs to the next one.
    let sentence_end = (first..sentence_end).find(|&k| toks[k].is_punct(';')).unwrap_or(sentence_end);
    let mut i = first;
    while i < sentence_end && i - first <= limit {
        if let Some(mut cue) = speaker::cue_at(doc, i, first, sentence_end, lang) {
            cue.speaker?;
            // The phrase right after the quote: "“…,” Scott Pruitt, the attorney general, said".
            if i > first && !(lang == "fr" && toks[first..i].iter().all(|t| t.is_word() && lexicon::is_verb_filler(&t.lower))) {
                if let Some(p) = speaker::phrase_forward(doc, first, sentence_end) {
                    cue.speaker = Some(p);
                }
            }
            let p = cue.speaker?;
            // A cue far from the quote must end the sentence: "…, the source told AFP."
            // A French incise may end with an apposition ("…, commente X, analyste à Y.").
            let rest = if lang == "fr" && p.a > cue.verb && p.b < sentence_end && toks[p.b].is_punct(',') { 0 } else { sentence_end - cue.verb };
            let far = p.a.min(cue.verb) - first > 3;
            if (far || new_sentence) && rest > 5 {
                return None;
            }
            if far && !preceded_by_comma(doc, p) {
                return None;
            }
            return Some(cue);
        }
        i += 1;
    }
    unlisted_verb(doc, r, first, sentence_end)
}

/// "“…,” he surmised." / "“…!” beamed Donald Hartley.": a quote ending in a comma, `?` or
/// `!`, then a speaker and one verb (or a verb and a name) closing the sentence — the verb
/// need not be in the cue list.
fn unlisted_verb(doc: &Doc, r: &Region, first: usize, end: usize) -> Option<Cue> {
    let toks = &doc.tokens;
    let before_close = if r.closed { doc.chars[..r.outer_end - 1].iter().rev().find(|c| !c.is_whitespace()) } else { None };
    if !matches!(before_close, Some(',' | '?' | '!')) {
        return None;
    }
    let verb_like = |k: usize| {
        let t = &toks[k];
        t.is_word() && !t.cap && !lexicon::is_boundary(&t.lower) && (t.lower.ends_with("ed") || t.lower.ends_with('s'))
    };
    let closes = |k: usize| k >= end || matches!(toks[k].kind, Kind::Punct('.' | ',' | ';'));
    // Speaker then verb: a pronoun or a capitalised name.
    let mut k = first;
    while k < end && k - first < 5 && toks[k].is_word() && (toks[k].cap || lexicon::pronoun(&toks[k].lower).is_some()) {
        k += 1;
    }
    if k > first && k < end && verb_like(k) && closes(k + 1) {
        return Some(Cue { verb: k, text: doc.tok_text(k, k + 1), speaker: Some(Phrase { a: first, b: k }) });
    }
    // Verb then a capitalised name.
    if first < end && verb_like(first) {
        let mut b = first + 1;
        while b < end && b - first <= 5 && toks[b].is_word() && toks[b].cap {
            b += 1;
        }
        if b > first + 1 && closes(b) {
            return Some(Cue { verb: first, text: doc.tok_text(first, first + 1), speaker: Some(Phrase { a: first + 1, b }) });
        }
    }
    None
}

fn preceded_by_comma(doc: &Doc, p: Phrase) -> bool {
    p.a > 0 && {
        let t = &doc.tokens[p.a - 1];
        t.is_punct(',') || t.kind == Kind::Punct('—') || lexicon::is_cue(&t.lower)
    }
}

/// The cue closest before the opening mark, in the same sentence and after any earlier quote.
fn cue_before(doc: &Doc, ri: usize, r: &Region, lang: &str) -> Option<Cue> {
    let toks = &doc.tokens;
    let open = doc.tok_at(r.open);
    if open == 0 {
        return None;
    }
    let mut lo = doc.sentence_start(open - 1);
    // A French quote that opens a sentence has no cue before it ("…. « … »"): the sentence
    // before speaks only through its subject (see `find`).
    if toks[open - 1].para != toks[open].para || lang == "fr" && matches!(toks[open - 1].kind, Kind::Punct('.' | '!' | '?')) {
        return None;
    }
    if ri > 0 {
        let prev = &doc.regions[ri - 1];
        let pe = doc.tok_at(prev.outer_end);
        if pe <= open && pe > lo {
            lo = pe;
        }
    }
    let cue = (lo..open).rev().find_map(|i| speaker::cue_at(doc, i, lo, open, lang));
    // "Une réélection jugée « lamentable » par le Mexique": a passive cue's agent, after the
    // quotation, speaks.
    if let Some(c) = cue.as_ref().filter(|c| lang == "fr" && crate::clause::passive_participle(doc, c.verb, lo)) {
        let after = doc.tok_at(r.outer_end);
        if after < toks.len() && toks[after].lower == "par" && toks[after].para == toks[open].para {
            if let Some(agent) = speaker::phrase_after(doc, after, doc.sentence_end(after), lang) {
                return Some(Cue { speaker: Some(agent), ..c.clone() });
            }
        }
    }
    match cue {
        // "He then defended the remark, saying, “…”": the clause's subject speaks.
        // "Estimant que « … », il vota": a participial clause opening the sentence; the
        // subject follows the quotation.
        Some(mut c) if lang == "fr" && doc.tokens[c.verb].lower.ends_with("ant") && doc.sentence_start(c.verb) == c.verb => {
            let after = doc.tok_at(r.outer_end);
            let end = doc.sentence_end(open);
            c.speaker = (after < end).then(|| speaker::french_clause_subject(doc, end - 1)).flatten().filter(|p| p.a >= after);
            c.speaker.is_some().then_some(c)
        }
        Some(mut c) if doc.tokens[c.verb].lower.ends_with("ing") || lang == "fr" && doc.tokens[c.verb].lower.ends_with("ant") => {
            c.speaker = subject_in(doc, c.verb, lang).or(c.speaker);
            c.speaker.is_some().then_some(c)
        }
        Some(c) if c.speaker.is_some() => Some(c),
        // "he laughed and said, “…”": the clause's subject speaks.
        Some(mut c) => {
            c.speaker = subject_in(doc, c.verb, lang);
            c.speaker.is_some().then_some(c)
        }
        // "Clinton: “…”", "Hoff’s letter makes the case: “…”".
        None if toks[open - 1].is_punct(':') => {
            subject_in(doc, open - 1, lang).map(|p| Cue { verb: open - 1, text: String::new(), speaker: Some(p) })
        }
        None => None,
    }
}

/// "Caddell continued:\n\n“…”": a paragraph that opens with a quote after one ending in a colon.
/// Also "…, Obama said.\n\n“…”": the last sentence of the paragraph before, when it holds
/// no quotation itself, names the speaker of a quote that opens the next paragraph.
fn cue_from_colon(doc: &Doc, r: &Region, lang: &str) -> Option<Cue> {
    let toks = &doc.tokens;
    let open = doc.tok_at(r.open);
    if open == 0 || toks[open - 1].para == toks[open].para {
        return None;
    }
    let s0 = doc.sentence_start(open - 1);
    let colon = toks[open - 1].is_punct(':');
    let end = if colon { open - 1 } else { open };
    if !colon && toks[s0..end].iter().any(|t| t.quoted) {
        return None;
    }
    if let Some(c) = (s0..end).rev().find_map(|i| speaker::cue_at(doc, i, s0, end, lang)).filter(|c| c.speaker.is_some()) {
        return Some(c);
    }
    if !colon {
        return None;
    }
    subject_in(doc, end, lang).map(|p| Cue { verb: end, text: String::new(), speaker: Some(p) })
}

/// Whether cue `c`, before the opening mark at token `open_tok`, introduces the quotation
/// itself: nothing but a conjunction, a colon or a comma between them, an indefinite article
/// ("parlant d'un « effort de transparence »"; not "révèle ces « raisons »": a definite or
/// demonstrative article makes the words the writer's noun), the rest of the reported clause
/// ("estimant que ce qui s'était produit était « impardonnable »"), or an object and the "de"
/// of a verb of naming ("qualifie la réforme d'« injuste »", "accuse X d'« insultes »").
fn introduced_by(doc: &Doc, c: &Cue, open_tok: usize) -> bool {
    let toks = &doc.tokens;
    if c.verb >= open_tok {
        return true;
    }
    let mut between = &toks[c.verb + 1..open_tok];
    if let [rest @ .., last] = between {
        if matches!(last.lower.as_str(), "un" | "une" | "des") {
            between = rest;
        }
    }
    let linking = |t: &crate::text::Token| t.is_punct(':') || t.is_punct(',') || matches!(t.lower.as_str(), "que" | "qu'" | "comme" | "de" | "d'" | "à");
    between.iter().all(linking)
        || between.first().is_some_and(|t| matches!(t.lower.as_str(), "que" | "qu'"))
        || between.len() <= 4 && between.last().is_some_and(|t| matches!(t.lower.as_str(), "de" | "d'" | "comme" | "en")) && between.iter().all(|t| t.is_word())
}

/// French participles that give a thing its name ("nommée", "intitulé", "baptisés").
fn names_a_thing(w: &str) -> bool {
    ["nommé", "intitulé", "baptisé", "surnommé", "dénommé", "appelé", "titré"].iter().any(|p| w.strip_prefix(p).is_some_and(|rest| matches!(rest, "" | "e" | "s" | "es")))
}

/// Whether the word before the opening mark introduces a quotation ("called it “…”").
fn introduces(doc: &Doc, open_tok: usize) -> bool {
    let w = &doc.tokens[open_tok - 1].lower;
    // "mis en examen pour « détournement de fonds »": "pour", "après" name a source only
    // before a comma.
    lexicon::is_cue(w) && !lexicon::is_source_first(w) || matches!(w.as_str(), "saying" | "as" | "dubbed" | "labeled" | "labelled" | "branded" | "termed" | "quoted")
}

/// Titles of works and names inside a sentence ("on “Fox News Sunday,”"): every word
/// capitalised, no sentence punctuation.
fn title_like(doc: &Doc, r: &Region, embedded: bool) -> bool {
    if !embedded {
        return false;
    }
    let inner = &doc.tokens[doc.tok_at(r.start)..doc.tok_at(r.end)];
    let words: Vec<_> = inner.iter().filter(|t| t.is_word()).collect();
    let ends_sentence = inner.last().is_some_and(|t| matches!(t.kind, Kind::Punct('.' | '!' | '?')));
    words.len() <= 6 && words.iter().all(|t| t.cap || lexicon::is_role_stop(&t.lower)) && !ends_sentence
        && !inner.iter().any(|t| matches!(t.kind, Kind::Punct(c) if is_quote_char(c)))
}

/// A French title inside a sentence ("la comédie « Les bâtisseurs de la gloire »"): it opens
/// with a capital, holds no sentence punctuation and is short.
fn french_title(doc: &Doc, r: &Region) -> bool {
    let inner = &doc.tokens[doc.tok_at(r.start)..doc.tok_at(r.end)];
    let words = inner.iter().filter(|t| t.is_word()).count();
    inner.first().is_some_and(|t| t.is_word() && t.cap)
        && words <= 8
        && !inner.iter().any(|t| matches!(t.kind, Kind::Punct('.' | '!' | '?' | ',' | ';' | ':')))
}

/// An attribute value left from markup (`author="x"`) or a bare identifier (`"1474387200"`).
fn markup_or_code(doc: &Doc, r: &Region) -> bool {
    let inner = &doc.chars[r.start..r.end];
    (r.open > 0 && doc.chars[r.open - 1] == '=')
        || (!inner.iter().any(|c| c.is_whitespace()) && inner.iter().any(|c| c.is_ascii_digit() || *c == '/' || *c == '@'))
}

/// The subject of the clause holding token `i`: French grammar first, then [`subject`].
fn subject_in(doc: &Doc, i: usize, lang: &str) -> Option<Phrase> {
    if lang == "fr" {
        return speaker::french_clause_subject(doc, i);
    }
    subject(doc, i)
}

/// The subject of the sentence holding token `i`: its first phrase ("France, which … “a surge” …").
fn subject(doc: &Doc, i: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    let mut s = doc.sentence_start(i);
    // "“…,” Braynard is quoted as saying": the subject follows the quotation. Each quotation
    // is skipped at once, and only the first few: the look-back stays short in long sentences.
    s = speaker::skip_quotations(doc, s, i, &[',']);
    let mut a = s;
    // Skip a leading adverbial: "In Washington, …", "But …".
    // "Speaking to reporters, …", "Moreover, …", "Informed of the ruling, …".
    let w = toks[s].lower.as_str();
    let intro = lexicon::is_boundary(w)
        || lexicon::is_sentence_adverb(w)
        || ((w.ends_with("ing") || w.ends_with("ed")) && toks.get(s + 1).is_some_and(|t| !t.cap))
        || matches!(w, "after" | "before" | "see" | "asked" | "despite" | "although");
    if let Some(comma) = (s..i.min(s + 12)).find(|&k| toks[k].is_punct(',')) {
        if intro {
            a = comma + 1;
        }
    }
    while a < i && toks[a].is_word() && matches!(toks[a].lower.as_str(), "but" | "and" | "so" | "yet" | "mais" | "et") {
        a += 1;
    }
    let mut b = a;
    while b < i && b - a < 6 && toks[b].is_word() && !toks[b].quoted && !lexicon::is_boundary(&toks[b].lower) {
        b += 1;
    }
    // "…, it attacked Trump, saying": a pronoun subject alone.
    if a < i && matches!(toks[a].lower.as_str(), "he" | "she" | "it" | "they" | "il" | "elle" | "ils" | "elles") {
        return Some(Phrase { a, b: a + 1 });
    }
    let named = |k: usize| {
        let t = &toks[k];
        (t.cap && !lexicon::is_not_name(&t.lower) && !doc.is_capitalised_common(k)) || lexicon::pronoun(&t.lower).is_some()
    };
    if b == a || !(a..b).any(named) || (i > 0 && matches!(toks[i - 1].lower.as_str(), "so-called" | "soi-disant")) {
        return None;
    }
    // A name opening the sentence is the subject on its own: "Switzerland acts as …".
    if toks[a].cap && !lexicon::is_definite(&toks[a].lower) && !lexicon::is_indefinite(&toks[a].lower) {
        if let Some(k) = (a..b).find(|&k| !toks[k].cap) {
            b = k;
        }
    }
    Some(Phrase { a, b })
}

#[cfg(test)]
mod tests {
    use crate::{find_quotes, Quote};

    fn direct(text: &str) -> Vec<Quote> {
        find_quotes(text, &[], "en").into_iter().filter(|q| q.direct).collect()
    }

    #[test]
    fn split_quote_gives_both_parts_the_same_speaker() {
        let qs = direct("“We are ready,” Anna Berg told reporters, “and we will not wait.”");
        assert_eq!(qs.len(), 2);
        for q in &qs {
            assert_eq!(q.speaker_canonical.as_deref(), Some("Anna Berg"));
        }
        assert_eq!(qs[1].text, "and we will not wait.");
    }

    #[test]
    fn inverted_cue_takes_the_phrase_after_it() {
        let qs = direct("“It is over,” said the senator from Ohio.");
        assert_eq!(qs[0].speaker.as_deref(), Some("the senator"));
        assert_eq!(qs[0].cue.as_deref(), Some("said"));
    }

    #[test]
    fn cue_before_a_quote_with_a_colon() {
        let qs = direct("Mayor Jane Ode said on Monday: “The bridge stays closed.”");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Jane Ode"));
    }

    #[test]
    fn a_following_paragraph_keeps_the_speaker() {
        let qs = direct("“First point,” said Paul Vance.\n“Second point, and it matters a great deal.”");
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[1].speaker_canonical.as_deref(), Some("Paul Vance"));
    }

    #[test]
    fn titles_and_unspoken_scare_quotes_are_not_quotes() {
        assert!(direct("He appeared on “Fox News Sunday” at noon.").is_empty());
        assert!(find_quotes("The so-called “reform” failed.", &[], "en").is_empty());
    }

    #[test]
    fn french_short_fragments_need_a_cue_next_to_them() {
        // The writer's nouns: a title after "nommée", words after a demonstrative.
        let qs = find_quotes("Les fêtes furent lancées par une comédie musicale nommée « Les bâtisseurs de la gloire » à Alger. Mediapart révèle ces « raisons » dès le lendemain.", &[], "fr");
        assert!(qs.iter().all(|q| !q.text.starts_with("Les bâtisseurs") && q.text != "raisons"), "{qs:?}");
        // Speech: right after the cue, after an indefinite article, inside the reported clause.
        let qs = find_quotes("Le fisc défend cette publication, parlant d'un « effort de transparence ». Le ministre juge « impardonnable » ce qui s'est produit.", &[], "fr");
        assert_eq!(qs.iter().filter(|q| q.speaker.is_some()).count(), 2, "{qs:?}");
    }

    #[test]
    fn french_guillemets_and_inverted_pronoun() {
        let qs = find_quotes("Marie Curie est arrivée. « Nous tiendrons », affirme-t-elle.", &[], "fr");
        assert_eq!(qs[0].text, "Nous tiendrons");
        assert_eq!(qs[0].speaker.as_deref(), Some("elle"));
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Marie Curie"));
    }

    #[test]
    fn french_inverted_speaker_with_a_name_in_apposition() {
        let text = "Le ministre de l'Intérieur Gérald Darmanin était à Marseille.\n« Nous ne reculerons pas », a-t-il martelé.\n« La sécurité d'abord », a souligné la porte-parole du gouvernement, Prisca Thevenot.";
        let qs = find_quotes(text, &[], "fr");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Gérald Darmanin"));
        assert_eq!(qs[0].cue.as_deref(), Some("a-t-il martelé"));
        assert_eq!(qs[1].speaker.as_deref(), Some("la porte-parole du gouvernement, Prisca Thevenot"));
        assert_eq!(qs[1].speaker_canonical.as_deref(), Some("Prisca Thevenot"));
    }

    #[test]
    fn a_verb_outside_the_cue_list_still_attributes() {
        let qs = direct("Tom Bell arrived late. “People are afraid,” he surmised.");
        assert_eq!(qs[0].speaker.as_deref(), Some("he"));
        assert_eq!(qs[0].cue.as_deref(), Some("surmised"));
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Tom Bell"));
    }

    #[test]
    fn the_paragraph_before_names_the_speaker() {
        let qs = direct("Jobs grew in March, Ana Ruiz said.\n“This is the longest streak on record.”");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Ana Ruiz"));
    }

    #[test]
    fn dash_attribution_closing_a_paragraph() {
        let qs = direct("“Nobody listens to us anymore.” ― Rosa Delgado");
        assert_eq!(qs[0].speaker.as_deref(), Some("Rosa Delgado"));
    }

    /// French quotes through the fallback entities, as `(text, speaker, canonical)`.
    fn french(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        find_quotes(text, &[], "fr").into_iter().filter(|q| q.direct).map(|q| (q.text, q.speaker, q.speaker_canonical)).collect()
    }

    #[test]
    fn french_incise_inside_the_marks_names_the_speaker() {
        let qs = french("La réforme divise. « Inutile. Ce texte est mal écrit, juge Marc Tellier, économiste. Il faut le refaire. »");
        assert_eq!(qs[0].2.as_deref(), Some("Marc Tellier"));
        let qs = french("Anne Roux est arrivée hier. « Nous avons tout perdu, raconte-t-elle. Tout est à refaire. »");
        assert_eq!(qs[0].2.as_deref(), Some("Anne Roux"));
    }

    #[test]
    fn french_headline_topic_is_no_speaker() {
        // The topic before the colon is nobody; the body's source speaks.
        let text = "Grève des cheminots : « Nous irons jusqu'au bout »\n\nLa grève a commencé lundi. « Nous irons jusqu'au bout de ce mouvement », a déclaré Paul Vidal, secrétaire du syndicat.\n";
        let qs = french(text);
        assert_eq!(qs[0].2.as_deref(), Some("Paul Vidal"));
        // A speaker the body names again keeps the headline quotation.
        let text = "Paul Vidal : « Nous irons jusqu'au bout »\n\nLa grève a commencé lundi. Paul Vidal a rencontré le ministre. « La grève durera », a déclaré Julie Mars.\n";
        assert_eq!(french(text)[0].2.as_deref(), Some("Paul Vidal"));
    }

    #[test]
    fn french_heading_quote_inherits_no_speaker() {
        let text = "Pour la chercheuse Lise Morel, « le risque est faible. »\n\n« Les agences ont un avis unanime »\n\nLes agences ont publié leurs avis.\n";
        let qs = french(text);
        assert_eq!(qs[0].2.as_deref(), Some("Lise Morel"));
        assert_eq!(qs[1].1, None);
    }

    #[test]
    fn french_pronoun_that_continues_nobody_takes_no_neighbour() {
        // "Il ajoute" continues no man of the text: the quote is not the woman's before it.
        let text = "« Je me sens bien ici », écrit Anne Roux. Il ajoute, « les voisins sont partis depuis longtemps ».";
        let qs = french(text);
        assert_eq!(qs[0].2.as_deref(), Some("Anne Roux"));
        assert_eq!(qs[1].1, None);
    }

    #[test]
    fn french_speaker_in_parentheses_after_the_quote() {
        let qs = french("Le scrutin a eu lieu. « Nous avons redéployé le matériel électoral » (Vice-président de la commission électorale)");
        assert_eq!(qs[0].1.as_deref(), Some("Vice-président de la commission électorale"));
        // A date in parentheses names nobody.
        let qs = french("Le scrutin a eu lieu. « Nous avons redéployé le matériel électoral » (lundi 3 mars)");
        assert_eq!(qs[0].1, None);
    }

    #[test]
    fn french_view_pour_x_lends_x_to_the_next_quotation() {
        let qs = french("Cependant, pour les chercheurs, le ministre n'est pas le seul fautif. « Il est possible que la rumeur ait circulé avant. »");
        assert_eq!(qs[0].1.as_deref(), Some("les chercheurs"));
    }

    #[test]
    fn french_plural_pronoun_continues_the_plural_description() {
        let qs = french("Les auteurs ont répertorié tous les messages. Puis, ils ont déclaré : « Les utilisateurs ordinaires propagent la rumeur. »");
        assert_eq!(qs[0].2.as_deref(), Some("Les auteurs"));
    }

    #[test]
    fn french_office_is_not_the_subject_of_the_sentence_before() {
        // "le juge": a noun after its determiner, and nobody the text ties to the office.
        let qs = french("Paul Durand a obtenu un non-lieu. « Le défaut de consentement ne suffit pas », a expliqué le juge.");
        assert_eq!(qs[0].1.as_deref(), Some("le juge"));
        assert_eq!(qs[0].2, None);
    }

    #[test]
    fn french_pour_description_with_a_name_in_apposition() {
        let qs = french("Pour la principale association de défense des usagers, l'Aduti : « Ce vote est une victoire pour tous. »");
        assert_eq!(qs[0].1.as_deref(), Some("l'Aduti"));
    }

    #[test]
    fn french_colon_quote_inherits_nothing_across_a_paragraph() {
        let text = "« Nous sommes satisfaits », a déclaré Paul Vidal.\n\nPour la principale partie du texte, rien : « Le reste viendra plus tard. »\n";
        let qs = french(text);
        assert_eq!(qs[1].1, None);
    }
}
