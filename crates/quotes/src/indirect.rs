//! Indirect (reported) quotes: "X said that …", "…, X added.", "according to X, …",
//! "X a déclaré que …", "selon X, …". The content is the reported clause; quotation marks
//! inside it (a quoted fragment) do not make it direct unless most of it is quoted, in which
//! case the direct quote already covers it and no indirect one is given.

use crate::names::Mentions;
use crate::speaker::{self, Speaker};
use crate::text::{Doc, Kind};
use crate::Attributed;

/// Cues that take a noun object rather than speech, or that rarely report it.
fn reports_speech(w: &str) -> bool {
    !matches!(w, "called" | "calls" | "calling" | "asked" | "asks" | "posted" | "chanted" | "charged" | "reports" | "reported" | "continued" | "continues" | "agreed" | "lance" | "lancé" | "note" | "interrogé" | "poursuit" | "juge" | "say" | "read" | "reads" | "sings" | "sang" | "asking" | "described" | "describes" | "branded" | "dubbed" | "labeled" | "labelled" | "termed")
}

pub(crate) fn find(doc: &Doc, mentions: &Mentions, lang: &str, used_cues: &[usize], direct: &[Attributed]) -> Vec<Attributed> {
    let toks = &doc.tokens;
    let mut out = Vec::new();
    let mut previous: Option<Speaker> = None;
    let mut i = 0;
    while i < toks.len() {
        let s0 = doc.sentence_start(i);
        let s1 = doc.sentence_end(i);
        let last = trim_end(doc, s0, s1);
        for k in s0..s1 {
            if used_cues.binary_search(&k).is_ok() || toks[k].quoted || !reports_speech(&toks[k].lower) {
                continue;
            }
            let Some(cue) = speaker::cue_at(doc, k, s0, s1, lang) else { continue };
            let strict = crate::lexicon::is_source_first(&doc.tokens[cue.verb].lower);
            let Some(phrase) = cue.speaker.and_then(|p| speaker::noun_phrase(doc, p, mentions, lang, strict)) else { continue };
            let Some((a, b)) = content(doc, k, phrase, s0, last) else { continue };
            let (start, end) = (toks[a].start, toks[b - 1].end);
            if start >= end || words(doc, a, b) < 3 || mostly_quoted(doc, a, b) || overlaps(direct, start, end) {
                continue;
            }
            let sp = speaker::resolve(doc, phrase, mentions, previous.as_ref(), lang);
            previous = Some(sp.clone());
            out.push(Attributed::new(doc, start, end, Some(sp), Some(cue.text.clone()), false));
            break;
        }
        i = s1;
    }
    out
}

/// Cues that report speech only with a "that" clause ("announced that …", not "announced a plan").
fn needs_that(w: &str) -> bool {
    matches!(w, "announced" | "announces" | "annonce" | "annoncé" | "estime" | "estimé" | "noted" | "confirmed" | "confirms" | "revealed" | "disclosed" | "promised" | "predicted" | "recalled" | "confirme" | "confirmé" | "rappelle" | "rappelé")
}

fn words(doc: &Doc, a: usize, b: usize) -> usize {
    doc.word_counts(a, b).0
}

fn mostly_quoted(doc: &Doc, a: usize, b: usize) -> bool {
    let (words, quoted) = doc.word_counts(a, b);
    quoted * 2 >= words
}

/// Whether a direct quote covers more than half of `start..end`. `direct` is in text order and
/// its quotes do not overlap, so only those just before `end` are looked at.
fn overlaps(direct: &[Attributed], start: usize, end: usize) -> bool {
    let k = direct.partition_point(|d| d.quote.start < end);
    direct[..k]
        .iter()
        .rev()
        .take_while(|d| start < d.quote.end)
        .any(|d| d.quote.direct && d.quote.end - d.quote.start > (end - start) / 2)
}

