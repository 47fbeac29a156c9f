//! Articles in the reader's language: the article page shows the stored machine
//! translation (headline and body) with a line saying so, and a switch to the original.

use polmon_model::{Article, Block};

use crate::{AppState, WebError};

/// The line under a translated (or, on request, original) article.
pub(crate) struct TranslationNote {
    /// "French".
    pub(crate) from: String,
    /// "English".
    pub(crate) to: String,
    /// "Apertium".
    pub(crate) engine: String,
    /// "Spanish", when the text went through another language.
    pub(crate) via: Option<String>,
    /// Whether the page shows the original (`?lang=original`).
    pub(crate) showing_original: bool,
}

/// Replaces the headline and body of `a` by their translation into the reader's
/// language, unless `want_original`; returns what the page must say about it (`None`
/// when there is no translation: same language, none made yet, or translation off).
pub(crate) fn apply(state: &AppState, a: &mut Article, want_original: bool) -> Result<Option<TranslationNote>, WebError> {
    let Some(target) = state.reader_language.as_deref() else { return Ok(None) };
    let Some(from) = a.language.clone().filter(|l| l != target) else { return Ok(None) };
    let Some(t) = state.store.translation(a.id, target)? else { return Ok(None) };
    let pivots = t.route.get(1..t.route.len().saturating_sub(1)).unwrap_or(&[]);
    let note = TranslationNote {
        from: language_name(&from),
        to: language_name(target),
        engine: engine_label(&t.engine),
        via: (!pivots.is_empty()).then(|| pivots.iter().map(|l| language_name(l)).collect::<Vec<_>>().join(", ")),
        showing_original: want_original,
    };
    if !want_original {
        a.title = t.title;
        a.blocks = translated_blocks(&a.blocks, &t.text);
        a.text = t.text;
        a.language = Some(target.to_string());
    }
    Ok(Some(note))
}

/// The translated text as blocks: the original's kinds when the paragraphs line up one
/// to one (subheadings stay subheadings), else paragraphs.
fn translated_blocks(original: &[Block], text: &str) -> Vec<Block> {
    let paragraphs: Vec<&str> = text.split('\n').map(str::trim).filter(|p| !p.is_empty()).collect();
    if paragraphs.len() == original.len() {
        return original.iter().zip(paragraphs).map(|(b, p)| Block { kind: b.kind, text: p.to_string() }).collect();
    }
    paragraphs.into_iter().map(|p| Block { kind: polmon_model::BlockKind::P, text: p.to_string() }).collect()
}

/// The English name of a language code ("fr" → "French"); the code itself if unknown.
pub(crate) fn language_name(code: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("en", "English"), ("fr", "French"), ("es", "Spanish"), ("de", "German"), ("it", "Italian"),
        ("pt", "Portuguese"), ("nl", "Dutch"), ("pl", "Polish"), ("ca", "Catalan"), ("gl", "Galician"),
        ("eu", "Basque"), ("eo", "Esperanto"), ("ro", "Romanian"), ("sv", "Swedish"), ("da", "Danish"),
        ("no", "Norwegian"), ("nb", "Norwegian"), ("fi", "Finnish"), ("cs", "Czech"), ("sk", "Slovak"),
        ("hu", "Hungarian"), ("el", "Greek"), ("ru", "Russian"), ("uk", "Ukrainian"), ("ar", "Arabic"),
        ("tr", "Turkish"), ("is", "Icelandic"), ("mk", "Macedonian"), ("hbs", "Serbo-Croatian"),
    ];
    NAMES.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_string(), |(_, n)| (*n).to_string())
}

fn engine_label(engine: &str) -> String {
    match engine {
        "apertium" => "Apertium".into(),
        "libretranslate" => "LibreTranslate".into(),
        "deepl" => "DeepL".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polmon_model::BlockKind;

    #[test]
    fn translated_paragraphs_keep_the_original_block_kinds_when_they_line_up() {
        let original = vec![
            Block { kind: BlockKind::P, text: "Le gouvernement.".into() },
            Block { kind: BlockKind::H2, text: "Réactions".into() },
        ];
        let b = translated_blocks(&original, "The government.\nReactions");
        assert_eq!(b[1].kind, BlockKind::H2);
        assert_eq!(b[1].text, "Reactions");
        let b = translated_blocks(&original, "The government.\nReactions\nMore");
        assert!(b.iter().all(|x| x.kind == BlockKind::P) && b.len() == 3);
        assert_eq!(language_name("fr"), "French");
        assert_eq!(language_name("xx"), "xx");
    }
}
