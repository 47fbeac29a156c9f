//! Bytes to text: the charset from the HTTP header, a byte-order mark, the page's own
//! `<meta charset>` / `http-equiv`, or detection, with the common mislabellings corrected.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How far into the page a `<meta charset>` is looked for.
const PRESCAN: usize = 8192;

/// Decodes a page to text. `content_type` is the HTTP header; `tld` the URL's top-level
/// domain (a hint for detection).
pub(crate) fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>, tld: Option<&str>) -> Cow<'a, str> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom_len..]).0;
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc.decode_without_bom_handling(bytes).0;
    }
    let header = content_type.and_then(charset_param).and_then(|l| Encoding::for_label(l.as_bytes()));
    if let Some(enc) = header.filter(|e| *e == UTF_16LE || *e == UTF_16BE) {
        return enc.decode_without_bom_handling(bytes).0;
    }
    let declared = header.or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN)]));
    let utf8 = std::str::from_utf8(bytes).ok();
    if utf8.is_none() {
        if let Some(mixed) = mixed_utf8(bytes) {
            return Cow::Owned(mixed);
        }
    }
    match (declared, utf8) {
        // Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the label says.
        (_, Some(s)) => Cow::Borrowed(s),
        (Some(enc), None) if enc != UTF_8 && enc != UTF_16LE && enc != UTF_16BE => enc.decode_without_bom_handling(bytes).0,
        _ => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            let enc = det.guess(tld.map(str::as_bytes), chardetng::Utf8Detection::Allow);
            enc.decode_without_bom_handling(bytes).0
        }
    }
}

/// Pages stitched from UTF-8 and windows-1252 parts (a UTF-8 template around legacy
/// content, or the reverse): when valid multi-byte UTF-8 sequences are common among the
/// invalid bytes, UTF-8 runs are read as UTF-8 and each stray byte as windows-1252, as a
/// reader would see it.
fn mixed_utf8(bytes: &[u8]) -> Option<String> {
    let (mut multi, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multi += s.bytes().filter(|b| *b >= 0xC0).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                multi += good.iter().filter(|b| **b >= 0xC0).count();
                let n = e.error_len().unwrap_or(bad.len()).max(1);
                invalid += n;
                rest = &bad[n.min(bad.len())..];
            }
        }
    }
    if multi < 3 || multi * 4 < invalid {
        return None;
    }
    let mut out = String::with_capacity(bytes.len() + invalid * 2);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return Some(out);
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len()).max(1).min(bad.len());
                let (legacy, _, _) = encoding_rs::WINDOWS_1252.decode(&bad[..n]);
                out.push_str(&legacy);
                rest = &bad[n..];
            }
        }
    }
}

/// UTF-16 without a byte-order mark, recognised by NULs beside ASCII at the start.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 8 {
        return None;
    }
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if odd_nul * 10 >= half * 9 && even_nul == 0 {
        Some(UTF_16LE)
    } else if even_nul * 10 >= half * 9 && odd_nul == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The `charset=` parameter of a Content-Type value.
fn charset_param(ct: &str) -> Option<String> {
    let lower = ct.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest.find(|c: char| c == '"' || c == '\'' || c == ';' || c == ',' || c.is_whitespace()).unwrap_or(rest.len());
    let label = &rest[..end];
    (!label.is_empty()).then(|| label.to_string())
}

/// The charset a `<meta>` in the page's head declares.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &head[i..]) {
        let lt = i + off;
        i = lt + 1;
        if head.len() < lt + 5 || !head[lt + 1..lt + 5].eq_ignore_ascii_case(b"meta") {
            continue;
        }
        let end = memchr::memchr(b'>', &head[lt..]).map_or(head.len(), |p| lt + p);
        let tag = String::from_utf8_lossy(&head[lt..end]).to_ascii_lowercase();
        if let Some(label) = charset_param(&tag) {
            if let Some(enc) = Encoding::for_label(label.as_bytes()) {
                // A page that calls itself UTF-16 in ASCII bytes is not UTF-16.
                return Some(if enc == UTF_16LE || enc == UTF_16BE { UTF_8 } else { enc });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_decodes_latin1() {
        let bytes = b"<p>caf\xe9 \x93quoted\x94</p>";
        assert_eq!(decode(bytes, Some("text/html; charset=ISO-8859-1"), None), "<p>café “quoted”</p>");
    }

    #[test]
    fn meta_charset_is_used_without_header() {
        let bytes = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-15\"><p>\xa4 5</p>";
        assert!(decode(bytes, None, None).contains("€ 5"));
        let bytes = b"<meta charset='windows-1252'><p>na\xefve</p>";
        assert!(decode(bytes, None, None).contains("naïve"));
    }

    #[test]
    fn valid_utf8_wins_over_a_wrong_label() {
        let bytes = "<meta charset=iso-8859-1><p>Zürich</p>".as_bytes();
        assert!(decode(bytes, None, None).contains("Zürich"));
    }

    #[test]
    fn wrong_utf8_label_falls_back_to_detection() {
        let bytes = b"<meta charset=utf-8><p>Die Stra\xdfe f\xfchrt \xfcber die Br\xfccke nach M\xfcnchen.</p>";
        let s = decode(bytes, None, Some("de"));
        assert!(s.contains("Straße führt über"), "{s}");
    }

    #[test]
    fn mixed_utf8_and_latin1_both_come_out_right() {
        let mut bytes = "<p>Gemüsebrühe und Olivenöl</p>".as_bytes().to_vec();
        bytes.extend(b"<p>Stra\xdfe</p>");
        let s = decode(&bytes, None, None);
        assert!(s.contains("Gemüsebrühe und Olivenöl") && s.contains("Straße"), "{s}");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "<p>Hé</p>";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert_eq!(decode(&bom, None, None), text);
        let be: Vec<u8> = "<html><p>Hé</p>".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be, None, None), "<html><p>Hé</p>");
    }
}
