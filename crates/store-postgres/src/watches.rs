//! Watches, their matches and the outbox of deliveries, as in the SQLite store: a match
//! and the outbox rows it causes are written in the transaction that stores the article
//! ([`record_matches`], called by `store_article`), so no crash loses an alert; the outbox
//! has the SQLite columns, so a deliverer claims and leases rows the same way.

use std::collections::BTreeMap;

use polmon_store::{
    now_rfc3339, unix_now, Channel, DeadDelivery, Delivery, Digest, MatchRecord, NewMatch, NewWatch, Payload,
    WatchRecord,
};
use postgres::{Row, Statement, Transaction};

use crate::error::refuse_nul;
use crate::pool::PgConnection;
use crate::{PgStore, PgStoreError};

/// Hex digits of a watch's secret (24 random bytes) and of its idempotency-key prefix
/// (8 bytes).
const SECRET_HEX: i32 = 48;
const KEY_PREFIX_HEX: i32 = 16;

/// SQL for `digits` hex digits from the server's strong random source (`gen_random_uuid`,
/// built in since PostgreSQL 13), hashed so that every digit is random.
fn sql_random_hex(digits: i32) -> String {
    format!("left(encode(sha256((gen_random_uuid()::text || gen_random_uuid()::text)::bytea), 'hex'), {digits})")
}

const WATCH_COLUMNS: &str = "w.id, w.name, w.spec, w.secret, w.webhook, w.email, w.digest, w.created_at,
    (SELECT count(*) FROM watch_matches m WHERE m.watch_id = w.id),
    (SELECT count(*) FROM outbox o WHERE o.watch_id = w.id AND o.state = 'pending'),
    (SELECT count(*) FROM outbox o WHERE o.watch_id = w.id AND o.state = 'dead')";

fn match_from_row(r: &Row) -> MatchRecord {
    MatchRecord { article: crate::articles::summary_from_row(r), matched_json: r.get(10), at: r.get(11) }
}

fn watch_from_row(r: &Row) -> WatchRecord {
    WatchRecord {
        id: r.get(0),
        name: r.get(1),
        spec_json: r.get(2),
        secret: r.get(3),
        webhook: r.get(4),
        email: r.get(5),
        digest: r.get(6),
        created_at: r.get(7),
        matches: r.get::<_, i64>(8) as u64,
        pending: r.get::<_, i64>(9) as u64,
        dead: r.get::<_, i64>(10) as u64,
    }
}

impl PgStore {
    /// Adds a watch; returns its id and secret token (48 hex digits from the server's
    /// strong random source).
    pub fn add_watch(&self, w: &NewWatch) -> Result<(i64, String), PgStoreError> {
        refuse_nul(
            &[
                ("name", Some(w.name.as_str())),
                ("spec", Some(w.spec_json.as_str())),
                ("webhook", w.webhook.as_deref()),
                ("e-mail address", w.email.as_deref()),
            ],
            || format!("the watch {:?}", w.name),
        )?;
        let digest = w.digest.map(|d| d.to_string());
        let burst_min = w.burst.map(|b| i64::from(b.0));
        let burst_hours = w.burst.map(|b| i64::from(b.1));
        let sql = format!(
            "INSERT INTO watches (name, spec, secret, key_prefix, webhook, email, digest, burst_min, burst_hours, created_at)
             VALUES ($1, $2, {}, {}, $3, $4, $5, $6, $7, $8) RETURNING id, secret",
            sql_random_hex(SECRET_HEX),
            sql_random_hex(KEY_PREFIX_HEX),
        );
        let mut conn = self.conn()?;
        let insert = conn.statement(&sql)?;
        let bump = conn.statement("UPDATE watch_changes SET version = version + 1")?;
        let mut tx = conn.transaction()?;
        let row = tx.query_one(
            &insert,
            &[&w.name, &w.spec_json, &w.webhook, &w.email, &digest, &burst_min, &burst_hours, &now_rfc3339()],
        )?;
        tx.execute(&bump, &[])?;
        tx.commit()?;
        Ok((row.get(0), row.get(1)))
    }

