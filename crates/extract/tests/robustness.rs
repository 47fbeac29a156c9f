//! Hostile and malformed input: deep nesting, unterminated constructs, huge pages, random
//! bytes. None may panic, and the text that is there must come out.

use polmon_extract::{extract, Options};

fn body(html: &str) -> String {
    extract(html.as_bytes(), &Options::default()).map(|a| a.text).unwrap_or_default()
}

const PARA: &str = "The committee approved the proposal on Tuesday, after a long debate that ran late into the night.";

#[test]
fn deep_nesting_keeps_the_text() {
    for open in ["<div>", "<span>", "<b><i>", "<table><tr><td>", "<ul><li>", "<x-a>"] {
        let html = format!("<html><body>{}<p>{PARA}</p></body></html>", open.repeat(100_000));
        let text = body(&html);
        assert!(text.contains("committee approved"), "{open}: {text:.80}");
    }
}

#[test]
fn deep_nesting_with_end_tags() {
    let html = format!("{}<p>{PARA}</p>{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    assert!(body(&html).contains("committee approved"));
}

#[test]
fn unterminated_constructs() {
    for tail in ["<script>var x = 1;", "<!-- comment", "<style>p{}", "<a href=\"x", "<p", "</", "<![CDATA[", "<title>t", "<textarea>"] {
        let html = format!("<p>{PARA}</p>{tail}");
        assert!(body(&html).contains("committee approved"), "{tail}");
    }
}

#[test]
fn misnested_and_stray_tags() {
    let html = format!("<div><p><b>{PARA}</div></b></p></span></table><p>{PARA}<li>{PARA}");
    let a = extract(html.as_bytes(), &Options::default()).unwrap();
    assert_eq!(a.blocks.len(), 3, "{:?}", a.blocks);
}

#[test]
fn big_page_in_linear_time() {
    // 5 MB of paragraphs and boilerplate; the 50 MB case runs in the release benchmark.
    let mut html = String::from("<html><body><nav><a href=/>Home</a></nav><article>");
    while html.len() < 5_000_000 {
        html.push_str("<p>");
        html.push_str(PARA);
        html.push_str("</p><div class=share><a href=#>Share</a></div>");
    }
    html.push_str("</article></body></html>");
    let a = extract(html.as_bytes(), &Options::default()).unwrap();
    assert!(a.blocks.len() > 10_000);
    assert!(!a.text.contains("Share"));
}

#[test]
fn empty_and_binary_input() {
    assert!(extract(b"", &Options::default()).is_err());
    assert!(extract(b"   \n ", &Options::default()).is_err());
    let bin: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let _ = extract(&bin, &Options::default());
}

/// A small deterministic generator (xorshift), so the test needs no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

#[test]
fn random_markup_never_panics() {
    let pieces = [
        "<p>", "</p>", "<div class=\"article-body\">", "</div>", "<a href='/x'>", "</a>", "<li>",
        "<ul>", "</ul>", "<table>", "<tr>", "<td>", "</table>", "<script>", "</script>", "<!--",
        "-->", "<br>", "<h2>", "</h2>", "&amp;", "&#x1F600;", "&#99999999999;", "&", "<", ">",
        "\"", "'", "=", " ", "\n", "text ", "Ünïcödé ", "日本語", "\u{0}", "<meta charset=latin1>",
        "<title>", "</title>", "<svg/>", "<time datetime=2020-01-01>", "<html lang=de>",
        "<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"headline\":\"x\"", "}",
        "<nav>", "<noscript>", "</noscript>", "<!DOCTYPE html>", "<?xml?>", "</x-y>", "<x-y a=b>",
        PARA,
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3_000 {
        let n = (rng.next() % 200) as usize;
        let mut html = String::new();
        for _ in 0..n {
            html.push_str(rng.pick(&pieces));
        }
        let mut bytes = html.into_bytes();
        // Also corrupt a few bytes, making some inputs invalid UTF-8.
        for _ in 0..(rng.next() % 4) {
            if !bytes.is_empty() {
                let i = (rng.next() % bytes.len() as u64) as usize;
                bytes[i] = rng.next() as u8;
            }
        }
        let url = Some("https://example.org/2020/01/02/story".to_string());
        if let Ok(a) = extract(&bytes, &Options { url, content_type: None }) {
            assert_eq!(a.text, polmon_model::ExtractedArticle::text_from_blocks(&a.blocks));
        }
    }
}

#[test]
fn tag_soup_tree_is_bounded() {
    // One element per 4 bytes: the tree stops growing, the text up to there is kept.
    let html = format!("<p>{PARA}</p>{}", "<p>x".repeat(500_000));
    let a = extract(html.as_bytes(), &Options::default()).unwrap();
    assert!(a.text.contains("committee approved"));
    assert!(a.blocks.len() < 200_000, "{}", a.blocks.len());
}

/// Found by cargo-fuzz: a published time with a one-digit UTC offset ("+1:00") panicked.
#[test]
fn regression_short_utc_offset_in_meta() {
    let html = format!(r#"<meta property="article:published_time" content="2020-01-01T10:00:00+1:00"><p>{PARA}</p>"#);
    let a = extract(html.as_bytes(), &Options::default()).unwrap();
    assert_eq!(a.published.as_deref(), Some("2020-01-01T10:00:00"));
}

/// Lowercasing can change byte lengths ("K" Kelvin sign, "İ"): bylines must not slice by
/// the lowercased string's offsets.
#[test]
fn regression_byline_with_length_changing_case() {
    for byline in ["\u{212A}elvin By", "\u{130}\u{130}\u{130} von X", "BY \u{212A}\u{212A}"] {
        let html = format!(r#"<meta name="author" content="{byline}"><p>{PARA}</p>"#);
        let _ = extract(html.as_bytes(), &Options::default()).unwrap();
    }
}
