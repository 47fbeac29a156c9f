//! One configuration: a TOML file, overridden by `POLMON_*` environment variables,
//! overridden by command-line flags.
//!
//! The file is `--config FILE` (or `POLMON_CONFIG`), else `polmon.toml` in the current
//! folder when there is one. Every key can also be set in the environment as
//! `POLMON_<SECTION>_<KEY>` (`POLMON_FETCH_CONTACT_URL`, `POLMON_SERVE_ADDR`) or, for
//! top-level keys, `POLMON_<KEY>` (`POLMON_DATA`). Unknown keys are refused with their
//! name, in the file and in the environment alike. `polmon config` prints the effective
//! configuration.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

/// The file read when no `--config` is given, if it exists.
pub(crate) const DEFAULT_FILE: &str = "polmon.toml";

/// Sections of the file; `POLMON_<SECTION>_<KEY>` sets `[section] key`.
const SECTIONS: &[&str] = &["serve", "fetch", "crawl", "enrich", "translate", "smtp", "watches", "deliver"];
/// Top-level keys settable as `POLMON_<KEY>`; other `POLMON_*` variables outside the
/// sections are not settings and are left alone.
const TOP_LEVEL: &[&str] = &["data", "log", "allow_private", "store", "queue"];
/// Older names kept working: `POLMON_ADDR` is `POLMON_SERVE_ADDR`.
const ALIASES: &[(&str, &str, &str)] = &[("POLMON_ADDR", "serve", "addr")];

/// Everything polmon can be configured with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Config {
    /// The data folder (SQLite database and search index).
    pub(crate) data: PathBuf,
    /// The log filter (`warn`, `polmon=debug`, …), as `RUST_LOG` reads it.
    pub(crate) log: String,
    /// The shared store of the distributed mode: `postgres://USER@HOST:PORT/DATABASE`, or
    /// a data folder shared by the processes of one machine. Empty: the data folder.
    pub(crate) store: String,
    /// The work queues of the distributed mode: `nats://HOST:PORT` (NATS JetStream).
    /// Empty: no queues (everything runs in one process).
    pub(crate) queue: String,
    /// Loopback and private addresses may be fetched (tests, intranets). `1` and `0`
    /// are read as true and false.
    #[serde(deserialize_with = "bool_or_01")]
    pub(crate) allow_private: bool,
    /// The web server.
    pub(crate) serve: ServeConfig,
    /// HTTP fetching: User-Agent, timeouts, politeness.
    pub(crate) fetch: polmon_fetch::FetchConfig,
    /// The crawler's pace.
    pub(crate) crawl: CrawlSettings,
    /// Enrichment.
    pub(crate) enrich: EnrichConfig,
    /// Machine translation: engine, server, key, glossary.
    pub(crate) translate: polmon_translate::Config,
    /// The SMTP server watches e-mail through.
    pub(crate) smtp: SmtpSettings,
    /// Watches: who may manage them through the API.
    pub(crate) watches: WatchSettings,
    /// The deliverer's timeouts and retries.
    pub(crate) deliver: DeliverSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from("./polmon-data"),
            log: "warn".into(),
            store: String::new(),
            queue: String::new(),
            allow_private: false,
            serve: ServeConfig::default(),
            fetch: polmon_fetch::FetchConfig { contact_url: String::new(), ..polmon_fetch::FetchConfig::default() },
            crawl: CrawlSettings::default(),
            enrich: EnrichConfig::default(),
            translate: polmon_translate::Config::default(),
            smtp: SmtpSettings::default(),
            watches: WatchSettings::default(),
            deliver: DeliverSettings::default(),
        }
    }
}

/// `[smtp]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SmtpSettings {
    /// `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…`; empty: no e-mail.
    pub(crate) url: String,
    /// The sender address of watch e-mails.
    pub(crate) from: String,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings { url: String::new(), from: "Politics Monitor <polmon@localhost>".into() }
    }
}

/// `[watches]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct WatchSettings {
    /// The bearer token that lists, adds and removes watches through `/api/watches`;
    /// empty: the API cannot manage watches.
    pub(crate) admin_token: String,
}

/// `[deliver]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct DeliverSettings {
    /// Seconds one webhook request or SMTP session may take.
    pub(crate) timeout_secs: u64,
    /// The first retry delay in seconds, doubled at each attempt (with jitter).
    pub(crate) retry_base_secs: u64,
    /// The longest retry delay in seconds.
    pub(crate) retry_max_secs: u64,
    /// Hours after which a failing delivery is given up (dead-lettered).
    pub(crate) give_up_hours: u64,
    /// Milliseconds between looks at the outbox for deliveries other processes queued.
    pub(crate) poll_interval_ms: u64,
}

