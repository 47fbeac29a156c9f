//! Word tokenizer that keeps code-point offsets.
//!
//! Splits on whitespace, then peels punctuation off the ends of each chunk,
//! splits English clitics (`'s`, `n't`) and French elisions (`l'`, `qu'`),
//! and keeps abbreviations (`U.S.`, `Mr.`), hyphenated words and numbers whole.

/// One token: its text and where it sits in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token as written.
    pub text: &'a str,
    /// Byte offset of the first byte.
    pub byte_start: usize,
    /// Byte offset one past the last byte.
    pub byte_end: usize,
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    /// Whether a line break precedes this token (a sentence or block boundary).
    pub line_start: bool,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col", "mt",
    "inc", "corp", "ltd", "co", "no", "vs", "prof", "sgt", "capt", "maj", "pres", "ft", "mme",
    "mlle", "mgr", "dept", "univ", "jan", "feb", "mar", "apr", "aug", "sept", "oct", "nov", "dec",
];

const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Tokenizes `text`. Offsets in the result are byte and code-point offsets into `text`.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut chunk_start: Option<(usize, usize)> = None;
    let mut newline = true;
    let mut pending_newline = true;
    for (chars, (b, c)) in text.char_indices().enumerate() {
        if c.is_whitespace() {
            if let Some((bs, cs)) = chunk_start.take() {
                split_chunk(text, bs, b, cs, pending_newline, &mut out);
                pending_newline = false;
            }
            if c == '\n' || c == '\r' {
                newline = true;
            }
        } else if chunk_start.is_none() {
            chunk_start = Some((b, chars));
            if newline {
                pending_newline = true;
                newline = false;
            }
        }
    }
    if let Some((bs, cs)) = chunk_start {
        split_chunk(text, bs, text.len(), cs, pending_newline, &mut out);
    }
    out
}

/// Splits one whitespace-free chunk `text[bs..be]` (starting at code point `cs`).
fn split_chunk<'a>(
    text: &'a str,
    bs: usize,
    be: usize,
    cs: usize,
    line_start: bool,
    out: &mut Vec<Token<'a>>,
) {
    let chunk = &text[bs..be];
    // (byte offset within chunk, char) pairs
    let cv: Vec<(usize, char)> = chunk.char_indices().collect();
    let n = cv.len();
    let byte_at = |i: usize| if i < n { cv[i].0 } else { chunk.len() };
    let first = out.len();
    let push = |out: &mut Vec<Token<'a>>, i: usize, j: usize| {
        if i < j {
            let t = Token {
                text: &chunk[byte_at(i)..byte_at(j)],
                byte_start: bs + byte_at(i),
                byte_end: bs + byte_at(j),
                start: cs + i,
                end: cs + j,
                line_start: false,
            };
            out.push(t);
        }
    };
    // leading punctuation, one token per char
    let mut i = 0;
    while i < n && !is_word_char(cv[i].1) {
        push(out, i, i + 1);
        i += 1;
    }
    // trailing punctuation
    let mut j = n;
    while j > i && !is_word_char(cv[j - 1].1) {
        j -= 1;
    }
    // keep a final period of an abbreviation ("U.S.", "Mr.", "J.")
    if j < n && cv[j].1 == '.' && j > i {
        let core = &chunk[byte_at(i)..byte_at(j)];
        let lower = core.to_lowercase();
        let single_cap = core.chars().count() == 1 && core.chars().all(|c| c.is_uppercase());
        if core.contains('.') || single_cap || ABBREVIATIONS.contains(&lower.as_str()) {
            j += 1;
        }
    }
    // split the core at apostrophes: elision prefix, clitic suffix
    let mut k = i;
    while k < j {
        // find next apostrophe within core
        let mut a = k;
        while a < j && !is_apostrophe(cv[a].1) {
            a += 1;
        }
        if a >= j {
            push(out, k, j);
            break;
        }
        let before: String = cv[k..a].iter().map(|x| x.1).collect::<String>().to_lowercase();
        let after_len = j - a - 1;
        if a > k && ELISIONS.contains(&before.as_str()) && after_len > 0 {
            push(out, k, a + 1);
            k = a + 1;
            continue;
        }
        let rest: String = cv[a + 1..j].iter().map(|x| x.1).collect::<String>().to_lowercase();
        if a > k && matches!(rest.as_str(), "s" | "re" | "ve" | "ll" | "d" | "m" | "") {
            if before.ends_with('n') && rest.is_empty() {
                push(out, k, a + 1);
                k = a + 1;
                continue;
            }
            push(out, k, a);
            push(out, a, j);
            break;
        }
        if a > k && before.ends_with('n') && rest == "t" {
            push(out, k, a - 1);
            push(out, a - 1, j);
            break;
        }
        // apostrophe inside a name (O'Brien): keep going
        let mut b = a + 1;
        while b < j && !is_apostrophe(cv[b].1) {
            b += 1;
        }
        if b >= j {
            push(out, k, j);
            break;
        }
        push(out, k, b);
        k = b;
    }
    for p in j..n {
        push(out, p, p + 1);
    }
    if line_start && first < out.len() {
        out[first].line_start = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text).collect()
    }

    #[test]
    fn peels_punctuation_and_keeps_abbreviations() {
        assert_eq!(
            texts("“Blinken,” said Mr. Smith of the U.S. (Paris)."),
            ["“", "Blinken", ",", "”", "said", "Mr.", "Smith", "of", "the", "U.S.", "(", "Paris", ")", "."]
        );
    }

    #[test]
    fn splits_elisions_and_clitics() {
        assert_eq!(texts("l'Iran d’Orsay kyiv’s don't"), ["l'", "Iran", "d’", "Orsay", "kyiv", "’s", "do", "n't"]);
        assert_eq!(texts("O'Brien Franco-German"), ["O'Brien", "Franco-German"]);
    }

    #[test]
    fn offsets_are_code_points() {
        let s = "Élysée à Séjourné";
        let toks = tokenize(s);
        let chars: Vec<char> = s.chars().collect();
        for t in &toks {
            let slice: String = chars[t.start..t.end].iter().collect();
            assert_eq!(slice, t.text);
            assert_eq!(&s[t.byte_start..t.byte_end], t.text);
        }
        assert_eq!(toks[2].start, 9);
        assert_eq!(toks[2].end, 17);
    }

    #[test]
    fn marks_line_starts() {
        let toks = tokenize("A b\nC d");
        let flags: Vec<bool> = toks.iter().map(|t| t.line_start).collect();
        assert_eq!(flags, [true, false, true, false]);
    }
}
