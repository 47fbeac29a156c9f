//! Matching articles against all the watches at once, through a reverse index of anchors.

use std::collections::{HashMap, HashSet};

use polmon_model::Article;
use serde::{Deserialize, Serialize};

use crate::query::{Expr, Words};
use crate::{fold, Query, WatchError, WatchSpec};

/// The most quotes reported per match.
const MAX_QUOTES: usize = 10;
/// Quotes are reported up to this many characters.
const MAX_QUOTE_CHARS: usize = 500;

/// What made an article match a watch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Matched {
    /// Query words and phrases found in the article (folded).
    pub terms: Vec<String>,
    /// Canonical names of the article's entities that the watch asked for.
    pub entities: Vec<String>,
    /// Quotes that matched: said by the watched speaker or entities, or holding a matched
    /// term (at most 10, each cut at 500 characters).
    pub quotes: Vec<MatchedQuote>,
}

/// A quote reported with a match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedQuote {
    /// The quoted words.
    pub text: String,
    /// Who said them (canonical name where resolved).
    pub speaker: Option<String>,
}

/// One watch an article matched.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchMatch {
    /// The watch id.
    pub watch_id: i64,
    /// Why.
    pub matched: Matched,
}

/// The kinds of anchor a watch can be found by.
#[derive(Debug, Clone, Copy)]
enum Facet {
    Entity = 0,
    Speaker,
    Word,
    Source,
    Country,
    Category,
    Language,
}
const FACETS: usize = 7;

#[derive(Debug)]
struct Compiled {
    id: i64,
    query: Option<Query>,
    entities: Vec<String>,
    speaker: Option<String>,
    category: Option<String>,
    language: Option<String>,
    source: Option<String>,
    country: Option<String>,
}

/// All the watches, ready to match articles. Built once; rebuilt when watches change.
#[derive(Debug, Default)]
pub struct Matcher {
    watches: Vec<Compiled>,
    /// Per facet: anchor value → indexes into `watches`.
    postings: [HashMap<String, Vec<u32>>; FACETS],
    /// Whether some watch has a query (else an article's words are not even folded).
    any_query: bool,
}

/// An article's facts, folded once.
struct Facts<'a> {
    words: Words,
    /// Folded canonical name → canonical name as written.
    entities: HashMap<String, &'a str>,
    speakers: HashSet<String>,
    source: Option<String>,
    category: &'a str,
    language: Option<&'a str>,
    countries: &'a [String],
    /// Each quote's folded speaker and words, folded once when a watch first matches.
    quotes: std::cell::OnceCell<Vec<(Option<String>, Words)>>,
}

impl Matcher {
    /// Builds the matcher from `(id, spec)` pairs. Each spec is validated; the first bad one
    /// is the error.
    pub fn new(watches: impl IntoIterator<Item = (i64, WatchSpec)>) -> Result<Matcher, WatchError> {
        let mut m = Matcher::default();
        for (id, spec) in watches {
            let spec = spec.validate()?;
            let c = Compiled {
                id,
                query: spec.query.as_deref().map(Query::parse).transpose()?,
                entities: spec.entities.iter().map(|e| fold(e)).collect(),
                speaker: spec.speaker.as_deref().map(fold),
                category: spec.category,
                language: spec.language,
                source: spec.source.as_deref().map(fold),
                country: spec.country,
            };
            m.any_query |= c.query.is_some();
            let index = m.watches.len() as u32;
            let (facet, keys) = c.anchor();
            for k in keys {
                m.postings[facet as usize].entry(k).or_default().push(index);
            }
            m.watches.push(c);
        }
        Ok(m)
    }

    /// How many watches.
    pub fn len(&self) -> usize {
        self.watches.len()
    }

    /// Whether there are no watches.
    pub fn is_empty(&self) -> bool {
        self.watches.is_empty()
    }

    /// The watches `a` matches, in the order they were given, with what matched.
    ///
    /// Cost: folding the article's title and body once, one lookup per distinct word and
    /// name, and a full check of only the watches those point to.
    pub fn matches(&self, a: &Article) -> Vec<WatchMatch> {
        if self.watches.is_empty() {
            return Vec::new();
        }
        let facts = Facts::of(a, self.any_query);
        let mut candidates: Vec<u32> = Vec::new();
        let mut look = |facet: Facet, key: &str| {
            if let Some(list) = self.postings[facet as usize].get(key) {
                candidates.extend_from_slice(list);
            }
        };
        facts.words.distinct().for_each(|w| look(Facet::Word, w));
        facts.entities.keys().for_each(|e| look(Facet::Entity, e));
        facts.speakers.iter().for_each(|s| look(Facet::Speaker, s));
        if let Some(s) = &facts.source {
            look(Facet::Source, s);
        }
        facts.countries.iter().for_each(|c| look(Facet::Country, c));
        look(Facet::Category, facts.category);
        if let Some(l) = facts.language {
            look(Facet::Language, l);
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|i| {
                let w = &self.watches[i as usize];
                w.check(&facts, a).map(|matched| WatchMatch { watch_id: w.id, matched })
            })
            .collect()
    }
}