impl Default for DeliverSettings {
    fn default() -> Self {
        let d = polmon_deliver::DeliverConfig::default();
        DeliverSettings {
            timeout_secs: d.timeout.as_secs(),
            retry_base_secs: d.retry_base.as_secs(),
            retry_max_secs: d.retry_max.as_secs(),
            give_up_hours: d.give_up_after.as_secs() / 3_600,
            poll_interval_ms: d.poll_interval.as_millis() as u64,
        }
    }
}

/// `[serve]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct ServeConfig {
    /// Address to listen on (port 0 picks a free port).
    pub(crate) addr: SocketAddr,
    /// Poll the sources in the background while serving.
    pub(crate) crawl: bool,
    /// Seconds a client has to send its request header after connecting.
    pub(crate) header_timeout_secs: u64,
    /// Seconds a connection is kept at most.
    pub(crate) max_connection_age_secs: u64,
    /// Connections open at once (0: from the file-descriptor limit, at most 1,024).
    pub(crate) max_connections: usize,
    /// Requests handled at once before answering 503.
    pub(crate) max_in_flight: usize,
    /// The site's public base URL (`https://news.example`), for the absolute links of
    /// the Atom feeds, the sitemap and canonical links; empty: `http://{addr}` with the
    /// address actually bound.
    pub(crate) public_url: String,
    /// The origins a browser app may read `/api` and `/feeds` from
    /// (`["https://app.example"]`); empty: any origin.
    pub(crate) cors_origins: Vec<String>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        let limits = polmon_web::Limits::default();
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            crawl: true,
            header_timeout_secs: limits.header_timeout.as_secs(),
            max_connection_age_secs: limits.max_connection_age.as_secs(),
            max_connections: 0,
            max_in_flight: limits.max_in_flight,
            public_url: String::new(),
            cors_origins: Vec::new(),
        }
    }
}

impl ServeConfig {
    /// The public base URL without a trailing slash; empty when it is to be derived
    /// from the bound address. Anything but an http(s) URL is refused.
    pub(crate) fn public_url(&self) -> anyhow::Result<String> {
        let url = self.public_url.trim().trim_end_matches('/');
        if url.is_empty() {
            return Ok(String::new());
        }
        let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            bail!("serve.public_url must be an http(s) URL such as https://news.example, not {url:?}");
        }
        Ok(url.to_owned())
    }

    pub(crate) fn limits(&self) -> polmon_web::Limits {
        polmon_web::Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            max_connection_age: Duration::from_secs(self.max_connection_age_secs.max(1)),
            max_connections: if self.max_connections == 0 {
                polmon_web::Limits::default().max_connections
            } else {
                self.max_connections
            },
            max_in_flight: self.max_in_flight.max(1),
        }
    }
}

/// `[crawl]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct CrawlSettings {
    /// Pages fetched per source and poll at most.
    pub(crate) max_items_per_poll: usize,
    /// Sources polled at the same time.
    pub(crate) max_sources_at_once: usize,
    /// Pages of one source fetched at the same time.
    pub(crate) max_items_at_once: usize,
    /// Child sitemaps of a sitemap index read per poll.
    pub(crate) max_child_sitemaps: usize,
    /// Shortest interval between two polls of one source, in seconds (at least 1).
    pub(crate) min_interval_secs: u64,
    /// Longest interval between two polls of a healthy source, in seconds.
    pub(crate) max_interval_secs: u64,
    /// Interval of a source with no polling history yet, in seconds.
    pub(crate) initial_interval_secs: u64,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        let c = polmon_crawl::CrawlConfig::default();
        CrawlSettings {
            max_items_per_poll: c.max_items_per_poll,
            max_sources_at_once: c.max_sources_at_once,
            max_items_at_once: c.max_items_at_once,
            max_child_sitemaps: c.max_child_sitemaps,
            min_interval_secs: c.policy.min_interval,
            max_interval_secs: c.policy.max_interval,
            initial_interval_secs: c.policy.initial_interval,
        }
    }
}

/// `[enrich]`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct EnrichConfig {
    /// Topic category rules replacing the bundled ones (default: `DATA/categories.rules`
    /// when that file exists).
    pub(crate) category_rules: Option<PathBuf>,
}

