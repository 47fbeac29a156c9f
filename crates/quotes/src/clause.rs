//! A small clause analysis of French sentences: the verb group around a finite verb
//! (auxiliaries, clitics, negation, adverbs: "a déclaré", "s'est dit", "n'a pas caché",
//! "a-t-il ajouté"), the clause boundaries a subject is never looked for across (subordinators
//! and relative pronouns, coordinations, punctuation), and the noun phrase that is a clause's
//! subject.
//!
//! The subject is the noun phrase right before the verb group in the same clause, with the
//! material a comma pair or parentheses set apart skipped ("Le ministre, visiblement agacé, a
//! déclaré"), a name in apposition kept as its head ("Le patron du club, Marc Leroy, a dit");
//! a relative "qui" hands the subject to the noun phrase it follows ("la ministre, qui a
//! affirmé"); an inverted pronoun ("a-t-il dit", "estime-t-elle") is the subject itself; a
//! coordinated verb ("… et a déclaré") has none of its own.
//! A pronoun subject continues the subject of the clause before it: [`continued_subject`]
//! looks through the clauses of its sentence and of the two sentences before, nearest first,
//! past things and impersonal "il", and gives up rather than reach further (a pronoun nothing
//! near continues names nobody).
//!
//! Every walk is bounded ([`MAX_CLAUSE`] tokens back; three sentences with words outside
//! quotation marks among the eight before, [`SENTENCE_WINDOW`] tokens and [`MAX_CLAUSES`]
//! clauses of each), so the analysis of a page stays linear in its length. Pure: no I/O.

use crate::lexicon;
use crate::speaker::Phrase;
use crate::text::Doc;
use crate::work;

/// How many tokens a clause, or a subject noun phrase with its incidental material, may span:
/// a walk back from a verb stops there.
pub(crate) const MAX_CLAUSE: usize = 40;

/// How many tokens at the end of a sentence (before a pronoun) are read for its clauses.
const SENTENCE_WINDOW: usize = 120;

/// How many clauses of a sentence, nearest first, are asked for a subject.
const MAX_CLAUSES: usize = 4;

/// Words that open a subordinate or relative clause: a subject is never looked for across them.
fn opens_clause(w: &str) -> bool {
    matches!(
        w,
        "que"
            | "qu'"
            | "qui"
            | "dont"
            | "où"
            | "lequel"
            | "laquelle"
            | "lesquels"
            | "lesquelles"
            | "auquel"
            | "duquel"
            | "lorsque"
            | "lorsqu'"
            | "quand"
            | "si"
            | "s'"
            | "puisque"
            | "puisqu'"
            | "car"
            | "comme"
            | "tandis"
            | "parce"
            | "quoique"
            | "afin"
            | "bien"
            | "sans"
            | "pour"
            | "avant"
            | "après"
    )
}

/// Words that join two clauses; a clause after them may have no subject of its own ("… et a
/// déclaré": it shares the subject of the clause before).
fn coordinates(w: &str) -> bool {
    matches!(w, "et" | "mais" | "puis" | "ou" | "or" | "donc")
}

/// Words of a French verb group before its verb: auxiliaries, clitics, negation, adverbs.
fn in_verb_group(w: &str) -> bool {
    lexicon::is_verb_filler(w)
        || matches!(
            w,
            "avaient"
                | "ai"
                | "as"
                | "avons"
                | "avez"
                | "était"
                | "étaient"
                | "sera"
                | "serait"
                | "été"
                | "s'est"
                | "s'était"
                | "n'a"
                | "n'avait"
                | "n'est"
                | "jamais"
                | "rien"
                | "guère"
        )
}

/// Whether token `k` is a verb of saying used as a verb: not capitalised, and not a noun after
/// a determiner ("la juge", "le constat").
fn cue_verb(doc: &Doc, k: usize) -> bool {
    let t = &doc.tokens[k];
    lexicon::is_cue(&t.lower)
        && !t.cap
        && !(k > 0 && lexicon::is_french_determiner(&doc.tokens[k - 1].lower))
}

