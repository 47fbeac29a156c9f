//! The query of a watch: the search syntax, parsed into a Boolean expression over folded words.
//!
//! Grammar (keywords in capitals, as in the search box):
//! `or := and ("OR" and)*`, `and := unary ("AND"? unary)*`,
//! `unary := ("NOT" | "-") unary | "+"? atom`, `atom := word | "quoted phrase" | "(" or ")"`.
//! A word that folds into several words (`US-led`) is a phrase, as in the index.

use crate::text::{Vocabulary, Words};
use crate::WatchError;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// The most words and phrases a query may hold.
pub const MAX_QUERY_TERMS: usize = 64;
const MAX_DEPTH: usize = 16;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    expr: Expr,
}

/// A query's expression over words: folded strings as parsed, word ids once compiled
/// against a [`Vocabulary`] by the matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr<W = String> {
    /// One folded word.
    Word(W),
    /// Folded words in a row.
    Phrase(Vec<W>),
    Not(Box<Expr<W>>),
    And(Vec<Expr<W>>),
    Or(Vec<Expr<W>>),
}

impl Query {
    /// Parses a query; the error names what is wrong.
    pub fn parse(text: &str) -> Result<Query, WatchError> {
        let fail = |reason: String| WatchError::Query { query: text.to_owned(), reason };
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(fail(format!("longer than {MAX_QUERY_CHARS} characters")));
        }
        let tokens = lex(text).map_err(fail)?;
        if tokens.is_empty() {
            return Err(fail("empty".into()));
        }
        let mut p = Parser { tokens, pos: 0, terms: 0 };
        let expr = p.or(0).map_err(fail)?;
        if p.pos < p.tokens.len() {
            return Err(fail(format!("unexpected {} after the end of the query", p.tokens[p.pos].describe())));
        }
        if !expr.is_positive() {
            return Err(fail(
                "every alternative needs a word or phrase that must appear (NOT alone matches almost everything)".into(),
            ));
        }
        Ok(Query { expr })
    }

    pub(crate) fn expr(&self) -> &Expr {
        &self.expr
    }
}

impl<W> Expr<W> {
    /// Whether matching requires some word to be present (not only absences).
    pub(crate) fn is_positive(&self) -> bool {
        match self {
            Expr::Word(_) | Expr::Phrase(_) => true,
            Expr::Not(_) => false,
            Expr::And(v) => v.iter().any(Expr::is_positive),
            Expr::Or(v) => v.iter().all(Expr::is_positive),
        }
    }

    /// The same expression with each word replaced by `f(word)`.
    pub(crate) fn map<U>(&self, f: &mut impl FnMut(&W) -> U) -> Expr<U> {
        match self {
            Expr::Word(w) => Expr::Word(f(w)),
            Expr::Phrase(ws) => Expr::Phrase(ws.iter().map(&mut *f).collect()),
            Expr::Not(e) => Expr::Not(Box::new(e.map(f))),
            Expr::And(v) => Expr::And(v.iter().map(|e| e.map(f)).collect()),
            Expr::Or(v) => Expr::Or(v.iter().map(|e| e.map(f)).collect()),
        }
    }
}

impl Expr<String> {
    /// Words of which at least one is in every text the expression matches: the fewest
    /// found and, among as few, the longest (long words are the rarer ones in text, so
    /// the anchor points to fewer articles). `None` for an expression that can match
    /// without any word.
    pub(crate) fn anchors(&self) -> Option<Vec<&str>> {
        match self {
            Expr::Word(w) => Some(vec![w.as_str()]),
            Expr::Phrase(ws) => ws.iter().max_by_key(|w| w.len()).map(|w| vec![w.as_str()]),
            Expr::Not(_) => None,
            Expr::And(v) => v
                .iter()
                .filter_map(Expr::anchors)
                .min_by_key(|a| (a.len(), std::cmp::Reverse(a.iter().map(|w| w.len()).min()))),
            Expr::Or(v) => {
                let mut all = Vec::new();
                for e in v {
                    all.extend(e.anchors()?);
                }
                all.sort_unstable();
                all.dedup();
                Some(all)
            }
        }
    }

