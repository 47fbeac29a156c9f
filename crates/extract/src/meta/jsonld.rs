//! schema.org JSON-LD: the article object's headline, authors, dates, publisher, language.

use serde_json::Value;

/// What the page's JSON-LD says about the article.
#[derive(Debug, Default, Clone)]
pub(crate) struct LdArticle {
    pub(crate) headline: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) published: Option<String>,
    pub(crate) publisher: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) source: Option<String>,
    /// `articleBody`, paragraphs kept apart.
    pub(crate) body: Option<String>,
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || matches!(t, "BlogPosting" | "Report" | "LiveBlogPosting" | "SocialMediaPosting" | "Blog" | "DiscussionForumPosting" | "Review" | "Recipe" | "NewsArticle" | "Posting")
}

fn types(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.rsplit('/').next().unwrap_or(s).to_string()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str()).map(|s| s.rsplit('/').next().unwrap_or(s).to_string()).collect(),
        _ => Vec::new(),
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let s = crate::text::collapse(&crate::html::entities::decode(s));
            (!s.is_empty()).then_some(s)
        }
        Value::Array(a) => a.iter().find_map(|x| string(Some(x))),
        Value::Object(_) => string(v?.get("name")).or_else(|| string(v?.get("@value"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn names(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::String(s)) => {
            let s = crate::text::collapse(&crate::html::entities::decode(s));
            if !s.is_empty() {
                out.push(s);
            }
        }
        Some(Value::Array(a)) => a.iter().for_each(|x| names(Some(x), out)),
        Some(o @ Value::Object(_)) => {
            if let Some(n) = string(o.get("name")) {
                out.push(n);
            } else if let (Some(g), Some(f)) = (string(o.get("givenName")), string(o.get("familyName"))) {
                out.push(format!("{g} {f}"));
            }
        }
        _ => {}
    }
}

/// Reads the JSON-LD scripts of a page (raw script texts) into the best article object.
pub(crate) fn read(scripts: &[&str]) -> Option<LdArticle> {
    let mut best: Option<(u8, LdArticle)> = None;
    for raw in scripts {
        let s = raw.trim().trim_start_matches("<!--").trim_end_matches("-->").trim();
        let s = s.trim_start_matches("//<![CDATA[").trim_end_matches("//]]>").trim();
        let Ok(v) = serde_json::from_str::<Value>(s) else { continue };
        let mut stack = vec![&v];
        let mut seen = 0;
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            match v {
                Value::Array(a) => stack.extend(a.iter().rev()),
                Value::Object(o) => {
                    if let Some(g) = o.get("@graph") {
                        stack.push(g);
                    }
                    if let Some(m) = o.get("mainEntity") {
                        stack.push(m);
                    }
                    let ts = types(v);
                    let rank = if ts.iter().any(|t| is_article_type(t)) {
                        3
                    } else if ts.iter().any(|t| t == "WebPage" || t == "ItemPage") {
                        1
                    } else {
                        continue;
                    };
                    let art = LdArticle {
                        headline: string(o.get("headline")).or_else(|| if rank == 3 { string(o.get("name")) } else { None }),
                        authors: {
                            let mut a = Vec::new();
                            names(o.get("author").or_else(|| o.get("creator")), &mut a);
                            a
                        },
                        published: string(o.get("datePublished")).or_else(|| string(o.get("dateCreated"))),
                        publisher: o.get("publisher").and_then(|p| string(Some(p))),
                        language: string(o.get("inLanguage")),
                        url: string(o.get("url")).or_else(|| o.get("mainEntityOfPage").and_then(|m| string(m.get("@id")).or_else(|| m.as_str().map(String::from)))),
                        source: o.get("sourceOrganization").and_then(|p| string(Some(p))),
                        body: o.get("articleBody").and_then(Value::as_str).map(crate::html::entities::decode),
                    };
                    let rank = rank + u8::from(art.published.is_some()) + u8::from(!art.authors.is_empty());
                    if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                        best = Some((rank, art));
                    }
                }
                _ => {}
            }
        }
    }
    best.map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_news_article_in_a_graph() {
        let s = r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},
            {"@type":"NewsArticle","headline":"Big &amp; News","datePublished":"2021-03-05T10:00:00Z",
             "author":[{"@type":"Person","name":"Ann Lee"},{"name":"Bo Ray"}],
             "publisher":{"@type":"Organization","name":"Daily"},"inLanguage":"en-GB"}]}"#;
        let a = read(&[s]).unwrap();
        assert_eq!(a.headline.as_deref(), Some("Big & News"));
        assert_eq!(a.authors, vec!["Ann Lee", "Bo Ray"]);
        assert_eq!(a.published.as_deref(), Some("2021-03-05T10:00:00Z"));
        assert_eq!(a.publisher.as_deref(), Some("Daily"));
        assert_eq!(a.language.as_deref(), Some("en-GB"));
        assert_eq!(a.body, None);
    }

    #[test]
    fn broken_json_is_ignored() {
        assert!(read(&["{not json", "[]"]).is_none());
    }
}
