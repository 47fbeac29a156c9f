//! Watches, their matches and the outbox of deliveries.
//!
//! A match and the outbox rows it causes are written in the transaction that stores the
//! article ([`Store::upsert_article_with`]), so no crash can lose an alert. A deliverer
//! (any process on the data folder) claims due rows with a lease ([`Store::claim_deliveries`]):
//! a row whose sender died becomes due again when its lease ends, and is sent again with the
//! same idempotency key.

use polmon_model::Article;
use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::articles::{summary_from_row, SUMMARY_COLUMNS_A};
use crate::{unix_now, ArticleKey, ArticleSummary, Digest, Store, StoreError, Upsert};

/// A watch to add. The spec is the JSON of a validated `polmon_watch::WatchSpec`.
#[derive(Debug, Clone, Default)]
pub struct NewWatch {
    /// A name for people.
    pub name: String,
    /// The spec as JSON.
    pub spec_json: String,
    /// Where to POST each match.
    pub webhook: Option<String>,
    /// Where to e-mail matches.
    pub email: Option<String>,
    /// E-mail a digest instead of one message per match.
    pub digest: Option<Digest>,
    /// Deliver only when at least `.0` articles matched within `.1` hours.
    pub burst: Option<(u32, u32)>,
}

/// A stored watch with its counts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WatchRecord {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The spec as JSON.
    pub spec_json: String,
    /// The secret that opens its matches page and feed and signs its webhooks.
    #[serde(skip)]
    pub secret: String,
    /// Webhook URL.
    pub webhook: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Digest schedule (`hourly`, `daily@HH:MM`).
    pub digest: Option<String>,
    /// When it was added, ISO 8601.
    pub created_at: String,
    /// Articles matched so far.
    pub matches: u64,
    /// Deliveries waiting or being retried.
    pub pending: u64,
    /// Deliveries given up (dead-lettered).
    pub dead: u64,
}

/// A match to record, as computed by the caller once the article id is known.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMatch {
    /// The watch.
    pub watch_id: i64,
    /// What matched, as JSON.
    pub matched_json: String,
}

/// A stored match with its article.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRecord {
    /// The article.
    pub article: ArticleSummary,
    /// What matched, as JSON.
    pub matched_json: String,
    /// When it matched (Unix time).
    pub at: i64,
}

/// How a delivery is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// HTTP POST to the watch's webhook.
    Webhook,
    /// E-mail to the watch's address.
    Email,
}

impl Channel {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Email => "email",
        }
    }
}

/// What a delivery carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// One article.
    Article(i64),
    /// The matches of `[start, end)` (Unix times).
    Digest {
        /// Period start.
        start: i64,
        /// Period end.
        end: i64,
    },
}

/// An outbox row claimed for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Outbox id.
    pub id: i64,
    /// The watch.
    pub watch_id: i64,
    /// What to send.
    pub payload: Payload,
    /// How.
    pub channel: Channel,
    /// The same on every attempt of this delivery.
    pub idempotency_key: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// When the row was written (Unix time).
    pub created_at: i64,
}

/// A delivery given up, for the watches page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeadDelivery {
    /// Outbox id.
    pub id: i64,
    /// The watch.
    pub watch_id: i64,
    /// The article, for a per-article delivery.
    pub article_id: Option<i64>,
    /// Channel.
    pub channel: Channel,
    /// Attempts made.
    pub attempts: u32,
    /// The last error.
    pub last_error: Option<String>,
}

const WATCH_COLUMNS: &str = "w.id, w.name, w.spec, w.secret, w.webhook, w.email, w.digest, w.created_at,
    (SELECT count(*) FROM watch_matches m WHERE m.watch_id = w.id),
    (SELECT count(*) FROM outbox o WHERE o.watch_id = w.id AND o.state = 'pending'),
    (SELECT count(*) FROM outbox o WHERE o.watch_id = w.id AND o.state = 'dead')";

fn watch_from_row(r: &Row<'_>) -> rusqlite::Result<WatchRecord> {
    Ok(WatchRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        spec_json: r.get(2)?,
        secret: r.get(3)?,
        webhook: r.get(4)?,
        email: r.get(5)?,
        digest: r.get(6)?,
        created_at: r.get(7)?,
        matches: r.get::<_, i64>(8)? as u64,
        pending: r.get::<_, i64>(9)? as u64,
        dead: r.get::<_, i64>(10)? as u64,
    })
}

