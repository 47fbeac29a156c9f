//! The analysed text as code points, cut into tokens, paragraphs and quoted regions.

use crate::lexicon;
use crate::marks::{self, Region};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters and digits, with inner apostrophes, hyphens and abbreviation dots.
    Word,
    /// One punctuation character (quote marks included).
    Punct(char),
}

/// One token; offsets are code points into the text, end exclusive.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
    /// Lower-cased text, typographic apostrophes made straight.
    pub(crate) lower: String,
    /// Paragraph index: the count of non-empty lines before this one.
    pub(crate) para: usize,
    /// Whether the token lies inside a quoted region (marks included).
    pub(crate) quoted: bool,
    /// Whether the token's first character is upper case.
    pub(crate) cap: bool,
}

impl Token {
    pub(crate) fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    pub(crate) fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
}

/// The text prepared once for every analysis step.
pub(crate) struct Doc {
    pub(crate) chars: Vec<char>,
    pub(crate) tokens: Vec<Token>,
    pub(crate) regions: Vec<Region>,
    /// Index of the sentence each token belongs to.
    pub(crate) sentence: Vec<usize>,
    /// First token and one past the last token of each sentence.
    bounds: Vec<(usize, usize)>,
    /// Words the text also writes in lower case, sorted.
    pub(crate) common: Vec<String>,
    /// `words[i]`: how many word tokens come before token `i` (one entry more than tokens).
    words: Vec<u32>,
    /// `quoted_words[i]`: how many of those are inside quotation marks.
    quoted_words: Vec<u32>,
}