/// The reported clause around cue `k` with speaker `phrase`, as tokens `a..b`.
/// `end` is the sentence's end, closing punctuation left out.
fn content(doc: &Doc, k: usize, phrase: speaker::Phrase, s0: usize, end: usize) -> Option<(usize, usize)> {
    let toks = &doc.tokens;
    let source_first = crate::lexicon::is_source_first(&toks[k].lower);
    let speaker_after = phrase.a > k;
    let last = phrase.b.max(k + 1);
    // Clause after the cue and its speaker: "X said (that) …", "according to X, …".
    if last < end && (!speaker_after || source_first || toks[last].is_punct(',') || toks[last].is_punct(':')) {
        let mut a = last;
        // "told reporters that", "a indiqué à l'AFP que"
        if source_first {
            // "according to two aides familiar with the talks, …": the clause after the comma.
            if let Some(c) = (a..end.min(a + 12)).find(|&j| toks[j].is_punct(',')) {
                a = c + 1;
            }
        } else if let Some(t) = (a..(a + 5).min(end)).find(|&j| matches!(toks[j].lower.as_str(), "that" | "que" | "qu'")) {
            if toks[a..t].iter().all(|x| x.is_word() || x.is_punct(',')) {
                a = t + 1;
            }
        } else if matches!(toks[k].lower.as_str(), "told" | "tells" | "telling") || needs_that(&toks[k].lower) {
            return None;
        }
        while a < end && matches!(toks[a].kind, Kind::Punct(',' | ':')) {
            a += 1;
        }
        if source_first && phrase.a <= s0 + 2 {
            return (a < end).then_some((a, end));
        }
        if !source_first && a < end && toks[a].is_word() {
            return Some((a, end));
        }
    }
    // Clause before: "…, X said." / "…, said X." / "…, according to X."
    let first = phrase.a.min(k);
    // The speaker phrase may run past the clause's end ("…, ont déclaré les flics (…)").
    let tail_short = end.saturating_sub(last) <= 4;
    if first > s0 + 2 && tail_short && toks[first - 1].is_punct(',') {
        return Some((s0, first - 1));
    }
    None
}

fn trim_end(doc: &Doc, s0: usize, s1: usize) -> usize {
    let mut e = s1;
    while e > s0 && !doc.tokens[e - 1].is_word() && !doc.tokens[e - 1].quoted {
        e -= 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use crate::find_quotes;

    fn reported(text: &str, lang: &str) -> Vec<polmon_model::Quote> {
        find_quotes(text, &[], lang).into_iter().filter(|q| !q.direct).collect()
    }

    /// A speaker phrase that runs past the end of its sentence (a parenthesis closing a
    /// headline) panicked on an underflow.
    #[test]
    fn speaker_running_past_the_sentence_end() {
        let text = "Les coups de feu étaient liés à un vol dans un café, ont déclaré les flics (représentationnel)\n\nLa police a encerclé des immeubles.";
        let qs = find_quotes(text, &[], "fr");
        assert!(qs.iter().all(|q| q.start < q.end && q.end <= text.chars().count()), "{qs:?}");
    }

    #[test]
    fn said_that_clause() {
        let qs = reported("Jane Ode said that the bridge would reopen in May.", "en");
        assert_eq!(qs[0].text, "the bridge would reopen in May");
        assert_eq!(qs[0].speaker_canonical.as_deref(), Some("Jane Ode"));
    }

    #[test]
    fn clause_before_the_cue() {
        let qs = reported("The bridge would reopen in May, the mayor said.", "en");
        assert_eq!(qs[0].text, "The bridge would reopen in May");
        assert_eq!(qs[0].speaker.as_deref(), Some("the mayor"));
    }

    #[test]
    fn french_a_declare_que_and_selon() {
        let qs = reported("Julien Moreau a déclaré que le plan serait voté en juin. Selon les syndicats, rien ne change.", "fr");
        assert_eq!(qs[0].text, "le plan serait voté en juin");
        assert_eq!(qs[0].cue.as_deref(), Some("a déclaré"));
        assert_eq!(qs[1].text, "rien ne change");
        assert_eq!(qs[1].speaker.as_deref(), Some("les syndicats"));
    }

    #[test]
    fn french_d_apres_and_clause_before_selon() {
        let qs = reported("D'après le ministère, 300 postes seront créés. Le plan est insuffisant, selon les syndicats.", "fr");
        assert_eq!(qs[0].text, "300 postes seront créés");
        assert_eq!(qs[0].speaker.as_deref(), Some("le ministère"));
        assert_eq!(qs[1].text, "Le plan est insuffisant");
        assert_eq!(qs[1].speaker.as_deref(), Some("les syndicats"));
    }

    #[test]
    fn a_noun_object_is_not_speech() {
        assert!(reported("The ministry announced a new plan for schools.", "en").is_empty());
    }
}