impl Compiled {
    /// The facet and values of which every matching article has at least one: the most
    /// selective the watch offers.
    fn anchor(&self) -> (Facet, Vec<String>) {
        if let Some(e) = self.entities.first() {
            return (Facet::Entity, vec![e.clone()]);
        }
        if let Some(s) = &self.speaker {
            return (Facet::Speaker, vec![s.clone()]);
        }
        if let Some(words) = self.query.as_ref().and_then(|q| q.expr().anchors()) {
            return (Facet::Word, words.into_iter().map(str::to_owned).collect());
        }
        let rest = [
            (Facet::Source, &self.source),
            (Facet::Country, &self.country),
            (Facet::Category, &self.category),
            (Facet::Language, &self.language),
        ];
        for (facet, value) in rest {
            if let Some(v) = value {
                return (facet, vec![v.clone()]);
            }
        }
        unreachable!("a validated spec asks something, and a query alone always has anchors")
    }

    fn check(&self, f: &Facts<'_>, a: &Article) -> Option<Matched> {
        if self.category.as_deref().is_some_and(|c| c != f.category)
            || self.language.as_deref().is_some_and(|l| Some(l) != f.language)
            || self.source.as_ref().is_some_and(|s| Some(s) != f.source.as_ref())
            || self.country.as_ref().is_some_and(|c| !f.countries.contains(c))
            || self.speaker.as_ref().is_some_and(|s| !f.speakers.contains(s))
            || self.entities.iter().any(|e| !f.entities.contains_key(e))
        {
            return None;
        }
        let mut terms = Vec::new();
        if let Some(q) = &self.query {
            if !q.expr().eval(&f.words) {
                return None;
            }
            q.expr().found_terms(&f.words, &mut terms);
            terms.sort();
            terms.dedup();
        }
        let entities = self.entities.iter().map(|e| f.entities[e].to_owned()).collect();
        Some(Matched { quotes: self.quotes(a, f, &terms), terms, entities })
    }

    fn quotes(&self, a: &Article, f: &Facts<'_>, terms: &[String]) -> Vec<MatchedQuote> {
        let folded = f.quotes.get_or_init(|| {
            a.analysis
                .quotes
                .iter()
                .map(|q| (q.speaker_canonical.as_deref().or(q.speaker.as_deref()).map(fold), Words::of(&[&q.text])))
                .collect()
        });
        let phrases: Vec<Expr> = terms
            .iter()
            .map(|t| {
                let words: Vec<String> = t.split(' ').map(str::to_owned).collect();
                if words.len() == 1 { Expr::Word(t.clone()) } else { Expr::Phrase(words) }
            })
            .collect();
        a.analysis
            .quotes
            .iter()
            .zip(folded)
            .filter(|(_, (speaker, words))| {
                let by_watched =
                    speaker.as_ref().is_some_and(|s| self.speaker.as_ref() == Some(s) || self.entities.contains(s));
                by_watched || phrases.iter().any(|p| p.eval(words))
            })
            .take(MAX_QUOTES)
            .map(|(q, _)| MatchedQuote {
                text: q.text.chars().take(MAX_QUOTE_CHARS).collect(),
                speaker: q.speaker_canonical.clone().or_else(|| q.speaker.clone()),
            })
            .collect()
    }
}

