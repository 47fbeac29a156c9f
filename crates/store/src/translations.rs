//! Machine translations of articles into the reader's language, and the queue of
//! articles waiting for one.
//!
//! The pipeline queues an article whose language is not the reader's when it stores it;
//! a translation worker takes due entries, translates them and stores the result (which
//! also takes the entry off the queue and sends the article back to the search index, so
//! that it is found by words of its translation). A failed attempt stays queued with a
//! later `next_attempt`: a failing or slow engine never loses an article. A translation is
//! kept with the content hash of the text it was made from, so an unchanged article is
//! never translated twice and a changed one is translated again.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{now_rfc3339, Store, StoreError};

/// A stored translation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredTranslation {
    /// The language translated into (ISO 639-1).
    pub language: String,
    /// The translated headline.
    pub title: String,
    /// The translated body (paragraphs on lines of their own, as the original's blocks).
    pub text: String,
    /// The engine ("apertium", "libretranslate", "deepl").
    pub engine: String,
    /// The languages the text went through, source first (`["fr", "es", "en"]`).
    pub route: Vec<String>,
    /// When it was made (RFC 3339).
    pub translated_at: String,
}

/// An article waiting for a translation.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedTranslation {
    /// The article.
    pub article_id: i64,
    /// Failed attempts so far.
    pub attempts: u32,
}

