//! Machine translation with credit, offline by default.
//!
//! This crate owns turning a text in one language into another through an
//! engine chosen in the configuration, and saying how it was done:
//!
//! - **`apertium`** (the default when Apertium is installed): long-lived
//!   Apertium pipelines, one per route, fed NUL-separated chunks; routes are
//!   discovered from the installed modes and pivot through an intermediate
//!   language where no direct pair exists (French → Spanish → English);
//! - **`libretranslate`** and **`deepl`**: blocking HTTP clients of their
//!   documented APIs, for operators with such a server or account;
//! - **`none`**: the original text, labelled untranslated.
//!
//! Around the Apertium engine it adds what polmon knows and the engine does
//! not ([`polish`]): names found by the enricher (and their canonical forms)
//! are kept out of the engine's reach, a glossary of political titles and
//! institutions replaces the engine's guesses, quotation marks are restored
//! and paragraph (line) boundaries are kept.
//!
//! Every [`Translation`] carries its engine and route, and a text without a
//! route comes back unchanged with [`Translation::untranslated`] saying why.
//! A failing or slow engine returns [`TranslateError`] within the configured
//! timeout; it never hangs.
//!
//! It does not own entity recognition (callers pass [`Protect`] spans), a
//! cache or storage of translations, or language detection.
//!
//! ```
//! use polmon_translate::{Config, Engine, Request};
//! let t = polmon_translate::from_config(&Config { engine: Engine::None, ..Config::default() }).unwrap();
//! let out = t.translate(&Request::new("Bonjour.", "fr", "en")).unwrap();
//! assert_eq!(out.text, "Bonjour.");
//! assert!(out.untranslated.is_some());
//! ```

#![deny(missing_docs)]

pub mod apertium;
mod config;
mod error;
pub mod glossary;
mod http;
pub mod lang;
mod none;
pub mod polish;

use serde::{Deserialize, Serialize};

pub use apertium::Apertium;
pub use config::{Config, Engine};
pub use error::TranslateError;
pub use glossary::Glossary;
pub use http::{DeepL, LibreTranslate};
pub use none::NoTranslation;

/// A translation engine.
pub trait Translator: Send + Sync {
    /// The engine's name as stored with each translation ("apertium", "deepl", ...).
    fn name(&self) -> &str;

    /// The language pairs this engine can translate, with their routes.
    fn routes(&self) -> Vec<Route>;

    /// The route from `from` to `to` (ISO 639-1 codes), if there is one.
    fn route(&self, from: &str, to: &str) -> Option<Route> {
        let (from, to) = (lang::normalize(from), lang::normalize(to));
        self.routes().into_iter().find(|r| r.from() == from && r.to() == to)
    }

    /// Translates one text. A pair without a route is not an error: the text
    /// comes back unchanged with [`Translation::untranslated`] set.
    fn translate(&self, req: &Request) -> Result<Translation, TranslateError>;
}

/// One text to translate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The text; lines (paragraphs) are translated one by one and kept.
    pub text: String,
    /// Its language (ISO 639-1, or a 639-3 code such as "fra").
    pub from: String,
    /// The language wanted.
    pub to: String,
    /// Names to keep out of the engine's reach, in code points into `text`.
    pub protect: Vec<Protect>,
}

impl Request {
    /// A request without protected names.
    pub fn new(text: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Request {
        Request { text: text.into(), from: from.into(), to: to.into(), protect: Vec::new() }
    }

    /// The same request, protecting these names.
    pub fn protect(mut self, spans: impl IntoIterator<Item = Protect>) -> Request {
        self.protect.extend(spans);
        self
    }
}

/// A name the engine must not translate: an entity mention found by the
/// enricher (`polmon_model::EntityMention` maps one to one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protect {
    /// Start, in Unicode code points into [`Request::text`].
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// What the name names; see [`polish::Options::kinds`] for which are protected.
    pub kind: NameKind,
    /// The entity's canonical name ("Antony Blinken"): its other occurrences
    /// in the text are protected too.
    pub canonical: Option<String>,
}

/// The kind of a protected name, as `polmon_model::EntityType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NameKind {
    /// A person.
    Person,
    /// An organisation.
    Organization,
    /// A place.
    Location,
    /// Any other name.
    Other,
}

/// How a text travels from one language to another: the languages in order,
/// source first, pivots between (`["fr", "es", "en"]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Route(pub Vec<String>);

impl Route {
    /// The source language.
    pub fn from(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }

    /// The target language.
    pub fn to(&self) -> &str {
        self.0.last().map_or("", String::as_str)
    }

