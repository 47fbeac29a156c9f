//! What an article page tells search engines and link previews: Open Graph properties and
//! a schema.org `NewsArticle` in JSON-LD, both built from the stored article and escaped
//! for their place in the page.

use polmon_model::Article;
use serde_json::json;

/// The `<head>` additions of an article page.
pub(crate) struct ArticleHead {
    /// `(property, content)` pairs for `<meta property=… content=…>` (escaped by the template).
    pub(crate) open_graph: Vec<(&'static str, String)>,
    /// The JSON-LD block, safe inside `<script type="application/ld+json">`.
    pub(crate) json_ld: String,
}

/// Open Graph and JSON-LD for `a`, whose page is `canonical` with `description`.
pub(crate) fn article_head(a: &Article, canonical: &str, description: &str, site_url: &str) -> ArticleHead {
    let mut open_graph = vec![
        ("og:type", "article".to_string()),
        ("og:site_name", "Politics Monitor".to_string()),
        ("og:title", a.title.clone()),
        ("og:description", description.to_string()),
        ("og:url", canonical.to_string()),
    ];
    if let Some(lang) = &a.language {
        open_graph.push(("og:locale", og_locale(lang)));
    }
    if let Some(p) = &a.published {
        open_graph.push(("article:published_time", p.clone()));
    }
    open_graph.push(("article:section", crate::views::category_label(&a.category)));
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": truncate(&a.title, 110),
        "description": description,
        "mainEntityOfPage": canonical,
        "url": canonical,
        "articleSection": crate::views::category_label(&a.category),
        "publisher": { "@type": "Organization", "name": "Politics Monitor", "url": site_url },
    });
    if let Some(p) = &a.published {
        ld["datePublished"] = json!(p);
    }
    ld["dateModified"] = json!(a.ingested_at);
    if let Some(l) = &a.language {
        ld["inLanguage"] = json!(l);
    }
    if let Some(author) = &a.author {
        ld["author"] = json!(author.split("; ").map(|n| json!({ "@type": "Person", "name": n })).collect::<Vec<_>>());
    }
    if let Some(url) = a.url.as_deref().filter(|u| crate::sanitize::is_web_url(u)) {
        ld["isBasedOn"] = json!(url);
    }
    let people: Vec<_> = unique_people(a).into_iter().map(|n| json!({ "@type": "Person", "name": n })).collect();
    if !people.is_empty() {
        ld["mentions"] = json!(people);
    }
    ArticleHead { open_graph, json_ld: script_safe(&ld.to_string()) }
}

/// `fr` → `fr_FR`-style locales are guesses; Open Graph accepts the bare language too.
fn og_locale(lang: &str) -> String {
    lang.to_string()
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Up to ten people the article names, most mentioned first.
fn unique_people(a: &Article) -> Vec<&str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for m in a.analysis.entities.iter().filter(|m| m.entity_type == polmon_model::EntityType::Person) {
        match counts.iter_mut().find(|(n, _)| *n == m.canonical) {
            Some((_, c)) => *c += 1,
            None => counts.push((&m.canonical, 1)),
        }
    }
    counts.sort_by(|x, y| y.1.cmp(&x.1));
    counts.into_iter().take(10).map(|(n, _)| n).collect()
}

/// JSON that cannot end its `<script>` element or open a comment: `<`, `>` and `&` become
/// `\u003c`, `\u003e`, `\u0026` (the same string to a JSON reader).
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_is_a_news_article_that_cannot_break_out_of_its_script() {
        let a = Article {
            id: 7,
            title: "Budget </script><script>alert(1)</script>".into(),
            published: Some("2024-04-02T10:00:00Z".into()),
            language: Some("fr".into()),
            author: Some("A. Auteur; B. Autre".into()),
            url: Some("https://news.example/a".into()),
            ingested_at: "2024-04-02T11:00:00Z".into(),
            ..Default::default()
        };
        let head = article_head(&a, "https://site.example/article/7", "Le budget & <b>", "https://site.example");
        assert!(!head.json_ld.contains("</script"));
        assert!(!head.json_ld.contains('<'));
        let v: serde_json::Value = serde_json::from_str(&head.json_ld).unwrap();
        assert_eq!(v["@type"], "NewsArticle");
        assert_eq!(v["headline"], "Budget </script><script>alert(1)</script>");
        assert_eq!(v["datePublished"], "2024-04-02T10:00:00Z");
        assert_eq!(v["author"][1]["name"], "B. Autre");
        assert_eq!(v["isBasedOn"], "https://news.example/a");
        assert!(head.open_graph.contains(&("og:url", "https://site.example/article/7".to_string())));
    }
}
