//! URL normalisation for deduplication, pure: the same article reached
//! through a newsletter, a social network or a feed gets the same key.
//!
//! The rules, applied by [`normalize`] (in place) and by [`normalize_url`]
//! and [`parse_normalized`] (which also refuse anything but absolute
//! http(s) URLs with a host):
//!
//! * the scheme and host are lowercased (the `url` crate does it while
//!   parsing) and a trailing dot on the host is dropped;
//! * the fragment, a default port (`:80` for http, `:443` for https) and
//!   tracking parameters (`utm_*`, `pk_*`, `fbclid`, `gclid`, `mc_cid`, …,
//!   see [`is_tracking_param`]) are removed, as is a query left empty;
//! * the remaining query parameters are sorted by key, then value, so the
//!   key does not depend on the order a sharer wrote them in.

use url::Url;

/// Query parameters that only track the click, compared case-insensitively
/// (besides the `utm_` and `pk_` prefixes).
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc",
    "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid",
    "vero_conv", "vero_id", "wickedid", "ncid", "cmpid", "sr_share", "at_medium", "at_campaign",
    "ocid", "spm", "share_from", "xtor", "ref_src",
];

/// Whether a query parameter name is a tracking parameter.
pub fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_") || lower.starts_with("pk_") || TRACKING_PARAMS.contains(&lower.as_str())
}

/// Normalises a parsed URL in place (see the module doc). Any scheme is
/// accepted here; only the http(s) default ports are known.
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
            pairs.sort();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    if let Some(host) = url.host_str().and_then(|h| h.strip_suffix('.')).map(str::to_owned) {
        let _ = url.set_host(Some(&host));
    }
}

/// Parses `raw` and normalises it; `None` unless it is an absolute http(s)
/// URL with a host.
pub fn parse_normalized(raw: &str) -> Option<Url> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    normalize(&mut url);
    Some(url)
}

/// The dedup key of a URL: http(s) only, host lowercased, fragment, default
/// port and tracking parameters removed, other parameters sorted by key then
/// value. `None` for anything that is not an absolute http(s) URL.
///
/// ```
/// use polmon_feeds::normalize_url;
/// assert_eq!(
///     normalize_url("HTTPS://News.Example:443/a?utm_source=x&b=2&a=1&fbclid=z#top").as_deref(),
///     Some("https://news.example/a?a=1&b=2")
/// );
/// assert_eq!(normalize_url("/relative"), None);
/// ```
pub fn normalize_url(raw: &str) -> Option<String> {
    parse_normalized(raw).map(String::from)
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
        normalize_url(s).unwrap()
    }

    #[test]
    fn strips_tracking_fragment_and_default_port() {
        assert_eq!(
            n("HTTPS://WWW.Example.COM:443/News/Story?utm_source=tw&utm_medium=social&id=7#comments"),
            "https://www.example.com/News/Story?id=7"
        );
        assert_eq!(n("http://example.com:80/a?fbclid=abc"), "http://example.com/a");
        assert_eq!(n("http://example.com/a?gclid=1&mc_cid=2&mc_eid=3&UTM_Campaign=x"), "http://example.com/a");
        assert_eq!(n("http://example.com/a?ref_src=twsrc&pk_campaign=x&xtor=RSS-1"), "http://example.com/a");
        assert_eq!(n("http://example.com:8080/a"), "http://example.com:8080/a");
        assert_eq!(n("https://example.com:80/a"), "https://example.com:80/a", "80 is not https' default");
        assert_eq!(n("http://example.com./a"), "http://example.com/a");
    }

    #[test]
    fn sorts_remaining_params_by_key_then_value() {
        assert_eq!(n("https://e.com/s?q=rust+lang&b=2&a=1&utm_x=y"), "https://e.com/s?a=1&b=2&q=rust+lang");
        assert_eq!(n("https://e.com/s?b=2&a=1"), n("https://e.com/s?a=1&b=2"));
        assert_eq!(n("https://e.com/s?k=2&k=1"), "https://e.com/s?k=1&k=2", "repeated keys sorted by value");
        assert_eq!(n("https://e.com/s?k=2&k=1"), n("https://e.com/s?k=1&k=2"), "deterministic");
        assert_eq!(n("https://e.com/s?"), "https://e.com/s");
        assert_eq!(n("https://e.com/s?=x&a=1"), "https://e.com/s?a=1", "empty keys dropped");
    }

    #[test]
    fn different_articles_stay_different() {
        assert_ne!(n("https://e.com/a?id=1"), n("https://e.com/a?id=2"));
        assert_ne!(n("https://e.com/a"), n("https://e.com/b"));
        assert!(normalize_url("not a url").is_none());
        assert!(!is_tracking_param("page"));
        assert!(is_tracking_param("utm_content"));
    }

    #[test]
    fn only_absolute_http_urls() {
        assert_eq!(normalize_url("mailto:a@b.c"), None);
        assert_eq!(normalize_url("/relative"), None);
        assert_eq!(normalize_url("ftp://e.com/file"), None);
        assert_eq!(normalize_url("file:///etc/passwd"), None);
        assert_eq!(normalize_url("  https://e.com/a  ").as_deref(), Some("https://e.com/a"));
        let mut ftp = Url::parse("ftp://e.com:21/f#x").unwrap();
        normalize(&mut ftp);
        assert_eq!(ftp.as_str(), "ftp://e.com/f", "in place, any scheme");
    }

    /// The cases of the pipeline's former `urls.rs`, kept verbatim.
    #[test]
    fn pipeline_urls_cases() {
        assert_eq!(
            normalize_url("HTTPS://News.Example:443/a?utm_source=x&b=2&a=1&fbclid=z#top").as_deref(),
            Some("https://news.example/a?a=1&b=2")
        );
        assert_eq!(normalize_url("https://x.org/p?utm_medium=rss").as_deref(), Some("https://x.org/p"));
        assert_eq!(normalize_url("mailto:a@b.c"), None);
        assert_eq!(normalize_url("/relative"), None);
    }
}
