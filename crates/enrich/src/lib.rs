//! Enrichment of article text: language, named entities, their roles and canonical names.
//!
//! Owns: language identification ([`lang`]), tokenization with code-point offsets
//! ([`token`]) and sentences ([`sentences`]), the named-entity tagger, its span clean-up and
//! its bundled models ([`ner`]), document-level consistency ([`propagate`]), types from
//! context and lists of kinds ([`kinds`]: storms, agencies, stars), role/title capture
//! ([`roles`]), one canonical name per entity ([`canonical`]) and nominal role mentions
//! resolved to their person ([`roles::nominal`]). [`Analyzer`] runs them in that order.
//!
//! Does not own: quotes and speakers (`polmon-quotes`), topic categories, political
//! relevance and countries (`polmon-topics`); [`Analyzer::analyze`] calls them to fill
//! those fields. Pure: no I/O, all data is compiled in.
//!
//! ```
//! use polmon_enrich::{Analyzer, Document};
//! let analyzer = Analyzer::new();
//! let text = "Armenian Prime Minister Nikol Pashinian met the press in Paris. Pashinian said...";
//! let analysis = analyzer.analyze(&Document { title: None, text, lang_hint: None });
//! assert_eq!(analysis.language.as_ref().unwrap().code, "en");
//! let first = &analysis.entities[0];
//! assert_eq!((first.text.as_str(), first.role.as_deref()), ("Nikol Pashinian", Some("Armenian Prime Minister")));
//! let last = analysis.entities.iter().find(|e| e.text == "Pashinian").unwrap();
//! assert_eq!(last.canonical, "Nikol Pashinian");
//! ```
#![deny(missing_docs)]

pub mod canonical;
mod error;
pub mod kinds;
pub mod lang;
pub mod ner;
pub mod propagate;
pub mod roles;
pub mod sentences;
pub mod token;

pub use error::EnrichError;

use polmon_model::{Analysis, EntityMention, EntityType};

use ner::gazetteer::Gazetteers;
use ner::model::Model;

/// The bundled English model (see README and data/NOTICE for its training data).
pub const MODEL_EN: &[u8] = include_bytes!("../data/model/en.pmner");
/// The bundled French model (WikiANN fr + Europeana French newspapers).
pub const MODEL_FR: &[u8] = include_bytes!("../data/model/fr.pmner");
/// The bundled multilingual model, for German, Dutch, Spanish, Italian, Portuguese and
/// Polish: WikiANN en+fr+de+nl, Europeana French and GUM together (see README).
pub const MODEL_MULTI: &[u8] = include_bytes!("../data/model/multi.pmner");
/// Country names, capitals and short forms (GeoNames, iso-codes; see NOTICE).
pub const COUNTRIES: &str = include_str!("../data/gazetteer/country.txt");
/// Nationality and group words ("French", "Iraqis"), written for this crate.
pub const DEMONYMS: &str = include_str!("../data/lexicon/demonyms.txt");
/// Words seen in lowercase in the training text (see `training/prepare.py`).
pub const COMMON_WORDS: &str = include_str!("../data/lexicon/lowercase.txt");
/// French lowercase words that end a name (see `training/clause_lexicon.py`).
pub const CLAUSE_WORDS_FR: &str = include_str!("../data/lexicon/clause-fr.txt");
/// Organisations listed by kind (rating and news agencies), see `kinds`.
pub const ORGANIZATIONS: &str = include_str!("../data/lexicon/organizations.txt");
/// Other place names (GeoNames; see NOTICE).
pub const LOCATIONS: &str = include_str!("../data/gazetteer/location.txt");

/// One text to analyse.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    /// The headline, used for language detection (offsets never point into it).
    pub title: Option<&'a str>,
    /// The body; all offsets in the [`Analysis`] are code points into this text.
    pub text: &'a str,
    /// A language the source declared, used when detection is unsure.
    pub lang_hint: Option<&'a str>,
}

/// An entity mention over tokens, before it becomes an [`EntityMention`].
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Entity type.
    pub kind: EntityType,
    /// Role found in the text, if any.
    pub role: Option<String>,
}

