//! Chooses the article among the blocks: every block gets a value (long, sentence-like,
//! unlinked text is positive; link lists, boilerplate and crumbs are negative), values are
//! summed up the tree, and the element with the largest sum is the article's container.
//! Inside it, blocks that still look like boilerplate are dropped.

use crate::html::{Dom, Tag, NONE};

use super::blocks::{Kind, TextBlock};
use super::hints::Hint;

/// Per-node facts the selection needs.
pub(crate) struct Tree {
    /// One past the last descendant.
    pub(crate) end: Vec<u32>,
    /// Whether the node lies in boilerplate.
    pub(crate) boiler: Vec<bool>,
}

/// Computes subtree ends and boilerplate flags.
pub(crate) fn tree(dom: &Dom<'_>, hints: &[Hint]) -> Tree {
    let n = dom.len();
    let mut end = vec![0u32; n];
    let mut text_len = vec![0u32; n];
    for id in (0..n).rev() {
        let node = dom.node(id as u32);
        if end[id] == 0 {
            end[id] = id as u32 + 1;
        }
        if node.tag == Tag::Text && hints[node.parent as usize] != Hint::Drop {
            text_len[id] = node.end - node.start;
        }
        if node.parent != NONE {
            let p = node.parent as usize;
            end[p] = end[p].max(end[id]);
            text_len[p] = text_len[p].saturating_add(text_len[id]);
        }
    }
    let total = text_len[0].max(1) as f64;
    let mut boiler = vec![false; n];
    for id in 1..n {
        let p = dom.node(id as u32).parent as usize;
        let share = text_len[id] as f64 / total;
        let own = match hints[id] {
            Hint::Boilerplate => share < 0.6,
            Hint::Mixed => share < 0.2,
            _ => false,
        };
        boiler[id] = boiler[p] || own;
    }
    Tree { end, boiler }
}

fn has_sentence(text: &str) -> bool {
    text.contains(". ") || text.contains(", ") || text.ends_with(['.', '!', '?', ':', '"', '”', '“', '»', '«', ')'])
}

/// The value of one block for container selection.
fn value(b: &TextBlock, boiler: bool) -> f64 {
    let chars = b.chars as f64;
    if boiler {
        return -chars;
    }
    if matches!(b.kind, Kind::H1 | Kind::H2 | Kind::H3) {
        return 0.0;
    }
    let ld = b.link_chars as f64 / chars.max(1.0);
    if ld > 0.5 {
        return -chars;
    }
    if b.chars < 25 {
        return -3.0;
    }
    let punct = if has_sentence(&b.text) { 1.0 } else { 0.4 };
    let kind = match b.kind {
        Kind::Li | Kind::Cell => 0.6,
        _ => 1.0,
    };
    chars * (1.0 - ld) * punct * kind
}

/// Picks the container and returns the indices of the blocks to keep, in order.
pub(crate) fn select(dom: &Dom<'_>, hints: &[Hint], t: &Tree, blocks: &[TextBlock]) -> Vec<usize> {
    let n = dom.len();
    let mut sum = vec![0f64; n];
    let mut pos = vec![0f64; n];
    let mut chars = vec![0u32; n];
    let mut links = vec![0u32; n];
    for b in blocks {
        let o = b.owner as usize;
        let v = value(b, t.boiler[o]);
        sum[o] += v;
        if v > 0.0 {
            pos[o] += v;
        }
        if !t.boiler[o] {
            chars[o] += b.chars as u32;
            links[o] += b.link_chars as u32;
        }
    }
    for id in (1..n).rev() {
        let p = dom.node(id as u32).parent as usize;
        sum[p] += sum[id];
        pos[p] += pos[id];
        chars[p] += chars[id];
        links[p] += links[id];
    }
    let mut best = 0usize;
    let mut best_score = f64::MIN;
    for id in 0..n {
        if dom.node(id as u32).tag == Tag::Text || t.boiler[id] {
            continue;
        }
        let mut score = sum[id];
        if hints[id] == Hint::Body {
            score += 0.25 * pos[id];
        }
        if score >= best_score {
            best_score = score;
            best = id;
        }
    }
    let (lo, hi) = (best as u32, t.end[best]);
    let mut keep = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.owner < lo || b.owner >= hi || t.boiler[b.owner as usize] || b.kind == Kind::H1 {
            continue;
        }
        let ld = b.link_chars as f64 / (b.chars.max(1)) as f64;
        if ld > 0.5 && b.chars < 300 {
            continue;
        }
        if link_heavy_ancestor(dom, b.owner, lo, &chars, &links) {
            continue;
        }
        keep.push(i);
    }
    // Trailing headings announce what follows the article ("Related", "Comments").
    while keep.last().is_some_and(|&i| matches!(blocks[i].kind, Kind::H2 | Kind::H3)) {
        keep.pop();
    }
    keep
}

/// Whether some element between `owner` and the container is mostly links.
fn link_heavy_ancestor(dom: &Dom<'_>, owner: u32, container: u32, chars: &[u32], links: &[u32]) -> bool {
    let mut cur = owner;
    while cur != NONE && cur > container {
        let c = chars[cur as usize];
        if c > 0 && links[cur as usize] as f64 / c as f64 > 0.5 {
            return true;
        }
        cur = dom.node(cur).parent;
    }
    false
}
