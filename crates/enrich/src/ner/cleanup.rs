//! Span clean-up after tagging: names do not run across brackets, commas, numbers or
//! verbs, and do not end in a possessive.
//!
//! A tagged span is cut at such tokens; each piece keeps the span's type unless it is a
//! country or capital name (always a location) or made only of demonyms ("other"); pieces without a
//! capitalised word are dropped, and pieces lose connector words at their ends. A title at
//! the front of a piece is cut off and what follows is a person; a title alone is dropped.
//! A lone common word capitalised only because it starts a sentence or sits in an
//! all-capitals line is dropped, and so is a piece made only of month or weekday names
//! (unless it is a person: "May"). A name in capitals that opens a news dateline (followed by
//! a date or a bracketed agency: "BIRMINGHAM , England 1996-08-31") is the place the story was
//! filed from. A hyphened particle name ("al-Assad") stays inside a name. A "person" that is
//! a listed place after "of"/"from" is the place; a listed place glued to the front of a
//! person after a title ("… of the United States Joe Biden") is cut off as a place; a
//! "person" ending in an organisation noun that is no surname ("State Department") is an
//! organisation.

use polmon_model::EntityType;

use super::gazetteer::Gazetteers;

/// Words that may sit inside a name in lowercase ("Bank of England", "Charles de Gaulle").
const CONNECTORS: &[&str] = &[
    "of", "the", "and", "for", "on", "upon", "de", "du", "des", "la", "le", "les", "d'", "d’",
    "l'", "l’", "von", "van", "der", "den", "y", "al", "el", "bin", "ben", "da", "di", "del",
    "della", "degli", "dei", "delle", "dello", "do", "dos", "et", "en", "à", "au", "aux", "sur",
    "zu", "zum", "&",
];

/// Connectors that never sit inside a person's name ("Macron and Minister ...").
const NOT_IN_PERSON: &[&str] = &["and", "et", "und", "&", "of", "the", "for", "on", "upon", "en", "sur", "à", "au", "aux"];

/// Lowercase articles after which a person's name has ended ("Rami Abd al-Rahman de
/// l'Observatoire syrien"): what follows is an organisation or a place.
const ARTICLE_AFTER_PERSON: &[&str] = &["l'", "l’", "la", "le", "les", "the"];

fn splits_kind(w: &str, lowercase_splits: bool, kind: EntityType, lists: &Gazetteers) -> bool {
    splits(w, lowercase_splits, lists)
        || (kind == EntityType::Person
            && (NOT_IN_PERSON.contains(&w.to_lowercase().as_str()) || ARTICLE_AFTER_PERSON.contains(&w)))
}

/// A lowercase word that ends a name in a language whose names keep lowercase words:
/// a word of the clause lexicon or a French future/conditional verb ("auront", "seraient").
fn clause_word(w: &str, lists: &Gazetteers) -> bool {
    if !w.chars().next().is_some_and(char::is_lowercase) {
        return false;
    }
    let lower = w.to_lowercase();
    let bare = ["d'", "d’", "l'", "l’", "qu'", "qu’"]
        .iter()
        .find_map(|p| lower.strip_prefix(p).filter(|r| !r.is_empty()))
        .unwrap_or(&lower);
    lists.clause.contains(bare)
        || (bare.chars().count() > 5 && (bare.ends_with("ront") || bare.ends_with("raient") || bare.ends_with("aient")))
}

fn splits(w: &str, lowercase_splits: bool, lists: &Gazetteers) -> bool {
    let has_alpha = w.chars().any(char::is_alphabetic);
    if !has_alpha {
        // punctuation and numbers; keep "&" and "-" inside names
        return !matches!(w, "&" | "-" | "." | "–");
    }
    if matches!(w, "'s" | "’s" | "'" | "’") {
        return true;
    }
    let first_lower = w.chars().next().is_some_and(char::is_lowercase);
    if !lowercase_splits {
        return clause_word(w, lists);
    }
    first_lower && !CONNECTORS.contains(&w.to_lowercase().as_str()) && !particle_name(w)
}

