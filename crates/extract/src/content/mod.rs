//! Main-text extraction: which blocks of the page are the article.

pub(crate) mod blocks;
pub(crate) mod hints;
pub(crate) mod phrases;
pub(crate) mod select;

use crate::html::Dom;
use blocks::TextBlock;
use hints::Hint;

/// Below this many characters of article text, selection is retried without class hints.
const FALLBACK_CHARS: usize = 250;

/// The article's blocks, in page order.
pub(crate) fn article_blocks(dom: &Dom<'_>, hints: &[Hint]) -> Vec<TextBlock> {
    let all = blocks::linearise(dom, hints, 0, |h| h == Hint::Drop);
    let mut t = select::tree(dom, hints, &all);
    let mut keep = select::select(dom, hints, &t, &all);
    // Class names can mislead (a wrapper called "source-wrap"): when little is left, try
    // again trusting only the markup and the text.
    let kept_chars: usize = keep.iter().map(|&i| all[i].chars).sum();
    if kept_chars < FALLBACK_CHARS {
        t.boiler.iter_mut().for_each(|b| *b = false);
        let again = select::select(dom, hints, &t, &all);
        if again.iter().map(|&i| all[i].chars).sum::<usize>() > kept_chars {
            keep = again;
        }
    }
    let mut all: Vec<Option<TextBlock>> = all.into_iter().map(Some).collect();
    keep.into_iter().filter_map(|i| all[i].take()).collect()
}
