//! Element names the extractor cares about, interned to a small enum.

/// An element's name. Names the extractor never distinguishes become [`Tag::Other`].
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum Tag {
    Document, Text, Html, Head, Body, Title, Meta, Link, Base, Script, Style, Noscript, Template,
    Svg, Math, Iframe, Textarea, Select, Option, Button, Input, Form, Nav, Header, Footer, Aside,
    Main, Article, Section, Div, P, Span, A, Br, Hr, Img, Figure, Figcaption, Picture, Video,
    Audio, Source, H1, H2, H3, H4, H5, H6, Ul, Ol, Li, Dl, Dt, Dd, Blockquote, Pre, Code, Table,
    Thead, Tbody, Tfoot, Tr, Td, Th, Caption, B, I, Em, Strong, U, Small, Sup, Sub, Time,
    Address, Label, Center, Font, Details, Summary, Dialog, Menu, Area, Col, Embed, Param, Track,
    Wbr, Object, Canvas, Abbr, Cite, Q, Mark, S, Del, Ins, Kbd, Var, Dfn, Bdi, Bdo, Data,
    Fieldset, Legend, Noframes, Noembed, Xmp, Plaintext, Hgroup, Applet, Marquee, Strike, Tt,
    Big, Nobr, Keygen, Frameset, Frame, Other,
}

/// Number of [`Tag`] values (for per-tag tables).
pub(crate) const TAG_COUNT: usize = Tag::Other as usize + 1;

impl Tag {
    /// Interns a tag name (any case).
    pub(crate) fn from_name(name: &[u8]) -> Tag {
        let mut buf = [0u8; 10];
        if name.len() > buf.len() {
            return Tag::Other;
        }
        for (d, s) in buf.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        use Tag::*;
        match &buf[..name.len()] {
            b"html" => Html, b"head" => Head, b"body" => Body, b"title" => Title, b"meta" => Meta,
            b"link" => Link, b"base" => Base, b"script" => Script, b"style" => Style,
            b"noscript" => Noscript, b"template" => Template, b"svg" => Svg, b"math" => Math,
            b"iframe" => Iframe, b"textarea" => Textarea, b"select" => Select,
            b"option" => Option, b"button" => Button, b"input" => Input, b"form" => Form,
            b"nav" => Nav, b"header" => Header, b"footer" => Footer, b"aside" => Aside,
            b"main" => Main, b"article" => Article, b"section" => Section, b"div" => Div,
            b"p" => P, b"span" => Span, b"a" => A, b"br" => Br, b"hr" => Hr, b"img" => Img,
            b"figure" => Figure, b"figcaption" => Figcaption, b"picture" => Picture,
            b"video" => Video, b"audio" => Audio, b"source" => Source, b"h1" => H1, b"h2" => H2,
            b"h3" => H3, b"h4" => H4, b"h5" => H5, b"h6" => H6, b"ul" => Ul, b"ol" => Ol,
            b"li" => Li, b"dl" => Dl, b"dt" => Dt, b"dd" => Dd, b"blockquote" => Blockquote,
            b"pre" => Pre, b"code" => Code, b"table" => Table, b"thead" => Thead,
            b"tbody" => Tbody, b"tfoot" => Tfoot, b"tr" => Tr, b"td" => Td, b"th" => Th,
            b"caption" => Caption, b"b" => B, b"i" => I, b"em" => Em, b"strong" => Strong,
            b"u" => U, b"small" => Small, b"sup" => Sup, b"sub" => Sub, b"time" => Time,
            b"address" => Address, b"label" => Label, b"center" => Center, b"font" => Font,
            b"details" => Details, b"summary" => Summary, b"dialog" => Dialog, b"menu" => Menu,
            b"area" => Area, b"col" => Col, b"embed" => Embed, b"param" => Param,
            b"track" => Track, b"wbr" => Wbr, b"object" => Object, b"canvas" => Canvas,
            b"abbr" => Abbr, b"cite" => Cite, b"q" => Q, b"mark" => Mark, b"s" => S,
            b"del" => Del, b"ins" => Ins, b"kbd" => Kbd, b"var" => Var, b"dfn" => Dfn,
            b"bdi" => Bdi, b"bdo" => Bdo, b"data" => Data, b"fieldset" => Fieldset,
            b"legend" => Legend, b"noframes" => Noframes, b"noembed" => Noembed, b"xmp" => Xmp,
            b"plaintext" => Plaintext, b"hgroup" => Hgroup, b"applet" => Applet,
            b"marquee" => Marquee, b"strike" => Strike, b"tt" => Tt, b"big" => Big,
            b"nobr" => Nobr, b"keygen" => Keygen, b"frameset" => Frameset, b"frame" => Frame,
            _ => Other,
        }
    }

