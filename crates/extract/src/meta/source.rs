//! The original publisher a page credits: "originally published on rtl.be", "(AFP)",
//! "Source: Reuters", "Quelle: dpa".

/// News agencies recognised in credit lines, as written.
const AGENCIES: &[&str] = &[
    "AFP", "Reuters", "AP", "dpa", "DPA", "ANSA", "EFE", "Belga", "BELGA", "APA", "KNA", "epd",
    "SDA", "ATS", "PAP", "Xinhua", "UPI", "TASS", "Kyodo", "Yonhap", "AAP", "Europa Press",
    "Anadolu", "Associated Press", "Agence France-Presse", "Bloomberg", "ANP", "Ritzau", "NTB",
    "TT", "STT", "CTK", "ČTK", "MTI", "Lusa", "AGI", "Adnkronos", "IANS", "PTI", "Bernama",
];

/// Phrases that introduce the original publisher anywhere (lowercase).
const PHRASES: &[&str] = &[
    "originally published on ", "originally published in ", "originally published at ",
    "originally published by ", "originally appeared on ", "originally appeared in ",
    "first published on ", "first published in ", "first published by ", "first appeared on ",
    "first appeared in ", "ursprünglich erschienen auf ", "ursprünglich erschienen bei ",
    "ursprünglich erschienen in ", "zuerst erschienen auf ", "zuerst erschienen bei ",
    "zuerst erschienen in ", "erschien zuerst auf ", "erschien zuerst bei ", "erschien zuerst in ",
    "initialement publié sur ", "initialement publié dans ", "initialement publié par ",
    "publié initialement sur ", "publié initialement dans ", "originellement publié sur ",
    "publicado originalmente en ", "publicado originalmente por ", "publicado originalmente no ",
    "pierwotnie opublikowany na ", "oorspronkelijk gepubliceerd op ",
];

/// Labels that name the original publisher at the start of a block or sentence (lowercase).
const LABELS: &[&str] = &[
    "source: ", "source : ",
    "sources: ", "quelle: ", "quellen: ", "fuente: ", "fonte: ", "źródło: ", "bron: ",
    "kilde: ", "källa: ", "lähde: ",
];

/// Finds the credited publisher in the first and last blocks of the article.
pub(crate) fn find(blocks: &[&str]) -> Option<String> {
    let n = blocks.len();
    let candidates = blocks.iter().enumerate().filter(|(i, _)| *i < 2 || *i + 4 >= n).map(|(_, b)| *b);
    for b in candidates {
        if let Some(s) = lead(b) {
            return Some(s);
        }
        if let Some(s) = agency(b) {
            return Some(s);
        }
    }
    None
}

fn lead(block: &str) -> Option<String> {
    let lower = block.to_lowercase();
    let all = PHRASES.iter().map(|l| (l, true)).chain(LABELS.iter().map(|l| (l, false)));
    for (l, anywhere) in all {
        let Some(p) = lower.find(l) else { continue };
        if !anywhere && p > 0 && !lower[..p].trim_end().ends_with(['.', '|', ')', ']']) {
            continue;
        }
        let start = p + l.len();
        if start > block.len() || !block.is_char_boundary(start) {
            continue;
        }
        let rest = block[start..].trim();
        let end = rest.find([',', ';', '|', '(', '\n']).unwrap_or(rest.len());
        let mut name = rest[..end].trim().trim_end_matches(['.', ':', ')']).to_string();
        // A trailing sentence: cut at ". " (keep dots inside domain names).
        if let Some(p) = name.find(". ") {
            name.truncate(p);
        }
        let words = name.split_whitespace().count();
        if !name.is_empty() && words <= 6 && name.chars().count() <= 60 {
            return Some(name);
        }
    }
    None
}

/// An agency named in parentheses near the start or the end of a block ("PARIS (AFP) -",
/// "(dpa/AFP)", "... (Reuters)") or after a copyright sign at its end ("© AFP").
fn agency(block: &str) -> Option<String> {
    let head_end = block.char_indices().nth(120).map_or(block.len(), |(i, _)| i);
    let tail_start = block.char_indices().rev().nth(60).map_or(0, |(i, _)| i);
    for part in [&block[..head_end], &block[tail_start..]] {
        let mut rest = part;
        while let Some(open) = rest.find('(') {
            let inner = &rest[open + 1..];
            let Some(close) = inner.find(')') else { break };
            if close <= 40 {
                if let Some(a) = inner[..close].split(['/', ',', ';']).map(str::trim).find_map(known_agency) {
                    return Some(a.to_string());
                }
            }
            rest = &inner[close..];
        }
    }
    let tail = &block[tail_start..];
    let after = tail.rfind('©').map(|p| &tail[p + '©'.len_utf8()..])?;
    after.split(['/', ',', ';']).map(str::trim).find_map(known_agency).map(String::from)
}

fn known_agency(name: &str) -> Option<&'static str> {
    AGENCIES.iter().copied().find(|a| *a == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_lines() {
        assert_eq!(find(&["Body.", "This article is originally published on rtl.be"]).as_deref(), Some("rtl.be"));
        assert_eq!(find(&["PARIS (AFP) - The president said.", "More."]).as_deref(), Some("AFP"));
        assert_eq!(find(&["Text.", "Source: Reuters"]).as_deref(), Some("Reuters"));
        assert_eq!(find(&["Der Artikel.", "Quelle: dpa"]).as_deref(), Some("dpa"));
        assert_eq!(find(&["Nothing to see here.", "Really nothing."]), None);
        assert_eq!(find(&["The open source: code is free."]), None);
    }
}