/// `n` random bytes from the operating system, as lowercase hex.
fn random_hex(n: usize) -> Result<String, StoreError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Store {
    /// Adds a watch; returns its id and secret token.
    pub fn add_watch(&self, w: &NewWatch) -> Result<(i64, String), StoreError> {
        let secret = random_hex(24)?;
        let key_prefix = random_hex(8)?;
        self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO watches (name, spec, secret, key_prefix, webhook, email, digest, burst_min, burst_hours, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    w.name, w.spec_json, secret, key_prefix, w.webhook, w.email,
                    w.digest.map(|d| d.to_string()), w.burst.map(|b| b.0), w.burst.map(|b| b.1), crate::now_rfc3339()
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute("UPDATE watch_changes SET version = version + 1", [])?;
            tx.commit()?;
            Ok((id, secret))
        })
    }

    /// Removes a watch with its matches and pending deliveries; false if there was none.
    pub fn remove_watch(&self, id: i64) -> Result<bool, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let n = tx.execute("DELETE FROM watches WHERE id = ?1", [id])?;
            tx.execute("UPDATE watch_changes SET version = version + 1", [])?;
            tx.commit()?;
            Ok(n > 0)
        })
    }

    /// Every watch, oldest first.
    pub fn watches(&self) -> Result<Vec<WatchRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!("SELECT {WATCH_COLUMNS} FROM watches w ORDER BY w.id"))?;
            let rows = stmt.query_map([], watch_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// One watch.
    pub fn watch(&self, id: i64) -> Result<Option<WatchRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT {WATCH_COLUMNS} FROM watches w WHERE w.id = ?1"))?
                .query_row([id], watch_from_row)
                .optional()?)
        })
    }

    /// A number that changes whenever a watch is added or removed, by any process: cheap
    /// enough to ask before every article.
    pub fn watches_version(&self) -> Result<i64, StoreError> {
        self.read(|conn| Ok(conn.prepare_cached("SELECT version FROM watch_changes")?.query_row([], |r| r.get(0))?))
    }

    /// A watch's matches, newest first.
    pub fn watch_matches(&self, watch_id: i64, limit: usize, offset: usize) -> Result<Vec<MatchRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS_A}, m.matched, m.at FROM watch_matches m JOIN articles a ON a.id = m.article_id
                 WHERE m.watch_id = ?1 ORDER BY m.at DESC, m.article_id DESC LIMIT ?2 OFFSET ?3"
            ))?;
            let rows = stmt.query_map(params![watch_id, limit as i64, offset as i64], match_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// A watch's matches recorded in `[start, end)`, oldest first (a digest's content).
    pub fn watch_matches_between(&self, watch_id: i64, start: i64, end: i64) -> Result<Vec<MatchRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS_A}, m.matched, m.at FROM watch_matches m JOIN articles a ON a.id = m.article_id
                 WHERE m.watch_id = ?1 AND m.at >= ?2 AND m.at < ?3 ORDER BY m.at, m.article_id"
            ))?;
            let rows = stmt.query_map(params![watch_id, start, end], match_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The match of one watch and article.
    pub fn watch_match(&self, watch_id: i64, article_id: i64) -> Result<Option<MatchRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {SUMMARY_COLUMNS_A}, m.matched, m.at FROM watch_matches m JOIN articles a ON a.id = m.article_id
                     WHERE m.watch_id = ?1 AND m.article_id = ?2"
                ))?
                .query_row(params![watch_id, article_id], match_from_row)
                .optional()?)
        })
    }

    /// Like [`upsert_article`](Self::upsert_article), and for an inserted or changed article
    /// records the matches `matches(id)` returns, with their deliveries, in the same
    /// transaction. A (watch, article) pair already matched keeps its one delivery: an
    /// updated article refreshes what matched but is not delivered again.
    pub fn upsert_article_with(
        &self,
        key: &ArticleKey,
        a: &Article,
        matches: &dyn Fn(i64) -> Vec<NewMatch>,
    ) -> Result<Upsert, StoreError> {
        self.store_article(key, a, matches, None)
    }

    /// Claims up to `limit` due deliveries for `lease_secs` seconds: another deliverer will
    /// not take them before the lease ends, and will take them then if they were neither
    /// recorded as sent nor rescheduled (their sender died).
    pub fn claim_deliveries(&self, lease_secs: i64, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let now = unix_now();
        self.write(|conn| {
            let mut stmt = conn.prepare_cached(
                "UPDATE outbox SET next_attempt = ?1 + ?2, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt <= ?1
                              ORDER BY next_attempt, id LIMIT ?3)
                 RETURNING id, watch_id, article_id, digest_start, digest_end, channel, idempotency_key, attempts, created_at",
            )?;
            let rows = stmt.query_map(params![now, lease_secs, limit as i64], |r| {
                let payload = match r.get::<_, Option<i64>>(2)? {
                    Some(id) => Payload::Article(id),
                    None => Payload::Digest { start: r.get(3)?, end: r.get(4)? },
                };
                let channel: String = r.get(5)?;
                Ok(Delivery {
                    id: r.get(0)?,
                    watch_id: r.get(1)?,
                    payload,
                    channel: if channel == "email" { Channel::Email } else { Channel::Webhook },
                    idempotency_key: r.get(6)?,
                    attempts: r.get(7)?,
                    created_at: r.get(8)?,
                })
            })?;
            let mut out: Vec<Delivery> = rows.collect::<Result<_, _>>()?;
            out.sort_by_key(|d| d.id);
            Ok(out)
        })
    }

    /// Records a delivery as sent.
    pub fn delivery_sent(&self, id: i64) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = NULL WHERE id = ?1",
                params![id, unix_now()],
            )?;
            Ok(())
        })
    }

    /// Records a failed attempt: tried again at `retry_at` (Unix time), or given up
    /// (dead-lettered) when `None`.
    pub fn delivery_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<(), StoreError> {
        self.write(|conn| {
            match retry_at {
                Some(t) => conn.execute(
                    "UPDATE outbox SET next_attempt = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, t, error],
                )?,
                None => conn.execute("UPDATE outbox SET state = 'dead', last_error = ?2 WHERE id = ?1", params![id, error])?,
            };
            Ok(())
        })
    }

    /// The soonest time a pending delivery is due (Unix time), if any.
    pub fn next_delivery_due(&self) -> Result<Option<i64>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT min(next_attempt) FROM outbox WHERE state = 'pending'")?
                .query_row([], |r| r.get(0))?)
        })
    }

    /// Deliveries given up, newest first.
    pub fn dead_deliveries(&self, limit: usize) -> Result<Vec<DeadDelivery>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, watch_id, article_id, channel, attempts, last_error FROM outbox
                 WHERE state = 'dead' ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                let channel: String = r.get(3)?;
                Ok(DeadDelivery {
                    id: r.get(0)?,
                    watch_id: r.get(1)?,
                    article_id: r.get(2)?,
                    channel: if channel == "email" { Channel::Email } else { Channel::Webhook },
                    attempts: r.get(4)?,
                    last_error: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

fn match_from_row(r: &Row<'_>) -> rusqlite::Result<MatchRecord> {
    Ok(MatchRecord { article: summary_from_row(r)?, matched_json: r.get(10)?, at: r.get(11)? })
}

struct WatchDelivery {
    key_prefix: String,
    webhook: bool,
    email: bool,
    digest: Option<String>,
    burst: Option<(i64, i64)>,
}

/// Writes the matches of article `article_id` and, for each new pair, its deliveries.
pub(crate) fn record_matches(tx: &Transaction<'_>, article_id: i64, matches: &[NewMatch]) -> Result<(), StoreError> {
    let now = unix_now();
    for m in matches {
        let watch = tx
            .prepare_cached(
                "SELECT key_prefix, webhook IS NOT NULL, email IS NOT NULL, digest, burst_min, burst_hours
                 FROM watches WHERE id = ?1",
            )?
            .query_row([m.watch_id], |r| {
                let burst: (Option<i64>, Option<i64>) = (r.get(4)?, r.get(5)?);
                Ok(WatchDelivery {
                    key_prefix: r.get(0)?,
                    webhook: r.get(1)?,
                    email: r.get(2)?,
                    digest: r.get(3)?,
                    burst: burst.0.zip(burst.1),
                })
            })
            .optional()?;
        // Removed since the caller's matcher was built.
        let Some(watch) = watch else { continue };
        let inserted = tx
            .prepare_cached("INSERT OR IGNORE INTO watch_matches (watch_id, article_id, matched, at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![m.watch_id, article_id, m.matched_json, now])?;
        if inserted == 0 {
            tx.prepare_cached("UPDATE watch_matches SET matched = ?3 WHERE watch_id = ?1 AND article_id = ?2")?
                .execute(params![m.watch_id, article_id, m.matched_json])?;
            continue;
        }
        if let Some((min, hours)) = watch.burst {
            let since = now - hours * 3_600;
            let recent: i64 = tx
                .prepare_cached("SELECT count(*) FROM watch_matches WHERE watch_id = ?1 AND at > ?2")?
                .query_row(params![m.watch_id, since], |r| r.get(0))?;
            let alerted: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM outbox WHERE watch_id = ?1 AND article_id IS NOT NULL AND created_at > ?2)",
                )?
                .query_row(params![m.watch_id, since], |r| r.get(0))?;
            // One alert per burst: when the count reaches the minimum, then not again
            // within the window.
            if recent < min || alerted {
                continue;
            }
        }
        let queue = |channel: Channel, payload: Payload, due: i64| -> Result<(), StoreError> {
            let (article, start, end, what) = match payload {
                Payload::Article(id) => (Some(id), None, None, format!("a{id}")),
                Payload::Digest { start, end } => (None, Some(start), Some(end), format!("d{end}")),
            };
            let key = format!("polmon-{}-w{}-{what}-{}", watch.key_prefix, m.watch_id, channel.as_str());
            tx.prepare_cached(
                "INSERT OR IGNORE INTO outbox (watch_id, article_id, digest_start, digest_end, channel,
                    idempotency_key, next_attempt, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![m.watch_id, article, start, end, channel.as_str(), key, due, now])?;
            Ok(())
        };
        if watch.webhook {
            queue(Channel::Webhook, Payload::Article(article_id), now)?;
        }
        if watch.email {
            match watch.digest.as_deref().map(str::parse::<Digest>).transpose()? {
                Some(d) => {
                    let (start, end) = d.period_of(now);
                    queue(Channel::Email, Payload::Digest { start, end }, end)?;
                }
                None => queue(Channel::Email, Payload::Article(article_id), now)?,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str) -> (ArticleKey, Article) {
        let key = ArticleKey { dedup_key: format!("url:{title}"), content_hash: format!("h-{title}") };
        (key, Article { title: title.into(), text: format!("{title} body"), category: "politics".into(), ..Default::default() })
    }

    fn watch(webhook: bool, email: bool, digest: Option<&str>) -> NewWatch {
        NewWatch {
            name: "w".into(),
            spec_json: r#"{"query":"x"}"#.into(),
            webhook: webhook.then(|| "https://example.org/hook".into()),
            email: email.then(|| "press@example.org".into()),
            digest: digest.map(|d| d.parse().unwrap()),
            burst: None,
        }
    }

    fn all_match(ids: Vec<i64>) -> impl Fn(i64) -> Vec<NewMatch> {
        move |_| ids.iter().map(|&watch_id| NewMatch { watch_id, matched_json: r#"{"terms":["x"]}"#.into() }).collect()
    }

    #[test]
    fn a_match_and_its_deliveries_are_written_once_per_pair() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let v0 = store.watches_version().unwrap();
        let (w1, secret) = store.add_watch(&watch(true, true, None)).unwrap();
        let (w2, _) = store.add_watch(&watch(false, false, None)).unwrap();
        assert_eq!(secret.len(), 48);
        assert_ne!(store.watches_version().unwrap(), v0);
        let (k, a) = article("One");
        let id = store.upsert_article_with(&k, &a, &all_match(vec![w1, w2])).unwrap().id();
        let claimed = store.claim_deliveries(60, 10).unwrap();
        assert_eq!(claimed.len(), 2, "webhook and e-mail for w1, nothing to deliver for w2");
        assert!(claimed.iter().all(|d| d.payload == Payload::Article(id) && d.watch_id == w1 && d.attempts == 1));
        assert_ne!(claimed[0].idempotency_key, claimed[1].idempotency_key);
        // Claimed rows are leased: nobody else gets them.
        assert!(store.claim_deliveries(60, 10).unwrap().is_empty());
        // The article changes: matched again, no second delivery.
        let (mut k2, mut a2) = (k.clone(), a.clone());
        k2.content_hash = "h-changed".into();
        a2.text = "changed".into();
        let called = std::cell::Cell::new(false);
        let matches = all_match(vec![w1]);
        store.upsert_article_with(&k2, &a2, &|id| { called.set(true); matches(id) }).unwrap();
        assert!(called.get());
        assert_eq!(store.watch(w1).unwrap().unwrap().pending, 2);
        assert_eq!(store.watch(w1).unwrap().unwrap().matches, 1);
        // Unchanged: not matched at all.
        called.set(false);
        store.upsert_article_with(&k2, &a2, &|id| { called.set(true); matches(id) }).unwrap();
        assert!(!called.get());
        assert_eq!(store.watch_matches(w1, 10, 0).unwrap()[0].article.id, id);
        assert_eq!(store.watch_matches(w2, 10, 0).unwrap().len(), 1);
    }

    #[test]
    fn expired_leases_are_claimed_again_with_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (w, _) = store.add_watch(&watch(true, false, None)).unwrap();
        let (k, a) = article("One");
        store.upsert_article_with(&k, &a, &all_match(vec![w])).unwrap();
        let first = store.claim_deliveries(-1, 10).unwrap();
        let again = store.claim_deliveries(60, 10).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].idempotency_key, first[0].idempotency_key);
        assert_eq!(again[0].attempts, 2);
        store.delivery_failed(again[0].id, "HTTP 500", Some(0)).unwrap();
        let third = store.claim_deliveries(60, 10).unwrap();
        store.delivery_failed(third[0].id, "HTTP 404", None).unwrap();
        assert!(store.claim_deliveries(60, 10).unwrap().is_empty());
        let dead = store.dead_deliveries(10).unwrap();
        assert_eq!((dead.len(), dead[0].attempts, dead[0].last_error.as_deref()), (1, 3, Some("HTTP 404")));
        assert_eq!(store.watch(w).unwrap().unwrap().dead, 1);
        assert_eq!(store.next_delivery_due().unwrap(), None);
    }

    #[test]
    fn digests_collect_a_period_into_one_delivery_due_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (w, _) = store.add_watch(&watch(false, true, Some("hourly"))).unwrap();
        for t in ["One", "Two", "Three"] {
            let (k, a) = article(t);
            store.upsert_article_with(&k, &a, &all_match(vec![w])).unwrap();
        }
        assert!(store.claim_deliveries(60, 10).unwrap().is_empty(), "not due before the hour ends");
        let due = store.next_delivery_due().unwrap().unwrap();
        assert_eq!(due % 3_600, 0);
        let (start, end) = Digest::Hourly.period_of(unix_now());
        assert_eq!(due, end);
        assert_eq!(store.watch_matches_between(w, start, end).unwrap().len(), 3);
    }

    #[test]
    fn a_burst_watch_alerts_once_when_the_minimum_is_reached() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (w, _) = store.add_watch(&NewWatch { burst: Some((3, 6)), ..watch(true, false, None) }).unwrap();
        let mut delivered = Vec::new();
        for t in ["One", "Two", "Three", "Four"] {
            let (k, a) = article(t);
            store.upsert_article_with(&k, &a, &all_match(vec![w])).unwrap();
            delivered.push(store.claim_deliveries(60, 10).unwrap().len());
        }
        assert_eq!(delivered, [0, 0, 1, 0]);
    }

    #[test]
    fn removing_a_watch_drops_its_matches_and_deliveries() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (w, _) = store.add_watch(&watch(true, false, None)).unwrap();
        let (k, a) = article("One");
        store.upsert_article_with(&k, &a, &all_match(vec![w])).unwrap();
        let v = store.watches_version().unwrap();
        assert!(store.remove_watch(w).unwrap());
        assert!(!store.remove_watch(w).unwrap());
        assert_ne!(store.watches_version().unwrap(), v);
        assert!(store.claim_deliveries(60, 10).unwrap().is_empty());
        // A matcher built before the removal: its match is dropped, not an error.
        let (k, a) = article("Two");
        store.upsert_article_with(&k, &a, &all_match(vec![w])).unwrap();
        assert!(store.watches().unwrap().is_empty());
    }
}
