//! Minimal URL helpers: resolving a reference against a base, and the host.

/// Resolves `href` against `base` (both as written); `None` when no absolute URL results.
pub(crate) fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || href.starts_with("javascript:") {
        return None;
    }
    if let Some(colon) = href.find(':') {
        let scheme = &href[..colon];
        if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) && href[colon..].starts_with("://") {
            return Some(href.to_string());
        }
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    if href.starts_with("//") {
        return Some(format!("{scheme}:{href}"));
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..host_end]);
    if href.starts_with('/') {
        return Some(format!("{origin}{href}"));
    }
    let path = &rest[host_end..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    let mut segs: Vec<&str> = Vec::new();
    let full = format!("{dir}{href}");
    for s in full.split('/') {
        match s {
            "." => {}
            ".." => {
                segs.pop();
            }
            _ => segs.push(s),
        }
    }
    let joined = segs.join("/");
    Some(if joined.starts_with('/') { format!("{origin}{joined}") } else { format!("{origin}/{joined}") })
}

/// The host of an absolute URL, without `www.`.
pub(crate) fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_references() {
        let b = Some("https://ex.com/a/b/page.html?x=1");
        assert_eq!(resolve(b, "/c").as_deref(), Some("https://ex.com/c"));
        assert_eq!(resolve(b, "c.html").as_deref(), Some("https://ex.com/a/b/c.html"));
        assert_eq!(resolve(b, "../c").as_deref(), Some("https://ex.com/a/c"));
        assert_eq!(resolve(b, "//cdn.ex.com/x").as_deref(), Some("https://cdn.ex.com/x"));
        assert_eq!(resolve(b, "http://o.org/").as_deref(), Some("http://o.org/"));
        assert_eq!(resolve(None, "/c"), None);
        assert_eq!(resolve(b, "#top"), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(host("https://www.rtl.be/info/x"), Some("rtl.be"));
        assert_eq!(host("http://user@ex.com:8080/"), Some("ex.com"));
        assert_eq!(host("nonsense"), None);
    }
}