/// How many tokens at `a` (before `hi`) are an adverb or an adverbial phrase of the verb group
/// that an inverted subject follows ("rappelle ainsi X", "résume quant à elle X", "a de son
/// côté dénoncé", "a-t-il à son tour ajouté"): 0 when none starts there.
pub(crate) fn verb_adverb_len(doc: &Doc, a: usize, hi: usize) -> usize {
    let toks = &doc.tokens;
    let w = |k: usize| {
        if k < hi && toks[k].is_word() && !toks[k].quoted {
            toks[k].lower.as_str()
        } else {
            ""
        }
    };
    let adverb = (w(a).ends_with("ment") && w(a).chars().count() > 6 && !toks[a].cap)
        || matches!(
            w(a),
            "ainsi"
                | "ensuite"
                | "alors"
                | "encore"
                | "aussi"
                | "également"
                | "notamment"
                | "enfin"
                | "toutefois"
                | "cependant"
                | "pourtant"
                | "néanmoins"
                | "d'ailleurs"
                | "déjà"
                | "plutôt"
                | "donc"
                | "tout"
                | "hier"
                | "aujourd'hui"
                | "lundi"
                | "mardi"
                | "mercredi"
                | "jeudi"
                | "vendredi"
                | "samedi"
                | "dimanche"
                | "soir"
                | "matin"
                | "aussitôt"
                | "volontiers"
        );
    if adverb {
        return 1;
    }
    match (w(a), w(a + 1), w(a + 2)) {
        ("quant", "à", "lui" | "elle" | "eux" | "elles") => 3,
        ("de", "son" | "leur", "côté")
        | ("pour", "sa" | "leur", "part")
        | ("à", "son" | "leur", "tour") => 3,
        ("en", "substance" | "somme" | "résumé", _) => 2,
        _ => 0,
    }
}

/// Whether the verb of saying at token `v` is a past participle used in the passive or as an
/// adjective ("jugée", "a été qualifiée", "un projet qualifié"): its agent ("par X") speaks.
/// `lo` bounds the verb group.
pub(crate) fn passive_participle(doc: &Doc, v: usize, lo: usize) -> bool {
    let toks = &doc.tokens;
    let w = toks[v].lower.as_str();
    if ![
        "é", "ée", "és", "ées", "u", "ue", "us", "ues", "it", "ite", "its", "ites", "is", "ise",
        "ises",
    ]
    .iter()
    .any(|e| w.ends_with(e))
    {
        return false;
    }
    let group = &toks[verb_group_start(doc, v, lo)..v];
    let etre = group.iter().any(|t| is_etre(&t.lower));
    let avoir = group.iter().any(|t| is_avoir(&t.lower));
    etre || !avoir
}

/// Finite forms of "avoir".
fn is_avoir(w: &str) -> bool {
    matches!(
        w,
        "a" | "ont"
            | "avait"
            | "avaient"
            | "aurait"
            | "auraient"
            | "aura"
            | "auront"
            | "eut"
            | "ai"
            | "avons"
            | "avez"
            | "n'a"
            | "n'avait"
    )
}

/// Finite forms of "être", and its participle "été".
fn is_etre(w: &str) -> bool {
    matches!(
        w,
        "est"
            | "sont"
            | "était"
            | "étaient"
            | "sera"
            | "serait"
            | "seront"
            | "fut"
            | "été"
            | "s'est"
            | "s'était"
            | "n'est"
    )
}

/// Finite forms of "avoir" and "être" (auxiliaries and copulas): a noun phrase never runs across one.
fn is_auxiliary(w: &str) -> bool {
    is_avoir(w) || is_etre(w)
}

/// The first token of the verb group whose verb is token `v` (not before `lo`).
pub(crate) fn verb_group_start(doc: &Doc, v: usize, lo: usize) -> usize {
    let toks = &doc.tokens;
    let mut first = v;
    while first > lo
        && first + 8 > v
        && toks[first - 1].is_word()
        && !toks[first - 1].quoted
        && in_verb_group(&toks[first - 1].lower)
    {
        first -= 1;
    }
    // The clitics and adverbs are the group's only when a subject can stand before them:
    // "le", "la", "les" opening the group are the determiner of the subject ("la ministre a
    // dit") unless a verb-group word follows them.
    while first < v
        && matches!(
            toks[first].lower.as_str(),
            "le" | "la" | "les" | "l'" | "de" | "son" | "sa" | "pour"
        )
        && !in_verb_group(&toks[first + 1].lower)
    {
        first += 1;
    }
    first
}

