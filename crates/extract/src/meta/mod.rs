//! Article metadata: headline, authors, publication date, language, site name, canonical URL
//! and original publisher, from JSON-LD, `<meta>` tags, markup and visible text.

pub(crate) mod author;
pub(crate) mod date;
pub(crate) mod facts;
pub(crate) mod jsonld;
pub(crate) mod source;
pub(crate) mod title;

use crate::html::{Dom, Tag};
use crate::url;
use facts::Facts;
use jsonld::LdArticle;

/// Metadata of one page.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub(crate) title: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) published: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) site: Option<String>,
    pub(crate) canonical_url: Option<String>,
    /// The original publisher named in metadata (the body's credit line is read later).
    pub(crate) original_source: Option<String>,
    /// The body as JSON-LD gives it (`articleBody`), for pages that render it by script.
    pub(crate) ld_body: Option<String>,
}

const DATE_KEYS: &[&str] = &[
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "published_time", "pubdate", "publishdate", "publish-date", "publish_date",
    "publication_date", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "dc.date", "dcterms.date", "dcterms.created", "date", "citation_publication_date",
    "citation_date", "article.published", "originalpublicationdate", "cxenseparse:recs:publishtime",
    "og:published_time", "release_date", "created", "dc.date.created", "article_date_original",
];

const AUTHOR_KEYS: &[&str] = &[
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "byl", "citation_author", "og:article:author",
];

/// Reads the page's metadata. `base` is the page URL if known.
pub(crate) fn read(dom: &Dom<'_>, f: &Facts<'_>, base: Option<&str>) -> Meta {
    let ld = jsonld::read(&f.ld_scripts).unwrap_or_default();
    let base_url = f.base.as_deref().and_then(|b| url::resolve(base, b)).or_else(|| base.map(String::from));
    let canonical_url = f
        .canonical
        .as_deref()
        .and_then(|c| url::resolve(base_url.as_deref(), c))
        .or_else(|| f.meta(&["og:url"]).and_then(|c| url::resolve(base_url.as_deref(), c)))
        .or_else(|| ld.url.as_deref().and_then(|c| url::resolve(base_url.as_deref(), c)));
    let page_url = base.map(String::from).or_else(|| canonical_url.clone());
    let site = f
        .meta(&["og:site_name", "application-name", "al:android:app_name"])
        .map(String::from)
        .or_else(|| ld.publisher.clone())
        .or_else(|| page_url.as_deref().and_then(url::host).map(String::from));
    let host = page_url.as_deref().and_then(url::host);
    Meta {
        title: headline(dom, f, &ld, site.as_deref(), host),
        author: authors(dom, f, &ld),
        published: published(dom, f, &ld, page_url.as_deref()),
        language: language(f, &ld),
        site,
        canonical_url,
        original_source: f
            .meta(&["original-source", "syndication-source", "dc.source", "citation_publisher"])
            .map(String::from)
            .or_else(|| ld.source.clone()),
        ld_body: ld.body.clone(),
    }
}

fn headline(dom: &Dom<'_>, f: &Facts<'_>, ld: &LdArticle, site: Option<&str>, host: Option<&str>) -> Option<String> {
    let og = f.meta(&["og:title", "twitter:title", "title", "dc.title"]);
    let refs: Vec<&str> = [ld.headline.as_deref(), og, f.title.as_deref()].into_iter().flatten().collect();
    let h1s: Vec<String> = f.h1.iter().map(|&h| dom.text_of(h)).filter(|t| !t.is_empty() && t.chars().count() < 400).collect();
    for h in &h1s {
        if refs.iter().any(|r| title::confirms(h, r, site)) {
            return Some(h.clone());
        }
    }
    // A heading marked as the headline, unless it is the site's name.
    let is_site = |t: &str| site.is_some_and(|s| title::same(s, t)) || host.is_some_and(|h| title::same(h.split('.').next().unwrap_or(h), t));
    if let Some(t) = f.title_nodes.iter().map(|&id| dom.text_of(id)).find(|t| !t.is_empty() && t.chars().count() < 400 && !is_site(t)) {
        return Some(t);
    }
    if let Some(h) = ld.headline.as_deref() {
        return Some(title::clean(h, site, host));
    }
    if let Some(o) = og {
        return Some(title::clean(o, site, host));
    }
    if h1s.len() == 1 {
        return Some(h1s[0].clone());
    }
    f.title.as_deref().map(|t| title::clean(t, site, host)).or_else(|| h1s.first().cloned())
}

