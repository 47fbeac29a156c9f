//! A compact arena tree of one page: nodes in document order, text and attributes kept as
//! spans of the decoded source (character references are decoded when read).

use std::borrow::Cow;

use super::entities;
use super::tags::Tag;

/// "No node".
pub(crate) const NONE: u32 = u32::MAX;

/// One element or text node. Element `start..end` is the name's span, text `start..end`
/// the raw text's span.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub(crate) tag: Tag,
    pub(crate) n_attrs: u8,
    pub(crate) parent: u32,
    pub(crate) first_child: u32,
    pub(crate) next: u32,
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) first_attr: u32,
}

/// One attribute: name and raw value spans.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr {
    pub(crate) name: (u32, u32),
    pub(crate) value: (u32, u32),
}

/// The parsed page. Node 0 is the document; a parent always precedes its children, so
/// walking ids downwards visits children before parents (bottom-up without recursion).
#[derive(Debug)]
pub(crate) struct Dom<'a> {
    pub(crate) src: &'a str,
    pub(crate) nodes: Vec<Node>,
    pub(crate) attrs: Vec<Attr>,
}

impl<'a> Dom<'a> {
    pub(crate) fn node(&self, id: u32) -> &Node {
        &self.nodes[id as usize]
    }

    pub(crate) fn tag(&self, id: u32) -> Tag {
        self.nodes[id as usize].tag
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The raw (undecoded) text of a text node.
    pub(crate) fn raw_text(&self, id: u32) -> &'a str {
        let n = &self.nodes[id as usize];
        &self.src[n.start as usize..n.end as usize]
    }

    /// The raw value of attribute `name` (ASCII lowercase expected), if present.
    pub(crate) fn attr_raw(&self, id: u32, name: &str) -> Option<&'a str> {
        let n = &self.nodes[id as usize];
        if n.tag == Tag::Text {
            return None;
        }
        let attrs = &self.attrs[n.first_attr as usize..n.first_attr as usize + n.n_attrs as usize];
        attrs.iter().find_map(|a| {
            let an = &self.src[a.name.0 as usize..a.name.1 as usize];
            an.eq_ignore_ascii_case(name).then(|| &self.src[a.value.0 as usize..a.value.1 as usize])
        })
    }

    /// The decoded value of attribute `name`, if present.
    pub(crate) fn attr(&self, id: u32, name: &str) -> Option<Cow<'a, str>> {
        let raw = self.attr_raw(id, name)?;
        Some(if raw.contains('&') { Cow::Owned(entities::decode(raw)) } else { Cow::Borrowed(raw) })
    }

    /// Children of `id`, in order.
    pub(crate) fn children(&self, id: u32) -> Children<'_, 'a> {
        Children { dom: self, next: self.nodes[id as usize].first_child }
    }

    /// All text below `id` (decoded, whitespace collapsed), elements skipped.
    pub(crate) fn text_of(&self, id: u32) -> String {
        let mut raw = String::new();
        let end = self.subtree_end(id);
        for i in id..end {
            if self.tag(i) == Tag::Text {
                entities::decode_into(self.raw_text(i), &mut raw);
                raw.push(' ');
            }
        }
        crate::text::collapse(&raw)
    }

    /// One past the last descendant of `id` (descendants are `id+1..end`).
    pub(crate) fn subtree_end(&self, id: u32) -> u32 {
        let mut cur = id;
        loop {
            let n = &self.nodes[cur as usize];
            if n.next != NONE {
                return n.next;
            }
            if n.parent == NONE || cur == 0 {
                return self.nodes.len() as u32;
            }
            cur = n.parent;
        }
    }
}

/// Iterator over a node's children.
pub(crate) struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.nodes[id as usize].next;
        Some(id)
    }
}
