//! Apertium's stream format: reserved characters are backslash-escaped, and
//! the engine marks unknown words (`*`), untranslatable ones (`@`) and
//! generation failures (`#`).

const RESERVED: &[char] = &['\\', '[', ']', '^', '$', '@', '/', '<', '>', '{', '}', '*', '#', '~'];

/// A line's leading blanks, its text and its trailing blanks.
pub(crate) fn split_blanks(line: &str) -> (&str, &str, &str) {
    let core = line.trim();
    if core.is_empty() {
        return (line, "", "");
    }
    let start = line.len() - line.trim_start().len();
    (&line[..start], core, &line[start + core.len()..])
}

/// Escapes a line for the engine and ends it with a blank, without which
/// the analyser waits for more input before it closes the last word.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if RESERVED.contains(&c) {
            out.push('\\');
        }
        // Tabs and other control characters would be taken as blanks anyway.
        out.push(if c.is_control() { ' ' } else { c });
    }
    out.push(' ');
    out
}

/// Unescapes the engine's output and drops its marks and the final blank.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' | '#' | '@' if chars.peek().is_some_and(|n| n.is_alphanumeric()) => {}
            _ => out.push(c),
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_round_trip() {
        let s = r"a [b] ^c$ @d / <e> {f} *g #h \i ~j";
        assert_eq!(unescape(&escape(s)), s);
    }

    #[test]
    fn marks_are_dropped() {
        assert_eq!(unescape("The *Croo said #gone and @x. "), "The Croo said gone and x.");
    }

    #[test]
    fn blanks_are_kept_apart() {
        assert_eq!(split_blanks("  a b \t"), ("  ", "a b", " \t"));
        assert_eq!(split_blanks("   "), ("   ", "", ""));
    }
}
