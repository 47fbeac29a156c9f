//! Text normalisation: tokens, case and accent folding, stop words, light stemming.
//!
//! Everything downstream (shingles, terms, similarity) sees the same tokens:
//! lower-cased, Latin accents folded (`Élysée` -> `elysee`), numbers with
//! their separators normalised (`24,000` and `24 000`-style thousands ->
//! `24000`, French `7,5` -> `7.5`). A token remembers whether it was written
//! with a capital away from a sentence start: a cheap proper-name signal for
//! texts that come without entities.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

/// One word or number of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Folded form.
    pub(crate) text: String,
    /// Written with a capital letter and not the first word of a sentence.
    pub(crate) name: bool,
    /// A number (digits, maybe with a decimal point).
    pub(crate) number: bool,
    /// First token of a sentence (or of the text).
    pub(crate) sentence_start: bool,
}

/// Folds one lower-cased char: Latin accents removed; ligatures expanded.
fn push_folded(out: &mut String, c: char) {
    for l in c.to_lowercase() {
        let f = match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ğ' => 'g',
            'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' | 'ţ' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            'œ' => {
                out.push_str("oe");
                continue;
            }
            'æ' => {
                out.push_str("ae");
                continue;
            }
            'ß' => {
                out.push_str("ss");
                continue;
            }
            other => other,
        };
        out.push(f);
    }
}

/// Folds a whole string (lower case, accents off).
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(&mut out, c);
    }
    out
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\n' | '。' | '！' | '？' | ':' | ';')
}

/// Splits a text into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::with_capacity(chars.len() / 5);
    let mut i = 0;
    let mut at_start = true;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            if ends_sentence(c) {
                at_start = true;
            }
            i += 1;
            continue;
        }
        let begin = i;
        if c.is_ascii_digit() {
            // A number: digits with internal '.' or ',' between digits.
            let mut raw = String::new();
            while i < chars.len() {
                let d = chars[i];
                let separator = (d == '.' || d == ',')
                    && i + 1 < chars.len()
                    && chars[i + 1].is_ascii_digit()
                    && !raw.is_empty();
                if d.is_ascii_digit() || separator {
                    raw.push(d);
                    i += 1;
                } else {
                    break;
                }
            }
            // Digits glued to letters ("06AM", "1st") stay one token.
            let mut glued = false;
            while i < chars.len() && chars[i].is_alphabetic() {
                push_folded(&mut raw, chars[i]);
                glued = true;
                i += 1;
            }
            let text = if glued { raw.replace([',', '.'], "") } else { normalise_number(&raw) };
            tokens.push(Token { text, name: false, number: !glued, sentence_start: at_start });
            at_start = false;
            continue;
        }
        let mut word = String::new();
        while i < chars.len() && chars[i].is_alphanumeric() {
            push_folded(&mut word, chars[i]);
            i += 1;
        }
        let upper = chars[begin].is_uppercase();
        tokens.push(Token { text: word, name: upper && !at_start, number: false, sentence_start: at_start });
        at_start = false;
    }
    tokens
}

/// `24,000` -> `24000`, `1.000.000` -> `1000000`, `7,5` -> `7.5`, `2.1` -> `2.1`.
fn normalise_number(raw: &str) -> String {
    let groups: Vec<&str> = raw.split(['.', ',']).collect();
    if groups.len() == 1 {
        return raw.to_string();
    }
    let thousands = groups[1..].iter().all(|g| g.len() == 3) && groups[0].len() <= 3;
    if thousands {
        return groups.concat();
    }
    let (int, frac) = raw.split_at(raw.rfind(['.', ',']).unwrap_or(raw.len()));
    let int: String = int.chars().filter(char::is_ascii_digit).collect();
    format!("{int}.{}", &frac[1..])
}

const STOP: &str = "
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours out over own same
she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself s t d ll m re ve don didn doesn isn wasn weren won
said says say told according also one two new its mr mrs ms us since might must shall
upon via per yet however though although many much
au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
ses son sur ta te tes toi ton tu un une vos votre vous c l j n qu y est sont ete etait
etre avait ont a sera deja plus selon apres avant tres aussi ainsi comme dont lors fait
der die das und ist ein eine einer eines einem den dem des im in zu mit von auf fur nicht
sich auch es an als wie bei nach aus er sie wir ihr wird werden wurde hat haben war sind
el la los las y en de del por con para un una es que se al lo su sus como mas pero fue
il lo gli le e di da per con una uno del della che non si sono
";

/// Stop words of English, French, German, Spanish and Italian (folded).
pub(crate) fn is_stop(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP.split_whitespace().collect()).contains(word)
}

/// Light, language-neutral stemming of a folded word: plural endings only.
pub(crate) fn stem(word: &str) -> Cow<'_, str> {
    let n = word.len();
    if n <= 3 || !word.is_ascii() || word.bytes().any(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(word);
    }
    if word.ends_with("ies") && n > 4 {
        return Cow::Owned(format!("{}y", &word[..n - 3]));
    }
    if word.ends_with("sses") {
        return Cow::Borrowed(&word[..n - 2]);
    }
    if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        return Cow::Borrowed(&word[..n - 1]);
    }
    Cow::Borrowed(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(texts("L'Élysée a déclaré"), ["l", "elysee", "a", "declare"]);
        assert_eq!(fold("Œuvre Straße"), "oeuvre strasse");
    }

    #[test]
    fn normalises_numbers_across_conventions() {
        assert_eq!(texts("24,000 people"), ["24000", "people"]);
        assert_eq!(texts("24.000 personnes"), ["24000", "personnes"]);
        assert_eq!(texts("magnitude 7,5 or 7.5"), ["magnitude", "7.5", "or", "7.5"]);
        assert_eq!(texts("in 2013, 300 died"), ["in", "2013", "300", "died"]);
        assert_eq!(texts("at 08:06AM"), ["at", "08", "06am"]);
    }

    #[test]
    fn marks_names_away_from_sentence_start() {
        let t = tokenize("The quake hit Chile. Rescuers came");
        let names: Vec<_> = t.iter().filter(|t| t.name).map(|t| t.text.as_str()).collect();
        assert_eq!(names, ["chile"]);
        assert!(t[0].sentence_start && t[4].sentence_start);
    }

    #[test]
    fn stems_plurals_only() {
        assert_eq!(stem("earthquakes"), "earthquake");
        assert_eq!(stem("countries"), stem("country"));
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("2013"), "2013");
        assert!(is_stop("the") && is_stop("les") && !is_stop("quake"));
    }
}
