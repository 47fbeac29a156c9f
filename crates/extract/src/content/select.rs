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
    text.contains(". ") || text.contains(", ") || text.ends_with(['.', '!', '?', ':', '"', '”', '“', '»', '«', ')'])
}

/// The value of one block for container selection.
/// How much a character of link-list text costs, relative to a character of article text.
const LINK_WEIGHT: f64 = 0.5;
/// The most a boilerplate box costs its container, in characters.
const BOILER_COST: f64 = 150.0;

fn link_weight() -> f64 {
    LINK_WEIGHT
}

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
        return -chars * link_weight();
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
    if std::env::var_os("POLMON_EXTRACT_DEBUG").is_some() {
        let mut ids: Vec<usize> = (0..n).filter(|&i| dom.node(i as u32).tag != Tag::Text).collect();
        ids.sort_by(|a, b| sum[*b].partial_cmp(&sum[*a]).unwrap_or(std::cmp::Ordering::Equal));
        for &i in ids.iter().take(8) {
            let mut path = String::new();
            let mut cur = i as u32;
            for _ in 0..6 {
                if cur == NONE { break; }
                path.push_str(&format!("{:?}.{} < ", dom.tag(cur), dom.attr_raw(cur, "class").unwrap_or("").chars().take(30).collect::<String>()));
                cur = dom.node(cur).parent;
            }
            eprintln!("{i} sum={:.0} pos={:.0} boiler={} hint={:?} {path}", sum[i], pos[i], t.boiler[i], hints[i]);
        }
        eprintln!("best={best}");
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
        if super::phrases::is_furniture(&b.text, b.chars) {
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

#[cfg(test)]
mod debug_tests {
    #[test]
    #[ignore]
    fn dump_page() {
        let Ok(path) = std::env::var("DUMP") else { return };
        let bytes = std::fs::read(path).unwrap();
        let src = String::from_utf8_lossy(&bytes);
        let dom = crate::html::parse(&src);
        let hints = crate::content::hints::hints(&dom);
        let all = crate::content::blocks::linearise(&dom, &hints, 0, |h| h == crate::content::hints::Hint::Drop);
        eprintln!("blocks: {}", all.len());
        let t = super::tree(&dom, &hints, &all);
        for b in all.iter().filter(|b| b.text.contains("Mechi")).take(2) {
            let mut cur = b.owner; let mut path = String::new();
            while cur != crate::html::NONE { path.push_str(&format!("{:?}.{}[{:?} {}] < ", dom.tag(cur), dom.attr_raw(cur, "class").unwrap_or("").chars().take(40).collect::<String>(), hints[cur as usize], t.boiler[cur as usize])); cur = dom.node(cur).parent; }
            eprintln!("CHAIN {path}");
        }
        for b in all.iter().filter(|b| super::value(b, t.boiler[b.owner as usize]) < -20.0).take(30) { eprintln!("  {:?} {} boiler={} v={:.0} {}", b.kind, b.owner, t.boiler[b.owner as usize], super::value(b, t.boiler[b.owner as usize]), b.text.chars().take(60).collect::<String>()); }
        for b in all.iter().take(0) { eprintln!("  {:?} {} {}", b.kind, b.owner, b.text.chars().take(60).collect::<String>()); }
        let mut stack = vec![(0u32, 0usize)];
        while let Some((id, d)) = stack.pop() {
            let n = dom.node(id);
            if n.tag != crate::html::Tag::Text && d < 9 {
                eprintln!("{}{:?} {} #{} {:?} {}", " ".repeat(d), n.tag, dom.attr_raw(id, "class").unwrap_or(""), dom.attr_raw(id, "id").unwrap_or(""), hints[id as usize], dom.text_of(id).len());
            }
            let kids: Vec<u32> = dom.children(id).collect();
            for k in kids.into_iter().rev() { stack.push((k, d + 1)); }
        }
    }
}