/// The inverted subject pronoun in a verb group ("a-t-il déclaré", "estime-t-elle"): its token.
pub(crate) fn inverted_pronoun(doc: &Doc, first: usize, v: usize) -> Option<usize> {
    (first..=v).find(|&k| {
        let w = doc.tokens[k].lower.as_str();
        [
            "-t-il", "-t-elle", "-il", "-elle", "-ils", "-elles", "-t-on",
        ]
        .iter()
        .any(|s| w.ends_with(s) && w.len() > s.len())
    })
}

/// Where material set apart before token `end` begins: for a closing comma, the comma that
/// opens the incidental phrase or apposition ("Le ministre, visiblement agacé, a"); for a
/// closing parenthesis, its opening one. None when `end` follows no such material.
fn incidental_start(doc: &Doc, end: usize, lo: usize) -> Option<usize> {
    let toks = &doc.tokens;
    let t = toks.get(end.checked_sub(1)?)?;
    if t.is_punct(')') {
        return (lo..end - 1)
            .rev()
            .take(MAX_CLAUSE)
            .find(|&j| toks[j].is_punct('('));
    }
    if !t.is_punct(',') {
        return None;
    }
    let open = (lo..end - 1).rev().take(16).find(|&j| {
        toks[j].is_punct(',') || !toks[j].is_word() && !toks[j].is_punct('-') && !toks[j].quoted
    })?;
    (toks[open].is_punct(',') && open > lo && toks[open - 1].is_word()).then_some(open)
}

/// The noun phrase that ends right before token `end`, not before `lo`: back over the words
/// of a phrase (names, determiners, nouns and their complements), stopping at punctuation, a
/// clause opener or a coordination. A lone lower-case word that is no subject pronoun and
/// follows no determiner is no noun phrase (an adverb, a verb).
fn phrase_ending(doc: &Doc, end: usize, lo: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    let mut a = end;
    while a > lo && end - a < 12 {
        let t = &toks[a - 1];
        if !t.is_word()
            || t.quoted
            || opens_clause(&t.lower)
            || coordinates(&t.lower)
            || is_auxiliary(&t.lower)
            || cue_verb(doc, a - 1)
        {
            break;
        }
        a -= 1;
        if lexicon::is_subject_pronoun(&t.lower)
            || matches!(t.lower.as_str(), "celui-ci" | "celle-ci" | "ceux-ci" | "on")
        {
            break;
        }
    }
    if a == end {
        return None;
    }
    // A verb or an adverb glued before the phrase ("Hier soir le ministre"): the phrase opens
    // at its determiner or its first capitalised word.
    let opener = (a..end).find(|&k| {
        let t = &toks[k];
        lexicon::is_french_determiner(&t.lower)
            || t.cap
            || lexicon::is_subject_pronoun(&t.lower)
            || matches!(t.lower.as_str(), "celui-ci" | "celle-ci" | "ceux-ci" | "on")
    })?;
    Some(Phrase { a: opener, b: end })
}

/// The subject of the finite verb at token `v`, found before it in its clause (see the module
/// doc); `lo` bounds the walk back. None for a verb whose clause holds no subject before it
/// (an incise "a déclaré X", a coordinated "… et a dit").
pub(crate) fn subject_before(doc: &Doc, v: usize, lo: usize) -> Option<Phrase> {
    let toks = &doc.tokens;
    let lo = lo.max(v.saturating_sub(MAX_CLAUSE));
    let first = verb_group_start(doc, v, lo);
    if let Some(k) = inverted_pronoun(doc, first.saturating_sub(1).max(lo), v) {
        return Some(Phrase { a: k, b: k + 1 });
    }
    let mut end = first;
    // "… et a déclaré": the subject is the coordinated clause's, not found here.
    if end > lo && coordinates(&toks[end - 1].lower) {
        return None;
    }
    // "…, qui a affirmé": the relative pronoun's antecedent.
    if end > lo && toks[end - 1].lower == "qui" {
        end -= 1;
        if end > lo && toks[end - 1].is_punct(',') {
            end -= 1;
        }
        return phrase_ending(doc, end, lo)
            .filter(|p| !lexicon::is_subject_pronoun(&toks[p.a].lower));
    }
    // Incidental material: an apposition or a fronted phrase between commas, a parenthesis.
    let mut apposed_name = None;
    for _ in 0..2 {
        match incidental_start(doc, end, lo) {
            Some(open) => {
                // ", Marie Dupont," after a description: the name is the subject's head.
                let name = end - 1 > open + 1
                    && end - 1 - open <= 5
                    && toks[open + 1..end - 1].iter().all(|t| t.is_word() && t.cap);
                if name && apposed_name.is_none() {
                    apposed_name = Some(end - 1);
                }
                end = open;
            }
            None => break,
        }
    }
    if end == first && end > lo && !toks[end - 1].is_word() {
        return None;
    }
    let p = phrase_ending(doc, end, lo)?;
    Some(match apposed_name {
        Some(b) if lexicon::is_french_determiner(&toks[p.a].lower) => Phrase { a: p.a, b },
        _ => p,
    })
}

