//! The `none` engine: the original text, labelled untranslated.

use crate::{Request, Route, TranslateError, Translation, Translator, Untranslated};

/// Keeps every text as it is and says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTranslation;

impl Translator for NoTranslation {
    fn name(&self) -> &str {
        "none"
    }

    fn routes(&self) -> Vec<Route> {
        Vec::new()
    }

    fn translate(&self, req: &Request) -> Result<Translation, TranslateError> {
        Ok(Translation::original(req, "none", Untranslated::Disabled))
    }
}
