//! Small helpers shared by the sitemap and OPML readers: bytes to UTF-8 text,
//! entity references, W3C date-times.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// How [`decode_document`] got its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// The bytes were valid UTF-8 (with or without a BOM).
    Utf8,
    /// UTF-8 but for a few invalid sequences, replaced by U+FFFD.
    LossyUtf8 {
        /// How many.
        replaced: usize,
    },
    /// Decoded from another encoding (BOM, declaration or windows-1252).
    Other(&'static encoding_rs::Encoding),
}

/// Decodes an XML document to UTF-8: a BOM or valid UTF-8 wins; then a
/// declared non-UTF-8 `encoding`; then UTF-8 with replacement characters when
/// the bytes are mostly UTF-8 (more valid multi-byte characters than invalid
/// sequences: one stray byte in a UTF-8 feed); else windows-1252 (what
/// mislabelled feeds usually are).
pub(crate) fn decode_document(bytes: &[u8]) -> (Cow<'_, str>, Decoded) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let how = if enc != encoding_rs::UTF_8 {
            Decoded::Other(enc)
        } else if had_errors {
            Decoded::LossyUtf8 { replaced: invalid_utf8_sequences(&bytes[bom_len..]).0 }
        } else {
            Decoded::Utf8
        };
        return (Cow::Owned(text.into_owned()), how);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(s), Decoded::Utf8);
    }
    let declared = declared_encoding(bytes).and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()));
    if let Some(enc) = declared.filter(|e| *e != encoding_rs::UTF_8) {
        return (Cow::Owned(enc.decode_without_bom_handling(bytes).0.into_owned()), Decoded::Other(enc));
    }
    let (invalid, multibyte) = invalid_utf8_sequences(bytes);
    if multibyte > invalid {
        return (String::from_utf8_lossy(bytes), Decoded::LossyUtf8 { replaced: invalid });
    }
    let enc = encoding_rs::WINDOWS_1252;
    (Cow::Owned(enc.decode_without_bom_handling(bytes).0.into_owned()), Decoded::Other(enc))
}

/// Decodes an XML document to UTF-8 (see [`decode_document`]).
pub(crate) fn to_utf8(bytes: &[u8]) -> Cow<'_, str> {
    decode_document(bytes).0
}

/// `(invalid sequences, valid non-ASCII characters)` of bytes read as UTF-8.
fn invalid_utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    bytes.utf8_chunks().fold((0, 0), |(bad, good), chunk| {
        (bad + usize::from(!chunk.invalid().is_empty()), good + chunk.valid().chars().filter(|c| !c.is_ascii()).count())
    })
}

/// The `encoding="…"` of the XML declaration, if any.
pub(crate) fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    let decl_end = head.find("?>")?;
    let decl = &head[..decl_end];
    if !decl.trim_start().starts_with("<?xml") {
        return None;
    }
    let i = decl.find("encoding")?;
    let rest = decl[i + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    let end = rest.find(q)?;
    Some(rest[..end].trim().to_owned())
}

/// The text of an entity reference (`amp`, `#38`, `#x26`, `eacute`); unknown names are kept as written.
pub(crate) fn resolve_ref(name: &str) -> Cow<'static, str> {
    match crate::text::entity_char(name) {
        Some(c) => Cow::Owned(c.to_string()),
        None => Cow::Owned(format!("&{name};")),
    }
}

/// Parses a W3C date-time (the sitemap `lastmod` format): `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, or a full date-time with or without seconds, fraction and
/// zone (no zone means UTC). Also accepts RFC 2822 dates as some sites use them.
pub fn parse_w3c_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    let t = s.replacen(' ', "T", 1);
    let zoned = t.strip_suffix('Z').map(|x| format!("{x}+00:00")).unwrap_or_else(|| t.clone());
    for fmt in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(d) = DateTime::parse_from_str(&zoned, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(&t, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01-01"), "%Y-%m-%d"));
    if let Ok(d) = date {
        return d.and_hms_opt(0, 0, 0).map(|dt| Utc.from_utc_datetime(&dt));
    }
    DateTime::parse_from_rfc2822(s).ok().map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w3c_datetimes_in_all_precisions() {
        let full = parse_w3c_datetime("2024-03-05T14:30:15+01:00").unwrap();
        assert_eq!(full.to_rfc3339(), "2024-03-05T13:30:15+00:00");
        assert_eq!(parse_w3c_datetime("2024-03-05T14:30Z").unwrap().to_rfc3339(), "2024-03-05T14:30:00+00:00");
        assert_eq!(parse_w3c_datetime("2024-03-05T14:30:15.25-05:00").unwrap().timestamp(), full.timestamp() + 6 * 3600);
        assert_eq!(parse_w3c_datetime("2024-03-05").unwrap().to_rfc3339(), "2024-03-05T00:00:00+00:00");
        assert_eq!(parse_w3c_datetime("2024-03").unwrap().to_rfc3339(), "2024-03-01T00:00:00+00:00");
        assert_eq!(parse_w3c_datetime("2024").unwrap().to_rfc3339(), "2024-01-01T00:00:00+00:00");
        assert_eq!(parse_w3c_datetime("2024-03-05 14:30:15").unwrap().to_rfc3339(), "2024-03-05T14:30:15+00:00");
        assert!(parse_w3c_datetime("Tue, 05 Mar 2024 14:30:15 GMT").is_some());
        assert!(parse_w3c_datetime("yesterday").is_none());
        assert!(parse_w3c_datetime("2024-13-45").is_none());
    }

    #[test]
    fn decodes_declared_or_fallback_encodings() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9</a>";
        assert_eq!(declared_encoding(latin1).as_deref(), Some("ISO-8859-1"));
        assert!(to_utf8(latin1).contains("caf\u{e9}"));
        let undeclared = b"<a>na\xefve</a>";
        assert!(to_utf8(undeclared).contains("na\u{ef}ve"));
        let utf8 = "<?xml version='1.0' encoding='iso-8859-1'?><a>déjà</a>";
        assert!(to_utf8(utf8.as_bytes()).contains("déjà"), "valid UTF-8 wins over a wrong declaration");
        assert_eq!(decode_document(latin1).1, Decoded::Other(encoding_rs::WINDOWS_1252));
        let one_bad_byte = "<a>déjà vu \u{2014} ".bytes().chain(*b"\xff</a>").collect::<Vec<u8>>();
        let (text, how) = decode_document(&one_bad_byte);
        assert_eq!(text, "<a>déjà vu \u{2014} \u{fffd}</a>", "UTF-8 kept, the stray byte replaced");
        assert_eq!(how, Decoded::LossyUtf8 { replaced: 1 });
        assert_eq!(resolve_ref("#x41"), "A");
        assert_eq!(resolve_ref("amp"), "&");
        assert_eq!(resolve_ref("bogus"), "&bogus;");
        assert_eq!(resolve_ref("eacute"), "\u{e9}");
    }
}