/// Whether token `k` is a subject pronoun that stands for a person ("il", "elle", "ils",
/// "elles") rather than an impersonal "il".
fn personal_pronoun(doc: &Doc, k: usize) -> bool {
    lexicon::is_subject_pronoun(&doc.tokens[k].lower) && !crate::speaker::impersonal(doc, k)
}

/// The subject a pronoun at token `tok` continues: the subject of the nearest clause before it
/// — in its sentence, then in the two sentences before — that is a noun phrase (a pronoun
/// subject in between continues the same one and is looked through). Each clause's subject is
/// the noun phrase its main clause opens with, after fronted phrases. None when no clause that
/// near has a subject: the pronoun is not resolved from further away.
pub(crate) fn continued_subject(doc: &Doc, tok: usize) -> Option<Phrase> {
    continued(doc, tok, names_a_person_or_body)
}

/// What a plural pronoun ("ils", "elles") at token `tok` continues, like
/// [`continued_subject`]: the nearest plural description of persons or bodies ("les auteurs",
/// "ces syndicats").
pub(crate) fn continued_plural_subject(doc: &Doc, tok: usize) -> Option<Phrase> {
    continued(doc, tok, names_persons_or_bodies)
}

/// Whether a subject phrase is a plural description of persons or bodies.
fn names_persons_or_bodies(doc: &Doc, p: Phrase) -> bool {
    let toks = &doc.tokens;
    let plural = matches!(toks[p.a].lower.as_str(), "les" | "ces" | "leurs" | "des" | "plusieurs");
    let head = (p.a + 1..p.b).find(|&k| !lexicon::is_role_stop(&toks[k].lower));
    plural && head.is_some_and(|h| {
        let w = toks[h].lower.as_str();
        let singular = w.strip_suffix('s').or_else(|| w.strip_suffix('x'));
        singular.is_some_and(|w| lexicon::is_person_noun(w) || lexicon::is_body_noun(w))
    })
}

fn continued(doc: &Doc, tok: usize, accept: fn(&Doc, Phrase) -> bool) -> Option<Phrase> {
    let toks = &doc.tokens;
    let sent = doc.sentence[tok];
    // This sentence and the two before it that hold words outside quotation marks (a quote
    // mark the splitter left alone is no sentence), at most eight sentences back.
    let mut left = 3;
    for s in (sent.saturating_sub(8)..=sent).rev() {
        if left == 0 {
            break;
        }
        let (s0, s1) = doc.sentence_bounds(s);
        let (words, quoted) = doc.word_counts(s0, s1);
        if s != sent && words == quoted {
            continue;
        }
        left -= 1;
        let hi = if s == sent { tok } else { s1 };
        // The clause openings of the sentence (in its last [`SENTENCE_WINDOW`] tokens), nearest
        // first: its start, and every semicolon or coordination that a new subject follows.
        let lo = s0.max(hi.saturating_sub(SENTENCE_WINDOW));
        let mut starts: Vec<usize> = Vec::new();
        if lo == s0 {
            starts.push(s0);
        }
        starts.extend(
            (lo..hi)
                .inspect(|_| work::step())
                .filter(|&k| {
                    !toks[k].quoted
                        && (toks[k].is_punct(';')
                            || toks[k].is_word()
                                && matches!(toks[k].lower.as_str(), "mais" | "et" | "puis"))
                        && k + 1 < hi
                })
                .map(|k| k + 1),
        );
        for &start in starts.iter().rev().take(MAX_CLAUSES) {
            work::step();
            let Some(a) = crate::speaker::french_subject_start(doc, start, hi) else {
                continue;
            };
            if a >= hi || toks[a].quoted {
                continue;
            }
            if personal_pronoun(doc, a) {
                continue; // the chain goes on through it
            }
            if lexicon::is_subject_pronoun(&toks[a].lower) {
                continue; // an impersonal "il" is about nobody
            }
            if let Some(p) = subject_phrase_at(doc, a, hi, accept) {
                return Some(p);
            }
        }
    }
    None
}

