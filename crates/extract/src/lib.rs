//! Article extraction: HTML bytes (plus optional URL and HTTP headers) in, [`ExtractedArticle`] out.
//!
//! PLACEHOLDER INTERFACE: the real extractor replaces this file. Pure: no I/O.

use polmon_model::{Block, BlockKind, ExtractedArticle};

/// What the caller knows about the page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The URL the page came from; resolves relative links and is a date/source fallback.
    pub url: Option<String>,
    /// The HTTP `Content-Type` header, whose charset wins over the page's own declaration.
    pub content_type: Option<String>,
}

/// Why a page could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The page holds no text at all.
    #[error("the page is empty")]
    Empty,
}

/// Extracts the article from one HTML page.
pub fn extract(html: &[u8], opts: &Options) -> Result<ExtractedArticle, ExtractError> {
    let s = String::from_utf8_lossy(html);
    if s.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    let mut blocks = Vec::new();
    let mut title = None;
    for (tag, kind) in [("h1", None), ("h2", Some(BlockKind::H2)), ("p", Some(BlockKind::P))] {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut rest = &s[..];
        while let Some(i) = rest.find(&open) {
            let after = &rest[i..];
            let Some(gt) = after.find('>') else { break };
            let Some(end) = after.find(&close) else { break };
            if end < gt { rest = &after[gt..]; continue; }
            let inner = strip_tags(&after[gt + 1..end]);
            if !inner.is_empty() {
                match kind {
                    None => { title.get_or_insert(inner); }
                    Some(k) => blocks.push((i + (s.len() - rest.len()), Block { kind: k, text: inner })),
                }
            }
            rest = &after[end + close.len()..];
        }
    }
    blocks.sort_by_key(|(pos, _)| *pos);
    let blocks: Vec<Block> = blocks.into_iter().map(|(_, b)| b).collect();
    Ok(ExtractedArticle {
        url: opts.url.clone(),
        title,
        text: ExtractedArticle::text_from_blocks(&blocks),
        blocks,
        ..Default::default()
    })
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&nbsp;", " ").split_whitespace().collect::<Vec<_>>().join(" ")
}
