//! Language codes: Apertium names its modes with ISO 639-1 (`fr-es`) or
//! 639-3 (`spa-eng`) codes; everything else in polmon uses 639-1.

/// ISO 639-3 codes of languages Apertium pairs use, and their 639-1 codes.
const THREE_TO_TWO: &[(&str, &str)] = &[
    ("afr", "af"), ("ara", "ar"), ("arg", "an"), ("bel", "be"), ("bre", "br"), ("bul", "bg"),
    ("cat", "ca"), ("ces", "cs"), ("cym", "cy"), ("dan", "da"), ("deu", "de"), ("ell", "el"),
    ("eng", "en"), ("epo", "eo"), ("est", "et"), ("eus", "eu"), ("fao", "fo"), ("fin", "fi"),
    ("fra", "fr"), ("gle", "ga"), ("glg", "gl"), ("heb", "he"), ("hin", "hi"), ("hrv", "hr"),
    ("hun", "hu"), ("isl", "is"), ("ita", "it"), ("kaz", "kk"), ("lav", "lv"), ("lit", "lt"),
    ("mkd", "mk"), ("mlt", "mt"), ("nld", "nl"), ("nno", "nn"), ("nob", "nb"), ("oci", "oc"),
    ("pol", "pl"), ("por", "pt"), ("ron", "ro"), ("rus", "ru"), ("slk", "sk"), ("slv", "sl"),
    ("spa", "es"), ("sqi", "sq"), ("srd", "sc"), ("swe", "sv"), ("tat", "tt"), ("tur", "tr"),
    ("ukr", "uk"), ("urd", "ur"),
];

/// The polmon form of a language code: lowercase ISO 639-1 where one exists
/// (`"FRA"` → `"fr"`, `"en-GB"` → `"en"`), else the code lowercased (`"hbs"`).
pub fn normalize(code: &str) -> String {
    let base = code.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    THREE_TO_TWO.iter().find(|(three, _)| *three == base).map_or(base, |(_, two)| (*two).to_owned())
}

/// Splits an Apertium mode name into its two languages (`"spa-eng"` →
/// `("es", "en")`). Variants (`spa-eng_US`), helper modes (`eco-fr-es`) and
/// debugging modes (`fr-es-tagger`) are not routes: `None`.
pub fn mode_languages(mode: &str) -> Option<(String, String)> {
    let mut parts = mode.split('-');
    let (a, b) = (parts.next()?, parts.next()?);
    let plain = |s: &str| (2..=3).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_lowercase());
    if parts.next().is_some() || !plain(a) || !plain(b) {
        return None;
    }
    Some((normalize(a), normalize(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalize_to_639_1() {
        assert_eq!(normalize("FRA"), "fr");
        assert_eq!(normalize("en-GB"), "en");
        assert_eq!(normalize("pt_BR"), "pt");
        assert_eq!(normalize("hbs"), "hbs");
    }

    #[test]
    fn mode_names_split_into_routes() {
        assert_eq!(mode_languages("spa-eng"), Some(("es".into(), "en".into())));
        assert_eq!(mode_languages("fr-es"), Some(("fr".into(), "es".into())));
        assert_eq!(mode_languages("spa-eng_US"), None);
        assert_eq!(mode_languages("eco-fr-es"), None);
        assert_eq!(mode_languages("fr-es-tagger"), None);
    }
}