/// A lowercase particle joined to a capitalised name by a hyphen ("al-Assad", "el-Sisi",
/// "bin-Salman"): part of the name.
pub(crate) fn particle_name(w: &str) -> bool {
    w.split_once('-').is_some_and(|(p, rest)| {
        p.chars().count() <= 3 && p.chars().all(char::is_lowercase) && rest.chars().next().is_some_and(char::is_uppercase)
    })
}

/// Prepositions that sit inside French names before an article ("Alliance pour la démocratie").
const NAME_PREPOSITIONS: &[&str] = &["pour", "sur", "contre", "dans", "par", "avec", "entre", "sans", "sous", "vers", "chez", "en", "à"];
/// Articles that open a noun phrase after a verb ("annonce la tenue").
const ARTICLES: &[&str] = &["la", "le", "les", "l'", "l’", "un", "une"];
/// Coordinators between two names ("États-Unis et de la Russie").
const COORDINATORS: &[&str] = &["et", "and", "und", "y", "e", "en", "ou", "or"];

/// Where a name ends inside `[i, j)` in a language whose names keep lowercase words: before
/// a lowercase word followed by an article (a verb and its object: "Parti québécois annonce
/// la tenue"), or at a coordinator right after a listed country or place ("États-Unis et de
/// la Russie").
fn clause_end(words: &[&str], i: usize, j: usize, lists: &Gazetteers) -> usize {
    for k in i + 1..j {
        let w = words[k];
        let lower = w.to_lowercase();
        let next_article = words.get(k + 1).is_some_and(|n| ARTICLES.contains(n));
        if w.chars().next().is_some_and(char::is_lowercase)
            && next_article
            && !CONNECTORS.contains(&lower.as_str())
            && !NAME_PREPOSITIONS.contains(&lower.as_str())
        {
            return k;
        }
        if COORDINATORS.contains(&lower.as_str()) {
            let from = (i..k).find(|&m| !CONNECTORS.contains(&words[m].to_lowercase().as_str())).unwrap_or(k);
            let before: Vec<String> = words[from..k].iter().map(|w| w.to_lowercase()).collect();
            if lists.contains(&before) {
                return k;
            }
        }
    }
    j
}

/// Words that open a sentence before a name without being part of it ("Regarding Trump",
/// "Although Biden", "Selon Macron"): conjunctions, prepositions and sentence adverbs, a
/// closed list, so that a first name that is also a common word ("Bill", "Will") stays.
const SENTENCE_OPENERS: &[&str] = &[
    "although", "though", "unlike", "regarding", "despite", "while", "whereas", "when", "after", "before", "since",
    "because", "unless", "until", "meanwhile", "however", "moreover", "nevertheless", "like", "according", "yet",
    "also", "but", "and", "so", "then", "if", "as", "for", "with", "without", "from", "thanks", "selon", "pour",
    "après", "avant", "depuis", "quand", "lorsque", "mais", "comme", "malgré", "pendant", "alors", "ainsi",
    "cependant", "pourtant", "donc", "avec", "sans", "contre", "chez", "d'après",
];

/// Numbers and quantifiers before a plural common noun (en, fr, de, es, it, nl).
const COUNT_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "many",
    "other", "some", "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf", "dix", "plusieurs",
    "autres", "quelques", "certains", "nombreux", "zwei", "drei", "vier", "fünf", "mehrere",
    "andere", "dos", "tres", "cuatro", "varios", "otros", "due", "tre", "quattro", "altri",
    "twee", "drie", "vier", "andere",
];

/// Month and weekday names and their abbreviations (en, fr, de, nl, es, it), lowercased.
const CALENDAR_WORDS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "janvier",
    "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "januar",
    "februar", "märz", "juni", "juli", "oktober", "dezember", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "januari", "februari", "maart", "mei", "augustus",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "enero", "febrero",
    "marzo", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "gennaio", "febbraio",
    "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre", "lunedì", "martedì",
    "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
];

