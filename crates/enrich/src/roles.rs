//! Roles and titles of people, read from the words around a person mention.
//!
//! Before the name: a title phrase right in front of it ("Armenian Prime Minister Nikol
//! Pashinian", "Minister of the Armed Forces Sébastien Lecornu", "his Chinese counterpart
//! Wang Yi", "le ministre des Armées Sébastien Lecornu"), or one just before a comma
//! ("its general director, Audrey Azoulay"). After the name: an appositive between commas
//! ("Audrey Azoulay, the director-general of UNESCO,"). A phrase is a role only if it
//! contains a role word; leading determiners and possessives are dropped.

use crate::token::Token;
use crate::Span;
use polmon_model::EntityType;

/// Nouns that make a phrase a role (lowercase; en, fr, de, es, it, nl, pt, pl).
const HEADS: &[&str] = &[
    "minister", "president", "secretary", "chancellor", "counterpart", "head", "leader",
    "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy", "general", "senator",
    "governor", "mayor", "ceo", "chairman", "chairwoman", "chair", "director", "director-general",
    "commissioner", "king", "queen", "prince", "princess", "pope", "judge", "prosecutor", "premier",
    "deputy", "chief", "diplomat", "commander", "candidate", "lawmaker", "mp", "congressman",
    "congresswoman", "representative", "official", "adviser", "advisor", "coach", "manager",
    "founder", "vice-president", "speaker", "attorney", "emir", "sheikh", "sultan", "negotiator",
    "archbishop", "bishop", "cardinal", "officer", "colonel", "lieutenant", "admiral", "marshal",
    "ayatollah", "chairperson", "professor", "economist", "analyst", "mediator", "rapporteur",
    "ministre", "président", "présidente", "secrétaire", "chancelier", "chancelière", "homologue",
    "chef", "cheffe", "dirigeant", "dirigeante", "porte-parole", "ambassadeur", "ambassadrice",
    "envoyé", "envoyée", "général", "sénateur", "sénatrice", "gouverneur", "maire", "directeur",
    "directrice", "directeur général", "commissaire", "roi", "reine", "pape", "juge", "procureur",
    "procureure", "député", "députée", "patron", "patronne", "conseiller", "conseillère", "candidat",
    "candidate", "avocat", "avocate", "vice-président", "vice-présidente", "délégué", "déléguée",
    "haut-commissaire", "responsable", "entraîneur", "fondateur", "fondatrice", "pdg",
    "première", "numéro", "eurodéputé", "eurodéputée", "ministro", "ministra", "presidente",
    "präsident", "präsidentin", "kanzler", "kanzlerin", "bundeskanzler", "außenminister",
    "minister-president", "segretario", "secretario", "secretaria", "portavoz", "portavoce",
    "prezydent", "premier", "rzecznik", "voorzitter", "bondskanselier", "burgemeester",
    "sindaco", "alcalde", "canciller", "primeiro-ministro", "ministre-président", "präsidenten",
    "kanzlers", "ministerpräsident", "ministerpräsidentin", "außenministerin", "verteidigungsminister",
    "premiera", "prezydenta", "prezydentem", "ministra", "presidenta", "vicepresidente",
];

/// Words that modify a role ("Prime", "former", "foreign", "adjoint").
const MODIFIERS: &[&str] = &[
    "prime", "foreign", "deputy", "vice", "former", "acting", "interim", "first", "chief",
    "executive", "senior", "top", "defense", "defence", "finance", "interior", "health", "economy",
    "justice", "state", "junior", "outgoing", "incoming", "new", "late", "general", "assistant",
    "associate", "special", "lead", "opposition", "party", "national", "federal", "regional",
    "european", "ancien", "ancienne", "nouveau", "nouvelle", "adjoint", "adjointe", "délégué",
    "déléguée", "sortant", "sortante", "actuel", "actuelle", "haut", "haute", "ex", "ex-", "candidate",
];

/// Words that join a role's parts ("of", "des", "d'").
const CONNECTORS: &[&str] = &[
    "of", "for", "and", "de", "des", "du", "d'", "d’", "et", "à", "aux", "in", "der", "des", "für",
    "del", "della", "dei", "degli", "do", "da", "dos", "das", "van", "voor", "ds.", "of the",
    "y", "e", "di", "dello", "delle",
];

