use url::Url;

/// Query parameters that only track the reader and never change the article.
const TRACKING: &[&str] = &["fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src", "cmpid", "xtor"];

/// The form of a URL used to compare articles: http(s) only, host lowercased, fragment,
/// default port and tracking parameters (`utm_*`, `fbclid`, …) removed, other parameters
/// sorted. `None` for anything that is not an absolute http(s) URL.
pub fn normalize_url(raw: &str) -> Option<String> {
    let mut u = Url::parse(raw.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return None;
    }
    u.set_fragment(None);
    let mut pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Some(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tracking_and_fragments() {
        assert_eq!(
            normalize_url("HTTPS://News.Example:443/a?utm_source=x&b=2&a=1&fbclid=z#top").as_deref(),
            Some("https://news.example/a?a=1&b=2")
        );
        assert_eq!(normalize_url("https://x.org/p?utm_medium=rss").as_deref(), Some("https://x.org/p"));
        assert_eq!(normalize_url("mailto:a@b.c"), None);
        assert_eq!(normalize_url("/relative"), None);
    }
}
