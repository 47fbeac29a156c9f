//! The headline: an `<h1>` that the page's metadata confirms, else the metadata title with
//! the site name cut off.

/// Separators between a headline and a site name in `<title>` and `og:title`.
const SEPARATORS: &[&str] = &[" | ", " – ", " — ", " - ", " :: ", " · ", " • ", " » ", " « ", " / ", " ~ ", " | ", "|"];

fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Cuts a site name off a title ("Headline - Site" → "Headline").
pub(crate) fn clean(title: &str, site: Option<&str>, host: Option<&str>) -> String {
    let t = title.trim();
    let site_n = site.map(norm).unwrap_or_default();
    let host_n = host.map(|h| norm(h.split('.').next().unwrap_or(h))).unwrap_or_default();
    let is_site = |p: &str| {
        let n = norm(p);
        !n.is_empty() && ((!site_n.is_empty() && (n == site_n || site_n.contains(&n) || n.contains(&site_n))) || (!host_n.is_empty() && n.contains(&host_n)))
    };
    for sep in SEPARATORS {
        if !t.contains(sep) {
            continue;
        }
        let parts: Vec<&str> = t.split(sep).map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 {
            continue;
        }
        let kept: Vec<&str> = parts.iter().copied().filter(|p| !is_site(p)).collect();
        if kept.len() < parts.len() && !kept.is_empty() {
            return kept.join(sep);
        }
        // No part names the site: a short last (or first) part is the site name.
        let words = |p: &str| p.split_whitespace().count();
        if parts.len() == 2 {
            let (a, b) = (parts[0], parts[1]);
            if words(b) <= 3 && words(a) > words(b) {
                return a.to_string();
            }
            if words(a) <= 3 && words(b) > words(a) + 2 {
                return b.to_string();
            }
        }
        return t.to_string();
    }
    t.to_string()
}

/// Whether two names are the same, ignoring case, spaces and punctuation.
pub(crate) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// Whether `h1` is confirmed by a metadata title `reference`.
pub(crate) fn confirms(h1: &str, reference: &str, site: Option<&str>) -> bool {
    let h = norm(h1);
    let r = norm(reference);
    if h.len() < 4 || r.is_empty() {
        return false;
    }
    if site.is_some_and(|s| norm(s) == h) {
        return false;
    }
    (r.contains(&h) && h.len() * 5 >= r.len() * 2) || (h.contains(&r) && r.len() * 2 >= h.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_site_names() {
        assert_eq!(clean("Streit ums Feuerholz - www.AussenGedanken.de", None, Some("aussengedanken.de")), "Streit ums Feuerholz");
        assert_eq!(clean("Big news today | The Daily", Some("The Daily"), None), "Big news today");
        assert_eq!(clean("The Daily | Big news today in town", None, None), "Big news today in town");
        assert_eq!(clean("A title without a site", None, None), "A title without a site");
        assert_eq!(clean("Part one - part two - Site", Some("Site"), None), "Part one - part two");
        assert_eq!(clean("Office 365 – HBDI – die Dritte", None, None), "Office 365 – HBDI – die Dritte");
    }

    #[test]
    fn h1_confirmation() {
        assert!(confirms("Big news today", "Big news today | The Daily", None));
        assert!(!confirms("The Daily", "Big news today | The Daily", Some("The Daily")));
        assert!(!confirms("Menu", "Big news today | The Daily", None));
    }
}
