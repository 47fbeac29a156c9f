//! Webhooks: a JSON POST signed with the watch's secret.
//!
//! Headers: `Content-Type: application/json`, `X-Polmon-Signature: sha256=<hex HMAC-SHA256
//! of the body with the watch's secret>`, `Idempotency-Key` (the same on every attempt).
//! 2xx is delivered; 429, 5xx, timeouts and connection failures are retried; any other
//! status (redirects are not followed) and an address the guard refuses are permanent.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use polmon_fetch::{guarded_client_builder, parse_retry_after, refused_address, AddressPolicy};
use polmon_store::Delivery;
use sha2::Sha256;

use crate::render::{json_body, Content};
use crate::{Attempt, DeliverError};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Polmon-Signature";

/// `sha256=<hex>` of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Sends webhooks through the fetcher's address guard.
#[derive(Debug, Clone)]
pub(crate) struct WebhookSender {
    client: reqwest::Client,
    policy: Arc<AddressPolicy>,
}

impl WebhookSender {
    pub(crate) fn new(allow_private: bool, timeout: Duration) -> Result<WebhookSender, DeliverError> {
        let policy = Arc::new(AddressPolicy { allow_private, allowed_addresses: Vec::new() });
        let client = guarded_client_builder(Arc::clone(&policy))
            .user_agent(concat!("PoliticsMonitor/", env!("CARGO_PKG_VERSION"), " (webhook)"))
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| DeliverError::Client(e.to_string()))?;
        Ok(WebhookSender { client, policy })
    }

    pub(crate) async fn send(&self, d: &Delivery, c: &Content, public_url: &str) -> Attempt {
        let Some(hook) = c.watch.webhook.as_deref() else {
            return Attempt::Permanent { reason: "the watch has no webhook any more".into() };
        };
        let url = match polmon_watch::check_webhook(hook) {
            Ok(u) => u,
            Err(e) => return Attempt::Permanent { reason: e.to_string() },
        };
        if let Err((ip, class)) = self.policy.check_url(&url) {
            return Attempt::Permanent {
                reason: format!("webhook address {ip} is {class:?}, refused (allow with --allow-private)"),
            };
        }
        let body = json_body(c, &d.idempotency_key, public_url);
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature(&c.watch.secret, body.as_bytes()))
            .header("Idempotency-Key", &d.idempotency_key)
            .body(body);
        match request.send().await {
            Ok(resp) => classify(resp.status(), resp.headers().get(reqwest::header::RETRY_AFTER)),
            Err(e) => match refused_address(&e) {
                Some(refused) => Attempt::Permanent { reason: format!("{refused}, refused (allow with --allow-private)") },
                None if e.is_timeout() => Attempt::Retry { reason: "timed out".into(), retry_after: None },
                None => Attempt::Retry { reason: format!("request failed: {e}"), retry_after: None },
            },
        }
    }
}

fn classify(status: reqwest::StatusCode, retry_after: Option<&reqwest::header::HeaderValue>) -> Attempt {
    if status.is_success() {
        return Attempt::Sent;
    }
    let reason = format!("HTTP {status}");
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        let retry_after = retry_after.and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, SystemTime::now()));
        Attempt::Retry { reason, retry_after }
    } else {
        Attempt::Permanent { reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn statuses_are_sent_retried_or_permanent() {
        use reqwest::StatusCode as S;
        assert_eq!(classify(S::NO_CONTENT, None), Attempt::Sent);
        let v = reqwest::header::HeaderValue::from_static("7");
        assert_eq!(
            classify(S::TOO_MANY_REQUESTS, Some(&v)),
            Attempt::Retry { reason: "HTTP 429 Too Many Requests".into(), retry_after: Some(Duration::from_secs(7)) }
        );
        assert!(matches!(classify(S::BAD_GATEWAY, None), Attempt::Retry { .. }));
        assert!(matches!(classify(S::NOT_FOUND, None), Attempt::Permanent { .. }));
        assert!(matches!(classify(S::MOVED_PERMANENTLY, None), Attempt::Permanent { .. }));
    }
}
