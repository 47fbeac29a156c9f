//! Main-text extraction: which blocks of the page are the article.

pub(crate) mod blocks;
pub(crate) mod hints;
pub(crate) mod select;

use crate::html::Dom;
use blocks::TextBlock;
use hints::Hint;

/// The article's blocks, in page order.
pub(crate) fn article_blocks(dom: &Dom<'_>, hints: &[Hint]) -> Vec<TextBlock> {
    let all = blocks::linearise(dom, hints, 0, |h| h == Hint::Drop);
    let t = select::tree(dom, hints, &all);
    let keep = select::select(dom, hints, &t, &all);
    let mut all: Vec<Option<TextBlock>> = all.into_iter().map(Some).collect();
    keep.into_iter().filter_map(|i| all[i].take()).collect()
}