/// Holds the detector, gazetteer and tagger models; build once, share across threads.
pub struct Analyzer {
    detector: lang::LanguageDetector,
    gazetteer: Gazetteers,
    en: Model,
    fr: Model,
    multi: Model,
    categorizer: polmon_topics::Categorizer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("en_features", &self.en.len())
            .field("fr_features", &self.fr.len())
            .field("multi_features", &self.multi.len())
            .finish_non_exhaustive()
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    /// An analyzer with the bundled models and gazetteer.
    pub fn new() -> Self {
        Self::with_models(MODEL_EN, MODEL_FR).expect("bundled models are valid")
    }

    /// An analyzer with other English and French model files (the format of
    /// [`ner::model`]); the other languages keep the bundled models.
    pub fn with_models(en: &[u8], fr: &[u8]) -> Result<Self, EnrichError> {
        Ok(Analyzer {
            detector: lang::LanguageDetector::new(),
            gazetteer: Gazetteers::bundled(),
            en: Model::from_bytes(en)?,
            fr: Model::from_bytes(fr)?,
            multi: Model::from_bytes(MODEL_MULTI)?,
            categorizer: polmon_topics::Categorizer::bundled(),
        })
    }

    /// Replaces one tagger model: `which` is `en`, `fr` or `multi` (the model for de, nl,
    /// es, it, pt, pl). An unknown name is an error.
    pub fn with_model(mut self, which: &str, bytes: &[u8]) -> Result<Self, EnrichError> {
        let model = Model::from_bytes(bytes)?;
        match which {
            "en" => self.en = model,
            "fr" => self.fr = model,
            "multi" => self.multi = model,
            _ => return Err(EnrichError::Model(format!("no model slot {which:?}: use en, fr or multi"))),
        }
        Ok(self)
    }

    /// Replaces the bundled topic categories with rules in the format of
    /// `crates/topics/README.md` (a user's own rule file).
    pub fn with_category_rules(mut self, rules: &str) -> Result<Self, EnrichError> {
        self.categorizer = polmon_topics::Categorizer::from_rules(rules)?;
        Ok(self)
    }

    /// The tagger model used for a language: its own for en and fr, the multilingual one
    /// for de, nl, es, it, pt and pl, English otherwise.
    fn model_for(&self, lang: &str) -> &Model {
        match lang {
            "fr" => &self.fr,
            "de" | "nl" | "es" | "it" | "pt" | "pl" => &self.multi,
            _ => &self.en,
        }
    }

    /// Analyses one document: language; entities with roles and canonical names; quotes
    /// with speakers resolved against those entities (`polmon-quotes`); topic categories
    /// and countries (`polmon-topics`).
    pub fn analyze(&self, doc: &Document<'_>) -> Analysis {
        let language = match doc.title {
            Some(t) => self.detector.detect(&format!("{t}\n{}", doc.text), doc.lang_hint),
            None => self.detector.detect(doc.text, doc.lang_hint),
        };
        let code = language.as_ref().map_or("en", |g| g.code.as_str());
        let tokens = token::tokenize(doc.text);
        let mut spans = self.entity_spans(&tokens, code);
        propagate::glue(&tokens, &mut spans, &self.gazetteer);
        propagate::propagate(&tokens, &mut spans);
        let title_tokens = token::tokenize(doc.title.unwrap_or(""));
        kinds::correct(&tokens, &mut spans, &title_tokens);
        let before_roles: Vec<EntityType> = spans.iter().map(|s| s.kind).collect();
        roles::attach(&tokens, &mut spans);
        // a listed place after a title stays a place ("le maire de New York")
        for (s, k) in spans.iter_mut().zip(before_roles) {
            if s.kind == EntityType::Person && k == EntityType::Location {
                let lower: Vec<String> = tokens[s.first..s.last].iter().map(|t| t.text.to_lowercase()).collect();
                if self.gazetteer.contains(&lower) {
                    s.kind = k;
                    s.role = None;
                }
            }
        }
        let mut canon = canonical::canonicals(&tokens, &spans);
        // nominal mentions ("the American Secretary of State") take their person's name
        let nominal = roles::nominal(&tokens, &spans, &canon);
        if !nominal.is_empty() {
            for (s, k) in nominal {
                canon.push(canon[k].clone());
                spans.push(s);
            }
            let mut order: Vec<usize> = (0..spans.len()).collect();
            order.sort_by_key(|&k| (spans[k].first, std::cmp::Reverse(spans[k].last)));
            let (s2, c2): (Vec<Span>, Vec<String>) = order.into_iter().map(|k| (spans[k].clone(), canon[k].clone())).unzip();
            spans = s2;
            canon = c2;
        }
        let entities = spans
            .iter()
            .zip(canon)
            .map(|(s, canonical)| {
                let (a, b) = (&tokens[s.first], &tokens[s.last - 1]);
                EntityMention {
                    text: doc.text[a.byte_start..b.byte_end].to_string(),
                    start: a.start,
                    end: b.end,
                    entity_type: s.kind,
                    canonical,
                    role: s.role.clone(),
                }
            })
            .collect::<Vec<_>>();
        let quotes = polmon_quotes::find_quotes(doc.text, &entities, code);
        let categories = self.categorizer.categorize(doc.title.unwrap_or(""), doc.text);
        let countries = polmon_topics::countries(&match doc.title {
            Some(t) => format!("{t}\n{}", doc.text),
            None => doc.text.to_string(),
        });
        let political = self.categorizer.political(&categories);
        Analysis { language, entities, quotes, categories, countries, political }
    }