/// Whether a piece is only a date word ("July", "Oct .", "Sunday"): never an organisation or
/// a place. A person keeps a lone "May" or "August" (a surname or a given name).
fn only_calendar(words: &[&str]) -> bool {
    let mut any = false;
    for w in words {
        if *w == "." {
            continue;
        }
        if !CALENDAR_WORDS.contains(&w.trim_end_matches('.').to_lowercase().as_str()) {
            return false;
        }
        any = true;
    }
    any
}

/// News agencies that follow a dateline's place in brackets ("WASHINGTON (Reuters)").
const AGENCIES: &[&str] = &["reuters", "ap", "afp", "dpa", "ansa", "efe", "xinhua", "interfax", "tass", "upi", "belga", "anp"];

/// A date token or a date phrase at `k`: "1996-08-31", "31/08/1996", "Aug 31", "Dec. 2".
fn date_at(words: &[&str], k: usize) -> bool {
    let Some(w) = words.get(k) else { return false };
    let digits = w.chars().filter(char::is_ascii_digit).count();
    if digits >= 6 && w.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.')) {
        return true;
    }
    let mut next = k + 1;
    if words.get(next) == Some(&".") {
        next += 1;
    }
    only_calendar(&[w]) && words.get(next).is_some_and(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// Whether the name `[s, e)` opens a news dateline: in capitals, first in its line and
/// followed by a date or a bracketed agency, maybe after a region ("BIRMINGHAM , England 1996-08-31",
/// "WASHINGTON ( Reuters )"). The name is then the place the story was filed from.
fn dateline(words: &[&str], s: usize, e: usize) -> bool {
    // datelines write the place in capitals; a mixed-case name before a date is a caption or
    // a reference ("Mozart , Salzburg 1756")
    if s != 0 || words[s..e].iter().any(|w| w.chars().any(char::is_lowercase)) {
        return false;
    }
    let mut k = e;
    if words.get(k) == Some(&",") {
        k += 1;
        if date_at(words, k) {
            return true;
        }
        // a region: up to three capitalised words
        let from = k;
        while k < words.len() && k - from < 3 && capitalised(words[k]) && !date_at(words, k) {
            k += 1;
        }
        if k == from {
            return false;
        }
    }
    date_at(words, k)
        || (words.get(k) == Some(&"(")
            && words.get(k + 1).is_some_and(|a| AGENCIES.contains(&a.to_lowercase().as_str())))
}

/// An accent-free form for looking a word up ("etats" → "états" is found as "etats").
fn fold_accents(w: &str) -> String {
    w.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

/// The bundled common words without accents.
fn folded_common() -> &'static std::collections::HashSet<String> {
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| crate::COMMON_WORDS.lines().map(|l| fold_accents(&l.trim().to_lowercase())).collect())
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Strips a title from the front of a span: "President Joe Biden" → "Joe Biden" (a person),
/// "Armed Forces Sébastien Lecornu" after "Minister of the" → "Sébastien Lecornu",
/// "French Minister" → nothing. Returns the new start and kind, or `None` to drop the span.
fn strip_title(words: &[&str], a: usize, b: usize, kind: EntityType) -> Option<(usize, EntityType)> {
    use crate::roles::{title_word, TitleWord};
    if let Some((_, rest)) = inner_title(words, a, b) {
        return rest.map(|k| (k, EntityType::Person));
    }
    // a title just before the span ("Minister of the | Armed Forces ...")
    let mut j = a;
    while j > 0 && a - j < 3 && CONNECTORS.contains(&words[j - 1].to_lowercase().as_str()) {
        j -= 1;
    }
    let mut title = j < a && j > 0 && title_word(words[j - 1]) == TitleWord::Title;
    let mut k = a;
    while k < b {
        match title_word(words[k]) {
            TitleWord::Title => title = true,
            TitleWord::Part => {}
            TitleWord::No => break,
        }
        k += 1;
    }
    if !title || k == a {
        return Some((a, kind));
    }
    // do not leave a connector at the front of the name
    while k < b && CONNECTORS.contains(&words[k].to_lowercase().as_str()) {
        k += 1;
    }
    if k == b {
        return None;
    }
    Some((k, EntityType::Person))
}

/// A title inside a span after a name ("NATO Secretary General Jens Stoltenberg"):
/// returns the end of the leading name and the start of the person after the title, if any.
fn inner_title(words: &[&str], a: usize, b: usize) -> Option<(usize, Option<usize>)> {
    use crate::roles::{title_word, TitleWord};
    let t = (a + 1..b).find(|&i| title_word(words[i]) == TitleWord::Title)?;
    if (a..t).any(|i| title_word(words[i]) != TitleWord::No || !capitalised(words[i])) {
        return None;
    }
    let mut k = t;
    while k < b && title_word(words[k]) != TitleWord::No {
        k += 1;
    }
    Some((t, (k < b).then_some(k)))
}

/// Nouns that end an organisation's name ("State Department", "Labour Party", "Supreme
/// Court"), and a person's only when they are a listed surname too ("Margaret Court").
const ORG_HEADS: &[&str] = &[
    "department", "ministry", "agency", "party", "council", "committee", "commission", "court",
    "bank", "university", "institute", "foundation", "association", "union", "corporation",
    "company", "inc", "inc.", "ltd", "ltd.", "corp", "corp.", "group", "office", "senate",
    "parliament", "congress", "assembly", "administration", "police", "army", "navy", "network",
    "channel", "ministère", "parti", "conseil", "comité", "université", "ministerium", "partei", "universität", "ministerio", "partido", "ministero",
    "partito", "ministerie", "partij",
];

/// Whether a person's name is only a listed place: a tagged "person" after a preposition
/// ("Senator Amy Klobuchar of Minnesota", "a senator from Vermont") whose words are
/// in no name list is the place.
fn place_after_preposition(words: &[&str], s: usize, lower: &[String], lists: &Gazetteers) -> bool {
    s > 0
        && matches!(words[s - 1].to_lowercase().as_str(), "of" | "from")
        && lists.contains(lower)
        && lower.iter().all(|w| lists.name_marks(w) == 0)
}

/// Where a listed place glued to the front of a person's name ends ("Vice President of the
/// United States Joe Biden" tagged "United States Joe Biden", "Senator from Vermont Bernie
/// Sanders"): the span follows "of", "from" or "the" (the end of a title), the place is no
/// name itself and is followed by a listed given name and a capitalised word. Returns the
/// place's length in words.
fn place_before_name(words: &[&str], s: usize, lower: &[String], lists: &Gazetteers) -> Option<usize> {
    let after_title = s > 0 && matches!(words[s - 1].to_lowercase().as_str(), "of" | "from" | "the" | "de" | "des" | "du");
    if !after_title || lists.name_marks(&lower[0]) != 0 {
        return None;
    }
    (1..lower.len().saturating_sub(1)).rev().find(|&m| {
        lists.contains(&lower[..m]) && lists.given_names.contains(&lower[m]) && capitalised(words[s + m + 1])
    })
}

/// Cleans one span `[a, b)` over `words`; returns the pieces with their types.
/// `lowercase_splits`: a lowercase word (other than a connector) ends a name, as in
/// English; French names keep lowercase words ("Assemblée nationale").
pub fn clean(
    words: &[&str],
    a: usize,
    b: usize,
    kind: EntityType,
    lists: &Gazetteers,
    lowercase_splits: bool,
) -> Vec<(usize, usize, EntityType)> {
    let mut out = Vec::new();
    let upper = super::features::mostly_upper(words);
    let mut i = a;
    while i < b {
        while i < b && splits_kind(words[i], lowercase_splits, kind, lists) {
            i += 1;
        }
        let mut j = i;
        while j < b && !splits_kind(words[j], lowercase_splits, kind, lists) {
            j += 1;
        }
        if !lowercase_splits {
            j = clause_end(words, i, j, lists);
        }
        // after an article that ended a person's name comes an organisation or a place
        let kind_here = if kind == EntityType::Person && i > a && ARTICLE_AFTER_PERSON.contains(&words[i - 1]) {
            EntityType::Organization
        } else {
            kind
        };
        // trim connectors and dashes at the ends
        let (mut s, mut e) = (i, j);
        // a capitalised connector inside a sentence belongs to the name ("Des Moines", "De Gaulle")
        let kept_connector = |k: usize| {
            capitalised(words[k]) && k > 0 && !upper && !matches!(words[k - 1], "." | "!" | "?" | ":" | "\"" | "“" | "«" | "-" | "—" | "–")
        };
        while s < e
            && ((CONNECTORS.contains(&words[s].to_lowercase().as_str()) && !kept_connector(s))
                || !words[s].chars().any(char::is_alphanumeric))
        {
            s += 1;
        }
        while e > s && (CONNECTORS.contains(&words[e - 1].to_lowercase().as_str()) || !words[e - 1].chars().any(char::is_alphanumeric)) {
            e -= 1;
        }
        // a word that opens the sentence before the name ("Regarding Trump")
        while e > s + 1
            && (s == 0 || upper || matches!(words[s - 1], "." | "!" | "?" | ":" | "\"" | "“" | "«" | "\n"))
            && SENTENCE_OPENERS.contains(&words[s].to_lowercase().as_str())
        {
            s += 1;
        }
        if let Some((name_end, _)) = inner_title(words, s, e) {
            // the affiliation before the title keeps the span's type ("NATO", "US")
            out.extend(clean(words, s, name_end, kind_here, lists, lowercase_splits));
        }
        let (s, k0) = match strip_title(words, s, e, kind_here) {
            Some(x) => x,
            None => {
                i = j;
                continue;
            }
        };
        // a lone common word capitalised only by its position ("Attendance : 200", "SOCCER -")
        let position_cap = s == 0 || upper || matches!(words[s - 1], "." | "!" | "?" | ":" | "-" | "\"" | "“");
        // or a common noun after a number ("dans huit Etats", "the other States")
        let after_count = s > 0 && kind_here != EntityType::Person && COUNT_WORDS.contains(&words[s - 1].to_lowercase().as_str());
        let lone_common = e == s + 1
            && (position_cap || after_count)
            && (lists.common.contains(&words[s].to_lowercase()) || (after_count && folded_common().contains(&fold_accents(&words[s].to_lowercase()))));
        if k0 == EntityType::Person && kind_here != EntityType::Person {
            // a title made the rest a person: clean it again with the person rules
            out.extend(clean(words, s, e, EntityType::Person, lists, lowercase_splits));
            i = j;
            continue;
        }
        // only title words ("Armenian Prime", "Foreign Affairs"): not a name
        // ("Parti socialiste", "Parti québécois" start with a noun: names)
        let only_title_words = s < e
            && words[s..e].iter().all(|w| crate::roles::title_word(w) != crate::roles::TitleWord::No)
            && !(capitalised(words[s]) && crate::roles::domain_noun(words[s]) && e > s + 1)
            && !lists.all_demonyms(&words[s..e].iter().map(|w| w.to_lowercase()).collect::<Vec<_>>());
        let calendar = k0 != EntityType::Person && only_calendar(&words[s..e]);
        if s < e && !lone_common && !only_title_words && !calendar && words[s..e].iter().any(|w| capitalised(w)) {
            let lower: Vec<String> = words[s..e].iter().map(|w| w.to_lowercase()).collect();
            let whole_country = {
                let m = lists.country.mark(&lower);
                m.first() == Some(&super::gazetteer::GazMark::Begin)
                    && m[1..].iter().all(|x| *x == super::gazetteer::GazMark::Inside)
            };
            let k = if lists.all_demonyms(&lower) {
                EntityType::Other
            } else if whole_country || dateline(words, s, e) || (k0 == EntityType::Person && place_after_preposition(words, s, &lower, lists)) {
                EntityType::Location
            } else if k0 == EntityType::Person && e > s + 1 && ORG_HEADS.contains(&lower[e - s - 1].as_str()) && lists.name_marks(&lower[e - s - 1]) == 0 {
                EntityType::Organization
            } else {
                k0
            };
            if k == EntityType::Person {
                if let Some(m) = place_before_name(words, s, &lower, lists) {
                    out.push((s, s + m, EntityType::Location));
                    out.push((s + m, e, EntityType::Person));
                    i = j;
                    continue;
                }
            }
            out.push((s, e, k));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::gazetteer::Gazetteer;
    use EntityType::{Location, Organization, Person};

    fn lists() -> Gazetteers {
        Gazetteers {
            country: Gazetteer::from_lines("Yugoslavia\nUS\n"),
            common: ["attendance".to_string()].into_iter().collect(),
            ..Default::default()
        }
    }

    #[test]
    fn dateline_names_are_places() {
        let lists = lists();
        let iso = ["NEW", "YORK", "1996-08-31"];
        assert_eq!(clean(&iso, 0, 2, Organization, &lists, true), [(0, 2, Location)]);
        let region = ["BIRMINGHAM", ",", "England", "1996-08-31"];
        assert_eq!(clean(&region, 0, 1, Person, &lists, true), [(0, 1, Location)]);
        let agency = ["WASHINGTON", "(", "Reuters", ")", "-", "The"];
        assert_eq!(clean(&agency, 0, 1, Organization, &lists, true), [(0, 1, Location)]);
        let month = ["PARIS", ",", "Dec", ".", "2", "-"];
        assert_eq!(clean(&month, 0, 1, Organization, &lists, true), [(0, 1, Location)]);
        // not a dateline: a team in a results line, a name later in the line, no date after
        let results = ["Leicestershire", "22", "points", ",", "Somerset", "4"];
        assert_eq!(clean(&results, 0, 1, Organization, &lists, true), [(0, 1, Organization)]);
        let later = ["Shares", "of", "Pirelli", "1996-08-31"];
        assert_eq!(clean(&later, 2, 3, Organization, &lists, true), [(2, 3, Organization)]);
        let region_only = ["PIRELLI", ",", "Milan", "said"];
        assert_eq!(clean(&region_only, 0, 1, Organization, &lists, true), [(0, 1, Organization)]);
        let mixed_case = ["Pirelli", "1996-08-31"];
        assert_eq!(clean(&mixed_case, 0, 1, Organization, &lists, true), [(0, 1, Organization)]);
    }

    #[test]
    fn date_words_are_not_organisations_or_places() {
        let lists = lists();
        let w = ["Shares", "rose", "on", "Sunday", "in", "July", "and", "Oct", "."];
        assert!(clean(&w, 3, 4, Organization, &lists, true).is_empty());
        assert!(clean(&w, 5, 6, Location, &lists, true).is_empty());
        assert!(clean(&w, 7, 9, Organization, &lists, true).is_empty());
        // a person named May stays, and so does a name that only contains a month
        let p = ["May", "said", "July", "Morning", "Group", "won"];
        assert_eq!(clean(&p, 0, 1, Person, &lists, true), [(0, 1, Person)]);
        assert_eq!(clean(&p, 2, 5, Organization, &lists, true), [(2, 5, Organization)]);
    }

    #[test]
    fn cuts_at_brackets_numbers_and_possessives() {
        let lists = lists();
        let w = ["Red", "Star", "(", "Yugoslavia", ")", "beat", "Dinamo"];
        let got = clean(&w, 0, 7, Organization, &lists, true);
        assert_eq!(got, [(0, 2, Organization), (3, 4, Location), (6, 7, Organization)]);
        let w = ["Sussex", "363", "Shearer", "'s"];
        assert_eq!(clean(&w, 0, 2, Organization, &lists, true), [(0, 1, Organization)]);
        assert_eq!(clean(&w, 2, 4, Person, &lists, true), [(2, 3, Person)]);
        let w = ["Bank", "of", "England"];
        assert_eq!(clean(&w, 0, 3, Organization, &lists, true), [(0, 3, Organization)]);
    }

    #[test]
    fn lowercase_words_split_english_names_only() {
        let lists = lists();
        let w = ["Assemblée", "nationale", ",", "Paris"];
        assert_eq!(clean(&w, 0, 2, Organization, &lists, false), [(0, 2, Organization)]);
        assert_eq!(clean(&w, 0, 2, Organization, &lists, true), [(0, 1, Organization)]);
    }

    #[test]
    fn titles_are_cut_off_and_the_rest_is_a_person() {
        let lists = lists();
        let w = ["President", "Joe", "Biden", "and", "French", "Minister", "of", "the", "Armed", "Forces", "Sébastien", "Lecornu"];
        assert_eq!(clean(&w, 0, 3, Organization, &lists, true), [(1, 3, Person)]);
        assert_eq!(clean(&w, 4, 6, Location, &lists, true), []);
        assert_eq!(clean(&w, 8, 12, Organization, &lists, true), [(10, 12, Person)]);
        let w = ["NATO", "Secretary", "General", "Jens", "Stoltenberg", "and", "US", "Secretary", "of", "State"];
        assert_eq!(clean(&w, 0, 5, Organization, &lists, true), [(0, 1, Organization), (3, 5, Person)]);
        assert_eq!(clean(&w, 6, 10, Organization, &lists, true), [(6, 7, Location)]);
        let w = ["President", "Emmanuel", "Macron", "and", "Minister", "of", "the"];
        assert_eq!(clean(&w, 0, 7, Organization, &lists, true), [(1, 3, Person)]);
        assert_eq!(clean(&w, 1, 5, Person, &lists, true), [(1, 3, Person)]);
        let w = ["Armenian", "Prime", "Minister", "Nikol", "Pashinian"];
        assert_eq!(clean(&w, 0, 2, Organization, &lists, true), []);
        // names that start with a modifier are not titles
        let w = ["National", "Rally", "and", "General", "Motors"];
        assert_eq!(clean(&w, 0, 2, Organization, &lists, true), [(0, 2, Organization)]);
        assert_eq!(clean(&w, 3, 5, Organization, &lists, true), [(3, 5, Organization)]);
    }

    #[test]
    fn french_names_end_before_a_clause() {
        let mut lists = lists();
        lists.clause = ["lors".to_string()].into_iter().collect();
        lists.country = Gazetteer::from_lines("États-Unis\n");
        let w = ["le", "Parti", "socialiste", "annonce", "la", "tenue", "d'", "un", "sommet"];
        assert_eq!(clean(&w, 1, 9, Organization, &lists, false), [(1, 3, Organization)]);
        let w = ["la", "Maison", "Blanche", "lors", "de", "l'", "élection"];
        assert_eq!(clean(&w, 1, 7, Organization, &lists, false), [(1, 3, Organization)]);
        let w = ["des", "États-Unis", "et", "de", "la", "Russie"];
        assert_eq!(clean(&w, 0, 6, Organization, &lists, false), [(1, 2, Location), (5, 6, Organization)]);
        let w = ["l'", "Alliance", "pour", "la", "démocratie"];
        assert_eq!(clean(&w, 1, 5, Organization, &lists, false), [(1, 5, Organization)]);
    }

    #[test]
    fn a_word_opening_the_sentence_is_not_part_of_the_name() {
        let lists = lists();
        let w = ["Regarding", "Trump", ",", "she", "said", ".", "Although", "Joe", "Biden", "won", ".", "Bill", "Clinton", "spoke"];
        assert_eq!(clean(&w, 0, 2, Person, &lists, true), [(1, 2, Person)]);
        assert_eq!(clean(&w, 6, 9, Person, &lists, true), [(7, 9, Person)]);
        assert_eq!(clean(&w, 11, 13, Person, &lists, true), [(11, 13, Person)], "a first name stays");
        let w = ["Selon", "Emmanuel", "Macron"];
        assert_eq!(clean(&w, 0, 3, Person, &lists, false), [(1, 3, Person)]);
    }

    #[test]
    fn lone_common_word_at_a_line_start_is_dropped() {
        let lists = lists();
        let w = ["Attendance", ":", "200", "and", "Attendance"];
        assert_eq!(clean(&w, 0, 1, Organization, &lists, true), []);
        assert_eq!(clean(&w, 4, 5, Organization, &lists, true), [(4, 5, Organization)]);
    }
}