    /// The expression over the ids of its words, which are added to `vocabulary`.
    pub(crate) fn compile(&self, vocabulary: &mut Vocabulary) -> Expr<u32> {
        self.map(&mut |w: &String| vocabulary.intern(w))
    }
}

impl Expr<u32> {
    pub(crate) fn eval(&self, words: &Words) -> bool {
        match self {
            Expr::Word(w) => words.contains(*w),
            Expr::Phrase(ws) => words.has_phrase(ws),
            Expr::Not(e) => !e.eval(words),
            Expr::And(v) => v.iter().all(|e| e.eval(words)),
            Expr::Or(v) => v.iter().any(|e| e.eval(words)),
        }
    }

    /// The words and phrases (not under a NOT) found in `words`.
    pub(crate) fn found_terms<'e>(&'e self, words: &Words, out: &mut Vec<&'e Expr<u32>>) {
        match self {
            Expr::Word(w) if words.contains(*w) => out.push(self),
            Expr::Phrase(ws) if words.has_phrase(ws) => out.push(self),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.found_terms(words, out)),
            _ => {}
        }
    }

    /// The words of a word or phrase, in order (none for an operator).
    pub(crate) fn term_words(&self) -> &[u32] {
        match self {
            Expr::Word(w) => std::slice::from_ref(w),
            Expr::Phrase(ws) => ws,
            _ => &[],
        }
    }

    /// A word or phrase as written for people (folded words, single spaces).
    pub(crate) fn term_text(&self, vocabulary: &Vocabulary) -> String {
        match self {
            Expr::Word(w) => vocabulary.word(*w).to_owned(),
            Expr::Phrase(ws) => ws.iter().map(|&w| vocabulary.word(w)).collect::<Vec<_>>().join(" "),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Word(String),
    Quoted(String),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Open => "\"(\"".into(),
            Token::Close => "\")\"".into(),
            Token::And => "AND".into(),
            Token::Or => "OR".into(),
            Token::Not => "NOT or -".into(),
            Token::Plus => "\"+\"".into(),
            Token::Word(w) => format!("word {w:?}"),
            Token::Quoted(q) => format!("phrase \"{q}\""),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                out.push(if c == '(' { Token::Open } else { Token::Close });
            }
            '"' => {
                chars.next();
                let mut phrase = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some(c) => phrase.push(c),
                        None => return Err(format!("the phrase \"{phrase} has no closing quotation mark")),
                    }
                }
                out.push(Token::Quoted(phrase));
            }
            // At the start of a token: "-word" excludes, "+word" requires.
            '-' | '+' => {
                chars.next();
                out.push(if c == '-' { Token::Not } else { Token::Plus });
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                out.push(match word.as_str() {
                    "AND" | "&&" => Token::And,
                    "OR" | "||" => Token::Or,
                    "NOT" => Token::Not,
                    _ => Token::Word(word),
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    terms: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        let mut alternatives = vec![self.and(depth)?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            alternatives.push(self.and(depth)?);
        }
        Ok(if alternatives.len() == 1 { alternatives.pop().expect("one") } else { Expr::Or(alternatives) })
    }

    fn and(&mut self, depth: usize) -> Result<Expr, String> {
        let mut parts = vec![self.unary(depth)?];
        loop {
            match self.peek() {
                None | Some(Token::Or | Token::Close) => break,
                Some(Token::And) => {
                    self.pos += 1;
                    parts.push(self.unary(depth)?);
                }
                Some(_) => parts.push(self.unary(depth)?),
            }
        }
        Ok(if parts.len() == 1 { parts.pop().expect("one") } else { Expr::And(parts) })
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, String> {
        match self.peek() {
            Some(Token::Not) => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary(depth + 1)?)))
            }
            Some(Token::Plus) => {
                self.pos += 1;
                self.atom(depth)
            }
            _ => self.atom(depth),
        }
    }

    fn atom(&mut self, depth: usize) -> Result<Expr, String> {
        let token = self.peek().cloned().ok_or_else(|| "ends where a word was expected".to_owned())?;
        self.pos += 1;
        match token {
            Token::Open => {
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(&Token::Close) {
                    return Err("a \"(\" is not closed".into());
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::Word(w) | Token::Quoted(w) => self.term(&w),
            other => Err(format!("{} where a word was expected", other.describe())),
        }
    }

    fn term(&mut self, text: &str) -> Result<Expr, String> {
        self.terms += 1;
        if self.terms > MAX_QUERY_TERMS {
            return Err(format!("more than {MAX_QUERY_TERMS} words and phrases"));
        }
        let mut words = Vec::new();
        polmon_index::for_each_folded_word(text, |w| words.push(w.to_owned()));
        match words.len() {
            0 => Err(format!("{text:?} has no letters or digits")),
            1 => Ok(Expr::Word(words.pop().expect("one"))),
            _ => Ok(Expr::Phrase(words)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Expr {
        Query::parse(s).unwrap().expr
    }

    fn w(s: &str) -> Expr {
        Expr::Word(s.into())
    }

    #[test]
    fn words_are_and_phrases_are_kept_and_or_binds_looser() {
        assert_eq!(q("Sudan conference"), Expr::And(vec![w("sudan"), w("conference")]));
        assert_eq!(q("\"Quai d'Orsay\""), Expr::Phrase(vec!["quai".into(), "d".into(), "orsay".into()]));
        assert_eq!(q("a b OR c"), Expr::Or(vec![Expr::And(vec![w("a"), w("b")]), w("c")]));
        assert_eq!(q("a AND (b OR c)"), Expr::And(vec![w("a"), Expr::Or(vec![w("b"), w("c")])]));
        assert_eq!(q("Séjourné -Ukraine +Kyiv"), Expr::And(vec![w("sejourne"), Expr::Not(Box::new(w("ukraine"))), w("kyiv")]));
        assert_eq!(q("US-led"), Expr::Phrase(vec!["us".into(), "led".into()]));
    }

    #[test]
    fn bad_queries_say_what_is_wrong() {
        let err = |s: &str| Query::parse(s).unwrap_err().to_string();
        assert!(err("\"open phrase").contains("no closing quotation mark"));
        assert!(err("(a OR b").contains("not closed"));
        assert!(err("a OR").contains("ends where a word was expected"));
        assert!(err("NOT ukraine").contains("must appear"));
        assert!(err("a OR -b").contains("must appear"));
        assert!(err("a )").contains("unexpected"));
        assert!(err("   ").contains("empty"));
        assert!(err("!!!").contains("no letters or digits"));
        assert!(err(&"x ".repeat(65)).contains("more than 64"));
        assert!(err(&"y".repeat(1001)).contains("longer than 1000"));
    }

    #[test]
    fn evaluation_follows_the_expression() {
        let yes = |s: &str| {
            let mut vocabulary = Vocabulary::default();
            let e = q(s).compile(&mut vocabulary);
            e.eval(&Words::of(&vocabulary, &["Séjourné à Kyiv", "Le ministre a parlé de l'Ukraine et du Quai d'Orsay."]))
        };
        assert!(yes("sejourne kyiv"));
        assert!(yes("\"quai d'orsay\""));
        assert!(!yes("\"orsay quai\""));
        assert!(!yes("\"kyiv le\""), "a phrase never spans title and body");
        assert!(yes("blinken OR ukraine"));
        assert!(!yes("ukraine -kyiv"));
        assert!(yes("ukraine NOT russie"));
    }

    #[test]
    fn anchors_are_words_every_match_contains() {
        assert_eq!(q("a b").anchors(), Some(vec!["a"]));
        assert_eq!(q("a OR b").anchors(), Some(vec!["a", "b"]));
        assert_eq!(q("(a OR b) c").anchors(), Some(vec!["c"]));
        assert_eq!(q("\"foreign minister\"").anchors(), Some(vec!["minister"]));
        assert_eq!(q("a -b").anchors(), Some(vec!["a"]));
        assert_eq!(q("the parliament").anchors(), Some(vec!["parliament"]), "the longer word");
        assert_eq!(q("(a OR b) (cc OR d)").anchors(), Some(vec!["a", "b"]), "as few words, the shortest of them longer");
        assert_eq!(q("(a OR b) (cc OR dd)").anchors(), Some(vec!["cc", "dd"]));
    }
}