/// A French verb in the imperfect or conditional ("recevait", "affirmaient"): the end of a
/// subject noun phrase before it. (Nouns ending so are few and listed.)
fn imperfect_verb(w: &str) -> bool {
    (w.ends_with("ait") || w.ends_with("aient"))
        && w.chars().count() > 4
        && !matches!(
            w,
            "portrait"
                | "souhait"
                | "attrait"
                | "extrait"
                | "bienfait"
                | "méfait"
                | "forfait"
                | "retrait"
                | "trait"
                | "parfait"
        )
}

/// The subject noun phrase of a clause whose subject starts at token `a` (before `hi`), when it
/// names a person or a body. A thing ("Une charge dirigée contre …") is no subject a pronoun of
/// a speaker continues; a phrase a comma closes before any verb ("Dernier jour, le ministre
/// affirmait") was fronted, and the subject follows it.
fn subject_phrase_at(doc: &Doc, mut a: usize, hi: usize, accept: fn(&Doc, Phrase) -> bool) -> Option<Phrase> {
    let toks = &doc.tokens;
    for hop in 0..4 {
        let t = &toks[a];
        let opens_phrase =
            lexicon::is_french_determiner(&t.lower) || t.cap && !lexicon::is_not_name(&t.lower);
        // (After the first comma, a part that opens no noun phrase is more fronted material.)
        if !opens_phrase && hop == 0 {
            return None;
        }
        let mut b = a + 1;
        while b < hi
            && b - a < 12
            && toks[b].is_word()
            && !toks[b].quoted
            && !cue_verb(doc, b)
            && !is_auxiliary(&toks[b].lower)
            && !opens_clause(&toks[b].lower)
            && !imperfect_verb(&toks[b].lower)
        {
            b += 1;
        }
        // (A determiner opening the sentence opens a noun phrase, however often it is written.)
        let common = !lexicon::is_french_determiner(&t.lower) && common_word_opening(doc, a) && !toks[a + 1..b].iter().any(|t| t.cap);
        if opens_phrase && !common && accept(doc, Phrase { a, b }) {
            return Some(Phrase { a, b });
        }
        // The phrase was fronted when a comma follows it before any verb of the clause ("Fidèle
        // à cette tactique qui lui vaut …, X a dénoncé"): the subject comes after that comma.
        let comma = (b..hi.min(b + 30)).find(|&k| {
            !toks[k].quoted
                && (toks[k].is_punct(',')
                    || toks[k].is_punct('.')
                    || is_auxiliary(&toks[k].lower)
                    || cue_verb(doc, k))
        })?;
        if !toks[comma].is_punct(',') || comma + 1 >= hi {
            return None;
        }
        a = comma + 1;
        while a < hi && toks[a].is_punct(',') {
            a += 1;
        }
        if a >= hi {
            return None;
        }
    }
    None
}

/// Whether token `k` opens its sentence with a capitalised common word ("Dernier jour, …",
/// "Fidèle à sa méthode, …"): the text writes it in lower case elsewhere, or a lower-case word
/// that is no verb follows it.
fn common_word_opening(doc: &Doc, k: usize) -> bool {
    let toks = &doc.tokens;
    doc.sentence_start(k) == k
        && toks[k].cap
        && (doc.is_capitalised_common(k)
            || toks.get(k + 1).is_some_and(|n| {
                n.is_word()
                    && !n.cap
                    && !is_auxiliary(&n.lower)
                    && !lexicon::is_cue(&n.lower)
                    && !in_verb_group(&n.lower)
                    && !imperfect_verb(&n.lower)
            }))
}

