//! Linearises the tree into text blocks: each block is the text between two block-level
//! boundaries, with the element that owns it, its link text and its kind.

use crate::html::{entities, Dom, Tag, NONE};
use crate::text;

use super::hints::Hint;

/// What a block is, as far as its markup says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    P,
    H1,
    H2,
    H3,
    Li,
    Quote,
    Cell,
    Pre,
}

/// One run of text between block boundaries.
#[derive(Debug, Clone)]
pub(crate) struct TextBlock {
    /// The innermost block-level element holding the text.
    pub(crate) owner: u32,
    pub(crate) kind: Kind,
    pub(crate) text: String,
    pub(crate) chars: usize,
    pub(crate) link_chars: usize,
}

struct Walker<'d, 'a> {
    dom: &'d Dom<'a>,
    hints: &'d [Hint],
    out: Vec<TextBlock>,
    buf: String,
    link_chars: usize,
    owner: u32,
    /// Open block elements, innermost last.
    blocks: Vec<u32>,
    link_depth: u32,
    quote_depth: u32,
    li_depth: u32,
}

/// Walks the subtree of `root`, skipping elements whose hint says `skip`.
pub(crate) fn linearise(dom: &Dom<'_>, hints: &[Hint], root: u32, skip: impl Fn(Hint) -> bool) -> Vec<TextBlock> {
    let mut w = Walker {
        dom,
        hints,
        out: Vec::new(),
        buf: String::new(),
        link_chars: 0,
        owner: root,
        blocks: vec![root],
        link_depth: 0,
        quote_depth: 0,
        li_depth: 0,
    };
    // (node, leaving)
    let mut stack: Vec<(u32, bool)> = vec![(root, false)];
    while let Some((id, leaving)) = stack.pop() {
        let tag = dom.tag(id);
        if leaving {
            w.leave(id, tag);
            continue;
        }
        if tag == Tag::Text {
            w.text(id);
            continue;
        }
        if id != root && skip(w.hints[id as usize]) {
            if tag.is_block() {
                w.flush();
            }
            continue;
        }
        w.enter(id, tag);
        stack.push((id, true));
        let first = stack.len();
        let mut c = dom.node(id).first_child;
        while c != NONE {
            stack.push((c, false));
            c = dom.node(c).next;
        }
        stack[first..].reverse();
    }
    w.flush();
    w.out
}

impl Walker<'_, '_> {
    fn enter(&mut self, id: u32, tag: Tag) {
        match tag {
            Tag::Br | Tag::Hr => self.flush(),
            Tag::A => {
                self.link_depth += 1;
            }
            Tag::Img => {}
            // Cells join into their row's block.
            Tag::Td | Tag::Th => self.cell_gap(),
            _ if tag.is_block() => {
                self.flush();
                self.blocks.push(id);
                match tag {
                    Tag::Blockquote => self.quote_depth += 1,
                    Tag::Li | Tag::Dd => self.li_depth += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn leave(&mut self, id: u32, tag: Tag) {
        match tag {
            Tag::Td | Tag::Th => self.cell_gap(),
            Tag::A => {
                self.link_depth = self.link_depth.saturating_sub(1);
            }
            _ if tag.is_block() => {
                self.flush();
                if self.blocks.last() == Some(&id) {
                    self.blocks.pop();
                }
                match tag {
                    Tag::Blockquote => self.quote_depth = self.quote_depth.saturating_sub(1),
                    Tag::Li | Tag::Dd => self.li_depth = self.li_depth.saturating_sub(1),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Cells join into their row's block, one space apart.
    fn cell_gap(&mut self) {
        if !self.buf.is_empty() && !self.buf.ends_with(' ') {
            self.buf.push(' ');
        }
    }

    fn text(&mut self, id: u32) {
        let raw = self.dom.raw_text(id);
        if self.buf.is_empty() {
            self.owner = *self.blocks.last().unwrap_or(&0);
        }
        let before = self.buf.len();
        if raw.contains('&') {
            let decoded = entities::decode(raw);
            text::collapse_into(&decoded, &mut self.buf);
        } else {
            text::collapse_into(raw, &mut self.buf);
        }
        if self.link_depth > 0 {
            let added = &self.buf[before..];
            self.link_chars += added.chars().filter(|c| !c.is_whitespace()).count();
        }
    }

    fn flush(&mut self) {
        text::trim_end_in_place(&mut self.buf);
        if self.buf.is_empty() {
            self.link_chars = 0;
            return;
        }
        let text = std::mem::take(&mut self.buf);
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        let owner_tag = self.dom.tag(self.owner);
        let kind = match owner_tag {
            Tag::H1 => Kind::H1,
            Tag::H2 => Kind::H2,
            Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 => Kind::H3,
            _ if self.quote_depth > 0 => Kind::Quote,
            Tag::Li | Tag::Dd | Tag::Dt => Kind::Li,
            Tag::Tr | Tag::Td | Tag::Th => Kind::Cell,
            Tag::Pre => Kind::Pre,
            _ => Kind::P,
        };
        self.out.push(TextBlock { owner: self.owner, kind, text, chars, link_chars: self.link_chars.min(chars) });
        self.link_chars = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::hints::hint;

    fn blocks(html: &str) -> Vec<(Kind, String, usize)> {
        let dom = crate::html::parse(html);
        let hints: Vec<Hint> = (0..dom.len() as u32).map(|i| hint(&dom, i)).collect();
        linearise(&dom, &hints, 0, |h| matches!(h, Hint::Drop | Hint::Landmark))
            .into_iter()
            .map(|b| (b.kind, b.text, b.link_chars))
            .collect()
    }

    #[test]
    fn inline_markup_joins_and_blocks_split() {
        let b = blocks("<div><p>One <b>bold</b> <a href=#>link</a>.</p><p>Two<br>Three</p><h2>Sub</h2><ul><li>Item</ul></div>");
        assert_eq!(b, vec![
            (Kind::P, "One bold link.".into(), 4),
            (Kind::P, "Two".into(), 0),
            (Kind::P, "Three".into(), 0),
            (Kind::H2, "Sub".into(), 0),
            (Kind::Li, "Item".into(), 0),
        ]);
    }

    #[test]
    fn dropped_elements_and_entities() {
        let b = blocks("<p>A&amp;B<script>var x</script><nav>Menu</nav> C</p><blockquote><p>Q</p></blockquote>");
        assert_eq!(b, vec![(Kind::P, "A&B".into(), 0), (Kind::P, "C".into(), 0), (Kind::Quote, "Q".into(), 0)]);
    }
}
