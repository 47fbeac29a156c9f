//! Dates: ISO 8601 values from metadata, and dates written in page text or URLs, in the
//! languages the project covers.

/// Month names (and common abbreviations) by language, with their month number.
const MONTHS: &[(&str, u8)] = &[
    ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6),
    ("july", 7), ("august", 8), ("september", 9), ("october", 10), ("november", 11),
    ("december", 12), ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7),
    ("aug", 8), ("sep", 9), ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("januar", 1), ("jänner", 1), ("februar", 2), ("märz", 3), ("maerz", 3), ("mai", 5),
    ("juni", 6), ("juli", 7), ("oktober", 10), ("dezember", 12), ("okt", 10), ("dez", 12),
    ("janvier", 1), ("février", 2), ("fevrier", 2), ("mars", 3), ("avril", 4), ("juin", 6),
    ("juillet", 7), ("août", 8), ("aout", 8), ("septembre", 9), ("octobre", 10),
    ("novembre", 11), ("décembre", 12), ("decembre", 12), ("janv", 1), ("févr", 2),
    ("avr", 4), ("juil", 7), ("déc", 12),
    ("enero", 1), ("febrero", 2), ("marzo", 3), ("abril", 4), ("mayo", 5), ("junio", 6),
    ("julio", 7), ("agosto", 8), ("septiembre", 9), ("setiembre", 9), ("octubre", 10),
    ("noviembre", 11), ("diciembre", 12),
    ("gennaio", 1), ("febbraio", 2), ("aprile", 4), ("maggio", 5), ("giugno", 6),
    ("luglio", 7), ("settembre", 9), ("ottobre", 10), ("dicembre", 12),
    ("stycznia", 1), ("lutego", 2), ("marca", 3), ("kwietnia", 4), ("maja", 5),
    ("czerwca", 6), ("lipca", 7), ("sierpnia", 8), ("września", 9), ("października", 10),
    ("listopada", 11), ("grudnia", 12), ("styczeń", 1), ("luty", 2), ("marzec", 3),
    ("kwiecień", 4), ("maj", 5), ("czerwiec", 6), ("lipiec", 7), ("sierpień", 8),
    ("wrzesień", 9), ("październik", 10), ("listopad", 11), ("grudzień", 12),
    ("januari", 1), ("februari", 2), ("maart", 3), ("mei", 5), ("augustus", 8),
    ("janeiro", 1), ("fevereiro", 2), ("março", 3), ("maio", 5), ("junho", 6), ("julho", 7),
    ("setembro", 9), ("outubro", 10), ("novembro", 11), ("dezembro", 12),
];

fn month(word: &str) -> Option<u8> {
    if word.len() < 3 || word.len() > 24 || !word.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let w = word.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == w).map(|(_, m)| *m)
}

fn valid(y: i32, m: u8, d: u8) -> bool {
    (1995..=2040).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

fn ymd(y: i32, m: u8, d: u8) -> Option<String> {
    valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let d = s.get(at..at + n)?;
    if d.iter().all(u8::is_ascii_digit) {
        Some(d.iter().fold(0u32, |a, c| a * 10 + (c - b'0') as u32))
    } else {
        None
    }
}

/// Parses a metadata value: ISO 8601 (`2024-04-02`, `2024-04-02T10:00:00+02:00`, also with a
/// space or slashes), or else any date written in it. Returns ISO 8601.
pub(crate) fn parse_value(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if let (Some(y), Some(m), Some(d)) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2)) {
        let sep_ok = matches!((b[4], b[7]), (b'-', b'-') | (b'/', b'/') | (b'.', b'.'));
        if sep_ok && valid(y as i32, m as u8, d as u8) {
            let date = format!("{y:04}-{m:02}-{d:02}");
            if b.len() >= 16 && matches!(b[10], b'T' | b' ') && digits(b, 11, 2).is_some() && b[13] == b':' && digits(b, 14, 2).is_some() {
                let rest = &s[10..];
                let time_end = rest[1..].find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).map_or(rest.len(), |p| p + 1);
                let time = &rest[1..time_end];
                let tz = rest[time_end..].trim();
                let tz = if tz == "Z" || tz == "z" {
                    "Z".to_string()
                } else {
                    utc_offset(tz).unwrap_or_default()
                };
                return Some(format!("{date}T{time}{tz}"));
            }
            return Some(date);
        }
    }
    if let (Some(y), Some(m), Some(d)) = (digits(b, 0, 4), digits(b, 4, 2), digits(b, 6, 2)) {
        if b.len() == 8 || b.get(8).is_some_and(|c| !c.is_ascii_digit()) {
            if let Some(x) = ymd(y as i32, m as u8, d as u8) {
                return Some(x);
            }
        }
    }
    find_in_text(s)
}

