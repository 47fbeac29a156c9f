//! robots.txt parsing and matching (RFC 9309), pure.
//!
//! Groups are chosen by the crawler's product token (case-insensitive, the
//! most specific matching `User-agent` line wins, groups with the same agent
//! are merged, `*` is the fallback). Within a group the longest matching
//! pattern decides, `Allow` winning ties; `*` matches any run of characters
//! and a trailing `$` anchors the end. `Crawl-delay` is read per group.

use std::time::Duration;

/// A parsed robots.txt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    groups: Vec<Group>,
    sitemaps: Vec<String>,
    /// Set for the synthetic "disallow everything" file used after 5xx answers.
    deny_all: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    allow: bool,
    pattern: String,
}

impl Robots {
    /// A robots.txt that allows everything (used when the file is missing: 4xx).
    pub fn allow_all() -> Self {
        Robots::default()
    }

    /// A robots.txt that disallows everything (used while the host answers 5xx).
    pub fn disallow_all() -> Self {
        Robots { deny_all: true, ..Robots::default() }
    }

    /// Parses the text of a robots.txt. Never fails: unknown lines are ignored.
    pub fn parse(text: &str) -> Self {
        let mut robots = Robots::default();
        let mut current: Option<Group> = None;
        let mut in_agent_lines = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else { continue };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" | "useragent" | "user agent" => {
                    if !in_agent_lines {
                        if let Some(g) = current.take() {
                            robots.groups.push(g);
                        }
                        current = Some(Group::default());
                    }
                    in_agent_lines = true;
                    if let Some(g) = current.as_mut() {
                        g.agents.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" | "dissallow" | "disalow" => {
                    in_agent_lines = false;
                    if let Some(g) = current.as_mut() {
                        // An empty Disallow allows everything: it adds no rule.
                        if !value.is_empty() {
                            g.rules.push(Rule { allow: key == "allow", pattern: encode_pattern(value) });
                        }
                    }
                }
                "crawl-delay" | "crawl_delay" => {
                    in_agent_lines = false;
                    if let (Some(g), Ok(secs)) = (current.as_mut(), value.parse::<f64>()) {
                        if secs.is_finite() && secs >= 0.0 {
                            g.crawl_delay = Some(secs);
                        }
                    }
                }
                "sitemap" => robots.sitemaps.push(value.to_owned()),
                _ => {}
            }
        }
        if let Some(g) = current {
            robots.groups.push(g);
        }
        robots
    }

    /// `Sitemap:` URLs listed in the file.
    pub fn sitemaps(&self) -> &[String] {
        &self.sitemaps
    }

    /// The groups that apply to `agent` (a product token such as `PoliticsMonitor`):
    /// those naming it (ignoring case and any `/version`), else those for `*`.
    fn groups_for(&self, agent: &str) -> Vec<&Group> {
        let agent = product_token(agent);
        let named: Vec<&Group> =
            self.groups.iter().filter(|g| g.agents.iter().any(|a| product_token(a) == agent)).collect();
        if !named.is_empty() {
            return named;
        }
        self.groups.iter().filter(|g| g.agents.iter().any(|a| a == "*")).collect()
    }

    /// Whether `agent` may fetch `path` (path plus optional `?query`, as in the URL).
    pub fn is_allowed(&self, agent: &str, path: &str) -> bool {
        if self.deny_all {
            return false;
        }
        let path = if path.is_empty() { "/" } else { path };
        if path == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for g in self.groups_for(agent) {
            for r in &g.rules {
                if pattern_matches(r.pattern.as_bytes(), path.as_bytes()) {
                    let len = r.pattern.len();
                    best = match best {
                        Some((l, allow)) if l > len || (l == len && allow) => Some((l, allow)),
                        _ => Some((len, r.allow)),
                    };
                }
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// The `Crawl-delay` for `agent`, if the file sets one.
    pub fn crawl_delay(&self, agent: &str) -> Option<Duration> {
        self.groups_for(agent)
            .iter()
            .filter_map(|g| g.crawl_delay)
            .fold(None, |acc: Option<f64>, d| Some(acc.map_or(d, |a| a.max(d))))
            .map(Duration::from_secs_f64)
    }
}

/// Bytes a URL path carries percent-encoded besides non-ASCII: controls and space.
const PATH_ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

/// Percent-encodes what a URL path would carry encoded (non-ASCII, spaces,
/// controls) and uppercases existing escapes, so patterns compare with `Url::path()`.
fn encode_pattern(p: &str) -> String {
    let mut out = percent_encoding::utf8_percent_encode(p, PATH_ENCODED).to_string().into_bytes();
    for i in 0..out.len().saturating_sub(2) {
        if out[i] == b'%' && out[i + 1].is_ascii_hexdigit() && out[i + 2].is_ascii_hexdigit() {
            out[i + 1].make_ascii_uppercase();
            out[i + 2].make_ascii_uppercase();
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

fn product_token(agent: &str) -> String {
    agent.split(['/', ' ']).next().unwrap_or("").to_ascii_lowercase()
}

/// Matches a robots pattern against a path: prefix match, `*` wildcard, `$` end anchor.
fn pattern_matches(pattern: &[u8], path: &[u8]) -> bool {
    let (pat, anchored) = match pattern.split_last() {
        Some((b'$', rest)) => (rest, true),
        _ => (pattern, false),
    };
    // Sorted set of positions in `path` reachable after consuming a pattern prefix.
    let mut pos: Vec<usize> = vec![0];
    for &c in pat {
        if c == b'*' {
            let start = pos[0];
            pos = (start..=path.len()).collect();
        } else {
            pos.retain_mut(|p| {
                if *p < path.len() && path[*p] == c {
                    *p += 1;
                    true
                } else {
                    false
                }
            });
            if pos.is_empty() {
                return false;
            }
        }
    }
    if anchored {
        pos.last() == Some(&path.len())
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "\
# comment
User-agent: *
Disallow: /private/
Allow: /private/public-page
Disallow: /*.pdf$
Disallow: /search?
Crawl-delay: 2

User-agent: PoliticsMonitor
User-agent: otherbot
Disallow: /no-monitor/
Allow: /no-monitor/ok
Crawl-delay: 5

User-agent: badbot
Disallow: /

Sitemap: https://example.com/sitemap.xml
";

    #[test]
    fn star_group_applies_to_unknown_agents() {
        let r = Robots::parse(TXT);
        assert!(!r.is_allowed("SomeBot", "/private/x"));
        assert!(r.is_allowed("SomeBot", "/private/public-page"));
        assert!(r.is_allowed("SomeBot", "/public"));
        assert!(!r.is_allowed("SomeBot", "/doc/file.pdf"));
        assert!(r.is_allowed("SomeBot", "/doc/file.pdf?x=1"));
        assert!(!r.is_allowed("SomeBot", "/search?q=x"));
        assert!(r.is_allowed("SomeBot", "/search"));
        assert_eq!(r.crawl_delay("SomeBot"), Some(Duration::from_secs(2)));
    }

    #[test]
    fn specific_group_replaces_star_group() {
        let r = Robots::parse(TXT);
        // Our own group: the `*` rules do not apply any more.
        assert!(r.is_allowed("PoliticsMonitor", "/private/x"));
        assert!(!r.is_allowed("politicsmonitor", "/no-monitor/page"));
        assert!(r.is_allowed("PoliticsMonitor", "/no-monitor/ok/1"));
        assert_eq!(r.crawl_delay("PoliticsMonitor"), Some(Duration::from_secs(5)));
        assert!(!r.is_allowed("badbot", "/anything"));
        assert!(!r.is_allowed("BadBot/2.1", "/anything"), "version suffix ignored");
        assert!(!r.is_allowed("bad", "/private/x"), "a prefix of a named agent is not that agent");
        assert!(r.is_allowed("badbot", "/robots.txt"));
        assert_eq!(r.sitemaps(), ["https://example.com/sitemap.xml"]);
    }

    #[test]
    fn longest_match_wins_and_allow_wins_ties() {
        let r = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /a/b/c\nAllow: /x\nDisallow: /x\n");
        assert!(!r.is_allowed("bot", "/a/z"));
        assert!(r.is_allowed("bot", "/a/b/z"));
        assert!(!r.is_allowed("bot", "/a/b/c/z"));
        assert!(r.is_allowed("bot", "/x/1"));
    }

    #[test]
    fn wildcards_and_anchor() {
        assert!(pattern_matches(b"/*/news/*.html$", b"/en/news/today.html"));
        assert!(!pattern_matches(b"/*/news/*.html$", b"/en/news/today.html?a"));
        assert!(pattern_matches(b"/fish*", b"/fishheads"));
        assert!(!pattern_matches(b"/fish", b"/Fish"));
        assert!(pattern_matches(b"/$", b"/"));
        assert!(!pattern_matches(b"/$", b"/a"));
        assert!(pattern_matches(b"*", b"/anything"));
        assert!(pattern_matches(b"/a*b*c", b"/axxbyyc"));
        assert!(!pattern_matches(b"/a*b*c", b"/axxcyyb"));
    }

    #[test]
    fn empty_disallow_and_missing_groups_allow_all() {
        assert!(Robots::parse("User-agent: *\nDisallow:\n").is_allowed("bot", "/x"));
        assert!(Robots::parse("").is_allowed("bot", "/x"));
        assert!(Robots::parse("Disallow: /\n").is_allowed("bot", "/x"), "rules outside a group are ignored");
        assert!(!Robots::disallow_all().is_allowed("bot", "/x"));
        assert!(Robots::allow_all().is_allowed("bot", "/x"));
    }

    #[test]
    fn patterns_compare_percent_encoded() {
        let r = Robots::parse("User-agent: *\nDisallow: /café\nDisallow: /a%3cb\n");
        let path = url::Url::parse("https://e.com/café/menu").unwrap();
        assert_eq!(path.path(), "/caf%C3%A9/menu");
        assert!(!r.is_allowed("bot", path.path()));
        assert!(!r.is_allowed("bot", "/a%3Cb"));
        assert!(r.is_allowed("bot", "/cafe"));
        assert_eq!(encode_pattern("/a b\u{7f}/é%2f%"), "/a%20b%7F/%C3%A9%2F%");
    }

    #[test]
    fn groups_for_the_same_agent_merge() {
        let r = Robots::parse("User-agent: a\nDisallow: /one\n\nUser-agent: b\nDisallow: /b\n\nUser-agent: a\nDisallow: /two\n");
        assert!(!r.is_allowed("a", "/one"));
        assert!(!r.is_allowed("a", "/two"));
        assert!(r.is_allowed("a", "/b"));
    }
}
