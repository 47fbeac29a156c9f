//! The article page's related lists, computed by the writer (the pipeline, with the
//! connector) and kept here so that readers (web, export) never compute them.

use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError};

impl Store {
    /// Replaces the related list of `id` (best first).
    pub fn set_related(&self, id: i64, related: &[i64]) -> Result<(), StoreError> {
        self.write(|conn| set_related_in(conn, id, related))
    }

    /// The stored related list of `id`; `None` when none was computed yet.
    pub fn related(&self, id: i64) -> Result<Option<Vec<i64>>, StoreError> {
        self.read(|conn| {
            let json: Option<String> = conn
                .prepare_cached("SELECT ids FROM related WHERE article_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            Ok(json.map(|j| serde_json::from_str(&j).unwrap_or_default()))
        })
    }

    /// Up to `limit` article ids (oldest first) that have no related list yet: what a
    /// crash (or a folder from before related lists were stored) left.
    ///
    /// Remembers the id below which every article has its list (lists are never
    /// removed), so each call reads only the articles stored since: opening a large
    /// archive does not scan it again.
    pub fn without_related(&self, limit: usize) -> Result<Vec<i64>, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mark: i64 = tx
                .query_row("SELECT value FROM store_marks WHERE name = 'related_complete_upto'", [], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            let ids = tx
                .prepare_cached(
                    "SELECT a.id FROM articles a LEFT JOIN related r ON r.article_id = a.id
                     WHERE a.id > ?1 AND r.article_id IS NULL ORDER BY a.id LIMIT ?2",
                )?
                .query_map(params![mark, limit as i64], |r| r.get(0))?
                .collect::<Result<Vec<i64>, _>>()?;
            let complete_upto = match ids.first() {
                Some(first) => first - 1,
                None => tx.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| r.get(0))?,
            };
            if complete_upto > mark {
                tx.execute(
                    "INSERT INTO store_marks (name, value) VALUES ('related_complete_upto', ?1)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    [complete_upto],
                )?;
            }
            tx.commit()?;
            Ok(ids)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{ArticleKey, Store};
    use polmon_model::Article;

    #[test]
    fn related_lists_are_kept_and_missing_ones_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut ids = Vec::new();
        for i in 0..3 {
            let key = ArticleKey { dedup_key: format!("k{i}"), content_hash: format!("h{i}") };
            let a = Article { title: format!("T{i}"), text: "x".into(), category: "politics".into(), ..Default::default() };
            ids.push(store.upsert_article(&key, &a).unwrap().id());
        }
        assert_eq!(store.related(ids[0]).unwrap(), None);
        assert_eq!(store.without_related(10).unwrap(), ids);
        store.set_related(ids[0], &[ids[2], ids[1]]).unwrap();
        store.set_related(ids[0], &[ids[1]]).unwrap();
        assert_eq!(store.related(ids[0]).unwrap(), Some(vec![ids[1]]));
        assert_eq!(store.without_related(10).unwrap(), &ids[1..]);
    }
}

/// The body of [`Store::set_related`], on `conn` (in the caller's transaction, if any).
pub(crate) fn set_related_in(conn: &rusqlite::Connection, id: i64, related: &[i64]) -> Result<(), StoreError> {
    let json = serde_json::to_string(related).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT INTO related (article_id, ids) VALUES (?1, ?2)
         ON CONFLICT (article_id) DO UPDATE SET ids = excluded.ids",
    )?
    .execute(params![id, json])?;
    Ok(())
}