impl Config {
    /// Reads the file (if any) and the environment.
    pub(crate) fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &vars)
    }

    fn load_from(file: Option<&Path>, env: &[(String, String)]) -> anyhow::Result<Config> {
        let (mut table, origin) = match file {
            Some(f) => (read_table(f)?, f.display().to_string()),
            None if Path::new(DEFAULT_FILE).is_file() => (read_table(Path::new(DEFAULT_FILE))?, DEFAULT_FILE.to_owned()),
            None => (toml::Table::new(), String::new()),
        };
        // The file alone first, so that its unknown keys are named as the file's.
        if !origin.is_empty() {
            toml::Value::Table(table.clone())
                .try_into::<Config>()
                .map_err(|e| anyhow::anyhow!("{origin}: {}", e.message()))?;
        }
        for (name, raw) in env {
            let Some((section, key)) = env_key(name) else { continue };
            let value = parse_env_value(raw);
            match section {
                None => {
                    table.insert(key, value);
                }
                Some(section) => {
                    let t = table.entry(section.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
                    let Some(t) = t.as_table_mut() else { bail!("{origin}: `{section}` must be a table") };
                    t.insert(key, value);
                }
            }
        }
        toml::Value::Table(table)
            .try_into::<Config>()
            .map_err(|e| anyhow::anyhow!("environment (POLMON_*): {}", e.message()))
    }

    /// The effective configuration as TOML.
    pub(crate) fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The crawler's configuration.
    pub(crate) fn crawl_config(&self) -> polmon_crawl::CrawlConfig {
        let mut fetch = self.fetch.clone();
        fetch.allow_private |= self.allow_private;
        polmon_crawl::CrawlConfig {
            fetch,
            max_items_per_poll: self.crawl.max_items_per_poll,
            max_sources_at_once: self.crawl.max_sources_at_once,
            max_items_at_once: self.crawl.max_items_at_once,
            max_child_sitemaps: self.crawl.max_child_sitemaps,
            policy: polmon_fetch::SchedulePolicy {
                min_interval: self.crawl.min_interval_secs.max(1),
                max_interval: self.crawl.max_interval_secs.max(1),
                initial_interval: self.crawl.initial_interval_secs.max(1),
                ..polmon_fetch::SchedulePolicy::default()
            },
            ..polmon_crawl::CrawlConfig::default()
        }
    }

    /// The deliverer's configuration; `public_url` is the site's base URL for links.
    pub(crate) fn deliver_config(&self, public_url: &str) -> anyhow::Result<polmon_deliver::DeliverConfig> {
        let smtp = if self.smtp.url.trim().is_empty() {
            None
        } else {
            Some(polmon_deliver::SmtpConfig::new(self.smtp.url.trim(), &self.smtp.from)?)
        };
        let d = &self.deliver;
        Ok(polmon_deliver::DeliverConfig {
            public_url: public_url.trim_end_matches('/').to_owned(),
            allow_private: self.allow_private,
            smtp,
            timeout: Duration::from_secs(d.timeout_secs.max(1)),
            retry_base: Duration::from_secs(d.retry_base_secs.max(1)),
            retry_max: Duration::from_secs(d.retry_max_secs.max(1)),
            give_up_after: Duration::from_secs(d.give_up_hours.max(1) * 3_600),
            poll_interval: Duration::from_millis(d.poll_interval_ms.max(50)),
        })
    }

    /// The site's base URL for links in alerts: `serve.public_url`, else `http://{serve.addr}`.
    pub(crate) fn site_url(&self) -> anyhow::Result<String> {
        let url = self.serve.public_url()?;
        Ok(if url.is_empty() { format!("http://{}", self.serve.addr) } else { url })
    }

    /// Refuses to fetch from the web anonymously: site owners must be able to reach the
    /// operator of a crawler (the User-Agent names `fetch.contact_url`).
    pub(crate) fn require_contact(&self) -> anyhow::Result<()> {
        if self.fetch.contact_url.trim().is_empty() {
            bail!(
                "set `contact_url` in the [fetch] section of polmon.toml (or POLMON_FETCH_CONTACT_URL): \\
                 a URL or mailto: address where the owners of the sites you crawl can reach you; \\
                 it goes into the User-Agent"
            );
        }
        Ok(())
    }
}

