//! Character references: `&amp;`, `&#8217;`, `&#x2019;`, and the named ones news pages use.

/// Latin-1 names, U+00A0..=U+00FF in order; HTML also accepts these without a semicolon.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave",
    "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml",
    "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig",
    "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth",
    "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave",
    "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

/// Windows-1252 meanings of the C1 range, as browsers apply them to `&#128;`..`&#159;`.
const C1: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
    0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
];

fn named(name: &str) -> Option<char> {
    let cp = match name {
        "amp" | "AMP" => 38, "lt" | "LT" => 60, "gt" | "GT" => 62, "quot" | "QUOT" => 34,
        "apos" => 39, "OElig" => 338, "oelig" => 339, "Scaron" => 352, "scaron" => 353,
        "Yuml" => 376, "fnof" => 402, "circ" => 710, "tilde" => 732, "ensp" => 8194,
        "emsp" => 8195, "thinsp" => 8201, "hairsp" => 8202, "zwnj" => 8204, "zwj" => 8205,
        "lrm" => 8206, "rlm" => 8207, "hyphen" | "dash" => 8208, "ndash" => 8211,
        "mdash" => 8212, "horbar" => 8213, "lsquo" => 8216, "rsquo" | "rsquor" => 8217,
        "sbquo" => 8218, "ldquo" => 8220, "rdquo" | "rdquor" => 8221, "bdquo" => 8222,
        "dagger" => 8224, "Dagger" => 8225, "bull" | "bullet" => 8226,
        "hellip" | "mldr" => 8230, "permil" => 8240, "prime" => 8242, "Prime" => 8243,
        "lsaquo" => 8249, "rsaquo" => 8250, "oline" => 8254, "euro" => 8364, "trade" => 8482,
        "larr" => 8592, "uarr" => 8593, "rarr" => 8594, "darr" => 8595, "harr" => 8596,
        "minus" => 8722, "Aogon" => 260, "aogon" => 261, "Cacute" => 262, "cacute" => 263,
        "Ccaron" => 268, "ccaron" => 269, "Eogon" => 280, "eogon" => 281, "Ecaron" => 282,
        "ecaron" => 283, "Lstrok" => 321, "lstrok" => 322, "Nacute" => 323, "nacute" => 324,
        "Rcaron" => 344, "rcaron" => 345, "Sacute" => 346, "sacute" => 347, "Zacute" => 377,
        "zacute" => 378, "Zdot" => 379, "zdot" => 380, "Zcaron" => 381, "zcaron" => 382,
        "Tab" => 9, "NewLine" => 10, "excl" => 33, "num" => 35, "dollar" => 36,
        "percnt" => 37, "lpar" => 40, "rpar" => 41, "ast" => 42, "plus" => 43, "comma" => 44,
        "period" => 46, "sol" => 47, "colon" => 58, "semi" => 59, "equals" => 61,
        "quest" => 63, "commat" => 64, "lsqb" | "lbrack" => 91, "bsol" => 92,
        "rsqb" | "rbrack" => 93, "Hat" => 94, "lowbar" => 95, "grave" => 96,
        "lcub" | "lbrace" => 123, "verbar" | "vert" => 124, "rcub" | "rbrace" => 125,
        "star" => 9734, "check" => 10003, "hearts" => 9829, "larrow" => 8592,
        "alpha" => 945, "beta" => 946, "gamma" => 947, "delta" => 948, "mu" => 956,
        "pi" => 960, "Delta" => 916, "Omega" => 937, "infin" => 8734, "asymp" => 8776,
        "ne" => 8800, "le" => 8804, "ge" => 8805, "loz" => 9674, "nbsp;" => 160,
        _ => return LATIN1.iter().position(|n| *n == name).map(|i| char::from_u32(0xA0 + i as u32).unwrap_or('\u{FFFD}')),
    };
    char::from_u32(cp)
}

fn numeric(digits: &str, hex: bool) -> char {
    let Ok(v) = u32::from_str_radix(digits, if hex { 16 } else { 10 }) else {
        return '\u{FFFD}';
    };
    let v = if (0x80..0xA0).contains(&v) { C1[(v - 0x80) as usize] } else { v };
    match v {
        0 => '\u{FFFD}',
        _ => char::from_u32(v).unwrap_or('\u{FFFD}'),
    }
}

/// Appends `s` to `out` with its character references decoded.
pub(crate) fn decode_into(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'&', &b[i..]) {
        let amp = i + off;
        i = amp + 1;
        let (ch, end) = match parse_ref(b, amp) {
            Some(x) => x,
            None => continue,
        };
        out.push_str(&s[last..amp]);
        out.push(ch);
        last = end;
        i = end;
    }
    out.push_str(&s[last..]);
}

/// Returns `s` with its character references decoded.
pub(crate) fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    decode_into(s, &mut out);
    out
}

/// Parses the reference starting at `b[amp] == b'&'`: the character and the end offset.
fn parse_ref(b: &[u8], amp: usize) -> Option<(char, usize)> {
    let rest = &b[amp + 1..];
    if rest.first() == Some(&b'#') {
        let (hex, start) = match rest.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let n = rest[start..]
            .iter()
            .take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() })
            .count();
        if n == 0 || n > 8 {
            return None;
        }
        let digits = std::str::from_utf8(&rest[start..start + n]).ok()?;
        let mut end = amp + 1 + start + n;
        if b.get(end) == Some(&b';') {
            end += 1;
        }
        return Some((numeric(digits, hex), end));
    }
    let n = rest.iter().take(32).take_while(|c| c.is_ascii_alphanumeric()).count();
    if n == 0 {
        return None;
    }
    let name = std::str::from_utf8(&rest[..n]).ok()?;
    if rest.get(n) == Some(&b';') {
        return named(name).map(|c| (c, amp + 1 + n + 1));
    }
    // Without a semicolon only the legacy names count, and not before `=` (URLs).
    if rest.get(n) == Some(&b'=') {
        return None;
    }
    let legacy = matches!(name, "amp" | "lt" | "gt" | "quot" | "AMP" | "LT" | "GT" | "QUOT")
        || LATIN1.contains(&name);
    if legacy {
        named(name).map(|c| (c, amp + 1 + n))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn named_and_numeric_references() {
        assert_eq!(decode("Tom &amp; Jerry &lt;3"), "Tom & Jerry <3");
        assert_eq!(decode("caf&eacute; &#233; &#xE9; &#XE9;"), "café é é é");
        assert_eq!(decode("&#146;quoted&#8217;"), "\u{2019}quoted\u{2019}");
        assert_eq!(decode("a&nbsp;b"), "a\u{a0}b");
        assert_eq!(decode("&ndash;&mdash;&hellip;&bdquo;&ldquo;"), "–—…„“");
    }

    #[test]
    fn bad_references_stay_as_written() {
        assert_eq!(decode("AT&T &unknown; & x"), "AT&T &unknown; & x");
        assert_eq!(decode("?a=1&copy=2"), "?a=1&copy=2");
        assert_eq!(decode("&#; &#x;"), "&#; &#x;");
        assert_eq!(decode("&#0; &#99999999;"), "\u{FFFD} \u{FFFD}");
        assert_eq!(decode("trailing &"), "trailing &");
    }

    #[test]
    fn latin1_table_is_aligned() {
        assert_eq!(decode("&yuml;&iquest;&szlig;&Ouml;"), "ÿ¿ßÖ");
        assert_eq!(decode("&copy 2020"), "© 2020");
    }
}
