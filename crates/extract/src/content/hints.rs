//! What an element's tag, `class`, `id`, `role` and `style` say about it: boilerplate,
//! article body, or hidden.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::html::{Dom, Tag};

/// An element's hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    /// Nothing special.
    Neutral,
    /// Never article text (scripts, forms, hidden elements, navigation).
    Drop,
    /// A landmark that is not the article (`<nav>`, `<aside>`, `<footer>`): dropped, unless
    /// nothing is left without it (misnested pages leave an `<aside>` open around the article).
    Landmark,
    /// Boilerplate by name (share, related, comments, cookie...), unless it holds most of the page.
    Boilerplate,
    /// Names both boilerplate and content ("related-content", "comment-body").
    Mixed,
    /// Article body by name (`itemprop=articleBody`, "article-body", "entry-content").
    Body,
}

/// Word parts of class/id names that mark boilerplate wherever they appear.
const NEG_SUBSTR: &[&str] = &[
    "share", "social", "related", "comment", "cookie", "consent", "gdpr", "newsletter",
    "breadcrumb", "sidebar", "footer", "banner", "promo", "subscri", "advert", "outbrain",
    "taboola", "paywall", "recommend", "navigation", "navbar", "popular", "trending", "mostread",
    "most-read", "teaser", "signup", "sign-up", "login", "widget", "sponsor", "disqus", "popup",
    "modal", "toolbar", "pagination", "pager", "screen-reader", "visually-hidden", "sr-only",
    "tagcloud", "tag-cloud", "byline", "dateline", "author", "masthead", "topbar", "skiplink",
    "skip-link", "jump-to", "readmore", "read-more", "print-only", "further", "weiterlesen",
    "caption", "copyright", "infobox", "rating", "google-ad", "adsbygoogle", "dfp", "ad-slot",
    "adslot", "ad-container", "ad-wrapper", "mehr-zum-thema", "also-read", "see-also",
];

/// Words inside a class or id name ("main-nav", "ad_slot") that mark boilerplate.
const NEG_WORD: &[&str] = &[
    "nav", "ad", "ads", "menu", "share", "shares", "sharing", "tags", "tag", "meta", "credit",
    "credits", "print", "skip", "topics", "keywords", "date", "header", "label", "info", "more",
    "links", "source", "time", "search", "lang", "language",
];

/// Whole class or id names that mark boilerplate.
const NEG_TOKEN: &[&str] = &[
    "hidden", "hide", "tools", "actions",
];

/// Word parts that mark article text.
const POS_SUBSTR: &[&str] = &[
    "article", "content", "entry", "story", "post-body", "postbody", "post-content", "text",
    "body", "main", "blog", "hentry", "prose", "beitrag", "artikel", "inhalt",
];

/// Hints for every node of a page (class names repeat, so their verdicts are cached).
pub(crate) fn hints(dom: &Dom<'_>) -> Vec<Hint> {
    let mut cache: HashMap<&str, Hint> = HashMap::new();
    (0..dom.len() as u32)
        .map(|id| {
            if let Some(h) = tag_hint(dom, id) {
                return h;
            }
            let class = dom.attr_raw(id, "class");
            match (class, dom.attr_raw(id, "id")) {
                (None, None) => Hint::Neutral,
                (Some(c), None) => *cache.entry(c).or_insert_with(|| classify_names(c)),
                (c, Some(i)) => classify_names(&format!("{} {i}", c.unwrap_or(""))),
            }
        })
        .collect()
}

/// The hint for element `id`.
#[cfg(test)]
pub(crate) fn hint(dom: &Dom<'_>, id: u32) -> Hint {
    if let Some(h) = tag_hint(dom, id) {
        return h;
    }
    let mut names = String::new();
    for a in ["class", "id"] {
        if let Some(v) = dom.attr_raw(id, a) {
            names.push_str(v);
            names.push(' ');
        }
    }
    classify_names(&names)
}