fn bool_or_01<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Int(i64),
    }
    match B::deserialize(d)? {
        B::Bool(b) => Ok(b),
        B::Int(0) => Ok(false),
        B::Int(1) => Ok(true),
        B::Int(n) => Err(serde::de::Error::custom(format!("expected true, false, 1 or 0, got {n}"))),
    }
}

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the configuration {}", path.display()))?;
    text.parse::<toml::Table>().map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e))
}

/// `POLMON_FETCH_CONTACT_URL` → `(Some("fetch"), "contact_url")`; `POLMON_DATA` →
/// `(None, "data")`; `None` for variables that are not settings.
fn env_key(name: &str) -> Option<(Option<String>, String)> {
    if let Some((_, section, key)) = ALIASES.iter().find(|(n, _, _)| *n == name) {
        return Some((Some((*section).to_owned()), (*key).to_owned()));
    }
    let lower = name.strip_prefix("POLMON_")?.to_ascii_lowercase();
    for section in SECTIONS {
        if let Some(key) = lower.strip_prefix(section).and_then(|k| k.strip_prefix('_')) {
            return Some((Some((*section).to_owned()), key.to_owned()));
        }
    }
    TOP_LEVEL.contains(&lower.as_str()).then_some((None, lower))
}

/// An environment value as TOML where it parses as a number, boolean or array, else as
/// a string.
fn parse_env_value(raw: &str) -> toml::Value {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => return toml::Value::Boolean(true),
        "false" | "no" | "off" => return toml::Value::Boolean(false),
        _ => {}
    }
    match format!("v = {raw}").parse::<toml::Table>() {
        Ok(mut t) => match t.remove("v") {
            Some(v @ (toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) | toml::Value::Array(_))) => v,
            _ => toml::Value::String(raw.to_owned()),
        },
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("p.toml");
        std::fs::write(&f, "data = \"/srv/polmon\"\n[fetch]\ncontact_url = \"mailto:a@b.example\"\nper_host_delay = 2.5\n[serve]\naddr = \"0.0.0.0:80\"\n").unwrap();
        let vars = env(&[
            ("POLMON_SERVE_ADDR", "127.0.0.1:9000"),
            ("POLMON_CRAWL_MAX_ITEMS_AT_ONCE", "2"),
            ("POLMON_CRAWL_MIN_INTERVAL_SECS", "2"),
            ("POLMON_ALLOW_PRIVATE", "1"),
            ("POLMON_REFERENCE", "/elsewhere"),
            ("HOME", "/root"),
        ]);
        let c = Config::load_from(Some(&f), &vars).unwrap();
        assert!(c.allow_private);
        assert_eq!(c.data, PathBuf::from("/srv/polmon"));
        assert_eq!(c.fetch.contact_url, "mailto:a@b.example");
        assert_eq!(c.fetch.per_host_delay, Duration::from_millis(2500));
        assert_eq!(c.serve.addr, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(c.crawl.max_items_at_once, 2);
        assert_eq!(c.crawl_config().policy.min_interval, 2);
        assert_eq!(c.serve.public_url().unwrap(), "");
        // The printed form reads back the same.
        let again: Config = toml::from_str(&c.to_toml()).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn unknown_keys_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("p.toml");
        std::fs::write(&f, "[fetch]\ncontact_ulr = \"x\"\n").unwrap();
        let e = Config::load_from(Some(&f), &[]).unwrap_err().to_string();
        assert!(e.contains("contact_ulr") && e.contains("p.toml"), "{e}");
        let e = Config::load_from(None, &env(&[("POLMON_SERVE_PORT", "80")])).unwrap_err().to_string();
        assert!(e.contains("port"), "{e}");
        let e = Config::load_from(None, &env(&[("POLMON_SERVE_ADDR", "not an address")])).unwrap_err().to_string();
        assert!(e.contains("addr") || e.contains("address"), "{e}");
    }

    #[test]
    fn public_url_from_the_environment() {
        let c = Config::load_from(None, &env(&[("POLMON_SERVE_PUBLIC_URL", "https://news.example/")])).unwrap();
        assert_eq!(c.serve.public_url().unwrap(), "https://news.example");
        let c = Config::load_from(None, &env(&[("POLMON_SERVE_PUBLIC_URL", "news.example")])).unwrap();
        assert!(c.serve.public_url().unwrap_err().to_string().contains("public_url"));
    }

    #[test]
    fn crawling_needs_a_contact() {
        let c = Config::default();
        assert!(c.require_contact().unwrap_err().to_string().contains("contact_url"));
    }
}