impl Store {
    /// The content hash of the stored text of `id` (what a translation is made from).
    pub fn content_hash(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT content_hash FROM articles WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?)
        })
    }

    /// Stores an article with what goes with it in the same transaction: the watches'
    /// matches of the stored version (and their deliveries, see
    /// [`upsert_article_with`](Self::upsert_article_with)), and its place in the
    /// translation queue when `translate_to` is another language than its own. A crash
    /// can lose neither an alert nor a translation.
    pub fn store_article(
        &self,
        key: &crate::ArticleKey,
        a: &polmon_model::Article,
        matches: &dyn Fn(i64) -> Vec<crate::NewMatch>,
        translate_to: Option<&str>,
    ) -> Result<crate::Upsert, StoreError> {
        self.upsert_article_then(key, a, |tx, outcome| match outcome {
            crate::Upsert::Inserted(id) | crate::Upsert::Updated(id) => {
                crate::watches::record_matches(tx, id, &matches(id))?;
                match (translate_to, a.language.as_deref()) {
                    (Some(target), Some(lang)) if lang != target => queue_in(tx, id, target),
                    _ => Ok(()),
                }
            }
            crate::Upsert::Unchanged(_) => Ok(()),
        })
    }

    /// Queues every article not in `language` whose translation is missing or was made
    /// from another version of its text; returns how many were queued. One pass over the
    /// archive: for `polmon translate --backfill`, not for a request path.
    pub fn queue_untranslated(&self, language: &str) -> Result<usize, StoreError> {
        self.write(|conn| {
            let n = conn.execute(
                "INSERT INTO translation_queue (article_id, language)
                 SELECT a.id, ?1 FROM articles a
                 WHERE a.language IS NOT NULL AND a.language != ?1
                   AND NOT EXISTS (SELECT 1 FROM translations t
                                   WHERE t.article_id = a.id AND t.language = ?1 AND t.source_hash = a.content_hash)
                 ON CONFLICT (article_id, language) DO NOTHING",
                [language],
            )?;
            Ok(n)
        })
    }

    /// Up to `limit` queued articles due at `now` (Unix seconds), oldest attempt first.
    pub fn due_translations(&self, language: &str, now: i64, limit: usize) -> Result<Vec<QueuedTranslation>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT article_id, attempts FROM translation_queue
                 WHERE language = ?1 AND next_attempt <= ?2 ORDER BY next_attempt, article_id LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(params![language, now, limit as i64], |r| {
                    Ok(QueuedTranslation { article_id: r.get(0)?, attempts: r.get(1)? })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Claims due articles for `lease_secs` (see
    /// [`ArticleStore::claim_translations`](crate::ArticleStore::claim_translations)):
    /// listed and pushed back in one write transaction.
    pub fn claim_translations(
        &self,
        language: &str,
        now: i64,
        lease_secs: i64,
        limit: usize,
    ) -> Result<Vec<QueuedTranslation>, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let rows = tx
                .prepare_cached(
                    "SELECT article_id, attempts FROM translation_queue
                     WHERE language = ?1 AND next_attempt <= ?2 ORDER BY next_attempt, article_id LIMIT ?3",
                )?
                .query_map(params![language, now, limit as i64], |r| {
                    Ok(QueuedTranslation { article_id: r.get(0)?, attempts: r.get(1)? })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut rows = rows;
            rows.sort_by_key(|q| q.article_id);
            {
                let mut lease = tx.prepare_cached(
                    "UPDATE translation_queue SET next_attempt = ?3 WHERE article_id = ?1 AND language = ?2",
                )?;
                for q in &rows {
                    lease.execute(params![q.article_id, language, now.saturating_add(lease_secs)])?;
                }
            }
            tx.commit()?;
            Ok(rows)
        })
    }

    /// How many articles wait for a translation into `language`.
    pub fn queued_translations(&self, language: &str) -> Result<u64, StoreError> {
        self.read(|conn| {
            let n: i64 = conn
                .prepare_cached("SELECT count(*) FROM translation_queue WHERE language = ?1")?
                .query_row([language], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    /// Stores the translation of `id` made from the text with `source_hash`, takes it off
    /// the queue and sends the article back to the search index, in one transaction.
    /// A translation of a text that has changed since (another hash) is dropped and the
    /// article stays queued.
    pub fn put_translation(&self, id: i64, source_hash: &str, t: &StoredTranslation) -> Result<bool, StoreError> {
        let route = serde_json::to_string(&t.route).unwrap_or_else(|_| "[]".into());
        self.write(|conn| {
            let tx = conn.transaction()?;
            let current: Option<String> = tx
                .prepare_cached("SELECT content_hash FROM articles WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if current.as_deref() != Some(source_hash) {
                return Ok(false);
            }
            tx.prepare_cached(
                "INSERT INTO translations (article_id, language, title, text, engine, route, source_hash, translated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (article_id, language) DO UPDATE SET title = excluded.title, text = excluded.text,
                    engine = excluded.engine, route = excluded.route, source_hash = excluded.source_hash,
                    translated_at = excluded.translated_at",
            )?
            .execute(params![id, t.language, t.title, t.text, t.engine, route, source_hash, t.translated_at])?;
            tx.prepare_cached("DELETE FROM translation_queue WHERE article_id = ?1 AND language = ?2")?
                .execute(params![id, t.language])?;
            tx.prepare_cached("UPDATE articles SET indexed = 0 WHERE id = ?1")?.execute([id])?;
            tx.commit()?;
            Ok(true)
        })
    }

    /// Records a failed attempt: the entry stays queued until `next_attempt`.
    pub fn translation_failed(&self, id: i64, language: &str, error: &str, next_attempt: i64) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.prepare_cached(
                "UPDATE translation_queue SET attempts = attempts + 1, next_attempt = ?3, last_error = ?4
                 WHERE article_id = ?1 AND language = ?2",
            )?
            .execute(params![id, language, next_attempt, error])?;
            Ok(())
        })
    }

    /// Takes `id` off the queue without a translation (it is in `language` already, or
    /// the engine has no route for it).
    pub fn unqueue_translation(&self, id: i64, language: &str) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.prepare_cached("DELETE FROM translation_queue WHERE article_id = ?1 AND language = ?2")?
                .execute(params![id, language])?;
            Ok(())
        })
    }

    /// The translation of `id` into `language`, if one was made from its present text.
    pub fn translation(&self, id: i64, language: &str) -> Result<Option<StoredTranslation>, StoreError> {
        self.read(|conn| {
            let row = conn
                .prepare_cached(
                    "SELECT t.title, t.text, t.engine, t.route, t.translated_at FROM translations t
                     JOIN articles a ON a.id = t.article_id AND a.content_hash = t.source_hash
                     WHERE t.article_id = ?1 AND t.language = ?2",
                )?
                .query_row(params![id, language], |r| {
                    Ok(StoredTranslation {
                        language: language.to_string(),
                        title: r.get(0)?,
                        text: r.get(1)?,
                        engine: r.get(2)?,
                        route: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                        translated_at: r.get(4)?,
                    })
                })
                .optional()?;
            Ok(row)
        })
    }

    /// The translated headline and the first 400 characters of the translated body of
    /// each of `ids` into `language` (those that have one), for listings.
    pub fn translated_leads(&self, ids: &[i64], language: &str) -> Result<HashMap<i64, (String, String)>, StoreError> {
        self.translated_columns(ids, language, "substr(t.text, 1, 400)")
    }

    /// The translated title and text of each of `ids` into `language`, for the index.
    pub fn translated_texts(&self, ids: &[i64], language: &str) -> Result<HashMap<i64, (String, String)>, StoreError> {
        self.translated_columns(ids, language, "t.text")
    }

    fn translated_columns(&self, ids: &[i64], language: &str, text: &str) -> Result<HashMap<i64, (String, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        self.read(|conn| {
            let marks = vec!["?"; ids.len()].join(",");
            let sql = format!(
                "SELECT t.article_id, t.title, {text} FROM translations t
                 JOIN articles a ON a.id = t.article_id AND a.content_hash = t.source_hash
                 WHERE t.language = ? AND t.article_id IN ({marks})"
            );
            let mut stmt = conn.prepare(&sql)?;
            let mut values: Vec<rusqlite::types::Value> = vec![language.to_string().into()];
            values.extend(ids.iter().map(|&i| rusqlite::types::Value::Integer(i)));
            let rows = stmt
                .query_map(rusqlite::params_from_iter(values), |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
                .collect::<Result<HashMap<i64, (String, String)>, _>>()?;
            Ok(rows)
        })
    }
}
fn queue_in(conn: &rusqlite::Connection, id: i64, language: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO translation_queue (article_id, language) VALUES (?1, ?2)
         ON CONFLICT (article_id, language) DO NOTHING",
    )?
    .execute(params![id, language])?;
    Ok(())
}

