//! A forgiving HTML tokenizer and tree builder, in one pass over the decoded source.
//!
//! It follows the browser rules that shape article text (implied `</p>`, `</li>`, `</td>`,
//! void and raw-text elements, end tags that match nothing are ignored, misnested end tags
//! close what they enclose) and skips the rest of HTML5's tree construction. It never
//! recurses, caps the tree depth and the attributes kept per element, and never panics on
//! any input.

use super::dom::{Attr, Dom, Node, NONE};
use super::tags::{Tag, TAG_COUNT};

/// Elements nested deeper than this are dropped (their text is kept, in the deepest element).
const MAX_DEPTH: usize = 400;
/// Attributes kept per element.
const MAX_ATTRS: usize = 32;
/// Nodes kept per byte of input: real pages have one node per 50-100 bytes; a page of
/// nothing but tags stops growing the tree here, which bounds memory at a few times its size.
const BYTES_PER_NODE: usize = 16;
/// How far an end tag of an unknown element searches the open elements.
const OTHER_SEARCH: usize = 64;

struct Builder<'a> {
    src: &'a str,
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
    /// Open elements with their last child.
    stack: Vec<(u32, u32)>,
    open_count: [u32; TAG_COUNT],
    seen_body: bool,
    seen_html: bool,
    seen_head: bool,
    max_nodes: usize,
}

/// Parses a page.
pub(crate) fn parse(src: &str) -> Dom<'_> {
    let mut b = Builder {
        src,
        nodes: Vec::with_capacity(src.len() / 48 + 16),
        attrs: Vec::with_capacity(src.len() / 64 + 16),
        stack: Vec::with_capacity(64),
        open_count: [0; TAG_COUNT],
        seen_body: false,
        seen_html: false,
        seen_head: false,
        max_nodes: src.len() / BYTES_PER_NODE + 10_000,
    };
    b.nodes.push(Node { tag: Tag::Document, n_attrs: 0, parent: NONE, first_child: NONE, next: NONE, start: 0, end: 0, first_attr: 0 });
    b.stack.push((0, NONE));
    b.run();
    Dom { src, nodes: b.nodes, attrs: b.attrs }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

impl<'a> Builder<'a> {
    fn run(&mut self) {
        let bytes = self.src.as_bytes();
        let len = bytes.len();
        let mut i = 0;
        let mut text_start = 0;
        while i < len {
            if self.nodes.len() >= self.max_nodes {
                return; // pathological page: the rest is ignored
            }
            let Some(off) = memchr::memchr(b'<', &bytes[i..]) else { break };
            let lt = i + off;
            let next = bytes.get(lt + 1).copied().unwrap_or(0);
            if next.is_ascii_alphabetic() {
                self.text(text_start, lt);
                match self.start_tag(lt) {
                    Some(end) => {
                        i = end;
                        text_start = end;
                    }
                    None => return, // unterminated tag at the end of input
                }
            } else if next == b'/' {
                self.text(text_start, lt);
                let after = bytes.get(lt + 2).copied().unwrap_or(0);
                let close = match memchr::memchr(b'>', &bytes[lt + 2..]) {
                    Some(o) => lt + 2 + o,
                    None => return,
                };
                if after.is_ascii_alphabetic() {
                    let name_end = bytes[lt + 2..close]
                        .iter()
                        .position(|&c| is_space(c) || c == b'/')
                        .map_or(close, |p| lt + 2 + p);
                    self.end_tag(lt + 2, name_end);
                }
                i = close + 1;
                text_start = i;
            } else if next == b'!' || next == b'?' {
                self.text(text_start, lt);
                let end = if bytes[lt..].starts_with(b"<!--") {
                    let body = lt + 4;
                    if bytes[body..].starts_with(b">") {
                        body + 1
                    } else if bytes[body..].starts_with(b"->") {
                        body + 2
                    } else {
                        memchr::memmem::find(&bytes[body..], b"-->").map_or(len, |p| body + p + 3)
                    }
                } else {
                    memchr::memchr(b'>', &bytes[lt..]).map_or(len, |p| lt + p + 1)
                };
                i = end;
                text_start = end;
            } else {
                i = lt + 1;
            }
        }
        self.text(text_start, len);
    }

    fn current(&self) -> u32 {
        self.stack.last().map_or(0, |s| s.0)
    }

