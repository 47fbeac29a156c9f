//! A new watch as a person gives it (the `polmon watch add` flags or the JSON API's body),
//! checked in one place: its name, its question and where its matches go (webhook,
//! e-mail address, digest schedule).
//!
//! Only text is checked here: whether a webhook's host is a private address is decided by
//! the deliverer's address guard when it sends, since names resolve differently over time.

use std::fmt::Display;
use std::str::FromStr;

use lettre::message::Mailbox;

use crate::{WatchError, WatchSpec};

/// The longest watch name accepted, in characters.
pub const MAX_WATCH_NAME_CHARS: usize = 200;
/// The longest e-mail address accepted, in bytes (RFC 5321's limit for a path).
pub const MAX_ADDRESS_BYTES: usize = 254;
/// The longest webhook URL accepted, in bytes.
pub const MAX_WEBHOOK_BYTES: usize = 2_048;

/// A watch to add, as given: nothing checked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchRequest {
    /// A name for people.
    pub name: String,
    /// The question.
    pub spec: WatchSpec,
    /// Where to POST each match.
    pub webhook: Option<String>,
    /// Where to e-mail matches.
    pub email: Option<String>,
    /// A digest schedule (`hourly`, `daily@HH:MM`) instead of one e-mail per match.
    pub digest: Option<String>,
}

/// A watch that passed [`WatchRequest::check`]: name trimmed, spec validated and tidied,
/// digest read as the caller's schedule type `D`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedWatch<D> {
    /// The name, trimmed.
    pub name: String,
    /// The validated spec.
    pub spec: WatchSpec,
    /// An http(s) URL with a host.
    pub webhook: Option<String>,
    /// One e-mail address.
    pub email: Option<String>,
    /// The digest schedule, only with an e-mail address.
    pub digest: Option<D>,
}

impl WatchRequest {
    /// Checks every field and returns the watch ready to store, or the first error, naming
    /// the field. The digest is read with `D`'s parser (the store's schedule type), so that
    /// the one parser of schedules decides what is valid.
    pub fn check<D>(self) -> Result<CheckedWatch<D>, WatchError>
    where
        D: FromStr,
        D::Err: Display,
    {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_WATCH_NAME_CHARS {
            return Err(field("name", format!("must be 1 to {MAX_WATCH_NAME_CHARS} characters")));
        }
        let spec = self.spec.validate()?;
        if let Some(w) = &self.webhook {
            check_webhook(w)?;
        }
        if let Some(e) = &self.email {
            check_address(e)?;
        }
        let digest = match self.digest.as_deref() {
            None => None,
            Some(_) if self.email.is_none() => {
                return Err(field("digest", "needs an e-mail address to send the digest to".into()))
            }
            Some(d) => Some(d.parse::<D>().map_err(|e| field("digest", e.to_string()))?),
        };
        Ok(CheckedWatch { name: name.to_owned(), spec, webhook: self.webhook, email: self.email, digest })
    }
}

impl<D> CheckedWatch<D> {
    /// The burst minimum as `(min_articles, within_hours)`.
    pub fn burst(&self) -> Option<(u32, u32)> {
        self.spec.burst.map(|b| (b.min_articles, b.within_hours))
    }
}

/// Reads a webhook URL: absolute `http` or `https` with a host, at most
/// [`MAX_WEBHOOK_BYTES`].
pub fn check_webhook(webhook: &str) -> Result<url::Url, WatchError> {
    let bad = |why: &str| field("webhook", format!("{webhook:?} {why}"));
    if webhook.len() > MAX_WEBHOOK_BYTES {
        return Err(field("webhook", format!("longer than {MAX_WEBHOOK_BYTES} bytes")));
    }
    let url = url::Url::parse(webhook).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("is not an http(s) URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    Ok(url)
}

/// Checks that `address` is one e-mail address (`name@example.org`, or
/// `Name <name@example.org>`) that the mailer can send to, at most [`MAX_ADDRESS_BYTES`].
pub fn check_address(address: &str) -> Result<(), WatchError> {
    if address.len() > MAX_ADDRESS_BYTES {
        return Err(field("email", format!("longer than {MAX_ADDRESS_BYTES} bytes")));
    }
    address
        .parse::<Mailbox>()
        .map(|_| ())
        .map_err(|e| field("email", format!("{address:?} is not one address like name@example.org ({e})")))
}

fn field(field: &'static str, reason: String) -> WatchError {
    WatchError::Field { field, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schedule type standing in for the store's: only "hourly" is valid.
    #[derive(Debug, PartialEq)]
    struct Hourly;

    impl FromStr for Hourly {
        type Err = String;
        fn from_str(s: &str) -> Result<Hourly, String> {
            if s == "hourly" { Ok(Hourly) } else { Err(format!("{s:?} is not hourly")) }
        }
    }

    fn request() -> WatchRequest {
        WatchRequest {
            name: "  Senate ".into(),
            spec: WatchSpec { query: Some(" sénat ".into()), ..Default::default() },
            webhook: Some("https://hooks.example/x?y=1".into()),
            email: Some("Press Office <press@example.org>".into()),
            digest: Some("hourly".into()),
        }
    }

    fn error(f: impl FnOnce(&mut WatchRequest)) -> String {
        let mut r = request();
        f(&mut r);
        r.check::<Hourly>().unwrap_err().to_string()
    }

    #[test]
    fn a_good_request_is_tidied() {
        let w = request().check::<Hourly>().unwrap();
        assert_eq!(w.name, "Senate");
        assert_eq!(w.spec.query.as_deref(), Some("sénat"));
        assert_eq!(w.digest, Some(Hourly));
        assert_eq!(w.burst(), None);
    }

    #[test]
    fn each_bad_field_is_named() {
        assert!(error(|r| r.name = "  ".into()).contains("watch name"));
        assert!(error(|r| r.name = "n".repeat(201)).contains("1 to 200"));
        assert!(error(|r| r.spec = WatchSpec::default()).contains("needs a query"));
        assert!(error(|r| r.webhook = Some("ftp://hooks.example/x".into())).contains("watch webhook"));
        assert!(error(|r| r.webhook = Some("javascript:alert(1)".into())).contains("http(s)"));
        assert!(error(|r| r.webhook = Some("/relative".into())).contains("is not a URL"));
        assert!(error(|r| r.email = Some("not an address".into())).contains("watch email"));
        assert!(error(|r| r.email = Some("a@example.org, b@example.org".into())).contains("watch email"));
        assert!(error(|r| r.email = Some(format!("{}@example.org", "a".repeat(250)))).contains("longer than 254"));
        assert!(error(|r| r.email = None).contains("digest: needs an e-mail address"));
        assert!(error(|r| r.digest = Some("weekly".into())).contains("digest: \"weekly\" is not hourly"));
    }

    #[test]
    fn addresses_the_mailer_accepts() {
        assert!(check_address("press@example.org").is_ok());
        assert!(check_address("Press Office <press@example.org>").is_ok());
        assert!(check_address("press@").is_err());
        assert!(check_address("press example.org").is_err());
        assert!(check_address("").is_err());
    }
}