/// A UTC offset `+hh:mm` from `+hh:mm`, `+hhmm` or `+hh`; `None` for anything else.
fn utc_offset(tz: &str) -> Option<String> {
    let (sign, rest) = tz.split_at_checked(1)?;
    if sign != "+" && sign != "-" {
        return None;
    }
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        2 => Some(format!("{sign}{digits}:00")),
        4 => Some(format!("{sign}{}:{}", &digits[..2], &digits[2..])),
        _ => None,
    }
}

/// Finds the first date written in free text ("3. März 2021", "March 3, 2021", "03.03.2021",
/// "2021-03-03", "3 de marzo de 2021").
pub(crate) fn find_in_text(s: &str) -> Option<String> {
    // Every date form needs digits.
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|' || c == '(' || c == ')')
        .filter(|t| !t.is_empty() && *t != "de" && *t != "del" && *t != "of" && *t != "the")
        .take(200)
        .collect();
    for (i, tok) in tokens.iter().enumerate() {
        if let Some(d) = numeric_date(tok) {
            return Some(d);
        }
        let num = |t: &str| -> Option<u32> {
            let t = t.trim_end_matches(['.', ',']).trim_end_matches("st").trim_end_matches("nd").trim_end_matches("rd").trim_end_matches("th").trim_end_matches("er");
            (t.len() <= 4 && !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse().ok()).flatten()
        };
        if let Some(m) = month(tok) {
            // Month Day Year
            if let (Some(d), Some(y)) = (tokens.get(i + 1).and_then(|t| num(t)), tokens.get(i + 2).and_then(|t| num(t))) {
                if d <= 31 && y > 1900 {
                    if let Some(x) = ymd(y as i32, m, d as u8) {
                        return Some(x);
                    }
                }
            }
            // Day Month Year
            if let (Some(d), Some(y)) = (i.checked_sub(1).and_then(|j| num(tokens[j])), tokens.get(i + 1).and_then(|t| num(t))) {
                if d <= 31 && y > 1900 {
                    if let Some(x) = ymd(y as i32, m, d as u8) {
                        return Some(x);
                    }
                }
            }
        }
    }
    None
}

/// The longest opening line read as a dateline on its own.
const DATELINE_MAX_CHARS: usize = 80;
/// The longest date prefix before a dash or full stop opening the first paragraph.
const DATE_PREFIX_MAX_WORDS: usize = 6;

/// The date a plain text opens with, as news agencies and wikis write it: a first line
/// that is a short dateline ("Friday, January 4, 2019", "Mardi 2 avril 2024"), or a first
/// paragraph opening with a date followed by a dash or a full stop ("12 janvier 2020. – Le
/// gouvernement…"). A date further into the text is never taken: it is usually an event,
/// not the publication. Returns `YYYY-MM-DD`.
pub fn dateline_date(text: &str) -> Option<String> {
    let text = text.trim_start();
    let first_line = text.lines().next()?.trim();
    if !opens_with_date_word(first_line) {
        return None;
    }
    if first_line.chars().count() <= DATELINE_MAX_CHARS {
        let words = first_line.split_whitespace().count();
        if words <= DATE_PREFIX_MAX_WORDS + 2 {
            if let Some(d) = find_in_text(first_line) {
                return Some(d);
            }
        }
    }
    let cut = [" – ", " - ", " — ", ". ", " : "]
        .iter()
        .filter_map(|sep| first_line.find(sep))
        .min()?;
    let prefix = &first_line[..cut];
    if prefix.split_whitespace().count() > DATE_PREFIX_MAX_WORDS {
        return None;
    }
    find_in_text(prefix)
}

/// Weekday names in the languages of [`MONTHS`].
const WEEKDAYS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
];

/// Whether `line` starts with a day number, a month or a weekday (a dateline's first word).
fn opens_with_date_word(line: &str) -> bool {
    let Some(first) = line.split_whitespace().next() else { return false };
    let word = first.trim_end_matches([',', '.', ':']);
    word.starts_with(|c: char| c.is_ascii_digit())
        || month(word).is_some()
        || WEEKDAYS.contains(&word.to_lowercase().as_str())
}

