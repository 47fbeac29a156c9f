//! Feature extraction for the tagger: hashed strings, same at training and run time.

use super::gazetteer::{GazMark, NameMarks};

/// FNV-1a over a template id and bytes: stable across runs and platforms.
#[inline]
pub fn hash(template: u8, parts: &[&[u8]]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(template).wrapping_mul(0x100_0000_01b3);
    for (k, p) in parts.iter().enumerate() {
        if k > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        for &b in *p {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    (h ^ (h >> 32)) as u32
}

/// What the feature extractor needs to know about one token.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// Lowercased text.
    pub lower: String,
    /// Compressed word shape ("Xx", "X.X.", "d", "x-Xx").
    pub shape: String,
    /// Gazetteer marks: countries, other places.
    pub gaz: [GazMark; 2],
    /// First token of its sentence.
    pub sent_start: bool,
    /// Usually written in lowercase (a common word).
    pub common: bool,
    /// A nationality or group word.
    pub demonym: bool,
    /// Listed as a given name and/or a surname.
    pub names: NameMarks,
    /// Marks from the typed name lists (person, organisation, location).
    pub typed: [GazMark; 3],
}

/// Compressed shape: character classes with runs collapsed.
pub fn shape(w: &str) -> String {
    let mut s = String::with_capacity(8);
    let mut last = '\0';
    for c in w.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c == '’' {
            '\''
        } else {
            c
        };
        if k != last {
            s.push(k);
            last = k;
        }
        if s.len() >= 8 {
            break;
        }
    }
    s
}

/// Token infos for one sentence.
pub fn token_infos(words: &[&str], lists: &super::gazetteer::Gazetteers) -> Vec<TokenInfo> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let gaz = lists.mark(&lower);
    let typed = lists.typed_marks(&lower);
    words
        .iter()
        .zip(lower)
        .enumerate()
        .map(|(i, (w, lower))| TokenInfo {
            common: lists.common.contains(&lower),
            demonym: lists.demonyms.contains(&lower),
            names: lists.name_marks(&lower),
            typed: typed[i],
            lower,
            shape: shape(w),
            gaz: gaz[i],
            sent_start: i == 0,
        })
        .collect()
}

/// Whether most words of a sentence are in capitals (a headline or a results table).
pub fn mostly_upper(words: &[&str]) -> bool {
    let mut upper = 0;
    let mut alpha = 0;
    for w in words {
        if w.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            alpha += 1;
            if !w.chars().any(char::is_lowercase) {
                upper += 1;
            }
        }
    }
    alpha >= 2 && upper * 10 >= alpha * 7
}

fn gaz_str(g: GazMark) -> &'static [u8] {
    match g {
        GazMark::None => b"-",
        GazMark::Begin => b"B",
        GazMark::Inside => b"I",
    }
}

const PAD: &str = "<pad>";

/// Static features of token `i` (those not depending on earlier decisions), appended to `out`.
pub fn static_features(t: &[TokenInfo], i: usize, upper: bool, out: &mut Vec<u32>) {
    let w = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 || j as usize >= t.len() {
            PAD
        } else {
            &t[j as usize].lower
        }
    };
    let sh = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 || j as usize >= t.len() {
            PAD
        } else {
            &t[j as usize].shape
        }
    };
    let g = |k: isize, list: usize| -> &[u8] {
        let j = i as isize + k;
        if j < 0 || j as usize >= t.len() {
            b"<"
        } else {
            gaz_str(t[j as usize].gaz[list])
        }
    };
    let me = &t[i];
    let lw = me.lower.as_bytes();
    let up: &[u8] = if upper { b"U" } else { b"m" };
    let shape_i: &[u8] = if upper { b"UP" } else { me.shape.as_bytes() };
    out.push(hash(1, &[]));
    out.push(hash(2, &[lw]));
    out.push(hash(3, &[w(-1).as_bytes()]));
    out.push(hash(4, &[w(1).as_bytes()]));
    out.push(hash(5, &[w(-2).as_bytes()]));
    out.push(hash(6, &[w(2).as_bytes()]));
    out.push(hash(7, &[shape_i, up]));
    out.push(hash(8, &[sh(-1).as_bytes(), shape_i, up]));
    out.push(hash(9, &[shape_i, sh(1).as_bytes(), up]));
    let chars: Vec<(usize, char)> = me.lower.char_indices().collect();
    let n = chars.len();
    let byte = |k: usize| if k >= n { lw.len() } else { chars[k].0 };
    for (tid, k) in [(10u8, 1usize), (11, 2), (12, 3)] {
        if n > k {
            out.push(hash(tid, &[&lw[..byte(k)]]));
        }
    }
    for (tid, k) in [(13u8, 2usize), (14, 3), (15, 4)] {
        if n > k {
            out.push(hash(tid, &[&lw[byte(n - k)..]]));
        }
    }
    out.push(hash(16, &[w(-1).as_bytes(), lw]));
    out.push(hash(17, &[lw, w(1).as_bytes()]));
    out.push(hash(18, &[if me.sent_start { b"S" } else { b"-" }, shape_i]));
    for list in 0..2 {
        let l = [list as u8];
        out.push(hash(19, &[&l, g(0, list)]));
        out.push(hash(20, &[&l, g(-1, list), g(0, list), g(1, list)]));
        out.push(hash(21, &[&l, g(0, list), shape_i]));
    }
    if upper {
        out.push(hash(22, &[lw, up]));
    }
    out.push(hash(23, &[sh(-1).as_bytes(), w(-1).as_bytes(), shape_i]));
    out.push(hash(24, &[shape_i, w(1).as_bytes()]));
    let flag = |b: bool| -> &[u8] { if b { b"1" } else { b"0" } };
    out.push(hash(26, &[flag(me.common), shape_i, up]));
    out.push(hash(27, &[flag(me.common), flag(me.sent_start)]));
    out.push(hash(28, &[flag(me.demonym), shape_i]));
    if i + 1 < t.len() {
        out.push(hash(29, &[flag(t[i + 1].common), flag(t[i + 1].demonym), shape_i]));
    }
    out.push(hash(25, &[sh(-2).as_bytes(), sh(-1).as_bytes(), shape_i, sh(1).as_bytes(), sh(2).as_bytes()]));
    name_features(t, i, shape_i, out);
}