/// Whether a subject phrase names a person or a body: a capitalised name that is not in a
/// complement ("la gauche de Jean Dupont" is about the left), or a head noun of a person or a
/// body ("la porte-parole", "le gouvernement").
pub(crate) fn names_a_person_or_body(doc: &Doc, p: Phrase) -> bool {
    let toks = &doc.tokens;
    let head = (p.a..p.b).find(|&k| {
        !lexicon::is_french_determiner(&toks[k].lower) && !lexicon::is_role_stop(&toks[k].lower)
    });
    if head.is_some_and(|h| {
        lexicon::is_person_noun(&toks[h].lower) || lexicon::is_body_noun(&toks[h].lower)
    }) {
        return true;
    }
    let first_name = (p.a..p.b).find(|&k| {
        toks[k].cap
            && !lexicon::is_not_name(&toks[k].lower)
            && !(k == p.a && lexicon::is_french_determiner(&toks[k].lower))
    });
    first_name.is_some_and(|k| {
        k == p.a
            || !matches!(toks[k - 1].lower.as_str(), "de" | "du" | "des" | "d'")
                && toks[p.a..k].iter().all(|t| {
                    lexicon::is_french_determiner(&t.lower)
                        || lexicon::is_role_stop(&t.lower)
                        || lexicon::is_person_noun(&t.lower)
                        || lexicon::is_role_word(&t.lower)
                        || t.cap
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(doc: &Doc, w: &str) -> usize {
        doc.tokens
            .iter()
            .position(|t| t.lower == w)
            .unwrap_or_else(|| panic!("no token {w}"))
    }

    fn text_of(doc: &Doc, p: Option<Phrase>) -> Option<String> {
        p.map(|p| doc.tok_text(p.a, p.b))
    }

    #[test]
    fn subject_skips_an_incidental_phrase_between_commas() {
        let doc =
            Doc::new("La présidente du syndicat, très remontée, a affirmé que rien ne changerait.");
        let v = find(&doc, "affirmé");
        assert_eq!(
            text_of(&doc, subject_before(&doc, v, 0)).as_deref(),
            Some("La présidente du syndicat")
        );
    }

    #[test]
    fn a_name_apposed_to_a_description_stays_in_the_subject() {
        let doc = Doc::new("Le patron du club, Marc Leroy, a annoncé son départ.");
        let v = find(&doc, "annoncé");
        assert_eq!(
            text_of(&doc, subject_before(&doc, v, 0)).as_deref(),
            Some("Le patron du club, Marc Leroy")
        );
    }

    #[test]
    fn subject_skips_a_parenthesis() {
        let doc = Doc::new(
            "Le porte-parole (un ancien journaliste) a indiqué que la réunion aurait lieu.",
        );
        let v = find(&doc, "indiqué");
        assert_eq!(
            text_of(&doc, subject_before(&doc, v, 0)).as_deref(),
            Some("Le porte-parole")
        );
    }

    #[test]
    fn relative_qui_hands_the_subject_to_its_antecedent() {
        let doc = Doc::new("Ils ont rencontré le maire, qui a déclaré que la fête était annulée.");
        let v = find(&doc, "déclaré");
        assert_eq!(
            text_of(&doc, subject_before(&doc, v, 0)).as_deref(),
            Some("le maire")
        );
    }

    #[test]
    fn compound_and_pronominal_verb_groups() {
        let doc = Doc::new("Paul Martin ne s'est pas dit surpris.");
        let v = find(&doc, "dit");
        assert_eq!(doc.tokens[verb_group_start(&doc, v, 0)].lower, "ne");
        assert_eq!(
            text_of(&doc, subject_before(&doc, v, 0)).as_deref(),
            Some("Paul Martin")
        );
        let doc = Doc::new("Cela ne suffira pas, a-t-elle ajouté.");
        let v = find(&doc, "ajouté");
        assert_eq!(
            text_of(&doc, subject_before(&doc, v, 0)).as_deref(),
            Some("a-t-elle")
        );
    }

    #[test]
    fn a_coordinated_verb_has_no_subject_of_its_own() {
        let doc = Doc::new("Le juge est arrivé tôt et a expliqué la procédure.");
        let v = find(&doc, "expliqué");
        assert_eq!(subject_before(&doc, v, 0), None);
    }

    #[test]
    fn a_pronoun_continues_the_subject_of_the_clause_before() {
        let doc = Doc::new(
            "La sénatrice Anne Roux a visité l'usine de Jean Petit. Elle a promis des aides.",
        );
        let elle = find(&doc, "elle");
        assert_eq!(
            text_of(&doc, continued_subject(&doc, elle)).as_deref(),
            Some("La sénatrice Anne Roux")
        );
    }

    #[test]
    fn a_thing_as_subject_is_looked_through() {
        let doc = Doc::new("Le député Paul Noir a parlé longuement. Une attaque visant la gauche de Marie Blanc. Il a conclu ainsi.");
        let il = doc.tokens.iter().rposition(|t| t.lower == "il").unwrap();
        assert_eq!(
            text_of(&doc, continued_subject(&doc, il)).as_deref(),
            Some("Le député Paul Noir")
        );
    }

    #[test]
    fn a_fronted_phrase_before_the_subject_is_passed() {
        let doc = Doc::new("La veille au soir, la ministre des Sports recevait les clubs. Elle a promis des aides.");
        let elle = find(&doc, "elle");
        assert_eq!(
            text_of(&doc, continued_subject(&doc, elle)).as_deref(),
            Some("la ministre des Sports")
        );
    }

    #[test]
    fn a_lone_quote_mark_is_no_sentence_between_subject_and_pronoun() {
        let doc = Doc::new("La juge Claire Morel a parlé aux jurés. Dernier jour, le procès reprend. « Rien n'est joué », a-t-elle dit.");
        let elle = find(&doc, "a-t-elle");
        assert_eq!(
            text_of(&doc, continued_subject(&doc, elle)).as_deref(),
            Some("La juge Claire Morel")
        );
    }

    #[test]
    fn a_fronted_adjective_phrase_with_commas_is_passed() {
        let doc = Doc::new("Fidèle à sa méthode qui lui vaut, à chaque fois, des critiques, la maire Anne Roy a répondu. « Non », a-t-elle dit.");
        let elle = find(&doc, "a-t-elle");
        assert_eq!(
            text_of(&doc, continued_subject(&doc, elle)).as_deref(),
            Some("la maire Anne Roy")
        );
    }

    #[test]
    fn adverbs_between_an_inverted_verb_and_its_subject() {
        let doc = Doc::new("« Non », résume quant à elle la juge, puis rappelle ainsi Paul Roy.");
        assert_eq!(
            verb_adverb_len(&doc, find(&doc, "quant"), doc.tokens.len()),
            3
        );
        assert_eq!(
            verb_adverb_len(&doc, find(&doc, "ainsi"), doc.tokens.len()),
            1
        );
        assert_eq!(verb_adverb_len(&doc, find(&doc, "la"), doc.tokens.len()), 0);
    }

    #[test]
    fn passive_and_adjectival_participles() {
        let doc = Doc::new("Une décision jugée sévère, puis qualifiée de dure, a été critiquée; le juge a qualifié l'acte.");
        assert!(passive_participle(&doc, find(&doc, "jugée"), 0));
        assert!(passive_participle(&doc, find(&doc, "critiquée"), 0));
        assert!(!passive_participle(&doc, find(&doc, "qualifié"), 0));
    }

    #[test]
    fn an_impersonal_il_in_between_is_looked_through() {
        let doc = Doc::new("Le ministre Luc Blanc a visité le port. Il faut dire que la grève dure. Il a répondu aux dockers.");
        let il = doc.tokens.iter().rposition(|t| t.lower == "il").unwrap();
        assert_eq!(
            text_of(&doc, continued_subject(&doc, il)).as_deref(),
            Some("Le ministre Luc Blanc")
        );
    }

    #[test]
    fn a_pronoun_far_from_any_subject_continues_nobody() {
        let doc = Doc::new(
            "Marc Dupuis a parlé. La salle était vide. Les portes restaient closes. On attendait. Il ne « manque de rien ».",
        );
        let il = find(&doc, "il");
        assert_eq!(continued_subject(&doc, il), None);
    }
}
