//! Machine translations of articles and the queue of articles waiting for one, as in the
//! SQLite store: `store_article` queues an article whose language is not the reader's
//! ([`QUEUE_TRANSLATION`], in the article's transaction); a translation is kept with the
//! content hash of the text it was made from and read only while that is the article's
//! text.

use std::collections::HashMap;

use polmon_store::{QueuedTranslation, StoredTranslation};

use crate::error::refuse_nul;
use crate::{PgStore, PgStoreError};

/// Queues article `$1` for a translation into `$2` (once).
pub(crate) const QUEUE_TRANSLATION: &str = "INSERT INTO translation_queue (article_id, language) VALUES ($1, $2)
     ON CONFLICT (article_id, language) DO NOTHING";

impl PgStore {
    /// The translated title and text into `language` of each of `ids` that has one made
    /// from its current text.
    pub fn translated_texts(
        &self,
        ids: &[i64],
        language: &str,
    ) -> Result<HashMap<i64, (String, String)>, PgStoreError> {
        self.translated_columns(ids, language, "t.text")
    }

    /// The translation of `id` into `language`, if one was made from its present text.
    pub fn translation(&self, id: i64, language: &str) -> Result<Option<StoredTranslation>, PgStoreError> {
        let row = self.conn()?.query_opt(
            "SELECT t.title, t.text, t.engine, t.route, t.translated_at FROM translations t
             JOIN articles a ON a.id = t.article_id AND a.content_hash = t.source_hash
             WHERE t.article_id = $1 AND t.language = $2",
            &[&id, &language],
        )?;
        Ok(row.map(|r| StoredTranslation {
            language: language.to_string(),
            title: r.get(0),
            text: r.get(1),
            engine: r.get(2),
            route: r.get(3),
            translated_at: r.get(4),
        }))
    }

    /// The translated title and the first 400 characters of the translated text of each
    /// of `ids` into `language` (those with one made from their present text).
    pub fn translated_leads(
        &self,
        ids: &[i64],
        language: &str,
    ) -> Result<HashMap<i64, (String, String)>, PgStoreError> {
        self.translated_columns(ids, language, "substr(t.text, 1, 400)")
    }