    /// The languages between source and target.
    pub fn pivots(&self) -> &[String] {
        let n = self.0.len();
        if n > 2 {
            &self.0[1..n - 1]
        } else {
            &[]
        }
    }
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("→"))
    }
}

/// A translated (or deliberately untranslated) text, with its credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// The text in the target language, or the original when untranslated.
    pub text: String,
    /// The engine that produced it ("apertium", "libretranslate", "deepl", "none").
    pub engine: String,
    /// The languages the text went through; just the source when untranslated.
    pub route: Vec<String>,
    /// Why the text was left as it was, if it was.
    pub untranslated: Option<Untranslated>,
}

impl Translation {
    /// The original text, kept for the given reason.
    pub fn original(req: &Request, engine: &str, why: Untranslated) -> Translation {
        Translation {
            text: req.text.clone(),
            engine: engine.to_owned(),
            route: vec![lang::normalize(&req.from)],
            untranslated: Some(why),
        }
    }

    /// Whether the text was translated.
    pub fn is_translated(&self) -> bool {
        self.untranslated.is_none()
    }
}

/// Why a text was not translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Untranslated {
    /// Translation is switched off (`engine = "none"`).
    Disabled,
    /// The engine has no route between the two languages.
    NoRoute,
    /// The text is already in the target language.
    SameLanguage,
    /// There was nothing to translate (empty or blank text).
    Empty,
}

impl std::fmt::Display for Untranslated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Untranslated::Disabled => "translation is switched off",
            Untranslated::NoRoute => "no translation route between these languages",
            Untranslated::SameLanguage => "already in the target language",
            Untranslated::Empty => "nothing to translate",
        })
    }
}

/// Builds the engine the configuration names; `Engine::Auto` picks Apertium
/// when it is installed and `none` otherwise.
pub fn from_config(config: &Config) -> Result<Box<dyn Translator>, TranslateError> {
    let glossary = config.load_glossary()?;
    let polish = config.polish_options();
    let timeout = config.timeout();
    Ok(match config.engine {
        Engine::Auto => match Apertium::discover(config.apertium_modes.as_deref(), timeout) {
            Ok(a) if !a.routes().is_empty() => Box::new(a.with_polish(polish, glossary)),
            other => {
                let why = other.err().map_or_else(|| "no route".to_owned(), |e| e.to_string());
                tracing::info!(target: "translate", why = %why, "no Apertium: texts stay untranslated");
                Box::new(NoTranslation)
            }
        },
        Engine::Apertium => {
            let a = Apertium::discover(config.apertium_modes.as_deref(), timeout)?;
            Box::new(a.with_polish(polish, glossary))
        }
        Engine::Libretranslate => {
            let url = config.url.as_deref().ok_or(TranslateError::Config("engine \"libretranslate\" needs `url`"))?;
            Box::new(LibreTranslate::new(url, config.api_key.clone(), timeout)?)
        }
        Engine::Deepl => {
            let key = config.api_key.clone().ok_or(TranslateError::Config("engine \"deepl\" needs `api_key`"))?;
            Box::new(DeepL::new(config.url.as_deref(), key, timeout)?)
        }
        Engine::None => Box::new(NoTranslation),
    })
}

/// A stable cache key for a translation: FNV-1a (64 bits, hex) over the
/// engine, the route and the text. Stable across builds and platforms, unlike
/// `std`'s hasher; a glossary or engine upgrade should clear the cache.
///
/// ```
/// use polmon_translate::{cache_key, Route};
/// let r = Route(vec!["fr".into(), "es".into(), "en".into()]);
/// assert_eq!(cache_key("apertium", &r, "Bonjour."), cache_key("apertium", &r, "Bonjour."));
/// assert_ne!(cache_key("apertium", &r, "Bonjour."), cache_key("deepl", &r, "Bonjour."));
/// ```
pub fn cache_key(engine: &str, route: &Route, text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let route = route.0.join("-");
    let parts: [&str; 5] = [engine, "\u{1f}", &route, "\u{1f}", text];
    for b in parts.iter().flat_map(|p| p.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The checks every engine makes before translating: same language, empty text.
pub(crate) fn trivial(req: &Request, engine: &str) -> Option<Translation> {
    if req.text.trim().is_empty() {
        return Some(Translation::original(req, engine, Untranslated::Empty));
    }
    if lang::normalize(&req.from) == lang::normalize(&req.to) {
        return Some(Translation::original(req, engine, Untranslated::SameLanguage));
    }
    None
}
