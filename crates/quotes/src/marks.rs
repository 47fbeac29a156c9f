//! Quoted regions: text between double quotation marks, found paragraph by paragraph.
//!
//! Opening marks `“ „ « ‹ ‟` close with their partner (`”`, `“`/`”` after `„`, `»`, `›`); a
//! straight `"` opens and closes by turn; a `”` standing where a quote opens (space before,
//! letter after) opens one. Marks of another kind inside an open quote are nested quotes and
//! are skipped. A quote still open at the end of a paragraph runs to its end: the news
//! convention for a quotation that goes on over several paragraphs. Single quotes are not
//! used: they double as apostrophes.

/// A quoted region of the text, in code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    /// Position of the opening mark.
    pub(crate) open: usize,
    /// One past the closing mark, or the end of the paragraph when the quote stays open.
    pub(crate) outer_end: usize,
    /// The quoted words: inside the marks, whitespace trimmed.
    pub(crate) start: usize,
    /// End (exclusive) of the quoted words.
    pub(crate) end: usize,
    /// Whether a closing mark was found.
    pub(crate) closed: bool,
}

/// Whether `c` is a double quotation mark of any kind.
pub(crate) fn is_quote_char(c: char) -> bool {
    matches!(c, '“' | '”' | '„' | '‟' | '«' | '»' | '‹' | '›' | '"')
}

fn closes(open: char, c: char) -> bool {
    match open {
        '«' => c == '»',
        '‹' => c == '›',
        '"' => c == '"',
        '„' => c == '“' || c == '”',
        _ => c == '”',
    }
}

/// Every quoted region of `cs`, in text order.
pub(crate) fn quoted_regions(cs: &[char]) -> Vec<Region> {
    let mut out = Vec::new();
    let mut ps = 0;
    while ps <= cs.len() {
        let pe = cs[ps..].iter().position(|&c| c == '\n').map_or(cs.len(), |k| ps + k);
        let mut open: Option<(usize, char)> = None;
        for i in ps..pe {
            let c = cs[i];
            match open {
                None => {
                    let opens = matches!(c, '“' | '„' | '«' | '‹' | '‟' | '"')
                        || (matches!(c, '”' | '»')
                            && (i == ps || cs[i - 1].is_whitespace())
                            && i + 1 < pe
                            && !cs[i + 1].is_whitespace());
                    if opens {
                        open = Some((i, c));
                    }
                }
                Some((o, k)) => {
                    if closes(k, c) {
                        push(&mut out, cs, o, i + 1, true);
                        open = None;
                    }
                }
            }
        }
        if let Some((o, _)) = open {
            push(&mut out, cs, o, pe, false);
        }
        ps = pe + 1;
    }
    out
}

fn push(out: &mut Vec<Region>, cs: &[char], open: usize, outer_end: usize, closed: bool) {
    let mut start = open + 1;
    let mut end = if closed { outer_end - 1 } else { outer_end };
    while start < end && cs[start].is_whitespace() {
        start += 1;
    }
    while end > start && (cs[end - 1].is_whitespace() || cs[end - 1] == ',') {
        end -= 1;
    }
    if start < end {
        out.push(Region { open, outer_end, start, end, closed });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let cs: Vec<char> = s.chars().collect();
        quoted_regions(&cs).iter().map(|r| cs[r.start..r.end].iter().collect()).collect()
    }

    #[test]
    fn curly_guillemets_and_german_marks() {
        assert_eq!(texts("“One,” he said. « Deux » et „drei“."), ["One", "Deux", "drei"]);
    }

    #[test]
    fn nested_marks_stay_inside_the_outer_quote() {
        assert_eq!(texts("« Il a dit “non” hier », selon lui."), ["Il a dit “non” hier"]);
    }

    #[test]
    fn open_quote_runs_to_the_end_of_its_paragraph() {
        assert_eq!(texts("“First part.\n“Second.”"), ["First part.", "Second."]);
    }

    #[test]
    fn straight_quotes_pair_up() {
        assert_eq!(texts(r#"He said "yes" and "no"."#), ["yes", "no"]);
    }
}