    /// Removes a watch with its matches and deliveries; false if there was none. Waits
    /// for the article transactions recording a match of it.
    pub fn remove_watch(&self, id: i64) -> Result<bool, PgStoreError> {
        let mut conn = self.conn()?;
        let delete = conn.statement("DELETE FROM watches WHERE id = $1")?;
        let bump = conn.statement("UPDATE watch_changes SET version = version + 1")?;
        let mut tx = conn.transaction()?;
        let n = tx.execute(&delete, &[&id])?;
        tx.execute(&bump, &[])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Every watch, oldest first, with its counts of matches, pending and dead deliveries.
    pub fn watches(&self) -> Result<Vec<WatchRecord>, PgStoreError> {
        let sql = format!("SELECT {WATCH_COLUMNS} FROM watches w ORDER BY w.id");
        Ok(self.conn()?.query(&sql, &[])?.iter().map(watch_from_row).collect())
    }

    /// One watch, with its counts.
    pub fn watch(&self, id: i64) -> Result<Option<WatchRecord>, PgStoreError> {
        let sql = format!("SELECT {WATCH_COLUMNS} FROM watches w WHERE w.id = $1");
        Ok(self.conn()?.query_opt(&sql, &[&id])?.as_ref().map(watch_from_row))
    }

    /// A watch's matches, newest first (ties by article, newest first).
    pub fn watch_matches(&self, watch_id: i64, limit: usize, offset: usize) -> Result<Vec<MatchRecord>, PgStoreError> {
        let sql = format!(
            "SELECT {}, m.matched, m.at FROM watch_matches m JOIN articles a ON a.id = m.article_id
             WHERE m.watch_id = $1 ORDER BY m.at DESC, m.article_id DESC LIMIT $2 OFFSET $3",
            crate::articles::SUMMARY_COLUMNS_A
        );
        let rows = self.conn()?.query(
            &sql,
            &[&watch_id, &i64::try_from(limit).unwrap_or(i64::MAX), &i64::try_from(offset).unwrap_or(i64::MAX)],
        )?;
        Ok(rows.iter().map(match_from_row).collect())
    }

    /// Deliveries given up, newest first.
    pub fn dead_deliveries(&self, limit: usize) -> Result<Vec<DeadDelivery>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT id, watch_id, article_id, channel, attempts, last_error FROM outbox
             WHERE state = 'dead' ORDER BY id DESC LIMIT $1",
            &[&i64::try_from(limit).unwrap_or(i64::MAX)],
        )?;
        Ok(rows
            .iter()
            .map(|r| DeadDelivery {
                id: r.get(0),
                watch_id: r.get(1),
                article_id: r.get(2),
                channel: if r.get::<_, &str>(3) == "email" { Channel::Email } else { Channel::Webhook },
                attempts: u32::try_from(r.get::<_, i64>(4)).unwrap_or(u32::MAX),
                last_error: r.get(5),
            })
            .collect())
    }

    /// A watch's matches made from `start` (included) to `end` (excluded), oldest first:
    /// a digest's content.
    pub fn watch_matches_between(&self, watch_id: i64, start: i64, end: i64) -> Result<Vec<MatchRecord>, PgStoreError> {
        let sql = format!(
            "SELECT {}, m.matched, m.at FROM watch_matches m JOIN articles a ON a.id = m.article_id
             WHERE m.watch_id = $1 AND m.at >= $2 AND m.at < $3 ORDER BY m.at, m.article_id",
            crate::articles::SUMMARY_COLUMNS_A
        );
        let rows = self.conn()?.query(&sql, &[&watch_id, &start, &end])?;
        Ok(rows.iter().map(match_from_row).collect())
    }

    /// The match of one watch and article.
    pub fn watch_match(&self, watch_id: i64, article_id: i64) -> Result<Option<MatchRecord>, PgStoreError> {
        let sql = format!(
            "SELECT {}, m.matched, m.at FROM watch_matches m JOIN articles a ON a.id = m.article_id
             WHERE m.watch_id = $1 AND m.article_id = $2",
            crate::articles::SUMMARY_COLUMNS_A
        );
        Ok(self.conn()?.query_opt(&sql, &[&watch_id, &article_id])?.as_ref().map(match_from_row))
    }

    /// Claims up to `limit` due deliveries for `lease_secs` seconds (rows another deliverer
    /// is claiming are skipped, not waited for): no other deliverer takes them before the
    /// lease ends, and one takes them then if they were neither sent nor rescheduled.
    pub fn claim_deliveries(&self, lease_secs: i64, limit: usize) -> Result<Vec<Delivery>, PgStoreError> {
        let now = unix_now();
        let rows = self.conn()?.query(
            "WITH due AS (
                 SELECT id FROM outbox WHERE state = 'pending' AND next_attempt <= $1
                 ORDER BY next_attempt, id LIMIT $3 FOR UPDATE SKIP LOCKED
             )
             UPDATE outbox o SET next_attempt = $1 + $2, attempts = o.attempts + 1 FROM due WHERE o.id = due.id
             RETURNING o.id, o.watch_id, o.article_id, o.digest_start, o.digest_end, o.channel, o.idempotency_key,
                       o.attempts, o.created_at",
            &[&now, &lease_secs, &i64::try_from(limit).unwrap_or(i64::MAX)],
        )?;
        let mut out: Vec<Delivery> = rows
            .iter()
            .map(|r| Delivery {
                id: r.get(0),
                watch_id: r.get(1),
                payload: match r.get::<_, Option<i64>>(2) {
                    Some(id) => Payload::Article(id),
                    None => Payload::Digest { start: r.get(3), end: r.get(4) },
                },
                channel: if r.get::<_, &str>(5) == "email" { Channel::Email } else { Channel::Webhook },
                idempotency_key: r.get(6),
                attempts: u32::try_from(r.get::<_, i64>(7)).unwrap_or(u32::MAX),
                created_at: r.get(8),
            })
            .collect();
        out.sort_by_key(|d| d.id);
        Ok(out)
    }

    /// Records a delivery as sent.
    pub fn delivery_sent(&self, id: i64) -> Result<(), PgStoreError> {
        self.conn()?.execute(
            "UPDATE outbox SET state = 'sent', sent_at = $2, last_error = NULL WHERE id = $1",
            &[&id, &unix_now()],
        )?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `retry_at` (Unix time), or given up when
    /// `None`.
    pub fn delivery_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<(), PgStoreError> {
        let error = error.replace('\0', "");
        let mut conn = self.conn()?;
        match retry_at {
            Some(t) => conn.execute("UPDATE outbox SET next_attempt = $2, last_error = $3 WHERE id = $1", &[&id, &t, &error])?,
            None => conn.execute("UPDATE outbox SET state = 'dead', last_error = $2 WHERE id = $1", &[&id, &error])?,
        };
        Ok(())
    }

    /// The soonest time a pending delivery is due (Unix time), if any.
    pub fn next_delivery_due(&self) -> Result<Option<i64>, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT min(next_attempt) FROM outbox WHERE state = 'pending'", &[])?.get(0))
    }

    /// A number that changes whenever a watch is added or removed, by any node.
    pub fn watches_version(&self) -> Result<i64, PgStoreError> {
        Ok(self.conn()?.query_one("SELECT version FROM watch_changes", &[])?.get(0))
    }
}

