//! Author names: cleaned of "By"/"Von"/"Par" and of roles, dates and site names, split into
//! one name per person and joined with `"; "`.

const PREFIXES: &[&str] = &[
    "written by", "posted by", "posted on", "published by", "publié par", "publie par",
    "eingestellt von", "geschrieben von", "verfasst von", "veröffentlicht von", "escrito por",
    "publicado por", "scritto da", "napisał", "napisała", "autor(en)", "author(s)", "auteurs",
    "auteur", "autoren", "autorin", "autor", "author", "authors", "von", "by", "par", "por",
    "door", "di", "text", "texte", "redaktion", "from", "av", "de",
];

/// Cleans one raw author string into zero or more names.
pub(crate) fn names(raw: &str) -> Vec<String> {
    let mut s = crate::text::collapse(raw);
    if s.starts_with("http") || s.starts_with('@') || s.contains("://") {
        return Vec::new();
    }
    // Cut at a date, a pipe or a line of extra information.
    for cut in [" | ", " - ", " – ", "|", "\u{2022}", " am ", " on ", " le ", " el ", " updated", " Updated", " published", " Published", " (", " More ", " Mehr ", " Alle ", " All ", " Weitere ", " View ", " Afficher ", " Voir ", " Follow ", " Folgen "] {
        if let Some(p) = s.find(cut) {
            if p > 0 {
                s.truncate(p);
            }
        }
    }
    loop {
        let lower = s.to_lowercase();
        let Some(rest) = PREFIXES
            .iter()
            .filter(|p| lower.starts_with(*p))
            .find_map(|p| s.get(p.len()..).filter(|r| r.starts_with([' ', ':'])))
        else {
            break;
        };
        s = rest.trim_start_matches([' ', ':']).to_string();
    }
    let mut out = Vec::new();
    for part in s.split([',', ';', '&', '/']).flat_map(|p| split_and(p)) {
        let p = part.trim().trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        let words = p.split_whitespace().count();
        if p.is_empty() || words > 5 || p.chars().count() > 60 || p.chars().any(|c| c.is_ascii_digit()) || p.contains('@') {
            continue;
        }
        if matches!(p.to_lowercase().as_str(), "posted" | "published" | "updated" | "share" | "comments" | "veröffentlicht" | "publié" | "by" | "von" | "par" | "posted on" | "publiziert am" | "weiter" | "more" | "author" | "autor" | "auteur" | "admin" | "wordpressadmin" | "donnerstag" | "montag" | "dienstag" | "mittwoch" | "freitag" | "samstag" | "sonntag" | "redaktion") {
            continue;
        }
        if !p.chars().next().is_some_and(char::is_alphabetic) {
            continue;
        }
        out.push(p.to_string());
    }
    out
}

fn split_and(s: &str) -> Vec<&str> {
    let mut parts = vec![s];
    for sep in [" and ", " und ", " et ", " y ", " i ", " e ", " en "] {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
}

/// Joins names, dropping repeats.
pub(crate) fn join(names: Vec<String>) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
            out.push(n);
        }
    }
    (!out.is_empty()).then(|| out.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_bylines() {
        assert_eq!(names("By Jane Doe and John Roe"), vec!["Jane Doe", "John Roe"]);
        assert_eq!(names("Von Max Muster | 03.05.2021"), vec!["Max Muster"]);
        assert_eq!(names("https://facebook.com/x"), Vec::<String>::new());
        assert_eq!(names("Ann Lee, Bo Ray"), vec!["Ann Lee", "Bo Ray"]);
        assert_eq!(names("Posted on 12 May 2020"), Vec::<String>::new());
    }

    #[test]
    fn joins_without_repeats() {
        assert_eq!(join(vec!["A B".into(), "a b".into(), "C".into()]).as_deref(), Some("A B; C"));
        assert_eq!(join(vec![]), None);
    }
}