/// `dd.mm.yyyy`, `dd/mm/yyyy`, `yyyy-mm-dd`, `dd.mm.yy` in one token.
fn numeric_date(tok: &str) -> Option<String> {
    let t = tok.trim_matches(|c: char| !c.is_ascii_digit());
    let parts: Vec<&str> = t.split(['.', '/', '-']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    if parts[0].len() == 4 {
        return ymd(n[0] as i32, n[1] as u8, n[2] as u8);
    }
    let year = match parts[2].len() {
        4 => n[2] as i32,
        2 if t.contains('.') => 2000 + n[2] as i32,
        _ => return None,
    };
    // Day first, as in most of Europe; month first only when the day cannot be a month.
    if t.contains('/') && n[0] <= 12 && n[1] > 12 {
        return ymd(year, n[0] as u8, n[1] as u8);
    }
    ymd(year, n[1] as u8, n[0] as u8)
}

/// A date in a URL path: `/2021/03/05/`, `/2021-03-05-`, `/20210305`.
pub(crate) fn from_url(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let path = path.find('/').map_or("", |p| &path[p..]);
    let b = path.as_bytes();
    for i in 0..b.len() {
        if b[i] != b'/' && b[i] != b'-' && b[i] != b'_' {
            continue;
        }
        let s = i + 1;
        if let (Some(y), Some(m), Some(d)) = (digits(b, s, 4), digits(b, s + 5, 2), digits(b, s + 8, 2)) {
            if matches!((b.get(s + 4), b.get(s + 7)), (Some(b'/'), Some(b'/')) | (Some(b'-'), Some(b'-'))) {
                if let Some(x) = ymd(y as i32, m as u8, d as u8) {
                    return Some(x);
                }
            }
        }
        if let (Some(y), Some(m), Some(d)) = (digits(b, s, 4), digits(b, s + 4, 2), digits(b, s + 6, 2)) {
            if b.get(s + 8).is_none_or(|c| !c.is_ascii_digit()) && b.get(s + 8).is_some() {
                if let Some(x) = ymd(y as i32, m as u8, d as u8) {
                    return Some(x);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_values() {
        assert_eq!(parse_value("2024-04-02").as_deref(), Some("2024-04-02"));
        assert_eq!(parse_value(" 2024-04-02T10:00:00+0200 ").as_deref(), Some("2024-04-02T10:00:00+02:00"));
        assert_eq!(parse_value("2024-04-02 10:00:00").as_deref(), Some("2024-04-02T10:00:00"));
        assert_eq!(parse_value("2024-04-02T10:00:00.000Z").as_deref(), Some("2024-04-02T10:00:00.000Z"));
        assert_eq!(parse_value("20240402").as_deref(), Some("2024-04-02"));
        assert_eq!(parse_value("2024-13-02"), None);
        assert_eq!(parse_value("2024-04-02T10:00:00+02").as_deref(), Some("2024-04-02T10:00:00+02:00"));
    }

    #[test]
    fn short_utc_offset_found_by_fuzzing() {
        // "+1:00" once sliced past the end of the offset and panicked.
        assert_eq!(parse_value("2020-01-01T10:00:00+1:00").as_deref(), Some("2020-01-01T10:00:00"));
        assert_eq!(parse_value("2020-01-01T10:00:00+").as_deref(), Some("2020-01-01T10:00:00"));
        assert_eq!(parse_value("2020-01-01T10:00:00-ab:cd").as_deref(), Some("2020-01-01T10:00:00"));
    }

    #[test]
    fn dates_in_text() {
        assert_eq!(find_in_text("Veröffentlicht am 3. März 2021, 10:00").as_deref(), Some("2021-03-03"));
        assert_eq!(find_in_text("Posted March 3rd, 2021 by X").as_deref(), Some("2021-03-03"));
        assert_eq!(find_in_text("le 12 janvier 2020").as_deref(), Some("2020-01-12"));
        assert_eq!(find_in_text("3 de marzo de 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(find_in_text("Stand: 05.11.2019 | 12:00").as_deref(), Some("2019-11-05"));
        assert_eq!(find_in_text("12/25/2019").as_deref(), Some("2019-12-25"));
        assert_eq!(find_in_text("no date here 123"), None);
    }

    #[test]
    fn datelines_open_the_text() {
        assert_eq!(dateline_date("Friday, January 4, 2019\u{a0}\n\n\nAn apartment").as_deref(), Some("2019-01-04"));
        assert_eq!(dateline_date("Mardi 2 avril 2024\nLe gouvernement a").as_deref(), Some("2024-04-02"));
        assert_eq!(dateline_date("12 janvier 2020. – Le gouvernement a annoncé").as_deref(), Some("2020-01-12"));
        assert_eq!(dateline_date("1er mai 2019 - Les syndicats défilent").as_deref(), Some("2019-05-01"));
        // A date inside the body is an event, not the publication.
        assert_eq!(dateline_date("The treaty signed on 12 March 2019 was denounced by the new government today."), None);
        assert_eq!(dateline_date("Le traité du 12 mars 2019. Il a été dénoncé."), None);
        assert_eq!(dateline_date(""), None);
    }

    #[test]
    fn dates_in_urls() {
        assert_eq!(from_url("https://x.com/2021/03/05/title/").as_deref(), Some("2021-03-05"));
        assert_eq!(from_url("https://x.com/news/20210305-title").as_deref(), Some("2021-03-05"));
        assert_eq!(from_url("https://x.com/2021/title"), None);
    }
}
