//! Matching articles against all the watches at once, through a reverse index of anchors.

use std::collections::{HashMap, HashSet};

use polmon_model::Article;
use serde::{Deserialize, Serialize};

use crate::query::Expr;
use crate::text::{Vocabulary, Words};
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

/// The kinds of anchor a watch can be found by, other than query words (which have their
/// own postings, indexed by word id).
#[derive(Debug, Clone, Copy)]
enum Facet {
    Entity = 0,
    Speaker,
    Source,
    Country,
    Category,
    Language,
}
const FACETS: usize = 6;

/// What a watch's anchor is: query words, or one value of a facet.
enum Anchor {
    Words(Vec<u32>),
    Facet(Facet, String),
}

#[derive(Debug)]
struct Compiled {
    id: i64,
    query: Option<Expr<u32>>,
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
    /// Every word of every query, with its id.
    vocabulary: Vocabulary,
    /// Per query word id: indexes into `watches` anchored on it.
    word_postings: Vec<Vec<u32>>,
    /// Per facet: anchor value → indexes into `watches`.
    postings: [HashMap<String, Vec<u32>>; FACETS],
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
    /// The quotes folded, and as reported, once a watch first matches.
    quotes: std::cell::OnceCell<QuoteFacts>,
}

/// The article's quotes, folded once.
struct QuoteFacts {
    /// The quotes' words, each quote a part.
    words: Words,
    /// Each quote's folded speaker (canonical name where resolved).
    speakers: Vec<Option<String>>,
    /// Each quote as a match reports it.
    reported: Vec<MatchedQuote>,
}

