//! Language identification from function words and a few letters.
//!
//! Each language has a list of its most frequent function words; a word found
//! in several lists counts for each of them a share. Letters that only some of
//! the languages use (`ß`, `ł`, `ñ`, `ã`, `ç`...) add evidence. The score is a
//! smoothed share of the evidence; the confidence is the winner's share.

use polmon_model::LanguageGuess;

/// The languages the detector knows, ISO 639-1.
pub const LANGUAGES: [&str; 8] = ["en", "fr", "de", "es", "it", "nl", "pt", "pl"];

const STOPWORDS: [&str; 8] = [
    // en
    "the of and to in is that for it was on with as he be by at this are from his have not an \
     they which or had but has were been their its who will would she her said after also more \
     there what about than when up out over into we our you",
    // fr
    "le la les de des du et est un une en dans que qui pour pas sur au aux par plus ne se ce il \
     elle ont sont avec son sa ses été être mais ou nous vous leur cette comme a été fait aussi \
     été lui y entre après sans été selon chez",
    // de
    "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als \
     wird werden hat sind bei nach einer aus wie oder noch nur vor über zum zur war haben sie \
     er wir ich sein seine durch dass",
    // es
    "el la los las de del y en que es un una por con para se no al lo como más pero sus su \
     ha fue este esta entre sobre también ser son está desde hasta muy sin porque cuando ya \
     todo dijo tras",
    // it
    "il lo la gli le di del della dei delle e è che per un una non con si da al alla nel nella \
     sono anche come ma più ha questo questa essere stato dopo gli tra sul sulla ancora perché \
     ci loro",
    // nl
    "de het een en van is dat op te in niet voor zijn er aan ook als bij maar om door naar \
     werd wordt heeft hij ze dan nog uit over tot zich deze dit kan worden was geen al meer",
    // pt
    "o a os as de do da dos das e é que em um uma para com não por se na no mais como mas foi \
     ao aos ele sua seu são também pelo pela entre está já sobre ou quando muito há nos depois",
    // pl
    "i w na z że nie się do jest to o jak po co ale od za przez dla jego jej tym tak są był \
     była oraz może już tylko który która które ich także lub gdy przed przy bez tego",
];

/// Letters peculiar to some of the languages, and who uses them.
const LETTERS: &[(char, &[usize])] = &[
    ('ß', &[2]),
    ('ä', &[2]),
    ('ö', &[2]),
    ('ü', &[2]),
    ('ñ', &[3]),
    ('ç', &[1, 6]),
    ('ã', &[6]),
    ('õ', &[6]),
    ('ł', &[7]),
    ('ą', &[7]),
    ('ę', &[7]),
    ('ś', &[7]),
    ('ż', &[7]),
    ('ź', &[7]),
    ('ń', &[7]),
    ('ć', &[7]),
    ('è', &[1, 4]),
    ('ê', &[1, 6]),
    ('â', &[1, 6]),
    ('î', &[1]),
    ('û', &[1]),
    ('ù', &[1, 4]),
    ('ò', &[4]),
    ('ì', &[4]),
    ('í', &[3, 6]),
    ('ó', &[3, 6, 7]),
    ('á', &[3, 6]),
    ('ú', &[3, 6]),
    ('¿', &[3]),
    ('¡', &[3]),
];

/// A language detector; cheap to build, immutable.
#[derive(Debug, Clone)]
pub struct LanguageDetector {
    words: std::collections::HashMap<&'static str, Vec<usize>>,
}

impl Default for LanguageDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl LanguageDetector {
    /// A detector over [`LANGUAGES`].
    pub fn new() -> Self {
        let mut words: std::collections::HashMap<&'static str, Vec<usize>> = Default::default();
        for (li, list) in STOPWORDS.iter().enumerate() {
            for w in list.split_whitespace() {
                let langs = words.entry(w).or_default();
                if !langs.contains(&li) {
                    langs.push(li);
                }
            }
        }
        LanguageDetector { words }
    }

