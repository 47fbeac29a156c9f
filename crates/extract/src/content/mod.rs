//! Main-text extraction: which blocks of the page are the article.

pub(crate) mod blocks;
pub(crate) mod hints;
pub(crate) mod phrases;
pub(crate) mod select;

use crate::html::Dom;
use blocks::TextBlock;
use hints::Hint;

/// Below this many characters of article text, selection is retried without class hints.
const FALLBACK_CHARS: usize = 200;

/// The article's body and the furniture found inside it.
pub(crate) struct Article {
    /// The body's blocks, in page order.
    pub(crate) blocks: Vec<TextBlock>,
    /// Short lines dropped from the body as furniture ("Source: Reuters", "Share"), kept
    /// because credit lines name the original publisher.
    pub(crate) furniture: Vec<String>,
}

/// The article's blocks, in page order.
#[cfg(test)]
pub(crate) fn article_blocks(dom: &Dom<'_>, hints: &[Hint]) -> Vec<TextBlock> {
    article(dom, hints).blocks
}

/// Selects the article of a page.
pub(crate) fn article(dom: &Dom<'_>, hints: &[Hint]) -> Article {
    let mut all = blocks::linearise(dom, hints, 0, |h| matches!(h, Hint::Drop | Hint::Landmark));
    let mut t = select::tree(dom, hints, &all);
    let mut keep = select::select(dom, hints, &t, &all);
    // Class names and landmarks can mislead (a wrapper called "source-wrap", an <aside> left
    // open around the article): when little is left, try again trusting only the text.
    let kept_chars = useful(&all, &keep, FALLBACK_CHARS);
    if kept_chars < FALLBACK_CHARS {
        t.boiler.iter_mut().for_each(|b| *b = false);
        let again = select::select(dom, hints, &t, &all);
        let need = 2 * kept_chars + 100;
        if useful(&all, &again, need + 1) > need {
            keep = again;
        } else if landmark_bytes(dom, hints) > need {
            let wider = blocks::linearise(dom, hints, 0, |h| h == Hint::Drop);
            let mut t2 = select::tree(dom, hints, &wider);
            t2.boiler.iter_mut().for_each(|b| *b = false);
            let again = select::select(dom, hints, &t2, &wider);
            if useful(&wider, &again, need + 1) > need {
                keep = again;
                all = wider;
            }
        }
    }
    let mut all: Vec<Option<TextBlock>> = all.into_iter().map(Some).collect();
    let mut out = Article { blocks: Vec::new(), furniture: Vec::new() };
    for b in keep.into_iter().filter_map(|i| all[i].take()) {
        let date_line = b.chars < 40 && crate::meta::date::find_in_text(&b.text).is_some();
        if date_line || phrases::is_furniture(&b.text, b.chars) || (b.chars < 200 && in_figure(dom, b.owner)) {
            out.furniture.push(b.text);
        } else {
            out.blocks.push(b);
        }
    }
    out
}

/// Characters of the kept blocks that are not furniture, counted up to `limit`.
fn useful(all: &[TextBlock], keep: &[usize], limit: usize) -> usize {
    let mut sum = 0;
    for &i in keep {
        if sum >= limit {
            break;
        }
        if !phrases::is_furniture(&all[i].text, all[i].chars) {
            sum += all[i].chars;
        }
    }
    sum
}

/// Bytes of text inside landmarks (`<nav>`, `<aside>`, `<footer>`).
fn landmark_bytes(dom: &Dom<'_>, hints: &[Hint]) -> usize {
    let mut inside = vec![false; dom.len()];
    let mut bytes = 0;
    for id in 1..dom.len() {
        let n = dom.node(id as u32);
        inside[id] = inside[n.parent as usize] || hints[id] == Hint::Landmark;
        if inside[id] && n.tag == crate::html::Tag::Text {
            bytes += (n.end - n.start) as usize;
        }
    }
    bytes
}

/// Whether `id` lies inside a `<figure>` (its text is a caption or a credit).
fn in_figure(dom: &Dom<'_>, id: u32) -> bool {
    let mut cur = id;
    for _ in 0..32 {
        if cur == crate::html::NONE {
            break;
        }
        if dom.tag(cur) == crate::html::Tag::Figure {
            return true;
        }
        cur = dom.node(cur).parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> Vec<String> {
        let dom = crate::html::parse(html);
        let hints = hints::hints(&dom);
        article_blocks(&dom, &hints).into_iter().map(|b| b.text).collect()
    }

    const P1: &str = "The council voted on Monday to expand the tram network, after months of debate over costs.";
    const P2: &str = "Opponents said the plan would raise fares, while supporters pointed to cleaner air in the centre.";
    const P3: &str = "Work is due to start next spring and should last about three years, officials said.";

    #[test]
    fn keeps_the_article_and_drops_page_furniture() {
        let html = format!(
            "<body><div class=menu><ul><li><a href=/>Home</a><li><a href=/a>Politics</a><li><a href=/b>Sport</a></ul></div>
             <div class=main><h1>Trams</h1><p>{P1}</p><h2>Costs</h2><p>{P2}</p><p>{P3}</p>
             <div class=share-bar><a href=#>Facebook</a> <a href=#>Twitter</a></div>
             <p>Share this article</p></div>
             <div class=related><h3>Related</h3><ul><li><a href=/x>Another story about trams in the city</a></li><li><a href=/y>Yet another story</a></li></ul></div>
             <div id=comments><p>I think this is a great idea, and long overdue, frankly speaking.</p></div></body>"
        );
        assert_eq!(body(&html), vec![P1, "Costs", P2, P3]);
    }

    #[test]
    fn wrapper_named_like_boilerplate_keeps_its_article() {
        let html = format!("<div class=content-with-sidebar><article><p>{P1}</p><p>{P2}</p><p>{P3}</p></article><div class=sidebar><a href=/>Link</a></div></div>");
        assert_eq!(body(&html), vec![P1, P2, P3]);
    }

    #[test]
    fn table_rows_are_blocks() {
        let rows: String = (1..=12).map(|i| format!("<tr><td>{i}</td><td>Driver number {i}</td><td>{}</td></tr>", 5000 - i * 10)).collect();
        let html = format!("<div><p>{P1}</p><table>{rows}</table></div><div class=footer><a href=/>About</a></div>");
        let b = body(&html);
        assert_eq!(b.len(), 13, "{b:?}");
        assert_eq!(b[1], "1 Driver number 1 4990");
    }

    #[test]
    fn lead_beside_the_body_is_kept() {
        let html = format!("<article><div class=intro><p>{P1}</p></div><figure><img src=x></figure><div class=body><p>{P2}</p><p>{P3}</p><p>{P2}</p></div></article>");
        assert_eq!(body(&html), vec![P1, P2, P3, P2]);
    }
}