impl Matcher {
    /// Builds the matcher from `(id, spec)` pairs. Each spec is validated; the first bad one
    /// is the error.
    pub fn new(watches: impl IntoIterator<Item = (i64, WatchSpec)>) -> Result<Matcher, WatchError> {
        let mut m = Matcher::default();
        for (id, spec) in watches {
            let spec = spec.validate()?;
            let query = spec.query.as_deref().map(Query::parse).transpose()?;
            let mut c = Compiled {
                id,
                query: None,
                entities: spec.entities.iter().map(|e| fold(e)).collect(),
                speaker: spec.speaker.as_deref().map(fold),
                category: spec.category,
                language: spec.language,
                source: spec.source.as_deref().map(fold),
                country: spec.country,
            };
            let anchor = c.anchor(query.as_ref(), &mut m.vocabulary);
            c.query = query.map(|q| q.expr().compile(&mut m.vocabulary));
            let index = m.watches.len() as u32;
            match anchor {
                Anchor::Words(ids) => {
                    m.word_postings.resize_with(m.vocabulary.len(), Vec::new);
                    for w in ids {
                        m.word_postings[w as usize].push(index);
                    }
                }
                Anchor::Facet(facet, key) => m.postings[facet as usize].entry(key).or_default().push(index),
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
    /// Cost: folding the article's title and body once (one lookup per word, of the words
    /// the queries use), one lookup per distinct such word and per name, and a full check
    /// of only the watches those point to.
    pub fn matches(&self, a: &Article) -> Vec<WatchMatch> {
        if self.watches.is_empty() {
            return Vec::new();
        }
        let facts = Facts::of(a, &self.vocabulary);
        let mut candidates: Vec<u32> = Vec::new();
        for w in facts.words.distinct() {
            if let Some(list) = self.word_postings.get(w as usize) {
                candidates.extend_from_slice(list);
            }
        }
        let mut look = |facet: Facet, key: &str| {
            if let Some(list) = self.postings[facet as usize].get(key) {
                candidates.extend_from_slice(list);
            }
        };
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
        candidates.into_iter().filter_map(|i| self.check(&self.watches[i as usize], &facts, a)).collect()
    }

    /// Whether `w` matches, and with what.
    fn check(&self, w: &Compiled, f: &Facts<'_>, a: &Article) -> Option<WatchMatch> {
        if w.category.as_deref().is_some_and(|c| c != f.category)
            || w.language.as_deref().is_some_and(|l| Some(l) != f.language)
            || w.source.as_ref().is_some_and(|s| Some(s) != f.source.as_ref())
            || w.country.as_ref().is_some_and(|c| !f.countries.contains(c))
            || w.speaker.as_ref().is_some_and(|s| !f.speakers.contains(s))
            || w.entities.iter().any(|e| !f.entities.contains_key(e))
        {
            return None;
        }
        let mut found = Vec::new();
        if let Some(q) = &w.query {
            if !q.eval(&f.words) {
                return None;
            }
            q.found_terms(&f.words, &mut found);
        }
        let mut terms: Vec<String> = found.iter().map(|t| t.term_text(&self.vocabulary)).collect();
        terms.sort();
        terms.dedup();
        let entities = w.entities.iter().map(|e| f.entities[e].to_owned()).collect();
        let quotes = f.quotes(a, &self.vocabulary);
        // The quotes by the watched speaker or entities, and those holding a found term.
        let mut chosen: Vec<usize> = Vec::new();
        if w.speaker.is_some() || !w.entities.is_empty() {
            chosen.extend(quotes.speakers.iter().enumerate().filter_map(|(i, s)| {
                s.as_ref().filter(|s| w.speaker.as_ref() == Some(s) || w.entities.contains(s)).map(|_| i)
            }));
        }
        for t in &found {
            chosen.extend(quotes.words.phrase_starts(t.term_words()).map(|p| quotes.words.part_of(p)));
        }
        chosen.sort_unstable();
        chosen.dedup();
        let quotes = chosen.into_iter().take(MAX_QUOTES).map(|i| quotes.reported[i].clone()).collect();
        Some(WatchMatch { watch_id: w.id, matched: Matched { terms, entities, quotes } })
    }
}

impl Compiled {
    /// The anchor of which every matching article has at least one value: the most
    /// selective the watch offers. Query words are added to `vocabulary`.
    fn anchor(&self, query: Option<&Query>, vocabulary: &mut Vocabulary) -> Anchor {
        if let Some(e) = self.entities.first() {
            return Anchor::Facet(Facet::Entity, e.clone());
        }
        if let Some(s) = &self.speaker {
            return Anchor::Facet(Facet::Speaker, s.clone());
        }
        if let Some(words) = query.and_then(|q| q.expr().anchors()) {
            return Anchor::Words(words.into_iter().map(|w| vocabulary.intern(w)).collect());
        }
        let rest = [
            (Facet::Source, &self.source),
            (Facet::Country, &self.country),
            (Facet::Category, &self.category),
            (Facet::Language, &self.language),
        ];
        for (facet, value) in rest {
            if let Some(v) = value {
                return Anchor::Facet(facet, v.clone());
            }
        }
        unreachable!("a validated spec asks something, and a query alone always has anchors")
    }
}

impl<'a> Facts<'a> {
    fn of(a: &'a Article, vocabulary: &Vocabulary) -> Facts<'a> {
        let an = &a.analysis;
        Facts {
            words: Words::of(vocabulary, &[&a.title, &a.text]),
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

    /// The article's quotes, folded on first use.
    fn quotes(&self, a: &Article, vocabulary: &Vocabulary) -> &QuoteFacts {
        self.quotes.get_or_init(|| {
            let quotes = &a.analysis.quotes;
            let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
            let speakers = quotes.iter().map(|q| q.speaker_canonical.as_deref().or(q.speaker.as_deref()));
            QuoteFacts {
                words: Words::of(vocabulary, &texts),
                speakers: speakers.clone().map(|s| s.map(fold)).collect(),
                reported: quotes
                    .iter()
                    .zip(speakers)
                    .map(|(q, speaker)| MatchedQuote {
                        text: q.text.chars().take(MAX_QUOTE_CHARS).collect(),
                        speaker: speaker.map(str::to_owned),
                    })
                    .collect(),
            }
        })
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

    impl Matcher {
        /// The answer without the reverse index: every watch checked.
        fn matches_checking_every_watch(&self, a: &Article) -> Vec<WatchMatch> {
            let facts = Facts::of(a, &self.vocabulary);
            self.watches.iter().filter_map(|w| self.check(w, &facts, a)).collect()
        }
    }

    #[test]
    fn reverse_index_gives_the_same_answers_as_checking_every_watch() {
        // Many watches over a small vocabulary: the anchors must never hide a match.
        let vocab = ["ukraine", "kyiv", "budget", "minister", "win", "zelensky", "air", "nato", "foreign", "the", "french", "defence", "more"];
        let names = ["Stéphane Séjourné", "Volodymyr Zelensky", "Emmanuel Macron"];
        let mut specs = Vec::new();
        for i in 0..1_000usize {
            let a = vocab[i % vocab.len()];
            let b = vocab[(i / vocab.len()) % vocab.len()];
            let c = vocab[(i / 7) % vocab.len()];
            let name = names[i % names.len()];
            let q = match i % 8 {
                0 => format!("{a} {b}"),
                1 => format!("{a} OR {b}"),
                2 => format!("{a} -{b}"),
                3 => format!("\"{a} {b}\""),
                4 => format!("({a} OR {b}) ({c} OR \"{b} {a}\")"),
                5 => format!("{a} {b} {c}"),
                6 => format!("\"{a} {b} {c}\" OR {c}"),
                _ => format!("{a} NOT ({b} OR {c})"),
            };
            specs.push((i as i64, spec(|s| {
                s.query = Some(q);
                match i % 5 {
                    1 => s.entities = vec![name.into()],
                    2 => s.speaker = Some(name.into()),
                    3 => s.language = Some(if i % 2 == 0 { "en" } else { "fr" }.into()),
                    4 => s.country = Some(if i % 3 == 0 { "UA" } else { "DE" }.into()),
                    _ => {}
                }
            })));
        }
        for (i, name) in names.iter().enumerate() {
            specs.push((2000 + i as i64, spec(|s| s.entities = vec![name.to_string()])));
            specs.push((2100 + i as i64, spec(|s| s.speaker = Some(name.to_string()))));
        }
        specs.push((2200, spec(|s| s.category = Some("diplomacy".into()))));
        specs.push((2201, spec(|s| s.source = Some("EXAMPLE news".into()))));
        let m = Matcher::new(specs).unwrap();
        let a = article();
        let expected = m.matches_checking_every_watch(&a);
        let kinds = |lo: i64, hi: i64| expected.iter().filter(|w| (lo..hi).contains(&w.watch_id)).count();
        assert!(kinds(0, 1_000) > 20 && kinds(0, 1_000) < 980, "queries both match and fail: {}", kinds(0, 1_000));
        assert!(kinds(2000, 2300) == 6, "both names quoted and mentioned, category and source");
        assert!(expected.iter().any(|w| w.matched.terms.iter().any(|t| t.contains(' '))), "phrases match");
        assert_eq!(m.matches(&a), expected);
    }

    #[test]
    fn no_watches_match_nothing() {
        assert!(Matcher::new([]).unwrap().matches(&article()).is_empty());
    }
}
