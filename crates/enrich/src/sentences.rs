//! Sentence boundaries over tokens: line breaks, and `.`/`!`/`?` before a capital.

use crate::token::Token;

/// Longest sentence handed to the tagger, in tokens.
const MAX_LEN: usize = 120;

/// Token ranges `[start, end)` of the sentences of `tokens`.
pub fn sentences(tokens: &[Token<'_>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let cut_before = i > start
            && (tokens[i].line_start
                || i - start >= MAX_LEN
                || (matches!(tokens[i - 1].text, "." | "!" | "?" | "…")
                    && tokens[i].text.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"“«‘'".contains(c))));
        if cut_before {
            out.push((start, i));
            start = i;
        }
    }
    if start < tokens.len() {
        out.push((start, tokens.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    #[test]
    fn splits_on_stops_and_lines_not_abbreviations() {
        let toks = tokenize("Mr. Blinken came. He left!\nNew line. and more");
        let s = sentences(&toks);
        let texts: Vec<Vec<&str>> = s.iter().map(|&(a, b)| toks[a..b].iter().map(|t| t.text).collect()).collect();
        assert_eq!(texts[0], ["Mr.", "Blinken", "came", "."]);
        assert_eq!(texts[1], ["He", "left", "!"]);
        assert_eq!(texts[2], ["New", "line", ".", "and", "more"]);
        assert_eq!(s.len(), 3);
    }
}
