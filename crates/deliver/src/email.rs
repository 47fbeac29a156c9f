//! E-mail over SMTP (lettre): multipart plain text and HTML, one message per match or a
//! digest. `smtp://host:port` uses STARTTLS when the server offers it; `smtps://` is TLS
//! from the start; user and password in the URL are used to log in. Each message's
//! `Message-ID` is built from the delivery's idempotency key, so a repeat is recognisable.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use polmon_store::{Delivery, Payload};

use crate::render::{html_body, subject, text_body, Content};
use crate::{Attempt, DeliverError};

/// Where and as whom e-mail is sent.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    host: String,
    port: u16,
    implicit_tls: bool,
    credentials: Option<(String, String)>,
    from: Mailbox,
}

impl SmtpConfig {
    /// Reads `url` (`smtp://[user:pass@]host[:port]`, `smtps://...`) and the sender address.
    pub fn new(url: &str, from: &str) -> Result<SmtpConfig, DeliverError> {
        let bad = |why: String| DeliverError::Smtp(why);
        let u = url::Url::parse(url).map_err(|e| bad(format!("url {url:?}: {e}")))?;
        let implicit_tls = match u.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(bad(format!("url {url:?}: scheme {other:?}, expected smtp or smtps"))),
        };
        let host = u.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad(format!("url {url:?} has no host")))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let port = u.port().unwrap_or(if implicit_tls { 465 } else { 587 });
        let credentials = (!u.username().is_empty())
            .then(|| (u.username().to_owned(), u.password().unwrap_or_default().to_owned()));
        let from: Mailbox = from.parse().map_err(|e| bad(format!("from {from:?}: {e}")))?;
        Ok(SmtpConfig { host, port, implicit_tls, credentials, from })
    }

    fn transport(&self, timeout: Duration) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let params = TlsParameters::new(self.host.clone()).map_err(|e| e.to_string())?;
        let tls = if self.implicit_tls { Tls::Wrapper(params) } else { Tls::Opportunistic(params) };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some((user, pass)) = &self.credentials {
            b = b.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(b.build())
    }
}

/// Builds the message of a delivery.
pub(crate) fn message(cfg: &SmtpConfig, d: &Delivery, c: &Content, public_url: &str) -> Result<Message, String> {
    let to: Mailbox = c
        .watch
        .email
        .as_deref()
        .ok_or("the watch has no e-mail address any more")?
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    let digest = matches!(d.payload, Payload::Digest { .. });
    Message::builder()
        .from(cfg.from.clone())
        .to(to)
        .subject(subject(c, digest))
        .message_id(Some(format!("<{}@polmon.invalid>", d.idempotency_key)))
        .multipart(MultiPart::alternative_plain_html(text_body(c, public_url), html_body(c, public_url)))
        .map_err(|e| e.to_string())
}

/// Sends one delivery by e-mail.
pub(crate) async fn send(cfg: &SmtpConfig, d: &Delivery, c: &Content, public_url: &str, timeout: Duration) -> Attempt {
    let msg = match message(cfg, d, c, public_url) {
        Ok(m) => m,
        Err(reason) => return Attempt::Permanent { reason },
    };
    let transport = match cfg.transport(timeout) {
        Ok(t) => t,
        Err(reason) => return Attempt::Retry { reason: format!("SMTP client: {reason}"), retry_after: None },
    };
    match tokio::time::timeout(timeout * 2, transport.send(msg)).await {
        Ok(Ok(_)) => Attempt::Sent,
        Ok(Err(e)) if e.is_permanent() => Attempt::Permanent { reason: format!("SMTP: {e}") },
        Ok(Err(e)) => Attempt::Retry { reason: format!("SMTP: {e}"), retry_after: None },
        Err(_) => Attempt::Retry { reason: "SMTP timed out".into(), retry_after: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_smtp_urls_and_refuses_bad_ones() {
        let c = SmtpConfig::new("smtp://user:pw@127.0.0.1:2525", "Polmon <polmon@example.org>").unwrap();
        assert_eq!((c.host.as_str(), c.port, c.implicit_tls), ("127.0.0.1", 2525, false));
        assert_eq!(c.credentials, Some(("user".into(), "pw".into())));
        assert_eq!(SmtpConfig::new("smtps://mail.example.org", "a@example.org").unwrap().port, 465);
        assert!(SmtpConfig::new("http://x", "a@example.org").unwrap_err().to_string().contains("scheme"));
        assert!(SmtpConfig::new("smtp://x", "not an address").unwrap_err().to_string().contains("from"));
    }
}