fn authors(dom: &Dom<'_>, f: &Facts<'_>, ld: &LdArticle) -> Option<String> {
    let from_ld: Vec<String> = ld.authors.iter().flat_map(|a| author::names(a)).collect();
    if let Some(a) = author::join(from_ld) {
        return Some(a);
    }
    for key in AUTHOR_KEYS {
        let vals: Vec<String> = f.metas.iter().filter(|(k, v)| k == key && !v.is_empty()).flat_map(|(_, v)| author::names(v)).collect();
        if let Some(a) = author::join(vals) {
            return Some(a);
        }
    }
    // Several itemprop=author elements are several authors; otherwise the first byline that
    // yields a name is the author.
    let mut names = Vec::new();
    for &id in &f.author_nodes {
        let itemprop = dom.attr_raw(id, "itemprop").is_some();
        if !names.is_empty() && !itemprop {
            break;
        }
        let raw = dom.attr(id, "content").map(|c| c.into_owned()).unwrap_or_else(|| dom.text_of(id));
        if raw.chars().count() > 120 {
            continue;
        }
        names.extend(author::names(&raw));
    }
    names.truncate(6);
    author::join(names)
}

fn published(dom: &Dom<'_>, f: &Facts<'_>, ld: &LdArticle, page_url: Option<&str>) -> Option<String> {
    if let Some(d) = ld.published.as_deref().and_then(date::parse_value) {
        return Some(d);
    }
    for key in DATE_KEYS {
        if let Some(d) = f.metas.iter().filter(|(k, _)| k == key).find_map(|(_, v)| date::parse_value(v)) {
            return Some(d);
        }
    }
    let time_value = |id: u32| dom.attr(id, "datetime").and_then(|v| date::parse_value(&v)).or_else(|| date::find_in_text(&dom.text_of(id)));
    let is_update = |id: u32| {
        let c = format!("{} {}", dom.attr_raw(id, "class").unwrap_or(""), dom.attr_raw(id, "itemprop").unwrap_or("")).to_ascii_lowercase();
        c.contains("update") || c.contains("modif")
    };
    // <time pubdate> or itemprop/class naming publication first, then any <time>.
    for &id in &f.times {
        let c = format!("{} {}", dom.attr_raw(id, "class").unwrap_or(""), dom.attr_raw(id, "itemprop").unwrap_or("")).to_ascii_lowercase();
        if dom.attr_raw(id, "pubdate").is_some() || c.contains("publish") || c.contains("entry-date") {
            if let Some(d) = time_value(id) {
                return Some(d);
            }
        }
    }
    for &id in &f.date_nodes {
        let v = dom.attr(id, "content").or_else(|| dom.attr(id, "datetime")).and_then(|v| date::parse_value(&v));
        if let Some(d) = v {
            return Some(d);
        }
        let t = dom.text_of(id);
        let lower = t.to_lowercase();
        if t.chars().count() < 200 && !lower.contains("update") && !lower.contains("aktualisiert") {
            if let Some(d) = date::find_in_text(&t) {
                return Some(d);
            }
        }
    }
    for &id in &f.times {
        if !is_update(id) {
            if let Some(d) = time_value(id) {
                return Some(d);
            }
        }
    }
    page_url.and_then(date::from_url).or_else(|| date_in_text(dom, f.h1.first().copied()))
}