    /// Tags the tokens sentence by sentence and returns the entity spans in text order.
    pub fn entity_spans(&self, tokens: &[token::Token<'_>], lang: &str) -> Vec<Span> {
        let model = self.model_for(lang);
        let lowercase_splits = matches!(lang, "en" | "de" | "nl");
        let mut out = Vec::new();
        let mut words: Vec<&str> = Vec::new();
        let mut tagged: Vec<&str> = Vec::new();
        let mut at: Vec<usize> = Vec::new();
        for (a, b) in sentences::sentences(tokens) {
            words.clear();
            words.extend(tokens[a..b].iter().map(|t| t.text));
            // The tagger reads the sentence without possessive endings ("Donald Trump 's
            // team" as "Donald Trump team"): a name before one is still a name. `at` maps
            // a tagged word back to its token.
            tagged.clear();
            at.clear();
            for (k, w) in words.iter().enumerate() {
                if !is_possessive(w) {
                    tagged.push(w);
                    at.push(k);
                }
            }
            let labels = ner::tagger::tag(model, &self.gazetteer, &tagged);
            for (s, e, k) in joined_persons(ner::tagger::spans(&labels), &tagged, &self.gazetteer) {
                let kind = match k {
                    0 => EntityType::Person,
                    1 => EntityType::Organization,
                    _ => EntityType::Location,
                };
                let (s, mut e) = (at[s], at[e - 1] + 1);
                // "Bashar | al-Assad": a hyphened particle name after a person is its end.
                while kind == EntityType::Person && e < words.len() && ner::cleanup::particle_name(words[e]) {
                    e += 1;
                }
                for (s, e, kind) in ner::cleanup::clean(&words, s, e, kind, &self.gazetteer, lowercase_splits) {
                    out.push(Span { first: a + s, last: a + e, kind, role: None });
                }
            }
        }
        out
    }
}

/// Person spans `(start, end, kind)` over `words` where the tagger began a new person
/// right after a lone listed given name ("Theresa | May"): one name.
fn joined_persons(spans: Vec<(usize, usize, u8)>, words: &[&str], lists: &Gazetteers) -> Vec<(usize, usize, u8)> {
    let mut out: Vec<(usize, usize, u8)> = Vec::with_capacity(spans.len());
    for (s, e, k) in spans {
        match out.last_mut() {
            Some(last) if k == 0 && last.2 == 0 && last.1 == s && last.1 == last.0 + 1 && !lists.common.contains(&words[last.0].to_lowercase()) => {
                last.1 = e
            }
            _ => out.push((s, e, k)),
        }
    }
    out
}

/// A possessive ending the tokenizer split off a name ("'s", "’s").
fn is_possessive(w: &str) -> bool {
    matches!(w, "'s" | "’s" | "'S" | "’S")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn analyzer_is_send_and_sync() {
        assert_send_sync::<Analyzer>();
    }
}