/// A translation made now.
pub fn translation_now(language: &str, title: String, text: String, engine: &str, route: Vec<String>) -> StoredTranslation {
    StoredTranslation { language: language.to_string(), title, text, engine: engine.to_string(), route, translated_at: now_rfc3339() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ArticleKey;
    use polmon_model::Article;

    fn store_with(n: usize) -> (tempfile::TempDir, Store, Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut ids = Vec::new();
        for i in 0..n {
            let key = ArticleKey { dedup_key: format!("k{i}"), content_hash: format!("h{i}") };
            let a = Article {
                title: format!("Titre {i}"),
                text: "Le gouvernement".into(),
                language: Some(if i == 0 { "en".into() } else { "fr".into() }),
                category: "politics".into(),
                ..Default::default()
            };
            ids.push(store.upsert_article(&key, &a).unwrap().id());
        }
        (dir, store, ids)
    }

    #[test]
    fn a_foreign_article_is_queued_in_its_own_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let article = |lang: &str| Article { title: "T".into(), text: "x".into(), language: Some(lang.into()), category: "politics".into(), ..Default::default() };
        let fr = store.store_article(&ArticleKey { dedup_key: "a".into(), content_hash: "1".into() }, &article("fr"), &|_| Vec::new(), Some("en")).unwrap();
        store.store_article(&ArticleKey { dedup_key: "b".into(), content_hash: "2".into() }, &article("en"), &|_| Vec::new(), Some("en")).unwrap();
        let due = store.due_translations("en", 0, 10).unwrap();
        assert_eq!(due.iter().map(|q| q.article_id).collect::<Vec<_>>(), [fr.id()]);
    }

    #[test]
    fn queued_articles_are_translated_once_and_failures_wait() {
        let (_dir, store, ids) = store_with(3);
        assert_eq!(store.queue_untranslated("en").unwrap(), 2, "the English article needs none");
        assert_eq!(store.queue_untranslated("en").unwrap(), 0, "queued once");
        let due = store.due_translations("en", 0, 10).unwrap();
        assert_eq!(due.iter().map(|q| q.article_id).collect::<Vec<_>>(), ids[1..]);
        store.mark_indexed(&ids).unwrap();

        // A failure: stays queued, but not due before its next attempt.
        store.translation_failed(ids[1], "en", "engine down", 100).unwrap();
        assert_eq!(store.due_translations("en", 50, 10).unwrap().len(), 1);
        let due = store.due_translations("en", 100, 10).unwrap();
        assert_eq!(due.iter().find(|q| q.article_id == ids[1]).unwrap().attempts, 1);

        // A success: stored, off the queue, back to the index.
        let t = translation_now("en", "Title 2".into(), "The government".into(), "apertium", vec!["fr".into(), "es".into(), "en".into()]);
        assert!(store.put_translation(ids[2], "h2", &t).unwrap());
        assert_eq!(store.translation(ids[2], "en").unwrap().unwrap().route, ["fr", "es", "en"]);
        assert_eq!(store.translated_leads(&ids, "en").unwrap().get(&ids[2]).map(|t| t.0.as_str()), Some("Title 2"));
        assert_eq!(store.unindexed(10).unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), [ids[2]]);
        assert_eq!(store.queued_translations("en").unwrap(), 1);
        assert_eq!(store.queue_untranslated("en").unwrap(), 0, "a translated article is not queued again");

        // A translation of an older text is refused; a changed article is queued again.
        assert!(!store.put_translation(ids[1], "stale-hash", &t).unwrap());
        let key = ArticleKey { dedup_key: "k2".into(), content_hash: "h2-changed".into() };
        let a = Article { title: "Titre changé".into(), text: "x".into(), language: Some("fr".into()), category: "politics".into(), ..Default::default() };
        let up = store.upsert_article(&key, &a).unwrap();
        assert_eq!(up, crate::Upsert::Updated(ids[2]));
        assert_eq!(store.translation(ids[2], "en").unwrap(), None, "the old translation no longer applies");
        assert_eq!(store.queue_untranslated("en").unwrap(), 1);
    }
}