/// Determiners and possessives that open a noun phrase.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "its", "their", "our", "le", "la", "les", "l'", "l’", "son",
    "sa", "ses", "leur", "un", "une", "der", "die", "das", "el", "il", "lo", "o", "a", "de", "het",
    "een",
];

/// Lowercase words that can follow a connector inside a role ("diplomacy", "étrangères").
const DOMAINS: &[&str] = &[
    "diplomacy", "diplomatie", "affairs", "affaires", "étrangères", "étrangers", "defence",
    "defense", "défense", "state", "état", "finance", "finances", "economy", "économie",
    "interior", "intérieur", "justice", "health", "santé", "education", "éducation", "armed",
    "forces", "armées", "government", "gouvernement", "opposition", "party", "parti", "staff",
    "commission", "council", "conseil", "police", "army", "armée", "navy", "agriculture",
    "culture", "labour", "labor", "travail", "trade", "commerce", "energy", "énergie",
    "environment", "environnement", "transport", "transports", "ecology", "écologie",
    "foreign", "security", "sécurité", "intelligence", "renseignement", "communication",
    "industry", "industrie", "budget", "treasury", "research", "recherche", "sport", "sports",
    "housing", "logement", "europe", "migration", "immigration", "régions", "collectivités",
    "territoriales", "comptes", "publics", "nationale", "national", "européennes",
    "européen", "européenne", "policy", "politique", "the", "la", "le", "l'", "l’", "les",
    "esteri", "interni", "difesa", "giustizia", "sanità", "exteriores", "asuntos", "defensa",
    "hacienda", "justicia", "sanidad", "buitenlandse", "binnenlandse", "zaken", "defensie",
    "financiën", "auswärtigen", "inneren", "verteidigung", "finanzen",
];

/// Titles that, written before a name, are never part of it ("President Joe Biden").
const TITLES: &[&str] = &[
    "minister", "president", "secretary", "chancellor", "premier", "senator", "governor",
    "mayor", "king", "queen", "prince", "princess", "pope", "ambassador", "spokesman",
    "spokeswoman", "spokesperson", "commissioner", "chairman", "chairwoman", "ceo", "judge",
    "prosecutor", "director-general", "vice-president", "counterpart", "ministre", "président",
    "présidente", "secrétaire", "chancelier", "chancelière", "sénateur", "sénatrice", "maire",
    "roi", "reine", "pape", "ambassadeur", "ambassadrice", "porte-parole", "homologue",
    "ministro", "ministra", "presidente", "präsident", "präsidentin", "kanzler", "kanzlerin",
    "bundeskanzler", "premierminister", "außenminister", "sindaco", "alcalde", "burgemeester",
    "präsidenten", "ministerpräsident", "canciller", "presidenta", "prezydent", "premier",
    "speaker", "attorney",
];

/// How a word can take part in a title written before a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleWord {
    /// A title noun ("Minister", "President").
    Title,
    /// A word that can sit in a title ("Prime", "of", "the", "Armed", "French").
    Part,
    /// Anything else.
    No,
}

/// Classifies a word for title stripping (see [`TitleWord`]).
pub fn title_word(w: &str) -> TitleWord {
    let lower = w.to_lowercase();
    let l = lower.as_str();
    if TITLES.contains(&l) {
        TitleWord::Title
    } else if MODIFIERS.contains(&l)
        || CONNECTORS.contains(&l)
        || DETERMINERS.contains(&l)
        || DOMAINS.contains(&l)
        || is_nationality(w, l)
    {
        TitleWord::Part
    } else {
        TitleWord::No
    }
}

/// A domain noun that can open an organisation's name ("Parti", "Conseil", "Commission").
pub fn domain_noun(w: &str) -> bool {
    let l = w.to_lowercase();
    DOMAINS.contains(&l.as_str()) && !MODIFIERS.contains(&l.as_str()) && !is_nationality(w, &l) && l.chars().count() > 3
}

fn demonyms() -> &'static std::collections::HashSet<String> {
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| crate::DEMONYMS.lines().map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty()).collect())
}