    /// Scores per language (same order as [`LANGUAGES`]), summing to 1 when there is evidence.
    pub fn scores(&self, text: &str) -> [f32; 8] {
        let mut s = [0f32; 8];
        let mut lower = String::new();
        let mut seen = 0usize;
        for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            seen += 1;
            if seen > 2000 {
                break;
            }
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if let Some(langs) = self.words.get(lower.as_str()) {
                let share = 1.0 / langs.len() as f32;
                for &l in langs {
                    s[l] += share;
                }
            }
            for c in lower.chars() {
                if c.is_ascii() {
                    continue;
                }
                if let Some((_, langs)) = LETTERS.iter().find(|(x, _)| *x == c) {
                    let share = 0.3 / langs.len() as f32;
                    for &l in *langs {
                        s[l] += share;
                    }
                }
            }
        }
        let total: f32 = s.iter().sum();
        if total > 0.0 {
            for x in &mut s {
                *x /= total;
            }
        }
        s
    }

    /// The most likely language, or `None` for text without any evidence.
    /// `hint` (a declared language) wins when the evidence is weak.
    pub fn detect(&self, text: &str, hint: Option<&str>) -> Option<LanguageGuess> {
        let s = self.scores(text);
        // first of the best on a tie (the order of LANGUAGES: en, then fr, ...)
        let mut best = 0;
        for (i, v) in s.iter().enumerate() {
            if *v > s[best] {
                best = i;
            }
        }
        let p = s[best];
        let hint = hint.map(|h| h.get(..2).unwrap_or(h).to_ascii_lowercase());
        if p <= 0.0 {
            return hint.map(|code| LanguageGuess { code, confidence: 0.0 });
        }
        if let Some(h) = hint {
            if let Some(hi) = LANGUAGES.iter().position(|l| *l == h) {
                if hi != best && s[hi] > 0.5 * p {
                    return Some(LanguageGuess { code: h, confidence: s[hi] });
                }
            } else if p < 0.5 {
                return Some(LanguageGuess { code: h, confidence: 1.0 - p });
            }
        }
        Some(LanguageGuess { code: LANGUAGES[best].to_string(), confidence: p })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [(&str, &str); 8] = [
        ("en", "The minister said that the government would not change its position on the war."),
        ("fr", "Le ministre a déclaré que le gouvernement ne changerait pas sa position sur la guerre."),
        ("de", "Der Minister sagte, dass die Regierung ihre Haltung zum Krieg nicht ändern werde."),
        ("es", "El ministro dijo que el gobierno no cambiará su posición sobre la guerra."),
        ("it", "Il ministro ha detto che il governo non cambierà la sua posizione sulla guerra."),
        ("nl", "De minister zei dat de regering haar standpunt over de oorlog niet zal veranderen."),
        ("pt", "O ministro disse que o governo não vai mudar a sua posição sobre a guerra."),
        ("pl", "Minister powiedział, że rząd nie zmieni swojego stanowiska w sprawie wojny."),
    ];

    #[test]
    fn detects_eight_languages() {
        let d = LanguageDetector::new();
        for (code, text) in SAMPLES {
            let g = d.detect(text, None).expect("a guess");
            assert_eq!(g.code, code, "{text}");
            assert!(g.confidence > 0.3 && g.confidence <= 1.0, "{code}: {}", g.confidence);
        }
    }

    #[test]
    fn hint_wins_only_when_evidence_is_weak() {
        let d = LanguageDetector::new();
        assert_eq!(d.detect("Paris Berlin", Some("fr")).unwrap().code, "fr");
        let en = SAMPLES[0].1;
        assert_eq!(d.detect(en, Some("de")).unwrap().code, "en");
        // "met" is English too, so it is no Dutch evidence; a tie goes to the first language
        assert_eq!(d.detect("Pashinian met the press in Paris.", None).unwrap().code, "en");
        assert_eq!(d.detect("Blinken met Wang Yi in Beijing.", None).unwrap().code, "en");
    }
}