/// The first date written in a short text after the headline (else anywhere), skipping
/// "updated" lines and non-visible text.
fn date_in_text(dom: &Dom<'_>, h1: Option<u32>) -> Option<String> {
    let scan = |from: u32, to: u32| {
        (from..to).find_map(|id| {
            let n = dom.node(id);
            if n.tag != Tag::Text || n.end - n.start > 300 {
                return None;
            }
            if matches!(dom.tag(n.parent), Tag::Script | Tag::Style | Tag::Title | Tag::Noscript | Tag::Template | Tag::Textarea | Tag::Option | Tag::Head) {
                return None;
            }
            let t = crate::html::entities::decode(dom.raw_text(id));
            let lower = t.to_lowercase();
            if ["update", "aktualisiert", "geändert", "modifi", "actualiz"].iter().any(|w| lower.contains(w)) {
                return None;
            }
            date::find_in_text(&t)
        })
    };
    let len = dom.len() as u32;
    let start = h1.unwrap_or(0);
    scan(start, len.min(start.saturating_add(4000))).or_else(|| if start > 0 { scan(0, start) } else { None })
}

fn language(f: &Facts<'_>, ld: &LdArticle) -> Option<String> {
    let cands = [
        f.html_lang.as_deref(),
        f.meta(&["content-language", "language", "dc.language", "dcterms.language"]),
        f.meta(&["og:locale"]),
        ld.language.as_deref(),
    ];
    cands.into_iter().flatten().find_map(iso639_1)
}

/// The ISO 639-1 code of a language tag ("de-DE", "en_US", "deu").
pub(crate) fn iso639_1(tag: &str) -> Option<String> {
    let first = tag.trim().split([',', ';']).next()?.trim();
    let primary = first.split(['-', '_']).next()?.to_ascii_lowercase();
    if !primary.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    match primary.len() {
        2 => Some(primary),
        3 => {
            let m = match primary.as_str() {
                "deu" | "ger" => "de", "eng" => "en", "fra" | "fre" => "fr", "spa" => "es",
                "pol" => "pl", "ita" => "it", "nld" | "dut" => "nl", "por" => "pt", "rus" => "ru",
                "ces" | "cze" => "cs", "swe" => "sv", "dan" => "da", "fin" => "fi", "nor" => "no",
                "tur" => "tr", "ukr" => "uk", "hun" => "hu", "ron" | "rum" => "ro", "ell" | "gre" => "el",
                _ => return None,
            };
            Some(m.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(iso639_1("de-DE").as_deref(), Some("de"));
        assert_eq!(iso639_1("en_US").as_deref(), Some("en"));
        assert_eq!(iso639_1("FRA").as_deref(), Some("fr"));
        assert_eq!(iso639_1("x-klingon"), None);
        assert_eq!(iso639_1(""), None);
    }

    fn meta_of(html: &str, url: Option<&str>) -> Meta {
        let dom = crate::html::parse(html);
        let f = facts::collect(&dom);
        read(&dom, &f, url)
    }

    #[test]
    fn metadata_from_meta_tags() {
        let m = meta_of(r#"<html lang="fr-BE"><head><title>Le titre - RTL Info</title>
            <meta property="og:site_name" content="RTL Info">
            <meta name="author" content="Par Jean Dupont">
            <meta property="article:published_time" content="2021-03-05T10:00:00+01:00">
            <link rel="canonical" href="/art/123"></head><body><h1>Le titre</h1></body></html>"#, Some("https://www.rtl.be/x?y"));
        assert_eq!(m.title.as_deref(), Some("Le titre"));
        assert_eq!(m.author.as_deref(), Some("Jean Dupont"));
        assert_eq!(m.published.as_deref(), Some("2021-03-05T10:00:00+01:00"));
        assert_eq!(m.language.as_deref(), Some("fr"));
        assert_eq!(m.site.as_deref(), Some("RTL Info"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://www.rtl.be/art/123"));
    }

    #[test]
    fn metadata_from_markup_only() {
        let m = meta_of(r#"<title>Mein Blog | Ein Beitrag über Bäume</title><h1>Logo</h1><h1>Ein Beitrag über Bäume</h1>
            <span class="byline">von Anna Berg</span><time datetime="2019-11-05">5. Nov.</time>"#, None);
        assert_eq!(m.title.as_deref(), Some("Ein Beitrag über Bäume"));
        assert_eq!(m.author.as_deref(), Some("Anna Berg"));
        assert_eq!(m.published.as_deref(), Some("2019-11-05"));
        assert_eq!(m.language, None);
        assert_eq!(m.site, None);
    }
}