    fn append(&mut self, node: Node) -> u32 {
        let id = self.nodes.len() as u32;
        let (parent, last) = *self.stack.last().unwrap_or(&(0, NONE));
        let mut node = node;
        node.parent = parent;
        if last == NONE {
            self.nodes[parent as usize].first_child = id;
        } else {
            self.nodes[last as usize].next = id;
        }
        if let Some(top) = self.stack.last_mut() {
            top.1 = id;
        }
        self.nodes.push(node);
        id
    }

    fn text(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let s = &self.src.as_bytes()[start..end];
        if s.iter().all(|&c| is_space(c)) {
            // Whitespace matters only between inline siblings.
            let (parent, last) = *self.stack.last().unwrap_or(&(0, NONE));
            let prev_inline = last != NONE && !self.nodes[last as usize].tag.is_block();
            let parent_inline = !self.nodes[parent as usize].tag.is_block();
            if !prev_inline && !parent_inline {
                return;
            }
        }
        self.append(Node { tag: Tag::Text, n_attrs: 0, parent: 0, first_child: NONE, next: NONE, start: start as u32, end: end as u32, first_attr: 0 });
    }

    /// Parses the start tag at `lt`; returns the offset after it (and after a raw-text body).
    fn start_tag(&mut self, lt: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let len = bytes.len();
        let name_start = lt + 1;
        let mut i = name_start;
        while i < len && !is_space(bytes[i]) && bytes[i] != b'/' && bytes[i] != b'>' {
            i += 1;
        }
        let name_end = i;
        let first_attr = self.attrs.len();
        let mut self_closing = false;
        loop {
            while i < len && (is_space(bytes[i]) || bytes[i] == b'/') {
                self_closing = bytes[i] == b'/';
                i += 1;
            }
            if i >= len {
                self.attrs.truncate(first_attr);
                return None;
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            self_closing = false;
            let an_start = i;
            i += 1;
            while i < len && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let an_end = i;
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            let mut value = (i as u32, i as u32);
            if i < len && bytes[i] == b'=' {
                i += 1;
                while i < len && is_space(bytes[i]) {
                    i += 1;
                }
                if i < len && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let q = bytes[i];
                    let vs = i + 1;
                    let ve = memchr::memchr(q, &bytes[vs..]).map_or(len, |p| vs + p);
                    value = (vs as u32, ve as u32);
                    i = (ve + 1).min(len);
                } else {
                    let vs = i;
                    while i < len && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = (vs as u32, i as u32);
                }
            }
            if self.attrs.len() - first_attr < MAX_ATTRS {
                self.attrs.push(Attr { name: (an_start as u32, an_end as u32), value });
            }
        }
        let tag = Tag::from_name(&bytes[name_start..name_end]);
        let n_attrs = (self.attrs.len() - first_attr) as u8;
        let node = Node { tag, n_attrs, parent: 0, first_child: NONE, next: NONE, start: name_start as u32, end: name_end as u32, first_attr: first_attr as u32 };
        let end = self.open_element(node, self_closing, i);
        Some(end)
    }

    /// Inserts an element per the implied-end rules; returns where tokenizing resumes.
    fn open_element(&mut self, node: Node, self_closing: bool, after: usize) -> usize {
        let tag = node.tag;
        match tag {
            Tag::Html if self.seen_html => return after,
            Tag::Body if self.seen_body => return after,
            Tag::Head if self.seen_head || self.seen_body => return after,
            Tag::Html => self.seen_html = true,
            Tag::Body => self.seen_body = true,
            Tag::Head => self.seen_head = true,
            _ => {}
        }
        // Body content implies the end of <head>.
        if self.open_count[Tag::Head as usize] > 0
            && !matches!(tag, Tag::Meta | Tag::Link | Tag::Title | Tag::Script | Tag::Style | Tag::Noscript | Tag::Base | Tag::Template | Tag::Other)
        {
            self.close_in_scope(Tag::Head, &[]);
        }
        if tag.closes_p() && self.open_count[Tag::P as usize] > 0 {
            self.close_in_scope(Tag::P, &[]);
        }
        match tag {
            Tag::Li => self.close_in_scope(Tag::Li, &[Tag::Ul, Tag::Ol, Tag::Menu]),
            Tag::Dt | Tag::Dd => {
                self.close_in_scope(Tag::Dt, &[Tag::Dl]);
                self.close_in_scope(Tag::Dd, &[Tag::Dl]);
            }
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6
                if self.nodes[self.current() as usize].tag.heading_level().is_some() => {
                    self.pop();
                }
            Tag::Tr => {
                self.close_in_scope(Tag::Tr, &[]);
            }
            Tag::Td | Tag::Th => {
                self.close_in_scope(Tag::Td, &[Tag::Tr]);
                self.close_in_scope(Tag::Th, &[Tag::Tr]);
            }
            Tag::Option
                if self.nodes[self.current() as usize].tag == Tag::Option => {
                    self.pop();
                }
            Tag::A => self.close_in_scope(Tag::A, &[]),
            _ => {}
        }
        let raw = tag.raw_text();
        let too_deep = self.stack.len() >= MAX_DEPTH;
        if too_deep && raw.is_none() && !tag.is_void() {
            return after; // transparent: its content goes to the deepest element
        }
        let id = self.append(node);
        if tag.is_void() {
            return after;
        }
        if let Some(_entities) = raw {
            if self_closing && matches!(tag, Tag::Svg | Tag::Math | Tag::Script | Tag::Iframe) {
                return after;
            }
            let (body_end, resume) = self.raw_body_end(tag, after);
            if body_end > after {
                self.stack.push((id, NONE));
                self.text(after, body_end);
                self.stack.pop();
            }
            return resume;
        }
        self.stack.push((id, NONE));
        self.open_count[tag as usize] += 1;
        after
    }

