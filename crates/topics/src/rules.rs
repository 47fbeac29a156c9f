//! The rule-file format (documented in the crate's README) and its parser.

use crate::normalize;
use crate::TopicsError;

/// A term to look for: normalised words, and whether its last word may go on (`elect*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Term {
    pub(crate) text: String,
    pub(crate) prefix: bool,
}

/// A set of alternative terms (`a | b | c`).
pub(crate) type Alternatives = Vec<Term>;

/// A proximity rule: `weight` once when a term of `left` is within `window` words of one of `right`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Near {
    pub(crate) window: usize,
    pub(crate) weight: f32,
    pub(crate) left: Alternatives,
    pub(crate) right: Alternatives,
}

/// One category's rules.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Category {
    pub(crate) name: String,
    pub(crate) threshold: f32,
    pub(crate) political: f32,
    pub(crate) terms: Vec<(f32, Term)>,
    pub(crate) require: Vec<Alternatives>,
    pub(crate) exclude: Alternatives,
    pub(crate) near: Vec<Near>,
}

/// The political relevance of a category that sets none: neutral.
pub(crate) const DEFAULT_POLITICAL: f32 = 0.5;

/// The threshold of a category that sets none.
pub(crate) const DEFAULT_THRESHOLD: f32 = 5.0;

fn err(line: usize, message: impl Into<String>) -> TopicsError {
    TopicsError::Rules { line, message: message.into() }
}

fn parse_term(line: usize, raw: &str) -> Result<Term, TopicsError> {
    let raw = raw.trim();
    let (body, prefix) = match raw.strip_suffix('*') {
        Some(b) => (b, true),
        None => (raw, false),
    };
    let text = normalize::term(body);
    if text.is_empty() || !text.chars().any(normalize::is_word_char) {
        return Err(err(line, format!("empty term {raw:?}: write words, optionally ending in * (elect*)")));
    }
    if text.contains('*') {
        return Err(err(line, format!("term {raw:?}: * is only allowed at the end of a term")));
    }
    Ok(Term { text, prefix })
}

fn parse_alternatives(line: usize, raw: &str) -> Result<Alternatives, TopicsError> {
    raw.split('|').map(|t| parse_term(line, t)).collect()
}

fn parse_weight(line: usize, raw: &str) -> Result<f32, TopicsError> {
    raw.parse::<f32>()
        .ok()
        .filter(|w| w.is_finite())
        .ok_or_else(|| err(line, format!("expected a weight (a number such as 2 or -1.5), found {raw:?}")))
}

/// Parses rule text into categories, in file order.
pub(crate) fn parse(text: &str) -> Result<Vec<Category>, TopicsError> {
    let mut out: Vec<Category> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.split_once('#').map_or(raw, |(a, _)| a).trim();
        if l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| err(line, "a category header is written [name]"))?
                .trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
                return Err(err(line, format!("category name {name:?}: use a lower-case slug (a-z, 0-9, - and _)")));
            }
            if out.iter().any(|c| c.name == name) {
                return Err(err(line, format!("category [{name}] is defined twice; merge the two sections")));
            }
            out.push(Category {
                name: name.to_string(),
                threshold: DEFAULT_THRESHOLD,
                political: DEFAULT_POLITICAL,
                terms: Vec::new(),
                require: Vec::new(),
                exclude: Vec::new(),
                near: Vec::new(),
            });
            continue;
        }
        let cat = out.last_mut().ok_or_else(|| err(line, "a rule before any [category] header"))?;
        let (head, rest) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
        let rest = rest.trim();
        match head {
            "threshold" => {
                let t = parse_weight(line, rest)?;
                if t <= 0.0 {
                    return Err(err(line, "the threshold must be above 0"));
                }
                cat.threshold = t;
            }
            "political" => {
                let p = parse_weight(line, rest)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(err(line, "political takes a number from 0 (not political) to 1 (political)"));
                }
                cat.political = p;
            }
            "require" => cat.require.push(parse_alternatives(line, rest)?),
            "exclude" => cat.exclude.extend(parse_alternatives(line, rest)?),
            "near" => {
                // near WINDOW WEIGHT left terms / right terms
                let mut parts = rest.splitn(3, char::is_whitespace);
                let usage = "write: near WINDOW WEIGHT term | term / term | term";
                let window = parts.next().and_then(|w| w.parse::<usize>().ok()).filter(|w| *w > 0).ok_or_else(|| err(line, usage))?;
                let weight = parse_weight(line, parts.next().unwrap_or(""))?;
                let (left, right) = parts.next().unwrap_or("").split_once('/').ok_or_else(|| err(line, usage))?;
                cat.near.push(Near { window, weight, left: parse_alternatives(line, left)?, right: parse_alternatives(line, right)? });
            }
            _ => {
                let weight = parse_weight(line, head).map_err(|_| {
                    err(line, format!("unknown rule {head:?}: a line is WEIGHT TERM, threshold N, political P, require …, exclude … or near …"))
                })?;
                if rest.is_empty() {
                    return Err(err(line, "a weight without a term"));
                }
                cat.terms.push((weight, parse_term(line, rest)?));
            }
        }
    }
    if out.is_empty() {
        return Err(err(text.lines().count().max(1), "no [category] in the rules"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_line() {
        let cats = parse(
            "# comment\n[diplomacy]\nthreshold 4\npolitical 0.9\n3 foreign minister\n2 ambassador*  # trailing comment\n-2 football\nrequire talks | embass*\nexclude horoscope\nnear 8 2.5 sanction* / russia | iran\n",
        )
        .unwrap();
        let c = &cats[0];
        assert_eq!(c.name, "diplomacy");
        assert_eq!(c.threshold, 4.0);
        assert_eq!(c.political, 0.9);
        assert_eq!(c.terms.len(), 3);
        assert_eq!(c.terms[1], (2.0, Term { text: "ambassador".into(), prefix: true }));
        assert_eq!(c.terms[2].0, -2.0);
        assert_eq!(c.require[0].len(), 2);
        assert_eq!(c.exclude[0].text, "horoscope");
        assert_eq!(c.near[0].window, 8);
        assert_eq!(c.near[0].right.len(), 2);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("[a]\n2 ok\nweird line here\n").unwrap_err();
        assert!(matches!(e, TopicsError::Rules { line: 3, .. }), "{e}");
        assert!(matches!(parse("3 vote\n").unwrap_err(), TopicsError::Rules { line: 1, .. }));
        assert!(matches!(parse("[a]\n[a]\n").unwrap_err(), TopicsError::Rules { line: 2, .. }));
        assert!(matches!(parse("[a]\nnear x 2 a / b\n").unwrap_err(), TopicsError::Rules { line: 2, .. }));
        assert!(matches!(parse("[a]\n2 ele*ction\n").unwrap_err(), TopicsError::Rules { line: 2, .. }));
        assert!(matches!(parse("[Bad Name]\n").unwrap_err(), TopicsError::Rules { line: 1, .. }));
    }
}