    /// Elements that never have content or an end tag.
    pub(crate) fn is_void(self) -> bool {
        use Tag::*;
        matches!(self, Area | Base | Br | Col | Embed | Hr | Img | Input | Keygen | Link | Meta
            | Param | Source | Track | Wbr | Frame)
    }

    /// Elements whose content is raw text up to their end tag (`entities` says whether
    /// character references inside are decoded, as in `<title>` and `<textarea>`).
    pub(crate) fn raw_text(self) -> Option<bool> {
        use Tag::*;
        match self {
            Title | Textarea => Some(true),
            Script | Style | Xmp | Iframe | Noembed | Noframes | Noscript | Template | Svg
            | Math | Plaintext => Some(false),
            _ => None,
        }
    }

    /// Elements whose start tag closes an open `<p>`.
    pub(crate) fn closes_p(self) -> bool {
        use Tag::*;
        matches!(self, Address | Article | Aside | Blockquote | Center | Details | Dialog | Div
            | Dl | Fieldset | Figcaption | Figure | Footer | Form | H1 | H2 | H3 | H4 | H5 | H6
            | Header | Hgroup | Hr | Li | Dd | Dt | Main | Menu | Nav | Ol | P | Pre | Section
            | Summary | Table | Ul | Plaintext | Xmp)
    }

    /// Boundaries an end tag or an implied end does not search past.
    pub(crate) fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(self, Html | Table | Td | Th | Caption | Template | Object | Applet | Marquee
            | Document)
    }

    /// Whether the element breaks text into separate blocks (as opposed to inline markup).
    pub(crate) fn is_block(self) -> bool {
        use Tag::*;
        !matches!(self, Text | A | Span | B | I | Em | Strong | U | Small | Sup | Sub | Time
            | Abbr | Cite | Q | Mark | S | Del | Ins | Kbd | Var | Dfn | Bdi | Bdo | Data | Font
            | Label | Code | Img | Strike | Tt | Big | Nobr | Wbr | Picture | Source | Br)
    }

    /// Headings h1..h6.
    pub(crate) fn heading_level(self) -> Option<u8> {
        use Tag::*;
        match self {
            H1 => Some(1), H2 => Some(2), H3 => Some(3), H4 => Some(4), H5 => Some(5),
            H6 => Some(6), _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_intern_case_insensitively() {
        assert_eq!(Tag::from_name(b"DiV"), Tag::Div);
        assert_eq!(Tag::from_name(b"blockquote"), Tag::Blockquote);
        assert_eq!(Tag::from_name(b"my-widget"), Tag::Other);
        assert_eq!(Tag::from_name(b"averyveryverylongname"), Tag::Other);
    }

    #[test]
    fn classes_are_consistent() {
        assert!(Tag::Br.is_void() && !Tag::Div.is_void());
        assert_eq!(Tag::Title.raw_text(), Some(true));
        assert_eq!(Tag::Script.raw_text(), Some(false));
        assert!(Tag::Div.closes_p() && !Tag::Span.closes_p());
        assert!(!Tag::A.is_block() && Tag::P.is_block());
    }
}
