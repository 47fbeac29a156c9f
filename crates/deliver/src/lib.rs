//! The deliverer: sends what the outbox holds, and records what happened.
//!
//! Matches and their outbox rows are written by whoever stores an article (any process on
//! the data folder). The [`Deliverer`] claims due rows with a lease, sends each by
//! [webhook](webhook) (signed JSON POST) or [e-mail](email) (SMTP, plain text and HTML),
//! and records it as sent, to be retried (exponential backoff with jitter, `Retry-After`
//! honoured, for [`DeliverConfig::give_up_after`], 24 h by default) or dead. A delivery is
//! sent again only when its sender died between sending and recording (its lease runs
//! out), and then with the same idempotency key.
//!
//! It owns no schema (the store does) and no matching (`polmon-watch` does).
#![deny(missing_docs)]

pub mod email;
mod error;
mod render;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use polmon_fetch::{retry_delay, Jitter};
use polmon_store::{unix_now, ArticleStore, Channel, Delivery};

pub use email::SmtpConfig;
pub use error::DeliverError;

/// How many deliveries are claimed at a time.
const BATCH: usize = 16;

/// The deliverer's settings.
#[derive(Debug, Clone)]
pub struct DeliverConfig {
    /// The site's absolute base URL (for links to article pages), without a trailing `/`.
    pub public_url: String,
    /// Send webhooks to loopback and private addresses too.
    pub allow_private: bool,
    /// The SMTP server, if e-mail is configured.
    pub smtp: Option<SmtpConfig>,
    /// Timeout of one webhook request or SMTP session.
    pub timeout: Duration,
    /// The first retry delay; doubled at each attempt (with jitter).
    pub retry_base: Duration,
    /// The longest retry delay.
    pub retry_max: Duration,
    /// A delivery still failing this long after it was queued is given up (dead).
    pub give_up_after: Duration,
    /// How often the outbox is looked at for rows other processes wrote.
    pub poll_interval: Duration,
}

impl Default for DeliverConfig {
    fn default() -> Self {
        DeliverConfig {
            public_url: "http://127.0.0.1:8080".into(),
            allow_private: false,
            smtp: None,
            timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3_600),
            give_up_after: Duration::from_secs(24 * 3_600),
            poll_interval: Duration::from_secs(1),
        }
    }
}

impl DeliverConfig {
    /// How long a claimed delivery stays with its sender: longer than any send can take.
    pub fn lease(&self) -> Duration {
        self.timeout * 3 + Duration::from_secs(5)
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Accepted by the receiver.
    Sent,
    /// Failed for a passing reason: try again (not before the receiver's `Retry-After`).
    Retry {
        /// Why.
        reason: String,
        /// The receiver's `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// Failed for good (a 4xx, a refused address, no such recipient).
    Permanent {
        /// Why.
        reason: String,
    },
}

/// What a round of deliveries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Sent.
    pub sent: usize,
    /// To be retried.
    pub retried: usize,
    /// Given up.
    pub dead: usize,
}

/// Sends the outbox of one data folder.
pub struct Deliverer {
    store: Arc<dyn ArticleStore>,
    config: DeliverConfig,
    webhook: webhook::WebhookSender,
    jitter: Jitter,
}

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Deliverer {
    /// A deliverer over `store`.
    pub fn new(store: Arc<dyn ArticleStore>, config: DeliverConfig) -> Result<Deliverer, DeliverError> {
        let webhook = webhook::WebhookSender::new(config.allow_private, config.timeout)?;
        Ok(Deliverer { store, config, webhook, jitter: Jitter::new() })
    }

    /// Sends what is due now, claiming batch after batch until none is left.
    pub async fn drain(&self) -> Result<Report, DeliverError> {
        let mut report = Report::default();
        loop {
            let store = Arc::clone(&self.store);
            let lease = self.config.lease().as_secs() as i64;
            let batch = tokio::task::spawn_blocking(move || store.claim_deliveries(lease, BATCH))
                .await
                .map_err(|e| DeliverError::Task(e.to_string()))??;
            if batch.is_empty() {
                return Ok(report);
            }
            for d in batch {
                match self.deliver(&d).await? {
                    Attempt::Sent => report.sent += 1,
                    Attempt::Retry { .. } => report.retried += 1,
                    Attempt::Permanent { .. } => report.dead += 1,
                }
            }
        }
    }

    /// Runs until `shutdown` resolves: drains, then waits for the next due row or the
    /// poll interval (rows written by other processes), whichever is sooner.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let pause = match self.drain().await {
                Ok(r) => {
                    if r != Report::default() {
                        tracing::info!(target: "polmon::deliver", sent = r.sent, retried = r.retried, dead = r.dead, "delivered");
                    }
                    self.config.poll_interval
                }
                Err(e) => {
                    tracing::warn!(target: "polmon::deliver", error = %e, "delivery round failed");
                    self.config.poll_interval.max(Duration::from_secs(5))
                }
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Sends one claimed delivery and records the outcome.
    async fn deliver(&self, d: &Delivery) -> Result<Attempt, DeliverError> {
        let store = Arc::clone(&self.store);
        let (watch_id, payload) = (d.watch_id, d.payload);
        let content = tokio::task::spawn_blocking(move || render::load(&*store, watch_id, payload))
            .await
            .map_err(|e| DeliverError::Task(e.to_string()))??;
        let attempt = match content {
            // The watch or article is gone: nothing to send.
            None => Attempt::Permanent { reason: "the watch or its matches were removed".into() },
            Some(content) => match d.channel {
                Channel::Webhook => self.webhook.send(d, &content, &self.config.public_url).await,
                Channel::Email => match &self.config.smtp {
                    Some(smtp) => email::send(smtp, d, &content, &self.config.public_url, self.config.timeout).await,
                    None => Attempt::Retry { reason: "no SMTP server configured ([smtp] url)".into(), retry_after: None },
                },
            },
        };
        let now = unix_now();
        let (sent, retry_at, error) = match &attempt {
            Attempt::Sent => (true, None, String::new()),
            Attempt::Retry { reason, retry_after } => {
                let backoff = retry_delay(d.attempts.saturating_sub(1), self.config.retry_base, self.config.retry_max, self.jitter.next());
                let wait = retry_after.map_or(backoff, |r| r.max(backoff.min(Duration::from_secs(1))));
                let at = now + wait.as_secs().max(1) as i64;
                let give_up = d.created_at + self.config.give_up_after.as_secs() as i64;
                (false, (at <= give_up).then_some(at), reason.clone())
            }
            Attempt::Permanent { reason } => (false, None, reason.clone()),
        };
        match (&attempt, retry_at) {
            (Attempt::Sent, _) => tracing::debug!(target: "polmon::deliver", id = d.id, key = %d.idempotency_key, "sent"),
            (_, Some(at)) => tracing::info!(target: "polmon::deliver", id = d.id, attempts = d.attempts, retry_at = at, %error, "will retry"),
            (_, None) => tracing::warn!(target: "polmon::deliver", id = d.id, attempts = d.attempts, %error, "given up"),
        }
        let store = Arc::clone(&self.store);
        let id = d.id;
        tokio::task::spawn_blocking(move || {
            if sent {
                store.delivery_sent(id)
            } else {
                store.delivery_failed(id, &error, retry_at)
            }
        })
        .await
        .map_err(|e| DeliverError::Task(e.to_string()))??;
        Ok(match attempt {
            Attempt::Retry { reason, .. } if retry_at.is_none() => Attempt::Permanent { reason },
            other => other,
        })
    }
}