impl Doc {
    pub(crate) fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let regions = marks::quoted_regions(&chars);
        let mut tokens = tokenize(&chars);
        let mut r = 0;
        for t in &mut tokens {
            while r < regions.len() && regions[r].outer_end <= t.start {
                r += 1;
            }
            t.quoted = r < regions.len() && regions[r].open <= t.start;
        }
        let sentence = sentences(&tokens);
        let mut bounds: Vec<(usize, usize)> = Vec::new();
        for (i, &s) in sentence.iter().enumerate() {
            if s == bounds.len() {
                bounds.push((i, i + 1));
            } else {
                bounds[s].1 = i + 1;
            }
        }
        let mut common: Vec<&str> = tokens.iter().filter(|t| t.is_word() && !t.cap).map(|t| t.lower.as_str()).collect();
        common.sort_unstable();
        common.dedup();
        let common = common.into_iter().map(str::to_string).collect();
        let (mut words, mut quoted_words) = (Vec::with_capacity(tokens.len() + 1), Vec::with_capacity(tokens.len() + 1));
        let (mut w, mut q) = (0u32, 0u32);
        for t in &tokens {
            words.push(w);
            quoted_words.push(q);
            w += u32::from(t.is_word());
            q += u32::from(t.is_word() && t.quoted);
        }
        words.push(w);
        quoted_words.push(q);
        Doc { chars, tokens, regions, sentence, bounds, common, words, quoted_words }
    }

    /// The text between two code-point offsets.
    pub(crate) fn slice(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }

    /// The text covered by tokens `a..b`.
    pub(crate) fn tok_text(&self, a: usize, b: usize) -> String {
        self.slice(self.tokens[a].start, self.tokens[b - 1].end)
    }

    /// How many word tokens `a..b` holds, and how many of them are quoted, in constant time.
    pub(crate) fn word_counts(&self, a: usize, b: usize) -> (usize, usize) {
        ((self.words[b] - self.words[a]) as usize, (self.quoted_words[b] - self.quoted_words[a]) as usize)
    }

    /// Index of the first token starting at or after `pos`.
    pub(crate) fn tok_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.start < pos)
    }

    /// Whether token `i` is a capitalised common word opening its sentence ("Partial
    /// transcript", "Meanwhile"): the text writes it in lower case elsewhere, or it is an
    /// opening adverb.
    pub(crate) fn is_capitalised_common(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        t.cap
            && self.sentence_start(i) == i
            && (self.common.binary_search(&t.lower).is_ok() || lexicon::is_sentence_adverb(&t.lower))
    }

    /// How many sentences the text has.
    pub(crate) fn sentence_count(&self) -> usize {
        self.bounds.len()
    }

    /// First token and one past the last token of sentence `s`.
    pub(crate) fn sentence_bounds(&self, s: usize) -> (usize, usize) {
        self.bounds[s]
    }

    /// First token of the sentence holding token `i`.
    pub(crate) fn sentence_start(&self, i: usize) -> usize {
        self.bounds[self.sentence[i]].0
    }

    /// One past the last token of the sentence holding token `i`.
    pub(crate) fn sentence_end(&self, i: usize) -> usize {
        if i >= self.tokens.len() {
            return self.tokens.len();
        }
        self.bounds[self.sentence[i]].1
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn tokenize(cs: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut para = 0;
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '\n' {
            // Blank lines do not count: paragraphs are the non-empty lines.
            if out.last().is_some_and(|t: &Token| t.para == para) {
                para += 1;
            }
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if is_word_char(c) {
            i += 1;
            loop {
                // French elisions end their own token: "l'", "qu'", "d'" (none is longer than
                // seven letters, so a long word is not re-read at each of its apostrophes).
                if i - start <= 7
                    && i + 1 < cs.len() && matches!(cs[i], '\'' | '’') && is_word_char(cs[i + 1]) {
                    let so_far: String = cs[start..i].iter().collect::<String>().to_lowercase();
                    if lexicon::is_elision(&so_far) {
                        i += 1;
                        break;
                    }
                }
                if i < cs.len() && is_word_char(cs[i]) {
                    i += 1;
                } else if i + 1 < cs.len()
                    && matches!(cs[i], '\'' | '’' | '-' | '.' | '&' | '\u{ad}')
                    && is_word_char(cs[i + 1])
                {
                    i += 2;
                } else {
                    break;
                }
            }
            // (A soft hyphen, "condi\u{ad}tions", is no part of the word.)
            let mut lower: String = cs[start..i].iter().filter(|&&c| c != '\u{ad}').collect::<String>().to_lowercase().replace('’', "'");
            // An elision before a space ("d’ Orsay") keeps its apostrophe, as one glued to
            // its word ("l’Iran") did above.
            let apostrophe_next = i < cs.len() && matches!(cs[i], '\'' | '’');
            if !lower.ends_with('\'')
                && apostrophe_next
                && ((i - start <= 2 && !cs[start].is_uppercase()) || lexicon::is_elision(&lower))
            {
                i += 1;
                lower.push('\'');
            } else if i < cs.len() && cs[i] == '.' && lexicon::is_abbreviation(&cs[start..i]) {
                i += 1;
                lower.push('.');
            }
            let cap = cs[start].is_uppercase();
            out.push(Token { start, end: i, kind: Kind::Word, lower, para, quoted: false, cap });
        } else {
            i += 1;
            out.push(Token {
                start,
                end: i,
                kind: Kind::Punct(c),
                lower: c.to_string(),
                para,
                quoted: false,
                cap: false,
            });
        }
    }
    out
}

/// Sentence ids: a new sentence starts after `.`, `!`, `?` or `…` outside quotes that is
/// followed by an upper-case word, a quote mark or a new paragraph, and at every paragraph.
fn sentences(tokens: &[Token]) -> Vec<usize> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut id = 0;
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            let prev = &tokens[i - 1];
            let ends = matches!(prev.kind, Kind::Punct('.' | '!' | '?' | '…'))
                && !prev.quoted
                && (t.cap || matches!(t.kind, Kind::Punct(c) if marks::is_quote_char(c)));
            // A closing quote mark after a full stop inside the quote also ends a sentence
            // when the next word starts one ("… end.” The next …").
            let quote_ends = matches!(prev.kind, Kind::Punct(c) if marks::is_quote_char(c))
                && i >= 2
                && tokens[i - 2].is_punct('.')
                && t.cap
                && t.is_word();
            if prev.para != t.para || ends || quote_ends {
                id += 1;
            }
        }
        out.push(id);
    }
    out
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_hyphens_stay_inside_their_word() {
        let doc = Doc::new("La lettre liste trois condi\u{ad}tions.");
        let words: Vec<&str> = doc.tokens.iter().filter(|t| t.is_word()).map(|t| t.lower.as_str()).collect();
        assert_eq!(words, ["la", "lettre", "liste", "trois", "conditions"]);
    }

    fn words(text: &str) -> Vec<String> {
        Doc::new(text).tokens.iter().filter(|t| t.is_word()).map(|t| t.lower.clone()).collect()
    }

    #[test]
    fn elisions_abbreviations_and_compounds() {
        assert_eq!(words("l’Iran qu'il Mr. Smith U.S. d’ Orsay a-t-il"), ["l'", "iran", "qu'", "il", "mr.", "smith", "u.s.", "d'", "orsay", "a-t-il"]);
        assert_eq!(words("O’Reilly didn’t"), ["o'reilly", "didn't"]);
    }

    #[test]
    fn sentences_break_outside_quotes_only() {
        let d = Doc::new("He left. “Stop. Now,” she said. Then\nnew paragraph");
        let id = |w: &str| d.sentence[d.tokens.iter().position(|t| t.lower == w).unwrap()];
        assert_ne!(id("he"), id("she"));
        assert_eq!(id("stop"), id("she"), "a full stop inside a quote does not end the sentence");
        assert_ne!(id("then"), id("new"), "a paragraph ends a sentence");
        assert_eq!(d.sentence_start(d.tok_at(d.tokens[3].start)), 3);
    }
}