/// A nationality word ("Armenian", "américain"), from `data/lexicon/demonyms.txt`.
fn is_nationality(_w: &str, lower: &str) -> bool {
    demonyms().contains(lower)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Head,
    Modifier,
    Connector,
    Determiner,
    Domain,
    Proper,
    Other,
}

fn classify(tok: &Token<'_>, in_entity: bool) -> Class {
    let w = tok.text;
    let lower = w.to_lowercase();
    let l = lower.as_str();
    if HEADS.contains(&l) {
        Class::Head
    } else if MODIFIERS.contains(&l) {
        Class::Modifier
    } else if CONNECTORS.contains(&l) {
        Class::Connector
    } else if DETERMINERS.contains(&l) {
        Class::Determiner
    } else if in_entity
        || w.chars().next().is_some_and(char::is_uppercase)
        || (is_nationality(w, l) && w.chars().all(char::is_lowercase))
    {
        Class::Proper
    } else if DOMAINS.contains(&l) {
        Class::Domain
    } else {
        Class::Other
    }
}

/// Attaches roles to the person spans (in place).
pub fn attach(tokens: &[Token<'_>], spans: &mut [Span]) {
    let mut owner = vec![usize::MAX; tokens.len()];
    for (k, s) in spans.iter().enumerate() {
        for o in &mut owner[s.first..s.last] {
            *o = k;
        }
    }
    for k in 0..spans.len() {
        if spans[k].kind != EntityType::Person {
            // a two- or three-word name right after a title is a person ("Foreign Minister Wang Yi")
            let (a, b) = (spans[k].first, spans[k].last);
            // capitalised words, a particle inside allowed ("Bill de Blasio")
            let name_like = (2..=4).contains(&(b - a))
                && tokens[a..b].iter().enumerate().all(|(j, t)| {
                    let mut c = t.text.chars();
                    let word = c.next().is_some_and(char::is_uppercase) && c.all(|c| c.is_lowercase() || c == '-');
                    word || (j > 0 && a + j + 1 < b && PARTICLES.contains(&t.text))
                })
                && (b - a <= 3 || tokens[a..b].iter().any(|t| PARTICLES.contains(&t.text)));
            if name_like && spans[k].kind != EntityType::Other {
                if let Some(role) = before(tokens, &owner, spans, a) {
                    spans[k].kind = EntityType::Person;
                    spans[k].role = Some(role);
                }
            }
            continue;
        }
        let (first, last) = (spans[k].first, spans[k].last);
        let role = before(tokens, &owner, spans, first)
            .or_else(|| after(tokens, &owner, spans, last));
        spans[k].role = role;
    }
}

fn class_at(tokens: &[Token<'_>], owner: &[usize], spans: &[Span], i: usize) -> Class {
    let o = owner[i];
    if o != usize::MAX && spans[o].kind == EntityType::Person {
        return Class::Other;
    }
    classify(&tokens[i], o != usize::MAX)
}

/// Role phrase ending right before token `end` (exclusive), read backwards.
fn phrase_before(tokens: &[Token<'_>], owner: &[usize], spans: &[Span], end: usize) -> Option<(usize, usize)> {
    let mut j = end;
    // never across a line break: a title on the line before is not this name's
    while j > 0 && end - j < 10 && !tokens.get(j).is_some_and(|t| t.line_start) {
        let c = class_at(tokens, owner, spans, j - 1);
        match c {
            Class::Other => break,
            Class::Determiner => {
                // inside the phrase only right after a connector ("Minister of the ...")
                let after_conn = j >= 2 && class_at(tokens, owner, spans, j - 2) == Class::Connector;
                if !after_conn {
                    break;
                }
            }
            Class::Domain => {
                // only inside the phrase: after a connector, a modifier or another domain word
                let ok = j >= 2
                    && matches!(
                        class_at(tokens, owner, spans, j - 2),
                        Class::Connector | Class::Domain | Class::Determiner | Class::Proper | Class::Modifier
                    );
                if !ok {
                    break;
                }
            }
            _ => {}
        }
        j -= 1;
    }
    trim(tokens, owner, spans, j, end)
}

/// Trims a candidate phrase: it must start on a role word, a modifier or a nationality,
/// end on a role word or a proper/domain word, and contain a role word.
fn trim(tokens: &[Token<'_>], owner: &[usize], spans: &[Span], mut a: usize, mut b: usize) -> Option<(usize, usize)> {
    while a < b {
        let c = class_at(tokens, owner, spans, a);
        let lower = tokens[a].text.to_lowercase();
        let free = owner[a] == usize::MAX || spans[owner[a]].kind == EntityType::Other;
        let ok = matches!(c, Class::Head | Class::Modifier)
            || (c == Class::Proper && is_nationality(tokens[a].text, &lower) && free);
        if ok {
            break;
        }
        a += 1;
    }
    while b > a && matches!(class_at(tokens, owner, spans, b - 1), Class::Connector | Class::Determiner) {
        b -= 1;
    }
    let has_head = (a..b).any(|i| class_at(tokens, owner, spans, i) == Class::Head);
    (has_head && a < b).then_some((a, b))
}

fn text_of(tokens: &[Token<'_>], a: usize, b: usize) -> String {
    let mut s = String::new();
    for (k, t) in tokens[a..b].iter().enumerate() {
        if k > 0 && tokens[a + k - 1].byte_end < t.byte_start {
            s.push(' ');
        }
        s.push_str(t.text);
    }
    s
}

fn before(tokens: &[Token<'_>], owner: &[usize], spans: &[Span], first: usize) -> Option<String> {
    if let Some((a, b)) = phrase_before(tokens, owner, spans, first) {
        // the phrase must end right at the name; of "X and Y" keep Y when it has a role word
        if b == first {
            let last_and = (a..b).rev().find(|&i| matches!(tokens[i].text, "and" | "et" | "und" | "y" | "e" | "en"));
            if let Some((a2, b2)) = last_and.and_then(|i| trim(tokens, owner, spans, i + 1, b)) {
                if b2 == b {
                    return Some(text_of(tokens, a2, b2));
                }
            }
            return Some(text_of(tokens, a, b));
        }
    }
    // "its general director, Audrey Azoulay"; "le maire de New York, Bill de Blasio"
    if first >= 2 && tokens[first - 1].text == "," {
        if let Some((a, b)) = phrase_before(tokens, owner, spans, first - 1) {
            let last = class_at(tokens, owner, spans, b - 1);
            let complement = matches!(last, Class::Proper | Class::Domain)
                && (a..b).any(|i| class_at(tokens, owner, spans, i) == Class::Connector);
            if b == first - 1 && (last == Class::Head || complement) {
                let opener = a.checked_sub(1).map(|i| class_at(tokens, owner, spans, i));
                if matches!(opener, Some(Class::Determiner)) {
                    return Some(text_of(tokens, a, b));
                }
            }
        }
    }
    None
}

fn after(tokens: &[Token<'_>], owner: &[usize], spans: &[Span], last: usize) -> Option<String> {
    if tokens.get(last).map(|t| t.text) != Some(",") {
        return None;
    }
    let mut i = last + 1;
    if i < tokens.len() && class_at(tokens, owner, spans, i) == Class::Determiner {
        i += 1;
    }
    let start = i;
    while i < tokens.len() && i - start < 10 {
        let c = class_at(tokens, owner, spans, i);
        if c == Class::Other || tokens[i].line_start {
            break;
        }
        i += 1;
    }
    let ends_ok = i >= tokens.len() || matches!(tokens[i].text, "," | "." | ";" | ")" | "—" | "–");
    if !ends_ok {
        return None;
    }
    let (a, b) = trim(tokens, owner, spans, start, i)?;
    (a == start).then(|| text_of(tokens, a, b))
}

/// Particles inside people's names ("Bill de Blasio", "Ursula von der Leyen").
const PARTICLES: &[&str] = &["de", "da", "di", "del", "du", "van", "von", "der", "den", "bin", "al", "le"];

/// Title words that do not name a role when they stand alone ("le premier", "the premier").
const AMBIGUOUS_ALONE: &[&str] = &["premier", "première", "chair", "speaker", "judge", "general"];

/// Determiners that make a role phrase a definite mention of one person ("the Secretary
/// of State", "le ministre des Armées", "his Chinese counterpart").
const DEFINITE: &[&str] = &[
    "the", "his", "her", "its", "their", "le", "la", "l'", "l’", "son", "sa", "leur", "der",
    "die", "das", "dem", "den", "el", "il", "lo", "o", "de", "het", "zijn", "haar",
];

fn content_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|w| !DETERMINERS.contains(&w.as_str()) && !CONNECTORS.contains(&w.as_str()))
        .cloned()
        .collect()
}

/// Nominal mentions of people: a definite role phrase not attached to a name ("the American
/// Secretary of State said", "le ministre des Armées a déclaré") that the document ties to
/// exactly one person, whose role (from [`attach`]) has the same role word and every other
/// word of the phrase (a nationality may be added: "American"). Returns new person spans
/// with the phrase as their role, and the index of the person span they refer to.
pub fn nominal(tokens: &[Token<'_>], spans: &[Span], canonical: &[String]) -> Vec<(Span, usize)> {
    let mut owner = vec![usize::MAX; tokens.len()];
    for (k, s) in spans.iter().enumerate() {
        for o in &mut owner[s.first..s.last] {
            *o = k;
        }
    }
    // each person's role words, by canonical name (first span of that name kept)
    let mut known: Vec<(usize, Vec<String>)> = Vec::new();
    for (k, s) in spans.iter().enumerate() {
        let (Some(role), EntityType::Person) = (&s.role, s.kind) else { continue };
        let words: Vec<String> = crate::token::tokenize(role).iter().map(|t| t.text.to_lowercase()).collect();
        known.push((k, content_words(&words)));
    }
    if known.is_empty() {
        return Vec::new();
    }
    let person_at = |i: usize| owner[i] != usize::MAX && spans[owner[i]].kind == EntityType::Person;
    // words already read as the role of a name next to them ("la canciller alemana Angela Merkel")
    let mut taken = vec![false; tokens.len()];
    for s in spans.iter().filter(|s| s.kind == EntityType::Person && s.role.is_some()) {
        for end in [s.first, s.first.saturating_sub(1)] {
            if let Some((a, b)) = phrase_before(tokens, &owner, spans, end) {
                if b == end {
                    taken[a..b].iter_mut().for_each(|t| *t = true);
                }
            }
        }
        if tokens.get(s.last).is_some_and(|t| t.text == ",") {
            let mut k = s.last + 1;
            while k < tokens.len() && k - s.last <= 12 && !matches!(tokens[k].text, "," | "." | ";") {
                taken[k] = true;
                k += 1;
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if owner[i] != usize::MAX || taken[i] || classify(&tokens[i], false) != Class::Head {
            i += 1;
            continue;
        }
        // right: more role words, or "of/des" + domain or proper words ("of State", "des Armées")
        let mut end = i + 1;
        loop {
            if end >= tokens.len() || tokens[end].line_start || person_at(end) {
                break;
            }
            match class_at(tokens, &owner, spans, end) {
                Class::Head | Class::Modifier if owner[end] == usize::MAX => end += 1,
                Class::Connector => {
                    let mut k = end + 1;
                    if k < tokens.len() && class_at(tokens, &owner, spans, k) == Class::Determiner {
                        k += 1;
                    }
                    let start = k;
                    while k < tokens.len()
                        && !tokens[k].line_start
                        && !person_at(k)
                        && matches!(class_at(tokens, &owner, spans, k), Class::Domain | Class::Proper | Class::Modifier)
                    {
                        k += 1;
                    }
                    if k == start {
                        break;
                    }
                    end = k;
                }
                _ => break,
            }
        }
        // left: modifiers, role words, nationalities ("American", "Chinese", "foreign")
        let mut a = i;
        while a > 0 && !tokens[a].line_start && !person_at(a - 1) {
            let c = class_at(tokens, &owner, spans, a - 1);
            let lower = tokens[a - 1].text.to_lowercase();
            let ok = matches!(c, Class::Modifier | Class::Head) || (c == Class::Proper && is_nationality(tokens[a - 1].text, &lower));
            if !ok {
                break;
            }
            a -= 1;
        }
        let next = i.max(end);
        i = next;
        let definite = a > 0 && DEFINITE.contains(&tokens[a - 1].text.to_lowercase().as_str());
        // a title or an appositive of a name next to it is that name's role already
        let names_next = (end < tokens.len() && person_at(end))
            || (end + 1 < tokens.len() && tokens[end].text == "," && person_at(end + 1))
            || (a >= 3 && tokens[a - 2].text == "," && person_at(a - 3));
        // one word alone must be an unambiguous title ("le premier" is "the first")
        let lone_ok = end - a > 1 || (TITLES.contains(&tokens[a].text.to_lowercase().as_str()) && !AMBIGUOUS_ALONE.contains(&tokens[a].text.to_lowercase().as_str()));
        if !definite || names_next || !lone_ok {
            continue;
        }
        let words: Vec<String> = tokens[a..end].iter().map(|t| t.text.to_lowercase()).collect();
        let mention = content_words(&words);
        let heads: Vec<&String> = mention.iter().filter(|w| HEADS.contains(&w.as_str())).collect();
        let fits = |role: &[String]| {
            heads.iter().all(|h| role.contains(h))
                && mention.iter().all(|w| {
                    role.contains(w)
                        || (is_nationality(w, w) && !role.iter().any(|r| is_nationality(r, r)))
                })
        };
        let mut found: Option<usize> = None;
        let mut unique = true;
        for (k, role) in &known {
            if fits(role) {
                match found {
                    Some(f) if canonical[f] != canonical[*k] => unique = false,
                    Some(_) => {}
                    None => found = Some(*k),
                }
            }
        }
        if let (Some(k), true) = (found, unique) {
            let role = Some(text_of(tokens, a, end));
            out.push((Span { first: a, last: end, kind: EntityType::Person, role }, k));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    /// Runs `attach` with the person given by its words, other entities by theirs.
    fn role_of(text: &str, person: &str, others: &[(&str, EntityType)]) -> Option<String> {
        let toks = tokenize(text);
        let find = |name: &str| {
            let n = tokenize(name).len();
            let words: Vec<&str> = tokenize(name).iter().map(|t| t.text).collect();
            (0..toks.len()).find(|&i| toks[i..].iter().take(n).map(|t| t.text).eq(words.iter().copied())).map(|i| (i, i + n)).unwrap()
        };
        let (a, b) = find(person);
        let mut spans = vec![Span { first: a, last: b, kind: EntityType::Person, role: None }];
        for (o, k) in others {
            let (a, b) = find(o);
            spans.push(Span { first: a, last: b, kind: *k, role: None });
        }
        spans.sort_by_key(|s| s.first);
        attach(&toks, &mut spans);
        spans.into_iter().find(|s| s.first == a).unwrap().role
    }

    #[test]
    fn roles_before_the_name() {
        let t = "The head of American diplomacy Antony Blinken is in France on Tuesday.";
        assert_eq!(role_of(t, "Antony Blinken", &[]).as_deref(), Some("head of American diplomacy"));
        let t = "with his counterpart Stéphane Séjourné, President Emmanuel Macron and Minister of the Armed Forces Sébastien Lecornu.";
        assert_eq!(role_of(t, "Sébastien Lecornu", &[("Armed Forces", EntityType::Organization)]).as_deref(), Some("Minister of the Armed Forces"));
        assert_eq!(role_of(t, "Emmanuel Macron", &[]).as_deref(), Some("President"));
        assert_eq!(role_of(t, "Stéphane Séjourné", &[]).as_deref(), Some("counterpart"));
        let t = "argued the French minister to his Chinese counterpart Wang Yi.";
        assert_eq!(role_of(t, "Wang Yi", &[]).as_deref(), Some("Chinese counterpart"));
        let t = "the bloc's foreign policy chief Josep Borrell said.";
        assert_eq!(role_of(t, "Josep Borrell", &[]).as_deref(), Some("foreign policy chief"));
        let t = "with Ukrainian President Volodymyr Zelensky, the ministry said.";
        assert_eq!(role_of(t, "Volodymyr Zelensky", &[("Ukrainian", EntityType::Other)]).as_deref(), Some("Ukrainian President"));
        let t = "he will also meet Armenian Prime Minister Nikol Pashinian and the leaders.";
        assert_eq!(role_of(t, "Nikol Pashinian", &[]).as_deref(), Some("Armenian Prime Minister"));
        let t = "Il a rencontré le ministre des Armées Sébastien Lecornu à Paris.";
        assert_eq!(role_of(t, "Sébastien Lecornu", &[]).as_deref(), Some("ministre des Armées"));
    }

    #[test]
    fn no_role_across_a_line_break() {
        let t = "warns the head of American diplomacy\nPolitics Monitor\nThe head of American diplomacy Antony Blinken is here.";
        assert_eq!(role_of(t, "Politics Monitor", &[]), None);
        assert_eq!(role_of(t, "Antony Blinken", &[]).as_deref(), Some("head of American diplomacy"));
    }

    #[test]
    fn a_name_after_a_title_becomes_a_person() {
        let t = "a meeting with its general director, Audrey Azoulay.";
        let toks = tokenize(t);
        let mut spans = vec![Span { first: 7, last: 9, kind: EntityType::Organization, role: None }];
        assert_eq!(toks[7].text, "Audrey");
        attach(&toks, &mut spans);
        assert_eq!(spans[0].kind, EntityType::Person);
        assert_eq!(spans[0].role.as_deref(), Some("general director"));
        let t = "the head of NATO Command said";
        let toks = tokenize(t);
        let mut spans = vec![Span { first: 3, last: 5, kind: EntityType::Organization, role: None }];
        attach(&toks, &mut spans);
        assert_eq!(spans[0].kind, EntityType::Organization);
    }

    #[test]
    fn roles_around_commas_and_none_without_a_role_word() {
        let t = "a meeting with its general director, Audrey Azoulay.";
        assert_eq!(role_of(t, "Audrey Azoulay", &[]).as_deref(), Some("general director"));
        let t = "They met Audrey Azoulay, the director-general of UNESCO, on Monday.";
        assert_eq!(role_of(t, "Audrey Azoulay", &[("UNESCO", EntityType::Organization)]).as_deref(), Some("director-general of UNESCO"));
        let t = "Yesterday Blinken told reporters in Versailles that he agreed.";
        assert_eq!(role_of(t, "Blinken", &[]), None);
        let t = "the visit of Antony Blinken to France";
        assert_eq!(role_of(t, "Antony Blinken", &[]), None);
    }

    #[test]
    fn nominal_mentions_resolve_to_the_person() {
        let t = "Secretary of State Antony Blinken met his Chinese counterpart Wang Yi. The American Secretary of State said the Chinese counterpart agreed. The president spoke.";
        let toks = tokenize(t);
        let find = |w: &str, n: usize| {
            let i = toks.iter().position(|t| t.text == w).unwrap();
            Span { first: i, last: i + n, kind: EntityType::Person, role: None }
        };
        let mut spans = vec![find("Antony", 2), find("Wang", 2)];
        attach(&toks, &mut spans);
        let canon = vec!["Antony Blinken".to_string(), "Wang Yi".to_string()];
        let got: Vec<(String, String)> = nominal(&toks, &spans, &canon)
            .into_iter()
            .map(|(s, k)| (s.role.unwrap(), canon[k].clone()))
            .collect();
        assert_eq!(got, [
            ("American Secretary of State".to_string(), "Antony Blinken".to_string()),
            ("Chinese counterpart".to_string(), "Wang Yi".to_string()),
        ]);
        let t = "Il a rencontré le ministre des Armées Sébastien Lecornu. Le ministre des Armées a ensuite déclaré...";
        let toks = tokenize(t);
        let i = toks.iter().position(|t| t.text == "Sébastien").unwrap();
        let mut spans = vec![Span { first: i, last: i + 2, kind: EntityType::Person, role: None }];
        attach(&toks, &mut spans);
        let got = nominal(&toks, &spans, &["Sébastien Lecornu".to_string()]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.role.as_deref(), Some("ministre des Armées"));
    }
}
