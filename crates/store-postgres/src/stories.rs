//! Stories as the read side ranks them: sizes, distinct sources and languages and time
//! spans kept in `stories` (and the counts behind them in `story_values`) by a trigger
//! on `articles` (migration 6), as the SQLite store keeps them at write time.
//!
//! A story merge or move relabels each article, so the trigger costs the articles moved
//! (SQLite adds the two stories' counts instead); no read counts a story's articles.

use polmon_store::{StoryStat, ACTIVE_STORIES_CAP};

use crate::{PgStore, PgStoreError};

impl PgStore {
    /// See [`ArticleStore::top_stories`](polmon_store::ArticleStore::top_stories): the
    /// stories active in the two windows before the newest article (at most
    /// [`ACTIVE_STORIES_CAP`], most recently active first) have their window counts read
    /// from the story index; the others score by kept size and breadth, and only the best
    /// `2 × limit` of those are read. Ties order by growth, then newest, then story id.
    pub fn top_stories(&self, window: i64, min_size: u64, limit: usize) -> Result<Vec<StoryStat>, PgStoreError> {
        let mut conn = self.conn()?;
        let newest: Option<i64> = conn.query_one("SELECT max(sort_ts) FROM articles", &[])?.get(0);
        let Some(newest) = newest else {
            return Ok(Vec::new());
        };
        let rows = conn.query(
            "SELECT s.story_id, s.size,
                    (SELECT count(*) FROM articles a WHERE a.story_id = s.story_id AND a.sort_ts > $1 - $2),
                    (SELECT count(*) FROM articles a WHERE a.story_id = s.story_id
                         AND a.sort_ts > $1::bigint - 2 * $2::bigint AND a.sort_ts <= $1 - $2),
                    s.sources, s.languages, s.last_ts
             FROM (SELECT * FROM stories WHERE last_ts > $1::bigint - 2 * $2::bigint AND size >= $3
                   ORDER BY last_ts DESC, story_id LIMIT $4) s
             UNION
             SELECT story_id, size, 0, 0, sources, languages, last_ts
             FROM (SELECT * FROM stories WHERE last_ts <= $1::bigint - 2 * $2::bigint AND size >= $3
                   ORDER BY 5 * sources + size DESC, last_ts DESC, story_id LIMIT $5) o
             ORDER BY 1",
            &[
                &newest,
                &window,
                &(min_size as i64),
                &(ACTIVE_STORIES_CAP as i64),
                &i64::try_from(limit.saturating_mul(2)).unwrap_or(i64::MAX),
            ],
        )?;
        let mut rows: Vec<StoryStat> = rows
            .iter()
            .map(|r| StoryStat {
                story_id: r.get(0),
                articles: r.get::<_, i64>(1) as u64,
                recent: r.get::<_, i64>(2) as u64,
                previous: r.get::<_, i64>(3) as u64,
                sources: r.get::<_, i64>(4) as u64,
                languages: r.get::<_, i64>(5) as u64,
                last_ts: r.get(6),
            })
            .collect();
        rows.sort_by(|a, b| b.growth().total_cmp(&a.growth()).then(b.last_ts.cmp(&a.last_ts)));
        rows.truncate(limit);
        Ok(rows)
    }
}
