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

/// Computes subtree ends and boilerplate flags. An element named like boilerplate is not
/// boilerplate when it holds most of the page's article-like text or an element named as
/// the article body (layout wrappers such as "content-with-sidebar").
pub(crate) fn tree(dom: &Dom<'_>, hints: &[Hint], blocks: &[TextBlock]) -> Tree {
    let n = dom.len();
    let mut end = vec![0u32; n];
    let mut pos = vec![0f64; n];
    let mut body = vec![false; n];
    for b in blocks {
        pos[b.owner as usize] += value(b, false).max(0.0);
    }
    for id in (0..n).rev() {
        if end[id] == 0 {
            end[id] = id as u32 + 1;
        }
        if hints[id] == Hint::Body && pos[id] > 0.0 {
            body[id] = true;
        }
        let p = dom.node(id as u32).parent;
        if p != NONE {
            let p = p as usize;
            end[p] = end[p].max(end[id]);
            pos[p] += pos[id];
            body[p] |= body[id];
        }
    }
    let total = pos[0].max(1.0);
    let mut boiler = vec![false; n];
    for id in 1..n {
        let p = dom.node(id as u32).parent as usize;
        let share = pos[id] / total;
        let own = !body[id]
            && match hints[id] {
                Hint::Boilerplate => share < 0.5,
                Hint::Mixed => share < 0.25,
                _ => false,
            };
        boiler[id] = boiler[p] || own;
    }
    Tree { end, boiler }
}

fn has_sentence(text: &str) -> bool {
    text.contains(". ") || text.contains(", ") || text.contains(['。', '，', '、', '！', '？']) || text.ends_with(['.', '!', '?', ':', '"', '”', '“', '»', '«', ')'])
}

/// The value of one block for container selection.
/// How much a character of link-list text costs, relative to a character of article text.
const LINK_WEIGHT: f64 = 0.5;
/// The most a boilerplate box costs its container, in characters.
const BOILER_COST: f64 = 150.0;

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
        return -chars * LINK_WEIGHT;
    }
    let short = if b.kind == Kind::Cell { 10 } else { 25 };
    if b.chars < short {
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
    let mut boiler_chars = vec![0f64; n];
    for b in blocks {
        let o = b.owner as usize;
        if t.boiler[o] {
            boiler_chars[o] += b.chars as f64;
            continue;
        }
        let v = value(b, false);
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
        // A boilerplate box (gallery, share bar, related links) costs its container a fixed
        // amount however long it is.
        if t.boiler[id] {
            if t.boiler[p] {
                boiler_chars[p] += boiler_chars[id];
            } else {
                sum[id] -= boiler_chars[id].min(BOILER_COST);
            }
        }
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
    let ranges = with_siblings(dom, t, best, &sum, &chars, &links);
    let (lo, _) = ranges[0];
    let mut keep = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let inside = ranges.iter().any(|&(l, h)| b.owner >= l && b.owner < h);
        if !inside || t.boiler[b.owner as usize] {
            continue;
        }
        let ld = b.link_chars as f64 / (b.chars.max(1)) as f64;
        if ld > 0.5 && b.chars < 300 {
            continue;
        }
        let top = ranges.iter().find(|&&(l, h)| b.owner >= l && b.owner < h).map_or(lo, |r| r.0);
        if link_heavy_ancestor(dom, b.owner, top, &chars, &links) {
            continue;
        }
        keep.push(i);
    }
    // A leading <h1> is the headline (metadata); later ones are subheadings.
    while keep.first().is_some_and(|&i| blocks[i].kind == Kind::H1) {
        keep.remove(0);
    }
    // Trailing headings announce what follows the article ("Related", "Comments").
    while keep.last().is_some_and(|&i| matches!(blocks[i].kind, Kind::H1 | Kind::H2 | Kind::H3)) {
        keep.pop();
    }
    keep
}

/// The container's subtree range, plus those of nearby siblings (up to two levels up) that
/// hold article-like text of their own: a lead paragraph or an intro set apart from the body.
fn with_siblings(dom: &Dom<'_>, t: &Tree, best: usize, sum: &[f64], chars: &[u32], links: &[u32]) -> Vec<(u32, u32)> {
    let mut ranges = vec![(best as u32, t.end[best])];
    let mut inner = best as u32;
    let threshold = (sum[best] * 0.05).max(60.0);
    for _ in 0..2 {
        let parent = dom.node(inner).parent;
        if parent == NONE || parent == 0 {
            break;
        }
        for s in dom.children(parent) {
            let su = s as usize;
            if s == inner || dom.tag(s) == Tag::Text || t.boiler[su] || chars[su] == 0 {
                continue;
            }
            let ld = links[su] as f64 / chars[su] as f64;
            if sum[su] >= threshold && ld < 0.2 {
                ranges.push((s, t.end[su]));
            }
        }
        inner = parent;
    }
    ranges
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