/// The hint from the tag and attributes other than class and id, if they decide it.
fn tag_hint(dom: &Dom<'_>, id: u32) -> Option<Hint> {
    let tag = dom.tag(id);
    match tag {
        Tag::Script | Tag::Style | Tag::Noscript | Tag::Template | Tag::Svg | Tag::Math
        | Tag::Iframe | Tag::Select | Tag::Option | Tag::Button | Tag::Input | Tag::Textarea
        | Tag::Head | Tag::Title | Tag::Meta | Tag::Link | Tag::Object | Tag::Canvas
        | Tag::Video | Tag::Audio | Tag::Embed | Tag::Frameset | Tag::Noframes | Tag::Noembed
        | Tag::Dialog | Tag::Figcaption | Tag::Label
        | Tag::Menu | Tag::Fieldset | Tag::Legend | Tag::Base | Tag::Area => return Some(Hint::Drop),
        Tag::Text | Tag::Document => return Some(Hint::Neutral),
        Tag::Nav | Tag::Aside | Tag::Footer => return Some(Hint::Landmark),
        _ => {}
    }
    if dom.attr_raw(id, "hidden").is_some() {
        return Some(Hint::Drop);
    }
    if let Some(v) = dom.attr_raw(id, "aria-hidden") {
        if v.eq_ignore_ascii_case("true") {
            return Some(Hint::Drop);
        }
    }
    if let Some(style) = dom.attr_raw(id, "style") {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return Some(Hint::Drop);
        }
    }
    if let Some(role) = dom.attr_raw(id, "role") {
        let r = role.to_ascii_lowercase();
        if matches!(r.as_str(), "navigation" | "banner" | "contentinfo" | "complementary" | "menu" | "menubar" | "dialog" | "alertdialog" | "search" | "toolbar") {
            // Boilerplate, not dropped: a misnested page may hold its article inside.
            return Some(Hint::Boilerplate);
        }
    }
    if let Some(ip) = dom.attr_raw(id, "itemprop") {
        let ip = ip.to_ascii_lowercase();
        if ip.contains("articlebody") || ip == "text" || ip == "reviewbody" {
            return Some(Hint::Body);
        }
        if ip.contains("author") || ip.contains("comment") || ip.contains("datepublished") {
            return Some(Hint::Boilerplate);
        }
    }
    if matches!(tag, Tag::Body | Tag::Html | Tag::Main | Tag::Article) {
        return Some(Hint::Neutral);
    }
    None // class and id decide
}

fn automaton(words: &[&str]) -> AhoCorasick {
    AhoCorasick::new(words).expect("static patterns build")
}

/// Classifies a string of class and id names.
pub(crate) fn classify_names(names: &str) -> Hint {
    let lower = names.to_ascii_lowercase();
    let mut neg = false;
    let mut pos = false;
    let mut body = false;
    for token in lower.split_ascii_whitespace() {
        if token.len() > 60 {
            continue;
        }
        static NEG: OnceLock<AhoCorasick> = OnceLock::new();
        static POS: OnceLock<AhoCorasick> = OnceLock::new();
        let tneg = NEG.get_or_init(|| automaton(NEG_SUBSTR)).is_match(token)
            || token.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| NEG_WORD.contains(&w))
            || NEG_TOKEN.contains(&token);
        let tpos = POS.get_or_init(|| automaton(POS_SUBSTR)).is_match(token);
        if !tneg && matches!(token, "article-body" | "articlebody" | "article__body" | "entry-content" | "post-content" | "story-body" | "article-content" | "articletext" | "article-text" | "post-body" | "story-content" | "td-post-content" | "field-name-body" | "post-entry" | "entry-body" | "article__content" | "c-article-body" | "rich-text" | "news-text") {
            body = true;
        }
        neg |= tneg;
        pos |= tpos && !tneg;
    }
    if body {
        Hint::Body
    } else if neg && pos {
        Hint::Mixed
    } else if neg {
        Hint::Boilerplate
    } else {
        Hint::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_classify() {
        assert_eq!(classify_names("social-share-buttons"), Hint::Boilerplate);
        assert_eq!(classify_names("nav main-nav"), Hint::Boilerplate);
        assert_eq!(classify_names("related-content"), Hint::Boilerplate);
        assert_eq!(classify_names("wrap content sidebar-left"), Hint::Mixed);
        assert_eq!(classify_names("entry-content clearfix"), Hint::Body);
        assert_eq!(classify_names("col-md-8 wrapper"), Hint::Neutral);
        assert_eq!(classify_names("relatedArticles"), Hint::Boilerplate);
        assert_eq!(classify_names("header"), Hint::Boilerplate);
        assert_eq!(classify_names("loaded"), Hint::Neutral, "'ad' is a word, not a substring");
    }

    #[test]
    fn tags_and_attributes() {
        let dom = crate::html::parse("<nav>x</nav><div style='display: none'>y</div><div itemprop=articleBody>z</div><article class=comments>w</article>");
        assert_eq!(hint(&dom, 1), Hint::Landmark);
        assert_eq!(hint(&dom, 3), Hint::Drop);
        assert_eq!(hint(&dom, 5), Hint::Body);
        assert_eq!(hint(&dom, 7), Hint::Neutral);
    }
}
