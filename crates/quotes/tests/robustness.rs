//! Any input, however odd, gives quotes whose offsets are code points into it and whose
//! text is that slice (a small property test with a fixed pseudo-random generator).

use polmon_quotes::{find_attributed, propose_entities, Options};

const PIECES: &[&str] = &[
    "“", "”", "\"", "«", "»", "„", "‹", "›", "’", "'", " ", "\n", ", ", ". ", ": ", "(", ")", "—",
    "said", "told", "a déclaré", "selon", "according to", "he", "she", "il", "Mr.", "the minister",
    "Anna Berg", "Paris", "NATO", "that", "que", "é", "😀", "-t-il", "dit-elle", "Sen.", "\r\n",
];

fn check(text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for a in find_attributed(text, &[], "en", &Options::default()).into_iter().chain(find_attributed(text, &[], "fr", &Options::default())) {
        let q = &a.quote;
        assert!(q.start < q.end && q.end <= chars.len(), "bad span {q:?} in {text:?}");
        assert_eq!(q.text, chars[q.start..q.end].iter().collect::<String>());
        if let Some((s, e)) = a.speaker_span {
            assert!(s < e && e <= chars.len());
            assert_eq!(q.speaker.as_deref(), Some(chars[s..e].iter().collect::<String>().as_str()));
        }
    }
    for m in propose_entities(text) {
        assert_eq!(m.text, chars[m.start..m.end].iter().collect::<String>());
    }
}

#[test]
fn odd_inputs_keep_offsets_valid() {
    for t in ["", "“", "”", "\"\"", "« »", "“ ”", "said", "“a” said", "\n\n“\n", "“x,” said", "Mr.", "d’"] {
        check(t);
    }
    let mut seed: u64 = 0x5eed;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(seed % 40) {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
        }
        check(&text);
    }
}
