//! The fetcher's configuration: one documented struct with defaults,
//! deserialisable (durations in seconds, unknown keys rejected).

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How the fetcher identifies itself, how long it waits, how much it reads,
/// how politely it crawls and which addresses it may reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Product name and version in the User-Agent, e.g. `PoliticsMonitor/0.1`.
    /// Its first `/`-separated part is the token robots.txt groups are matched against.
    pub product: String,
    /// Contact URL put in the User-Agent so site owners can reach the operator.
    pub contact_url: String,
    /// Time allowed to establish a TCP/TLS connection.
    #[serde(with = "secs")]
    pub connect_timeout: Duration,
    /// Longest silence allowed while waiting for response bytes.
    #[serde(with = "secs")]
    pub read_timeout: Duration,
    /// Cap on one request, from connect to the last body byte.
    #[serde(with = "secs")]
    pub request_timeout: Duration,
    /// Cap on a whole fetch: every attempt, the waits between retries, every
    /// redirect hop and every body read, together. A server trickling a byte
    /// every few seconds defeats `read_timeout` and would otherwise cost
    /// `request_timeout` × attempts; past this deadline the fetch fails with
    /// [`FetchError::Deadline`](crate::FetchError::Deadline) (transient). Waiting
    /// for the host's politeness turn (per-host delay, `Crawl-delay`) or a
    /// concurrency permit is not counted. The robots.txt fetch a page may
    /// trigger has its own deadline of the same length.
    #[serde(with = "secs")]
    pub total_timeout: Duration,
    /// Largest body read (after decompression); larger bodies are cut and reported.
    pub max_body_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Retries after the first attempt on 5xx, timeouts and connection errors.
    pub max_retries: u32,
    /// First retry delay; doubles each retry, with jitter.
    #[serde(with = "secs")]
    pub retry_base_delay: Duration,
    /// Cap of a single retry delay.
    #[serde(with = "secs")]
    pub retry_max_delay: Duration,
    /// Minimum time between two requests to the same host (robots.txt
    /// `Crawl-delay` can raise it). Zero for benchmarks.
    #[serde(with = "secs")]
    pub per_host_delay: Duration,
    /// Requests in flight at once, over all hosts.
    pub max_concurrency: usize,
    /// Obey robots.txt.
    pub respect_robots: bool,
    /// How long a fetched robots.txt (or a 4xx "allow all") is trusted.
    #[serde(with = "secs")]
    pub robots_ttl: Duration,
    /// How long a host whose robots.txt answered 5xx (or failed) is left alone.
    #[serde(with = "secs")]
    pub robots_error_ttl: Duration,
    /// Largest `Crawl-delay` honoured; longer ones are capped to this.
    #[serde(with = "secs")]
    pub max_crawl_delay: Duration,
    /// Allow loopback, private, link-local and other non-public addresses.
    pub allow_private: bool,
    /// Non-public addresses allowed anyway (an intranet mirror, a test server).
    pub allowed_addresses: Vec<IpAddr>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            product: concat!("PoliticsMonitor/", env!("CARGO_PKG_VERSION")).to_owned(),
            contact_url: "https://example.invalid/politics-monitor/contact".to_owned(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(60),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            max_retries: 2,
            retry_base_delay: Duration::from_millis(500),
            retry_max_delay: Duration::from_secs(30),
            per_host_delay: Duration::from_secs(1),
            max_concurrency: 16,
            respect_robots: true,
            robots_ttl: Duration::from_secs(24 * 3600),
            robots_error_ttl: Duration::from_secs(3600),
            max_crawl_delay: Duration::from_secs(60),
            allow_private: false,
            allowed_addresses: Vec::new(),
        }
    }
}

impl FetchConfig {
    /// The User-Agent header: `PoliticsMonitor/0.1 (+https://contact)`.
    pub fn user_agent(&self) -> String {
        if self.contact_url.is_empty() {
            self.product.clone()
        } else {
            format!("{} (+{})", self.product, self.contact_url)
        }
    }

    /// The product token robots.txt groups are matched against.
    pub fn robots_token(&self) -> &str {
        self.product.split('/').next().unwrap_or(&self.product)
    }
}

mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_product_and_contact() {
        let c = FetchConfig { product: "PoliticsMonitor/1.2".into(), contact_url: "https://pm.example/bot".into(), ..Default::default() };
        assert_eq!(c.user_agent(), "PoliticsMonitor/1.2 (+https://pm.example/bot)");
        assert_eq!(c.robots_token(), "PoliticsMonitor");
    }

    #[test]
    fn deserialises_seconds_and_rejects_unknown_keys() {
        let c: FetchConfig = serde_json::from_str(r#"{"per_host_delay": 0.25, "max_redirects": 3, "allowed_addresses": ["10.0.0.5"]}"#).unwrap();
        assert_eq!(c.per_host_delay, Duration::from_millis(250));
        assert_eq!(c.max_redirects, 3);
        assert_eq!(c.max_body_bytes, 10 * 1024 * 1024, "defaults fill the rest");
        assert_eq!(c.total_timeout, Duration::from_secs(30));
        let c: FetchConfig = serde_json::from_str(r#"{"total_timeout": 5}"#).unwrap();
        assert_eq!(c.total_timeout, Duration::from_secs(5));
        assert!(serde_json::from_str::<FetchConfig>(r#"{"per_host_dealy": 1}"#).is_err());
        assert!(serde_json::from_str::<FetchConfig>(r#"{"read_timeout": -1}"#).is_err());
    }
}