    fn translated_columns(
        &self,
        ids: &[i64],
        language: &str,
        text: &str,
    ) -> Result<HashMap<i64, (String, String)>, PgStoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT t.article_id, t.title, {text} FROM translations t
             JOIN articles a ON a.id = t.article_id AND a.content_hash = t.source_hash
             WHERE t.language = $1 AND t.article_id = ANY($2)"
        );
        let rows = self.conn()?.query(&sql, &[&language, &ids])?;
        Ok(rows.iter().map(|r| (r.get(0), (r.get(1), r.get(2)))).collect())
    }

    /// Up to `limit` queued articles due at `now` (Unix seconds), oldest attempt first.
    pub fn due_translations(
        &self,
        language: &str,
        now: i64,
        limit: usize,
    ) -> Result<Vec<QueuedTranslation>, PgStoreError> {
        let rows = self.conn()?.query(
            "SELECT article_id, attempts FROM translation_queue
             WHERE language = $1 AND next_attempt <= $2 ORDER BY next_attempt, article_id LIMIT $3",
            &[&language, &now, &i64::try_from(limit).unwrap_or(i64::MAX)],
        )?;
        Ok(rows
            .iter()
            .map(|r| QueuedTranslation {
                article_id: r.get(0),
                attempts: u32::try_from(r.get::<_, i64>(1)).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// Claims due articles for `lease_secs` (see
    /// [`ArticleStore::claim_translations`](polmon_store::ArticleStore::claim_translations)):
    /// rows another translator is claiming are skipped (`FOR UPDATE SKIP LOCKED`).
    pub fn claim_translations(
        &self,
        language: &str,
        now: i64,
        lease_secs: i64,
        limit: usize,
    ) -> Result<Vec<QueuedTranslation>, PgStoreError> {
        let rows = self.conn()?.query(
            "UPDATE translation_queue q SET next_attempt = $4
             FROM (SELECT article_id FROM translation_queue
                   WHERE language = $1 AND next_attempt <= $2
                   ORDER BY next_attempt, article_id LIMIT $3 FOR UPDATE SKIP LOCKED) due
             WHERE q.article_id = due.article_id AND q.language = $1
             RETURNING q.article_id, q.attempts",
            &[&language, &now, &i64::try_from(limit).unwrap_or(i64::MAX), &now.saturating_add(lease_secs)],
        )?;
        let mut claimed: Vec<QueuedTranslation> = rows
            .iter()
            .map(|r| QueuedTranslation {
                article_id: r.get(0),
                attempts: u32::try_from(r.get::<_, i64>(1)).unwrap_or(u32::MAX),
            })
            .collect();
        // RETURNING keeps no order: the queue's order again.
        claimed.sort_by_key(|q| q.article_id);
        Ok(claimed)
    }

    /// Records a failed attempt: one more, due again at `next_attempt`, the error kept.
    pub fn translation_failed(&self, id: i64, language: &str, error: &str, next_attempt: i64) -> Result<(), PgStoreError> {
        let error = error.replace('\0', "");
        self.conn()?.execute(
            "UPDATE translation_queue SET attempts = attempts + 1, next_attempt = $3, last_error = $4
             WHERE article_id = $1 AND language = $2",
            &[&id, &language, &next_attempt, &error],
        )?;
        Ok(())
    }

    /// Takes `id` off the queue without a translation.
    pub fn unqueue_translation(&self, id: i64, language: &str) -> Result<(), PgStoreError> {
        self.conn()?
            .execute("DELETE FROM translation_queue WHERE article_id = $1 AND language = $2", &[&id, &language])?;
        Ok(())
    }

    /// The content hash of the article's present text, if it is stored.
    pub fn content_hash(&self, id: i64) -> Result<Option<String>, PgStoreError> {
        let row = self.conn()?.query_opt("SELECT content_hash FROM articles WHERE id = $1", &[&id])?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Stores the translation of `id` made from the text with `source_hash`, takes it off
    /// the queue and sends the article back to the search index, in one transaction;
    /// false when the article's text has another hash by now (or it is gone). The article
    /// row is share-locked, so a concurrent update of it comes wholly before (and is
    /// seen) or after (and queues the article again).
    pub fn put_translation(&self, id: i64, source_hash: &str, t: &StoredTranslation) -> Result<bool, PgStoreError> {
        refuse_nul(&[("title", Some(t.title.as_str())), ("text", Some(t.text.as_str()))], || {
            format!("the translation of article {id} into {:?}", t.language)
        })?;
        let mut conn = self.conn()?;
        let current = conn.statement("SELECT content_hash FROM articles WHERE id = $1 FOR SHARE")?;
        let upsert = conn.statement(
            "INSERT INTO translations (article_id, language, title, text, engine, route, source_hash, translated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (article_id, language) DO UPDATE SET title = EXCLUDED.title, text = EXCLUDED.text,
                engine = EXCLUDED.engine, route = EXCLUDED.route, source_hash = EXCLUDED.source_hash,
                translated_at = EXCLUDED.translated_at",
        )?;
        let unqueue = conn.statement("DELETE FROM translation_queue WHERE article_id = $1 AND language = $2")?;
        let unindex = conn.statement("UPDATE articles SET indexed = false WHERE id = $1")?;
        let mut tx = conn.transaction()?;
        let hash: Option<String> = tx.query_opt(&current, &[&id])?.map(|r| r.get(0));
        if hash.as_deref() != Some(source_hash) {
            return Ok(false);
        }
        tx.execute(
            &upsert,
            &[&id, &t.language, &t.title, &t.text, &t.engine, &t.route, &source_hash, &t.translated_at],
        )?;
        tx.execute(&unqueue, &[&id, &t.language])?;
        tx.execute(&unindex, &[&id])?;
        tx.commit()?;
        Ok(true)
    }
}