/// The statements of [`record_matches`], prepared before the article's transaction.
pub(crate) struct MatchWrite {
    lock_watches: Statement,
    lock_burst_watches: Statement,
    insert_match: Statement,
    update_match: Statement,
    recent_matches: Statement,
    alerted: Statement,
    insert_delivery: Statement,
}

impl MatchWrite {
    pub(crate) fn prepare(conn: &mut PgConnection) -> Result<MatchWrite, PgStoreError> {
        const WATCH: &str =
            "SELECT id, key_prefix, webhook IS NOT NULL, email IS NOT NULL, digest, burst_min, burst_hours
             FROM watches WHERE id = ANY($1)";
        Ok(MatchWrite {
            lock_watches: conn.statement(&format!("{WATCH} AND burst_min IS NULL ORDER BY id FOR KEY SHARE"))?,
            lock_burst_watches: conn.statement(&format!("{WATCH} AND burst_min IS NOT NULL ORDER BY id FOR NO KEY UPDATE"))?,
            insert_match: conn.statement(
                "INSERT INTO watch_matches (watch_id, article_id, matched, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (watch_id, article_id) DO NOTHING",
            )?,
            update_match: conn
                .statement("UPDATE watch_matches SET matched = $3 WHERE watch_id = $1 AND article_id = $2")?,
            recent_matches: conn.statement("SELECT count(*) FROM watch_matches WHERE watch_id = $1 AND at > $2")?,
            alerted: conn.statement(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE watch_id = $1 AND article_id IS NOT NULL AND created_at > $2)",
            )?,
            insert_delivery: conn.statement(
                "INSERT INTO outbox (watch_id, article_id, digest_start, digest_end, channel, idempotency_key,
                     next_attempt, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )?,
        })
    }
}