impl<'a> Facts<'a> {
    fn of(a: &'a Article, with_words: bool) -> Facts<'a> {
        let an = &a.analysis;
        Facts {
            words: if with_words { Words::of(&[&a.title, &a.text]) } else { Words::default() },
            entities: {
                // Mentions repeat their entity: fold each name once.
                let mut names: Vec<&str> = an.entities.iter().map(|e| e.canonical.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                names.into_iter().map(|n| (fold(n), n)).collect()
            },
            speakers: an
                .quotes
                .iter()
                .filter_map(|q| q.speaker_canonical.as_deref().or(q.speaker.as_deref()))
                .map(fold)
                .collect(),
            source: a.source.as_deref().map(fold),
            category: &a.category,
            language: a.language.as_deref(),
            countries: &an.countries,
            quotes: std::cell::OnceCell::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polmon_model::{Analysis, EntityMention, EntityType, Quote};

    fn article() -> Article {
        let mention = |name: &str| EntityMention {
            text: name.into(),
            start: 0,
            end: 1,
            entity_type: EntityType::Person,
            canonical: name.into(),
            role: None,
        };
        let quote = |text: &str, speaker: &str| Quote {
            text: text.into(),
            start: 0,
            end: 1,
            speaker: Some(speaker.into()),
            speaker_canonical: Some(speaker.into()),
            cue: Some("said".into()),
            direct: true,
            speaker_start: None,
            speaker_end: None,
        };
        Article {
            title: "Séjourné in Kyiv".into(),
            text: "The French foreign minister met President Zelensky. \"Ukraine will win,\" Séjourné said. \
                   \"We need more air defence,\" said Zelensky."
                .into(),
            category: "diplomacy".into(),
            language: Some("en".into()),
            source: Some("Example News".into()),
            analysis: Analysis {
                entities: vec![mention("Stéphane Séjourné"), mention("Volodymyr Zelensky")],
                quotes: vec![quote("Ukraine will win,", "Stéphane Séjourné"), quote("We need more air defence,", "Volodymyr Zelensky")],
                countries: vec!["UA".into(), "FR".into()],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn spec(f: impl FnOnce(&mut WatchSpec)) -> WatchSpec {
        let mut s = WatchSpec::default();
        f(&mut s);
        s
    }

    fn ids(m: &Matcher) -> Vec<i64> {
        m.matches(&article()).iter().map(|w| w.watch_id).collect()
    }

    #[test]
    fn each_criterion_selects_and_excludes() {
        let m = Matcher::new([
            (1, spec(|s| s.query = Some("ukraine win".into()))),
            (2, spec(|s| s.query = Some("ukraine -zelensky".into()))),
            (3, spec(|s| s.entities = vec!["stephane SEJOURNE".into()])),
            (4, spec(|s| s.entities = vec!["Stéphane Séjourné".into(), "Emmanuel Macron".into()])),
            (5, spec(|s| s.speaker = Some("Volodymyr Zelensky".into()))),
            (6, spec(|s| s.speaker = Some("Emmanuel Macron".into()))),
            (7, spec(|s| { s.category = Some("diplomacy".into()); s.language = Some("en".into()); })),
            (8, spec(|s| { s.category = Some("diplomacy".into()); s.language = Some("fr".into()); })),
            (9, spec(|s| { s.source = Some("example news".into()); s.country = Some("ua".into()); })),
            (10, spec(|s| { s.country = Some("DE".into()); })),
            (11, spec(|s| s.query = Some("\"foreign minister\" OR budget".into()))),
            (12, spec(|s| s.query = Some("\"minister foreign\"".into()))),
        ])
        .unwrap();
        assert_eq!(ids(&m), [1, 3, 5, 7, 9, 11]);
    }

    #[test]
    fn reports_terms_entities_and_quotes() {
        let m = Matcher::new([
            (1, spec(|s| { s.query = Some("win OR defence".into()); s.entities = vec!["Stéphane Séjourné".into()]; })),
            (2, spec(|s| s.speaker = Some("Volodymyr Zelensky".into()))),
        ])
        .unwrap();
        let found = m.matches(&article());
        assert_eq!(found[0].matched.terms, ["defence", "win"]);
        assert_eq!(found[0].matched.entities, ["Stéphane Séjourné"]);
        assert_eq!(found[0].matched.quotes.len(), 2, "one by the entity, one holding a term");
        assert_eq!(found[1].matched.quotes.len(), 1);
        assert_eq!(found[1].matched.quotes[0].speaker.as_deref(), Some("Volodymyr Zelensky"));
    }

    #[test]
    fn reverse_index_gives_the_same_answers_as_checking_every_watch() {
        // Many watches over a small vocabulary: the anchors must never hide a match.
        let vocab = ["ukraine", "kyiv", "budget", "minister", "win", "zelensky", "air", "nato"];
        let mut specs = Vec::new();
        for i in 0..300usize {
            let a = vocab[i % vocab.len()];
            let b = vocab[(i / vocab.len()) % vocab.len()];
            let q = match i % 4 {
                0 => format!("{a} {b}"),
                1 => format!("{a} OR {b}"),
                2 => format!("{a} -{b}"),
                _ => format!("\"{a} {b}\""),
            };
            specs.push((i as i64, spec(|s| s.query = Some(q))));
        }
        let m = Matcher::new(specs.clone()).unwrap();
        let a = article();
        let expected: Vec<i64> = specs
            .into_iter()
            .filter(|(_, s)| {
                let one = Matcher::new([(0, s.clone())]).unwrap();
                let words = Words::of(&[&a.title, &a.text]);
                one.watches[0].query.as_ref().unwrap().expr().eval(&words)
            })
            .map(|(i, _)| i)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(ids(&m), expected);
    }

    #[test]
    fn no_watches_match_nothing() {
        assert!(Matcher::new([]).unwrap().matches(&article()).is_empty());
    }
}