/// Name-list features: the given-name/surname marks of the token and its neighbours, and
/// the token's marks in the typed name lists (person, organisation, location).
fn name_features(t: &[TokenInfo], i: usize, shape_i: &[u8], out: &mut Vec<u32>) {
    let names = |k: isize| -> u8 {
        let j = i as isize + k;
        if j < 0 || j as usize >= t.len() {
            b'<'
        } else {
            b'0' + t[j as usize].names
        }
    };
    out.push(hash(30, &[&[names(0)], shape_i]));
    out.push(hash(31, &[&[names(-1), names(0), names(1)]]));
    for (kind, mark) in t[i].typed.iter().enumerate() {
        if *mark != GazMark::None {
            let k = [kind as u8];
            out.push(hash(38, &[&k, gaz_str(*mark)]));
            out.push(hash(39, &[&k, gaz_str(*mark), shape_i]));
        }
    }
}

/// Features depending on the previous two predicted labels.
pub fn dynamic_features(t: &[TokenInfo], i: usize, p1: u8, p2: u8, upper: bool, out: &mut Vec<u32>) {
    let me = &t[i];
    let shape_i: &[u8] = if upper { b"UP" } else { me.shape.as_bytes() };
    out.push(hash(40, &[&[p1]]));
    out.push(hash(41, &[&[p1], &[p2]]));
    out.push(hash(42, &[&[p1], me.lower.as_bytes()]));
    out.push(hash(43, &[&[p1], shape_i]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(shape("Blinken"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("2024"), "d");
        assert_eq!(shape("Franco-German"), "Xx-Xx");
    }

    #[test]
    fn upper_detection() {
        assert!(mostly_upper(&["CRICKET", "-", "LEICESTERSHIRE", "TAKE", "OVER"]));
        assert!(!mostly_upper(&["The", "EU", "said"]));
    }

    #[test]
    fn name_lists_reach_the_features() {
        use super::super::gazetteer::{GIVEN_NAME, SURNAME};
        let lists = super::super::gazetteer::Gazetteers::bundled();
        let words = ["John", "Smith", "visited", "NATO"];
        let t = token_infos(&words, &lists);
        assert_eq!(t[0].names & GIVEN_NAME, GIVEN_NAME);
        assert_eq!(t[1].names & SURNAME, SURNAME);
        assert_eq!(t[2].names, 0);
        // without its name marks the same token yields other features
        let mut base = Vec::new();
        static_features(&t, 0, false, &mut base);
        let mut t2 = t.clone();
        t2[0].names = 0;
        let mut changed = Vec::new();
        static_features(&t2, 0, false, &mut changed);
        assert_eq!(base.len(), changed.len());
        assert_eq!(base.iter().zip(&changed).filter(|(a, b)| a != b).count(), 2);
        // a listed organisation adds its two typed-list features
        let mut plain = t.clone();
        plain[3].typed = [GazMark::None; 3];
        let (mut with, mut without) = (Vec::new(), Vec::new());
        static_features(&t, 3, false, &mut with);
        static_features(&plain, 3, false, &mut without);
        assert_eq!(t[3].typed[1], GazMark::Begin, "NATO is a listed organisation");
        assert_eq!(with.len(), without.len() + 2);
    }

    #[test]
    fn hash_separates_templates_and_parts() {
        assert_ne!(hash(2, &[b"ab"]), hash(3, &[b"ab"]));
        assert_ne!(hash(2, &[b"a", b"b"]), hash(2, &[b"ab"]));
    }
}