/// How a watch delivers.
struct WatchDelivery {
    key_prefix: String,
    webhook: bool,
    email: bool,
    digest: Option<Digest>,
    burst: Option<(i64, i64)>,
}

/// Writes the matches of article `article_id` and, for each new (watch, article) pair,
/// its deliveries, as the SQLite store does: one per channel, an e-mail digest once per
/// period (due at its end), a burst watch once when its minimum is reached within its
/// window. A watch removed since the caller's matcher was built is skipped. The watches
/// are locked in id order (burst watches exclusively, so that two writers do not both
/// count the same burst), which also makes their removal wait for this transaction.
pub(crate) fn record_matches(
    tx: &mut Transaction<'_>,
    st: &MatchWrite,
    article_id: i64,
    matches: &[NewMatch],
) -> Result<(), PgStoreError> {
    if matches.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = matches.iter().map(|m| m.watch_id).collect();
    let mut watches = BTreeMap::new();
    for statement in [&st.lock_watches, &st.lock_burst_watches] {
        for r in tx.query(statement, &[&ids])? {
            let id: i64 = r.get(0);
            let digest = match r.get::<_, Option<String>>(4) {
                Some(d) => Some(d.parse::<Digest>().map_err(|_| PgStoreError::BadDigest { watch: id, digest: d })?),
                None => None,
            };
            let burst: (Option<i64>, Option<i64>) = (r.get(5), r.get(6));
            let delivery = WatchDelivery {
                key_prefix: r.get(1),
                webhook: r.get(2),
                email: r.get(3),
                digest,
                burst: burst.0.zip(burst.1),
            };
            watches.insert(id, delivery);
        }
    }
    let now = unix_now();
    for m in matches {
        let Some(watch) = watches.get(&m.watch_id) else {
            continue;
        };
        let inserted = tx.execute(&st.insert_match, &[&m.watch_id, &article_id, &m.matched_json, &now])?;
        if inserted == 0 {
            tx.execute(&st.update_match, &[&m.watch_id, &article_id, &m.matched_json])?;
            continue;
        }
        if let Some((min, hours)) = watch.burst {
            let since = now - hours * 3_600;
            let recent: i64 = tx.query_one(&st.recent_matches, &[&m.watch_id, &since])?.get(0);
            let alerted: bool = tx.query_one(&st.alerted, &[&m.watch_id, &since])?.get(0);
            // One alert per burst: when the count reaches the minimum, then not again
            // within the window.
            if recent < min || alerted {
                continue;
            }
        }
        let mut queue = |channel: Channel, payload: Payload, due: i64| -> Result<(), PgStoreError> {
            let (article, start, end, what) = match payload {
                Payload::Article(id) => (Some(id), None, None, format!("a{id}")),
                Payload::Digest { start, end } => (None, Some(start), Some(end), format!("d{end}")),
            };
            let key = format!("polmon-{}-w{}-{what}-{}", watch.key_prefix, m.watch_id, channel.as_str());
            tx.execute(
                &st.insert_delivery,
                &[&m.watch_id, &article, &start, &end, &channel.as_str(), &key, &due, &now],
            )?;
            Ok(())
        };
        if watch.webhook {
            queue(Channel::Webhook, Payload::Article(article_id), now)?;
        }
        if watch.email {
            match watch.digest {
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
