//! Small text helpers: whitespace collapsing and character counts.

/// Collapses every run of whitespace to one space and trims the ends.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    collapse_into(s, &mut out);
    trim_end_in_place(&mut out);
    out
}

/// Appends `s` to `out` with whitespace runs collapsed; `out` never gets a leading space and
/// a trailing space may remain (call [`trim_end_in_place`]).
pub(crate) fn collapse_into(s: &str, out: &mut String) {
    let mut ws = false;
    for c in s.chars() {
        if matches!(c, '\u{00ad}' | '\u{200b}' | '\u{feff}' | '\u{200c}') {
            continue; // invisible: soft hyphen, zero-width space, BOM, ZWNJ
        }
        if c.is_whitespace() {
            ws = true;
            continue;
        }
        if ws && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        ws = false;
        out.push(c);
    }
    if ws && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// Removes trailing spaces.
pub(crate) fn trim_end_in_place(s: &mut String) {
    let t = s.trim_end().len();
    s.truncate(t);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_runs_and_trims() {
        assert_eq!(collapse("  a \n\t b\u{a0}\u{a0}c  "), "a b c");
        assert_eq!(collapse("soft\u{ad}hyphen zero\u{200b}width"), "softhyphen zerowidth");
        assert_eq!(collapse(""), "");
    }

    #[test]
    fn appends_with_one_space_between_pieces() {
        let mut s = String::new();
        collapse_into("a ", &mut s);
        collapse_into(" b", &mut s);
        collapse_into("c", &mut s);
        trim_end_in_place(&mut s);
        assert_eq!(s, "a bc");
    }
}