    /// End of a raw-text body starting at `from`, and the offset after its end tag.
    fn raw_body_end(&self, tag: Tag, from: usize) -> (usize, usize) {
        let bytes = self.src.as_bytes();
        let len = bytes.len();
        if tag == Tag::Plaintext {
            return (len, len);
        }
        let name: &[u8] = match tag {
            Tag::Title => b"title", Tag::Textarea => b"textarea", Tag::Script => b"script",
            Tag::Style => b"style", Tag::Xmp => b"xmp", Tag::Iframe => b"iframe",
            Tag::Noembed => b"noembed", Tag::Noframes => b"noframes", Tag::Noscript => b"noscript",
            Tag::Template => b"template", Tag::Svg => b"svg", Tag::Math => b"math",
            _ => b"",
        };
        let mut i = from;
        while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
            let lt = i + off;
            i = lt + 1;
            if bytes.get(lt + 1) != Some(&b'/') {
                continue;
            }
            let ns = lt + 2;
            let ne = ns + name.len();
            if ne <= len && bytes[ns..ne].eq_ignore_ascii_case(name) {
                let after = bytes.get(ne).copied().unwrap_or(b'>');
                if is_space(after) || after == b'>' || after == b'/' {
                    let resume = memchr::memchr(b'>', &bytes[ne..]).map_or(len, |p| ne + p + 1);
                    return (lt, resume);
                }
            }
        }
        // Unterminated: a title or textarea ends at the next tag, as a best effort; the rest runs to the end.
        (len, len)
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            if let Some((id, _)) = self.stack.pop() {
                let t = self.nodes[id as usize].tag as usize;
                self.open_count[t] = self.open_count[t].saturating_sub(1);
            }
        }
    }

    /// Closes the innermost open `tag` unless a scope boundary or one of `stop` comes first.
    fn close_in_scope(&mut self, tag: Tag, stop: &[Tag]) {
        if self.open_count[tag as usize] == 0 {
            return;
        }
        if let Some(k) = self.find_open(tag, stop, None) {
            while self.stack.len() > k {
                self.pop();
            }
        }
    }

    /// Stack index of the innermost open `tag` (with `name` for unknown elements).
    fn find_open(&self, tag: Tag, stop: &[Tag], name: Option<&[u8]>) -> Option<usize> {
        let limit = if name.is_some() { OTHER_SEARCH } else { usize::MAX };
        for (depth, k) in (1..self.stack.len()).rev().enumerate() {
            if depth >= limit {
                return None;
            }
            let n = &self.nodes[self.stack[k].0 as usize];
            if n.tag == tag {
                match name {
                    Some(want) => {
                        let have = &self.src.as_bytes()[n.start as usize..n.end as usize];
                        if have.eq_ignore_ascii_case(want) {
                            return Some(k);
                        }
                    }
                    None => return Some(k),
                }
            }
            let boundary = match tag {
                Tag::Table => matches!(n.tag, Tag::Html | Tag::Document | Tag::Template),
                Tag::Tr | Tag::Td | Tag::Th | Tag::Tbody | Tag::Thead | Tag::Tfoot | Tag::Caption => n.tag == Tag::Table,
                _ => n.tag.is_scope_boundary(),
            };
            if boundary || stop.contains(&n.tag) {
                return None;
            }
        }
        None
    }

    fn end_tag(&mut self, name_start: usize, name_end: usize) {
        let name = &self.src.as_bytes()[name_start..name_end];
        let tag = Tag::from_name(name);
        match tag {
            Tag::Br => {
                let node = Node { tag: Tag::Br, n_attrs: 0, parent: 0, first_child: NONE, next: NONE, start: name_start as u32, end: name_end as u32, first_attr: self.attrs.len() as u32 };
                self.append(node);
            }
            Tag::Body | Tag::Html => {}
            _ if self.open_count[tag as usize] == 0 => {}
            Tag::Other => {
                if let Some(k) = self.find_open(tag, &[], Some(name)) {
                    while self.stack.len() > k {
                        self.pop();
                    }
                }
            }
            _ => self.close_in_scope(tag, &[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(html: &str) -> String {
        let dom = parse(html);
        let mut out = String::new();
        // Pre-order print using an explicit stack.
        let mut stack = vec![(0u32, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            let n = dom.node(id);
            if id != 0 {
                if n.tag == Tag::Text {
                    out.push_str(&format!("{}'{}'\n", " ".repeat(depth), dom.raw_text(id)));
                } else {
                    out.push_str(&format!("{}{}\n", " ".repeat(depth), &html[n.start as usize..n.end as usize]));
                }
            }
            let kids: Vec<u32> = dom.children(id).collect();
            for k in kids.into_iter().rev() {
                stack.push((k, depth + 1));
            }
        }
        out
    }

    #[test]
    fn implied_end_tags() {
        assert_eq!(shape("<p>a<p>b<div>c</div>"), " p\n  'a'\n p\n  'b'\n div\n  'c'\n");
        assert_eq!(shape("<ul><li>a<li>b</ul>"), " ul\n  li\n   'a'\n  li\n   'b'\n");
        assert_eq!(shape("<table><tr><td>a<td>b<tr><td>c</table>"),
            " table\n  tr\n   td\n    'a'\n   td\n    'b'\n  tr\n   td\n    'c'\n");
    }

    #[test]
    fn void_raw_and_comments() {
        assert_eq!(shape("a<br>b<img src=x>c"), "'a'\nbr\n'b'\nimg\n'c'\n".lines().map(|l| format!(" {l}\n")).collect::<String>());
        assert_eq!(shape("<script>if (a<b) x='</div>'</script>t"), " script\n  'if (a<b) x='</div>''\n 't'\n");
        assert_eq!(shape("x<!-- <p>hidden</p> -->y"), " 'x'\n 'y'\n");
        assert_eq!(shape("<title>A &amp; B</TITLE>"), " title\n  'A &amp; B'\n");
    }

    #[test]
    fn stray_and_misnested_end_tags() {
        assert_eq!(shape("<div>a</span>b</div>"), " div\n  'a'\n  'b'\n");
        assert_eq!(shape("<div><b>a</div>c"), " div\n  b\n   'a'\n 'c'\n");
        assert_eq!(shape("<table><td><div>x</table>y"), " table\n  td\n   div\n    'x'\n 'y'\n");
    }

    #[test]
    fn attributes_in_all_forms() {
        let html = r#"<a HREF="/x?a=1&amp;b=2" class='c d' data-x=y checked>t</a>"#;
        let dom = parse(html);
        assert_eq!(dom.attr(1, "href").as_deref(), Some("/x?a=1&b=2"));
        assert_eq!(dom.attr(1, "class").as_deref(), Some("c d"));
        assert_eq!(dom.attr(1, "data-x").as_deref(), Some("y"));
        assert_eq!(dom.attr(1, "checked").as_deref(), Some(""));
        assert_eq!(dom.attr(1, "missing"), None);
    }

    #[test]
    fn truncated_and_hostile_input_does_not_panic() {
        for s in ["<", "<a", "<a href=\"x", "</", "</a", "<!--", "<script>", "<p>\u{e9}<", "<a b c=>", "&", "<\u{e9}>", "</\u{e9}"] {
            let _ = parse(s);
        }
        let deep = "<div>".repeat(100_000) + "x";
        let dom = parse(&deep);
        assert!(dom.len() < 1_000);
    }

    #[test]
    fn body_content_closes_head() {
        assert_eq!(shape("<head><title>t</title><div>x</div>"), " head\n  title\n   't'\n div\n  'x'\n");
    }

    #[test]
    fn parents_precede_children() {
        let dom = parse("<div><p>a<span>b</span></p><ul><li>c</ul></div><p>d");
        for id in 1..dom.len() as u32 {
            assert!(dom.node(id).parent < id);
        }
    }
}
