//! Short blocks that are page furniture by their wording ("Share this article", "Subscribe
//! to our newsletter", "Read more:", "Kommentar verfassen"), in the languages we cover.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Blocks longer than this are never judged by their wording.
const MAX_CHARS: usize = 200;

const PHRASES: &[&str] = &[
    // English
    "subscribe", "newsletter", "sign up", "follow us", "follow the", "share this", "share on",
    "related articles", "related stories", "related posts", "read more", "read also",
    "see also", "you may also like", "you might also like", "recommended for you", "advertisement",
    "all rights reserved", "click here", "leave a comment", "leave a reply", "comments",
    "download the app", "download our app", "log in", "sign in", "cookie",
    "terms of use", "view comments", "more from", "most popular", "most read", "trending",
    "was this article helpful", "letter to the editor", "to view the full story",
    "about the author", "table of contents", "last modified", "last updated", "release date",
    "posted on", "published on", "we recommend", "missed the", "credit:", "photo:", "source:",
    "sources:", "category:", "category :", "categories:", "download the", "views:", "read next",
    // German
    "abonn", "folgen sie", "folge uns", "jetzt teilen", "artikel teilen", "seite teilen",
    "mehr zum thema", "lesen sie auch", "lesen sie mehr", "weiterlesen", "das könnte sie auch",
    "schon gelesen", "auch interessant", "verwandte", "ähnliche artikel", "anzeige", "werbung",
    "alle rechte vorbehalten", "kommentar verfassen", "kommentare", "jetzt kommentieren",
    "war der artikel", "war dieser artikel", "hier klicken", "zum newsletter", "melden sie sich",
    "datenschutz", "impressum", "alle artikel", "mehr themen", "quellen ausblenden",
    "vorschau auf den nächsten", "nächster artikel", "vorheriger artikel", "über den autor",
    "über die autorin", "ähnliche beiträge", "inhaltsverzeichnis", "weitere tipps",
    "externer inhalt", "herunterladen", "erstellt am", "beitrag wurde am", "aktualisiert:",
    "aktualisiert am", "veröffentlicht am", "gefällt dir", "gefällt ihnen", "quelle:",
    "quellen:", "bildquelle", "foto:", "fotos:", "bild:", "kategorie:", "aufrufe:", "einloggen",
    "registrieren", "zum shop", "jetzt bestellen",
    // French
    "abonnez", "partager", "lire aussi", "à lire aussi", "voir aussi", "articles liés",
    "tous droits réservés", "publicité", "inscrivez-vous", "suivez-nous", "commentaires",
    "publié le", "mis à jour", "à propos de l'auteur",
    // Spanish / Portuguese / Italian
    "suscríbete", "suscribete", "síguenos", "siguenos", "compartir", "lee también", "lea también",
    "notas relacionadas", "noticias relacionadas", "te puede interesar", "publicidad",
    "todos los derechos", "hazte miembro", "canal de", "leia também", "condividi", "leggi anche",
    // Polish / Dutch
    "czytaj także", "czytaj też", "zobacz także", "udostępnij", "lees ook", "deel dit",
    "subskryp", "źródło:", "publicado el", "fuente:", "actualizado",
];

fn automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(PHRASES)
            .expect("static patterns build")
    })
}

/// Blog-engine footers, judged up to [`FOOTER_MAX_CHARS`] ("This entry was posted in ...
/// Bookmark the permalink.").
const FOOTERS: &[&str] = &[
    "this entry was posted", "bookmark the permalink", "you can follow any responses",
    "der beitrag wurde am", "dieser beitrag wurde am", "dieser eintrag wurde",
    "du kannst die kommentare", "sie können die kommentare", "cette entrée a été publiée",
    "esta entrada fue publicada",
];

/// Blocks longer than this are never judged as blog footers.
const FOOTER_MAX_CHARS: usize = 400;

/// First words of short headings that announce more of the site ("More news", "Weitere
/// Artikel", "Autres articles").
const MORE: &[&str] = &["more ", "other ", "weitere ", "mehr ", "andere ", "autres ", "plus de ", "más ", "otras ", "altri ", "więcej "];

/// Whether a short block reads like page furniture.
pub(crate) fn is_furniture(text: &str, chars: usize) -> bool {
    if chars > FOOTER_MAX_CHARS {
        return false;
    }
    let lower = text.to_lowercase();
    if FOOTERS.iter().any(|f| lower.contains(f)) {
        return true;
    }
    if chars > MAX_CHARS {
        return false;
    }
    let words = lower.split_whitespace().count();
    if words <= 3 && !lower.ends_with(['.', '!', '?']) && MORE.iter().any(|m| lower.starts_with(m)) {
        return true;
    }
    automaton().is_match(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_and_article_text() {
        assert!(is_furniture("Share this article", 16));
        assert!(is_furniture("Lesen Sie auch: Die Bahn streikt", 30));
        assert!(is_furniture("¡Síguenos en Instagram!", 20));
        assert!(!is_furniture("The minister said the plan would pass.", 33));
        assert!(is_furniture("Weitere Tourentipps", 18));
        let footer = "This entry was posted in News and tagged politics, elections, parliament, vote, budget, coalition, government, opposition. Bookmark the permalink.";
        assert!(is_furniture(footer, footer.len()));
        assert!(!is_furniture("More than 100 people were hurt in the blast on Friday.", 44));
        let long = "The minister said that the committee would subscribe to the plan. ".repeat(4);
        assert!(!is_furniture(&long, long.len()));
    }
}
