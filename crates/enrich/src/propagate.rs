//! Document-level consistency: one name, one type, and names found once are found again.
//!
//! The tagger sees one sentence at a time. Here, within a document: a name tagged more
//! than once takes its most frequent type; the surname of a tagged full name is a person
//! wherever it stands alone; and a capitalised run of tokens equal to a tagged name (or
//! such a surname) that the tagger missed becomes a mention too.

use std::collections::HashMap;

use polmon_model::EntityType;

use crate::token::Token;
use crate::Span;

fn key(tokens: &[Token<'_>], a: usize, b: usize) -> String {
    let mut k = String::new();
    for t in &tokens[a..b] {
        k.push_str(t.text);
        k.push(' ');
    }
    k
}

fn capitalised(t: &Token<'_>) -> bool {
    t.text.chars().next().is_some_and(char::is_uppercase)
}

/// Widens a span by a capitalised neighbour on its line when the two together are a known
/// name: a listed place ("York" after "New", "Moines" after "Des") or a name tagged
/// elsewhere in the document. A widened listed place becomes a location.
pub fn glue(tokens: &[Token<'_>], spans: &mut [Span], lists: &crate::ner::gazetteer::Gazetteers) {
    let mut covered = vec![false; tokens.len()];
    for s in spans.iter() {
        covered[s.first..s.last].iter_mut().for_each(|c| *c = true);
    }
    let names: HashMap<String, EntityType> = spans
        .iter()
        .filter(|s| s.last - s.first >= 2)
        .map(|s| (key(tokens, s.first, s.last), s.kind))
        .collect();
    let lower = |a: usize, b: usize| -> Vec<String> { tokens[a..b].iter().map(|t| t.text.to_lowercase()).collect() };
    for s in spans.iter_mut() {
        for _ in 0..2 {
            let mut grown = false;
            let left = s.first.checked_sub(1).filter(|&p| {
                !covered[p] && capitalised(&tokens[p]) && !tokens[s.first].line_start && tokens[p].text.chars().any(char::is_alphabetic)
            });
            let right = Some(s.last).filter(|&n| {
                n < tokens.len() && !covered[n] && capitalised(&tokens[n]) && !tokens[n].line_start
            });
            for (a, b) in [left.map(|p| (p, s.last)), right.map(|n| (s.first, n + 1))].into_iter().flatten() {
                let kind = if lists.contains(&lower(a, b)) {
                    Some(EntityType::Location)
                } else {
                    names.get(&key(tokens, a, b)).copied()
                };
                if let Some(kind) = kind {
                    covered[a..b].iter_mut().for_each(|c| *c = true);
                    s.first = a;
                    s.last = b;
                    s.kind = kind;
                    grown = true;
                    break;
                }
            }
            if !grown {
                break;
            }
        }
    }
}

/// Applies the rules of the module doc; `spans` stay sorted and non-overlapping.
pub fn propagate(tokens: &[Token<'_>], spans: &mut Vec<Span>) {
    if spans.is_empty() {
        return;
    }
    let mut votes: HashMap<String, [usize; 4]> = HashMap::new();
    let idx = |k: EntityType| match k {
        EntityType::Person => 0,
        EntityType::Organization => 1,
        EntityType::Location => 2,
        EntityType::Other => 3,
    };
    const KINDS: [EntityType; 4] =
        [EntityType::Person, EntityType::Organization, EntityType::Location, EntityType::Other];
    for s in spans.iter() {
        votes.entry(key(tokens, s.first, s.last)).or_default()[idx(s.kind)] += 2;
        // surnames of full names vote person
        if s.kind == EntityType::Person && s.last - s.first >= 2 && capitalised(&tokens[s.last - 1]) {
            votes.entry(key(tokens, s.last - 1, s.last)).or_default()[0] += 3;
        }
    }
    let best = |v: &[usize; 4]| -> EntityType {
        let (i, _) = v.iter().enumerate().max_by_key(|(i, &c)| (c, 3 - i)).unwrap();
        KINDS[i]
    };
    for s in spans.iter_mut() {
        if let Some(v) = votes.get(&key(tokens, s.first, s.last)) {
            s.kind = best(v);
        }
    }
    // missed mentions: capitalised runs equal to a known name (longest first, up to 4 tokens)
    let mut covered = vec![false; tokens.len()];
    for s in spans.iter() {
        covered[s.first..s.last].iter_mut().for_each(|c| *c = true);
    }
    let mut added = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if covered[i] || !capitalised(&tokens[i]) {
            i += 1;
            continue;
        }
        let mut hit = None;
        for len in (1..=4).rev() {
            let b = i + len;
            if b > tokens.len() || covered[i..b].iter().any(|&c| c) {
                continue;
            }
            // only a whole capitalised run: "United" inside "United States" is not "United"
            let sentence_first = |p: usize| {
                tokens[p].line_start || p == 0 || matches!(tokens[p - 1].text, "." | "!" | "?" | "\"" | "“" | "«" | ":")
            };
            let before_cap = i > 0
                && !covered[i - 1]
                && capitalised(&tokens[i - 1])
                && !tokens[i].line_start
                && !sentence_first(i - 1);
            let after_cap = b < tokens.len() && capitalised(&tokens[b]) && !tokens[b].line_start;
            if before_cap || after_cap {
                continue;
            }
            if let Some(v) = votes.get(&key(tokens, i, b)) {
                hit = Some((b, best(v)));
                break;
            }
        }
        match hit {
            Some((b, kind)) => {
                added.push(Span { first: i, last: b, kind, role: None });
                i = b;
            }
            None => i += 1,
        }
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|s| s.first);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    #[test]
    fn surname_and_repeated_names() {
        let text = "Alexander Lebed met Yeltsin . Later Lebed said Yeltsin was ill .";
        let toks = tokenize(text);
        let mut spans = vec![
            Span { first: 0, last: 2, kind: EntityType::Person, role: None },
            Span { first: 3, last: 4, kind: EntityType::Person, role: None },
            Span { first: 8, last: 9, kind: EntityType::Location, role: None },
        ];
        propagate(&toks, &mut spans);
        let got: Vec<(usize, usize, EntityType)> = spans.iter().map(|s| (s.first, s.last, s.kind)).collect();
        assert_eq!(got, [
            (0, 2, EntityType::Person),
            (3, 4, EntityType::Person),
            (6, 7, EntityType::Person),
            (8, 9, EntityType::Person),
        ]);
    }
}
