//! Fuzzes `extract` with arbitrary bytes; the first byte picks an optional URL and
//! Content-Type so those paths are fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polmon_extract::{extract, Options};

fuzz_target!(|data: &[u8]| {
    let (flags, html) = match data.split_first() {
        Some((f, rest)) => (*f, rest),
        None => (0, data),
    };
    let opts = Options {
        url: (flags & 1 != 0).then(|| "https://www.example.org/news/2021/03/05/story.html".to_string()),
        content_type: match flags >> 1 & 3 {
            1 => Some("text/html; charset=windows-1252".to_string()),
            2 => Some("text/html; charset=utf-16le".to_string()),
            3 => Some("text/html; charset=\"shift_jis\"".to_string()),
            _ => None,
        },
    };
    if let Ok(a) = extract(html, &opts) {
        assert_eq!(a.text, polmon_model::ExtractedArticle::text_from_blocks(&a.blocks));
    }
});
