//! URL normalisation for deduplication, pure: the same article reached
//! through a newsletter, a social network or a feed gets the same key.
//!
//! Drops the fragment, tracking parameters (`utm_*`, `fbclid`, `gclid`,
//! `mc_cid`, ...), default ports and an empty query; lowercases the scheme
//! and host (the `url` crate does this while parsing); sorts the remaining
//! query parameters (stable, so repeated keys keep their order).

use url::Url;

/// Query parameters that only track the click, compared case-insensitively.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc",
    "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid",
    "vero_conv", "vero_id", "wickedid", "ncid", "cmpid", "sr_share", "at_medium", "at_campaign",
    "ocid", "spm", "share_from", "xtor",
];

/// Whether a query parameter name is a tracking parameter.
pub fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_") || lower.starts_with("pk_") || TRACKING_PARAMS.contains(&lower.as_str())
}

/// Normalises a parsed URL in place (see the module doc).
pub fn normalize(url: &mut Url) {
    url.set_fragment(None);
    if url.port().is_some() && url.port() == default_port(url.scheme()) {
        let _ = url.set_port(None);
    }
    if url.query().is_some() {
        let mut pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !k.is_empty() && !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs.is_empty() {
            url.set_query(None);
        } else {
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    if url.host_str().is_some_and(|h| h.ends_with('.')) {
        let host = url.host_str().unwrap_or_default().trim_end_matches('.').to_owned();
        let _ = url.set_host(Some(&host));
    }
}

/// Parses `input` and normalises it; `None` if it is not an absolute URL.
pub fn normalize_str(input: &str) -> Option<Url> {
    let mut url = Url::parse(input.trim()).ok()?;
    normalize(&mut url);
    Some(url)
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize_str(s).unwrap().to_string()
    }

    #[test]
    fn strips_tracking_fragment_and_default_port() {
        assert_eq!(
            n("HTTPS://WWW.Example.COM:443/News/Story?utm_source=tw&utm_medium=social&id=7#comments"),
            "https://www.example.com/News/Story?id=7"
        );
        assert_eq!(n("http://example.com:80/a?fbclid=abc"), "http://example.com/a");
        assert_eq!(n("http://example.com/a?gclid=1&mc_cid=2&mc_eid=3&UTM_Campaign=x"), "http://example.com/a");
        assert_eq!(n("http://example.com:8080/a"), "http://example.com:8080/a");
        assert_eq!(n("http://example.com./a"), "http://example.com/a");
    }

    #[test]
    fn sorts_remaining_params_keeping_values() {
        assert_eq!(n("https://e.com/s?q=rust+lang&b=2&a=1&utm_x=y"), "https://e.com/s?a=1&b=2&q=rust+lang");
        assert_eq!(n("https://e.com/s?b=2&a=1"), n("https://e.com/s?a=1&b=2"));
        assert_eq!(n("https://e.com/s?k=2&k=1"), "https://e.com/s?k=2&k=1", "repeated keys keep their order");
        assert_eq!(n("https://e.com/s?"), "https://e.com/s");
    }

    #[test]
    fn different_articles_stay_different() {
        assert_ne!(n("https://e.com/a?id=1"), n("https://e.com/a?id=2"));
        assert_ne!(n("https://e.com/a"), n("https://e.com/b"));
        assert!(normalize_str("not a url").is_none());
        assert!(!is_tracking_param("page"));
        assert!(is_tracking_param("utm_content"));
    }
}
