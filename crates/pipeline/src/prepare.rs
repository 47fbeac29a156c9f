//! From an input item to a storable article: extraction, checks, caps, enrichment.

use polmon_model::{Analysis, Article, Block, ExtractedArticle};
use polmon_store::{parse_timestamp, ArticleKey};

use crate::inputs::{InputItem, TextArticle};
use crate::{blocks_from_text, content_hash, normalize_url, IngestError};

/// The longest body stored, in characters. Longer texts are cut at a block boundary
/// (a single longer block at a character boundary) before enrichment, so every later
/// stage (entities, quotes, stories, search, pages) works on at most this much. A long
/// news article has 20,000–50,000 characters.
pub const MAX_TEXT_CHARS: usize = 200_000;

/// An article ready for the store.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Its identity and content hash.
    pub(crate) key: ArticleKey,
    /// The article (id, links and ingestion time are the store's).
    pub(crate) article: Article,
    /// The length in characters of the text before it was cut to [`MAX_TEXT_CHARS`].
    pub(crate) truncated_from: Option<usize>,
}

/// The fields an item gives before enrichment.
struct Draft {
    text: TextArticle,
    blocks: Vec<Block>,
    canonical_url: Option<String>,
    original_source: Option<String>,
}

fn draft(item: InputItem) -> Result<Draft, IngestError> {
    Ok(match item {
        InputItem::Text(a) => {
            let blocks = blocks_from_text(&a.text);
            Draft { text: a, blocks, canonical_url: None, original_source: None }
        }
        InputItem::Html { bytes, url, content_type, source, published } => {
            let opts = polmon_extract::Options { url: url.clone(), content_type };
            let x = polmon_extract::extract(&bytes, &opts)?;
            let text = if x.text.is_empty() { ExtractedArticle::text_from_blocks(&x.blocks) } else { x.text };
            Draft {
                text: TextArticle {
                    id: None,
                    url: x.url.or(url),
                    title: x.title,
                    text,
                    published: x.published.or(published),
                    language: x.language,
                    source: source.or(x.site),
                    author: x.author,
                    category: None,
                },
                blocks: x.blocks,
                canonical_url: x.canonical_url,
                original_source: x.original_source,
            }
        }
    })
}

/// Checks that a text reads as text: binary data decoded as characters is full of
/// control characters, replacement characters and symbols where words should be.
pub fn check_readable(text: &str) -> Result<(), IngestError> {
    let (mut total, mut letters, mut bad) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()).take(20_000) {
        total += 1;
        if c.is_alphabetic() {
            letters += 1;
        } else if c == '\u{fffd}' || c.is_control() || ('\u{e000}'..='\u{f8ff}').contains(&c) {
            bad += 1;
        }
    }
    if total == 0 {
        return Err(IngestError::NoText);
    }
    let bad_share = bad as f64 / total as f64;
    let letter_share = letters as f64 / total as f64;
    if bad_share > 0.02 || (total >= 200 && letter_share < 0.5) {
        return Err(IngestError::NotText(format!(
            "{:.0}% of its characters are letters and {:.0}% are control or replacement characters \
             (binary data or a wrong encoding?)",
            letter_share * 100.0,
            bad_share * 100.0
        )));
    }
    Ok(())
}

/// Cuts `blocks` (and so the text) to [`MAX_TEXT_CHARS`]; returns the length before.
fn cap_blocks(blocks: &mut Vec<Block>, text: &mut String) -> Option<usize> {
    let total = text.chars().count();
    if total <= MAX_TEXT_CHARS {
        return None;
    }
    let mut left = MAX_TEXT_CHARS;
    let mut keep = 0;
    for (i, b) in blocks.iter_mut().enumerate() {
        // Blocks are joined with a blank line: two characters between neighbours.
        let n = b.text.chars().count() + if i > 0 { 2 } else { 0 };
        if n <= left {
            left -= n;
            keep += 1;
            continue;
        }
        if keep == 0 {
            let cut = b.text.char_indices().nth(left).map_or(b.text.len(), |(i, _)| i);
            b.text.truncate(cut);
            keep = 1;
        }
        break;
    }
    blocks.truncate(keep);
    *text = ExtractedArticle::text_from_blocks(blocks);
    Some(total)
}

