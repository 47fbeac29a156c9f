//! The query of a watch: the search syntax, parsed into a Boolean expression over folded words.
//!
//! Grammar (keywords in capitals, as in the search box):
//! `or := and ("OR" and)*`, `and := unary ("AND"? unary)*`,
//! `unary := ("NOT" | "-") unary | "+"? atom`, `atom := word | "quoted phrase" | "(" or ")"`.
//! A word that folds into several words (`US-led`) is a phrase, as in the index.

use std::collections::HashMap;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    /// One folded word.
    Word(String),
    /// Folded words in a row.
    Phrase(Vec<String>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// The words of an article (or any text), folded, with their positions.
#[derive(Debug, Default)]
pub(crate) struct Words {
    positions: HashMap<String, Vec<u32>>,
}

impl Words {
    /// Folds and indexes `parts` as one text (each part continues the positions).
    pub(crate) fn of(parts: &[&str]) -> Words {
        let mut positions: HashMap<String, Vec<u32>> = HashMap::new();
        let mut n: u32 = 0;
        for part in parts {
            polmon_index::for_each_folded_word(part, |w| {
                match positions.get_mut(w) {
                    Some(v) => v.push(n),
                    None => {
                        positions.insert(w.to_owned(), vec![n]);
                    }
                }
                n += 1;
            });
            // A gap, so that a phrase never spans two parts (title and body).
            n += 1;
        }
        Words { positions }
    }

    /// The distinct words.
    pub(crate) fn distinct(&self) -> impl Iterator<Item = &str> {
        self.positions.keys().map(String::as_str)
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        self.positions.contains_key(word)
    }

    pub(crate) fn has_phrase(&self, words: &[String]) -> bool {
        let Some((first, rest)) = words.split_first() else { return false };
        let Some(starts) = self.positions.get(first) else { return false };
        let lists: Option<Vec<&Vec<u32>>> = rest.iter().map(|w| self.positions.get(w)).collect();
        let Some(lists) = lists else { return false };
        starts.iter().any(|&p| {
            lists.iter().enumerate().all(|(i, l)| l.binary_search(&(p + i as u32 + 1)).is_ok())
        })
    }
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

impl Expr {
    /// Whether matching requires some word to be present (not only absences).
    pub(crate) fn is_positive(&self) -> bool {
        match self {
            Expr::Word(_) | Expr::Phrase(_) => true,
            Expr::Not(_) => false,
            Expr::And(v) => v.iter().any(Expr::is_positive),
            Expr::Or(v) => v.iter().all(Expr::is_positive),
        }
    }

    /// Words of which at least one is in every text the expression matches: the fewest
    /// found. `None` for an expression that can match without any word.
    pub(crate) fn anchors(&self) -> Option<Vec<&str>> {
        match self {
            Expr::Word(w) => Some(vec![w.as_str()]),
            // The longest word of a phrase is likely its rarest.
            Expr::Phrase(ws) => ws.iter().max_by_key(|w| w.len()).map(|w| vec![w.as_str()]),
            Expr::Not(_) => None,
            Expr::And(v) => v.iter().filter_map(Expr::anchors).min_by_key(Vec::len),
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

    pub(crate) fn eval(&self, words: &Words) -> bool {
        match self {
            Expr::Word(w) => words.contains(w),
            Expr::Phrase(ws) => words.has_phrase(ws),
            Expr::Not(e) => !e.eval(words),
            Expr::And(v) => v.iter().all(|e| e.eval(words)),
            Expr::Or(v) => v.iter().any(|e| e.eval(words)),
        }
    }

    /// The words and phrases (not under a NOT) found in `words`, as written for people.
    pub(crate) fn found_terms(&self, words: &Words, out: &mut Vec<String>) {
        match self {
            Expr::Word(w) if words.contains(w) => out.push(w.clone()),
            Expr::Phrase(ws) if words.has_phrase(ws) => out.push(ws.join(" ")),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.found_terms(words, out)),
            _ => {}
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
        let words = Words::of(&["Séjourné à Kyiv", "Le ministre a parlé de l'Ukraine et du Quai d'Orsay."]);
        let yes = |s: &str| q(s).eval(&words);
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
    }
}
