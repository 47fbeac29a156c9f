use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{glossary::Glossary, polish, NameKind, TranslateError};

/// The translation settings (the `[translate]` table of the configuration).
///
/// ```toml
/// engine = "apertium"          # auto | apertium | libretranslate | deepl | none
/// target = "en"                # the reader's language: articles in others are translated
/// timeout_secs = 30
/// glossary = "my-glossary.tsv" # replaces the bundled one
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Which engine translates.
    pub engine: Engine,
    /// The reader's language (ISO 639-1): articles in other languages are translated
    /// into it as they are stored; empty switches translation at ingest off.
    pub target: String,
    /// The LibreTranslate server (`http://localhost:5000`), or another DeepL
    /// endpoint than the one the key implies.
    pub url: Option<String>,
    /// The LibreTranslate or DeepL API key.
    pub api_key: Option<String>,
    /// How long one request may take before it fails (and an Apertium
    /// process is restarted).
    pub timeout_secs: u64,
    /// A glossary file replacing the bundled one (format: the crate README).
    pub glossary: Option<PathBuf>,
    /// Skip the bundled glossary (and use only `glossary`, if given).
    pub no_bundled_glossary: bool,
    /// Which kinds of names are kept out of the engine's reach (Apertium only).
    pub protect: Vec<NameKind>,
    /// The Apertium data folder holding `modes/` (default: the installed ones).
    pub apertium_modes: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            engine: Engine::Auto,
            target: "en".into(),
            url: None,
            api_key: None,
            timeout_secs: 30,
            glossary: None,
            no_bundled_glossary: false,
            protect: polish::Options::default().kinds,
            apertium_modes: None,
        }
    }
}

/// The translation engines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Apertium when it is installed, else none.
    #[default]
    Auto,
    /// Apertium processes on this machine.
    Apertium,
    /// A LibreTranslate server (`POST /translate`).
    Libretranslate,
    /// The DeepL API (`POST /v2/translate`).
    Deepl,
    /// No translation: originals, labelled untranslated.
    None,
}

impl Config {
    /// The per-request time limit.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// The glossary: the file given, else the bundled one (unless switched off).
    pub fn load_glossary(&self) -> Result<Glossary, TranslateError> {
        match &self.glossary {
            Some(path) => read_glossary(path),
            None if self.no_bundled_glossary => Ok(Glossary::default()),
            None => Ok(Glossary::bundled()),
        }
    }

    pub(crate) fn polish_options(&self) -> polish::Options {
        polish::Options { kinds: self.protect.clone(), ..polish::Options::default() }
    }
}

fn read_glossary(path: &Path) -> Result<Glossary, TranslateError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| TranslateError::Glossary { path: path.to_owned(), message: e.to_string() })?;
    Glossary::parse(&text).map_err(|message| TranslateError::Glossary { path: path.to_owned(), message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected() {
        let e = serde_json::from_str::<Config>(r#"{"engine":"deepl","apikey":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }

    #[test]
    fn engine_names_are_lowercase() {
        let c: Config = serde_json::from_str(r#"{"engine":"libretranslate","url":"http://127.0.0.1:5000"}"#).unwrap();
        assert_eq!(c.engine, Engine::Libretranslate);
        assert_eq!(c.timeout_secs, 30);
    }
}