/// Turns an input item into a storable article. `stored_hash` tells whether the key is
/// stored with this content already: then enrichment is skipped and `Ok(None)` returned
/// with the key so that the caller can report it unchanged.
pub(crate) fn prepare(
    item: InputItem,
    analyzer: &polmon_enrich::Analyzer,
    stored_hash: &dyn Fn(&str) -> Result<Option<(i64, String)>, IngestError>,
) -> Result<Result<Prepared, i64>, IngestError> {
    let Draft { text: mut ta, mut blocks, canonical_url, original_source } = draft(item)?;
    if ta.text.trim().is_empty() {
        return Err(IngestError::NoText);
    }
    check_readable(&ta.text)?;
    if blocks.is_empty() {
        blocks = blocks_from_text(&ta.text);
    }
    let truncated_from = cap_blocks(&mut blocks, &mut ta.text);
    let title = ta
        .title
        .take()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| first_words(&ta.text, 12));
    let url = ta.url.take().filter(|u| !u.trim().is_empty());
    let canonical = canonical_url.as_deref().or(url.as_deref()).and_then(normalize_url);
    let hash = content_hash(&title, &ta.text);
    let dedup_key = match &canonical {
        Some(c) => format!("url:{c}"),
        None => format!("hash:{hash}"),
    };
    if let Some((id, stored)) = stored_hash(&dedup_key)? {
        if stored == hash {
            return Ok(Err(id));
        }
    }
    let analysis: Analysis = analyzer.analyze(&polmon_enrich::Document {
        title: Some(&title),
        text: &ta.text,
        lang_hint: ta.language.as_deref(),
    });
    let language = ta.language.take().or_else(|| analysis.language.as_ref().map(|l| l.code.clone()));
    let category = ta
        .category
        .take()
        .or_else(|| analysis.categories.first().map(|c| c.name.clone()))
        .unwrap_or_else(|| "general".into());
    let source = ta.source.take().or_else(|| url.as_deref().and_then(polmon_feeds::host_of));
    // A date in the metadata, else the dateline the text opens with; an undated article
    // sorts by when it was first seen (the store's `sort_ts`) and says so on its pages.
    let published = ta
        .published
        .take()
        .filter(|p| parse_timestamp(p).is_some())
        .or_else(|| polmon_extract::dateline_date(&ta.text));
    Ok(Ok(Prepared {
        key: ArticleKey { dedup_key, content_hash: hash },
        article: Article {
            external_id: ta.id.take(),
            url,
            canonical_url: canonical,
            title,
            author: ta.author.take(),
            published,
            language,
            source,
            original_source,
            category,
            text: ta.text,
            blocks,
            analysis,
            ..Default::default()
        },
        truncated_from,
    }))
}

fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(n + 1).collect();
    if words.len() > n {
        format!("{}…", words[..n].join(" "))
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polmon_model::BlockKind;

    #[test]
    fn regression_random_bytes_are_not_text() {
        let noise: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(&noise);
        assert!(matches!(check_readable(&decoded), Err(IngestError::NotText(_))));
        let lossy = String::from_utf8_lossy(&noise);
        assert!(matches!(check_readable(&lossy), Err(IngestError::NotText(_))));
        assert!(check_readable("Le Parlement a adopté le budget mardi, après trois jours de débats.").is_ok());
        assert!(check_readable(&"Η Βουλή ψήφισε τον προϋπολογισμό την Τρίτη, 12 Μαρτίου 2024. ".repeat(20)).is_ok());
    }

    #[test]
    fn regression_a_huge_body_is_cut_at_a_block_boundary() {
        let para = "word ".repeat(1000);
        let mut blocks: Vec<Block> = (0..100).map(|_| Block { kind: BlockKind::P, text: para.trim().to_string() }).collect();
        let mut text = ExtractedArticle::text_from_blocks(&blocks);
        let before = text.chars().count();
        assert_eq!(cap_blocks(&mut blocks, &mut text), Some(before));
        assert!(text.chars().count() <= MAX_TEXT_CHARS);
        assert!(blocks.len() < 100 && !blocks.is_empty());
        assert!(blocks.iter().all(|b| b.text == para.trim()));
        // One giant block is cut inside.
        let mut one = vec![Block { kind: BlockKind::P, text: "é".repeat(MAX_TEXT_CHARS * 2) }];
        let mut t = one[0].text.clone();
        assert!(cap_blocks(&mut one, &mut t).is_some());
        assert_eq!(t.chars().count(), MAX_TEXT_CHARS);
    }
}
