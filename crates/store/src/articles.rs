//! Articles: insert-or-update by dedup key, reads, listings, links.

use polmon_model::{Article, Links};
use rusqlite::{params, OptionalExtension, Row};

use crate::{now_rfc3339, parse_timestamp, Store, StoreError};

/// How the store recognises an article: its identity and a hash of its content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleKey {
    /// Identity: `url:<canonical url>` where the article has one, else `hash:<content hash>`.
    pub dedup_key: String,
    /// A hash of title and text: an unchanged article is not rewritten.
    pub content_hash: String,
}

/// What [`Store::upsert_article`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// A new article with this id.
    Inserted(i64),
    /// An article with the same key existed and its content changed.
    Updated(i64),
    /// An identical article existed.
    Unchanged(i64),
}

impl Upsert {
    /// The article id.
    pub fn id(self) -> i64 {
        match self {
            Upsert::Inserted(id) | Upsert::Updated(id) | Upsert::Unchanged(id) => id,
        }
    }
}

/// A line of a listing: enough for a headline, a source and an excerpt.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleSummary {
    /// Store id.
    pub id: i64,
    /// Headline.
    pub title: String,
    /// Source.
    pub source: Option<String>,
    /// Publication date-time.
    pub published: Option<String>,
    /// Category slug.
    pub category: String,
    /// Language.
    pub language: Option<String>,
    /// Original URL.
    pub url: Option<String>,
    /// The first characters of the body.
    pub lead: String,
    /// Story id.
    pub story_id: Option<i64>,
    /// The time listings sort by (Unix seconds): publication, else ingestion. With
    /// `id`, the cursor of the next older page ([`ListQuery::before`]).
    #[serde(skip)]
    pub sort_ts: i64,
}

impl ArticleSummary {
    /// The keyset cursor of the page after this row.
    pub fn cursor(&self) -> Cursor {
        Cursor { sort_ts: self.sort_ts, id: self.id }
    }
}

/// A position in a newest-first listing: the rows after it are those older than
/// `(sort_ts, id)`. Written `SORT_TS.ID` in URLs (`before=1712052000.123`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The row's sort time.
    pub sort_ts: i64,
    /// The row's id (ties on the time).
    pub id: i64,
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.sort_ts, self.id)
    }
}

impl std::str::FromStr for Cursor {
    type Err = ();

    fn from_str(s: &str) -> Result<Cursor, ()> {
        let (ts, id) = s.split_once('.').ok_or(())?;
        Ok(Cursor { sort_ts: ts.parse().map_err(|_| ())?, id: id.parse().map_err(|_| ())? })
    }
}

/// With more than one filter, [`Store::list`] counts matches only up to this many (one
/// filter, or none, is answered from the counts kept at write time).
pub const TOTAL_CAP: u64 = 10_000;

/// Stories [`Store::top_stories`] weighs at most among those with articles in its two
/// windows, most recently active first (the others are ranked by their kept sizes).
pub const ACTIVE_STORIES_CAP: usize = 1_000;

/// Filters and paging for [`Store::list`].
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only this category.
    pub category: Option<String>,
    /// Only this source.
    pub source: Option<String>,
    /// Only this language.
    pub language: Option<String>,
    /// Only this story.
    pub story_id: Option<i64>,
    /// Only rows older than this cursor (keyset paging: costs the same on any page).
    pub before: Option<Cursor>,
    /// Page size.
    pub limit: usize,
    /// Rows skipped (after `before`); callers cap it, since skipped rows are read.
    pub offset: usize,
}

const SUMMARY_COLUMNS: &str =
    "id, title, source, published, category, language, url, substr(text, 1, 400), story_id, sort_ts";
/// [`SUMMARY_COLUMNS`] of a table aliased `a`, for joins.
pub(crate) const SUMMARY_COLUMNS_A: &str =
    "a.id, a.title, a.source, a.published, a.category, a.language, a.url, substr(a.text, 1, 400), a.story_id, a.sort_ts";

pub(crate) fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        source: r.get(2)?,
        published: r.get(3)?,
        category: r.get(4)?,
        language: r.get(5)?,
        url: r.get(6)?,
        lead: r.get(7)?,
        story_id: r.get(8)?,
        sort_ts: r.get(9)?,
    })
}

const ARTICLE_COLUMNS: &str = "id, external_id, url, canonical_url, title, author, published, \
     language, source, original_source, category, text, blocks, analysis, story_id, duplicate_of, ingested_at";

fn article_from_row(r: &Row<'_>) -> Result<Article, StoreError> {
    let id: i64 = r.get(0)?;
    let blocks: String = r.get(12)?;
    let analysis: String = r.get(13)?;
    Ok(Article {
        id,
        external_id: r.get(1)?,
        url: r.get(2)?,
        canonical_url: r.get(3)?,
        title: r.get(4)?,
        author: r.get(5)?,
        published: r.get(6)?,
        language: r.get(7)?,
        source: r.get(8)?,
        original_source: r.get(9)?,
        category: r.get(10)?,
        text: r.get(11)?,
        blocks: serde_json::from_str(&blocks)
            .map_err(|source| StoreError::Corrupt { what: "blocks", id, source })?,
        analysis: serde_json::from_str(&analysis)
            .map_err(|source| StoreError::Corrupt { what: "analysis", id, source })?,
        links: Links { story_id: r.get(14)?, duplicate_of: r.get(15)? },
        ingested_at: r.get(16)?,
    })
}

impl Store {
    /// Stores an article: inserts it, updates the stored one with the same key if its
    /// content changed, or leaves it alone. Entities and quotes are rewritten with it.
    ///
    /// `a.id`, `a.links` and `a.ingested_at` are ignored: the store assigns them.
    pub fn upsert_article(&self, key: &ArticleKey, a: &Article) -> Result<Upsert, StoreError> {
        self.upsert_article_then(key, a, |_, _| Ok(()))
    }

    /// [`upsert_article`](Self::upsert_article), running `then` inside its transaction
    /// once the outcome is known.
    pub(crate) fn upsert_article_then(
        &self,
        key: &ArticleKey,
        a: &Article,
        then: impl FnOnce(&rusqlite::Transaction<'_>, Upsert) -> Result<(), StoreError>,
    ) -> Result<Upsert, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let outcome = self.upsert_in(&tx, key, a)?;
            then(&tx, outcome)?;
            tx.commit()?;
            Ok(outcome)
        })
    }

    /// The body of [`upsert_article`](Self::upsert_article), in the caller's transaction.
    fn upsert_in(&self, tx: &rusqlite::Transaction<'_>, key: &ArticleKey, a: &Article) -> Result<Upsert, StoreError> {
        let existing: Option<(i64, String)> = tx
            .prepare_cached("SELECT id, content_hash FROM articles WHERE dedup_key = ?1")?
            .query_row([&key.dedup_key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let blocks = serde_json::to_string(&a.blocks).unwrap_or_else(|_| "[]".into());
        let analysis = serde_json::to_string(&a.analysis).unwrap_or_else(|_| "{}".into());
        let now = now_rfc3339();
        let sort_ts = a
            .published
            .as_deref()
            .and_then(parse_timestamp)
            .or_else(|| parse_timestamp(&now))
            .unwrap_or(0);
        let outcome = match existing {
            Some((id, hash)) if hash == key.content_hash => Upsert::Unchanged(id),
            Some((id, _)) => {
                crate::trends::subtract_article(self, tx, id)?;
                let before = crate::aggregates::contribution(tx, id)?;
                tx.execute(
                    "UPDATE articles SET external_id = COALESCE(?2, external_id), url = ?3,
                        canonical_url = ?4, title = ?5, author = ?6, published = ?7, sort_ts = ?8,
                        language = ?9, source = ?10, original_source = ?11, category = ?12,
                        text = ?13, blocks = ?14, analysis = ?15, content_hash = ?16, indexed = 0
                     WHERE id = ?1",
                    params![
                        id, a.external_id, a.url, a.canonical_url, a.title, a.author, a.published,
                        sort_ts, a.language, a.source, a.original_source, a.category, a.text,
                        blocks, analysis, key.content_hash
                    ],
                )?;
                crate::entities::replace_for_article(tx, id, &a.analysis, sort_ts, false)?;
                crate::trends::add_article(self, tx, id)?;
                let after = crate::aggregates::contribution(tx, id)?;
                crate::aggregates::article_changed(tx, before.as_ref(), after.as_ref())?;
                Upsert::Updated(id)
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO articles (dedup_key, external_id, url, canonical_url, title, author,
                        published, sort_ts, language, source, original_source, category, text,
                        blocks, analysis, content_hash, ingested_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )?
                .execute(params![
                        key.dedup_key, a.external_id, a.url, a.canonical_url, a.title, a.author,
                        a.published, sort_ts, a.language, a.source, a.original_source, a.category,
                        a.text, blocks, analysis, key.content_hash, now
                    ],
                )?;
                let id = tx.last_insert_rowid();
                crate::entities::replace_for_article(tx, id, &a.analysis, sort_ts, true)?;
                crate::trends::add_article(self, tx, id)?;
                let after = crate::aggregates::contribution(tx, id)?;
                crate::aggregates::article_changed(tx, None, after.as_ref())?;
                Upsert::Inserted(id)
            }
        };
        Ok(outcome)
    }

    /// Deletes an article (its mentions, quotes and related list go with it, and its
    /// trend counts are subtracted). Returns whether it existed.
    pub fn delete_article(&self, id: i64) -> Result<bool, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            crate::trends::subtract_article(self, &tx, id)?;
            let before = crate::aggregates::contribution(&tx, id)?;
            crate::aggregates::mentions_removed(&tx, id)?;
            crate::aggregates::article_changed(&tx, before.as_ref(), None)?;
            let deleted = tx.execute("DELETE FROM articles WHERE id = ?1", [id])? > 0;
            tx.commit()?;
            Ok(deleted)
        })
    }

    /// The id and content hash of the article stored under `dedup_key`, if any.
    pub fn content_hash_of(&self, dedup_key: &str) -> Result<Option<(i64, String)>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT id, content_hash FROM articles WHERE dedup_key = ?1")?
                .query_row([dedup_key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })
    }

    /// Records an article's near-duplicate original and story.
    pub fn set_links(&self, id: i64, links: Links) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            set_links_in(&tx, id, links)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Moves every article of story `from` into story `into` (two stories became one).
    pub fn merge_story(&self, from: i64, into: i64) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute("UPDATE articles SET story_id = ?2 WHERE story_id = ?1", params![from, into])?;
            crate::aggregates::story_merged(&tx, from, into)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Moves the given articles into story `into` (a story was split or regrouped).
    pub fn move_to_story(&self, ids: &[i64], into: i64) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            {
                let mut stmt = tx.prepare_cached("UPDATE articles SET story_id = ?2 WHERE id = ?1")?;
                for &id in ids {
                    let before = crate::aggregates::contribution(&tx, id)?;
                    stmt.execute(params![id, into])?;
                    let after = crate::aggregates::contribution(&tx, id)?;
                    crate::aggregates::article_changed(&tx, before.as_ref(), after.as_ref())?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// One article by id.
    pub fn article(&self, id: i64) -> Result<Option<Article>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"))?;
            let mut rows = stmt.query([id])?;
            match rows.next()? {
                Some(row) => Ok(Some(article_from_row(row)?)),
                None => Ok(None),
            }
        })
    }

    /// Summaries of the given ids, in the order given (missing ids are left out).
    pub fn summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            let placeholders = vec!["?"; ids.len()].join(",");
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {SUMMARY_COLUMNS} FROM articles WHERE id IN ({placeholders})"))?;
            let mut found: std::collections::HashMap<i64, ArticleSummary> = stmt
                .query_map(rusqlite::params_from_iter(ids.iter()), summary_from_row)?
                .map(|r| r.map(|s| (s.id, s)))
                .collect::<Result<_, _>>()?;
            Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
        })
    }

    /// Newest first, filtered and paged (by [`ListQuery::before`], else by offset); also
    /// returns the number of matches, all pages together: exact for one filter or none
    /// (kept at write time), counted up to [`TOTAL_CAP`] with several.
    pub fn list(&self, q: &ListQuery) -> Result<(Vec<ArticleSummary>, u64), StoreError> {
        self.read(|conn| {
            let mut clauses = Vec::new();
            let mut args: Vec<rusqlite::types::Value> = Vec::new();
            for (col, val) in [("category", &q.category), ("source", &q.source), ("language", &q.language)] {
                if let Some(v) = val {
                    args.push(v.clone().into());
                    clauses.push(format!("{col} = ?{}", args.len()));
                }
            }
            if let Some(story) = q.story_id {
                args.push(story.into());
                clauses.push(format!("story_id = ?{}", args.len()));
            }
            let filters = clauses.len();
            let total = match (filters, &q.category, &q.source, &q.language, q.story_id) {
                (0, ..) => kept_count(conn, "all", "")?,
                (1, Some(v), ..) => kept_count(conn, "category", v)?,
                (1, _, Some(v), ..) => kept_count(conn, "source", v)?,
                (1, _, _, Some(v), _) => kept_count(conn, "language", v)?,
                (1, .., Some(story)) => story_size(conn, story)?,
                _ => conn.query_row(
                    &format!("SELECT count(*) FROM (SELECT 1 FROM articles WHERE {} LIMIT {TOTAL_CAP})", clauses.join(" AND ")),
                    rusqlite::params_from_iter(args.iter()),
                    |r| r.get::<_, i64>(0),
                )? as u64,
            };
            let filters_only = (clauses.clone(), args.clone());
            let with_cursor = |before: Option<Cursor>| {
                let (mut clauses, mut args) = filters_only.clone();
                if let Some(c) = before {
                    args.push(c.sort_ts.into());
                    args.push(c.id.into());
                    clauses.push(format!("(sort_ts, id) < (?{}, ?{})", args.len() - 1, args.len()));
                }
                let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
                (filter, args)
            };
            let mut before = q.before;
            if q.offset > 0 {
                // Skip through the index alone (no article row is read), then read the
                // page after the row reached, as a cursor page.
                let (filter, args) = with_cursor(before);
                let reached = conn
                    .prepare_cached(&format!(
                        "SELECT sort_ts, id FROM articles {filter} ORDER BY sort_ts DESC, id DESC LIMIT 1 OFFSET {}",
                        q.offset - 1
                    ))?
                    .query_row(rusqlite::params_from_iter(args.iter()), |r| Ok(Cursor { sort_ts: r.get(0)?, id: r.get(1)? }))
                    .optional()?;
                match reached {
                    Some(c) => before = Some(c),
                    None => return Ok((Vec::new(), total)),
                }
            }
            let (filter, args) = with_cursor(before);
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles {filter} ORDER BY sort_ts DESC, id DESC LIMIT {}",
                q.limit
            ))?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), summary_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((rows, total))
        })
    }

    /// The oldest article of each story (its headline is the story's title), in the order
    /// given; one index look-up per story.
    pub fn story_openers(&self, story_ids: &[i64]) -> Result<Vec<(i64, ArticleSummary)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles WHERE story_id = ?1 ORDER BY sort_ts, id LIMIT 1"
            ))?;
            let mut out = Vec::with_capacity(story_ids.len());
            for &story in story_ids {
                if let Some(first) = stmt.query_row([story], summary_from_row).optional()? {
                    out.push((story, first));
                }
            }
            Ok(out)
        })
    }

    /// The distinct sources and languages of a story, sorted (kept at write time).
    pub fn story_values(&self, story_id: i64) -> Result<(Vec<String>, Vec<String>), StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT facet, value FROM story_values WHERE story_id = ?1 ORDER BY facet, value")?;
            let (mut sources, mut languages) = (Vec::new(), Vec::new());
            for row in stmt.query_map([story_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                let (facet, value) = row?;
                if facet == "source" { sources.push(value) } else { languages.push(value) }
            }
            Ok((sources, languages))
        })
    }

    /// The number of articles in a story (kept at write time).
    pub fn story_size(&self, story_id: i64) -> Result<u64, StoreError> {
        self.read(|conn| story_size(conn, story_id))
    }

    /// The near-copies of `original` in `story_id`, and `original` itself, newest first
    /// (at most `limit`): two index look-ups, whatever the size of the story (`+story_id`
    /// keeps SQLite from walking the story's index instead).
    pub fn copies_of(&self, original: i64, story_id: i64, limit: usize) -> Result<Vec<ArticleSummary>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM articles WHERE +story_id = ?2 AND (id = ?1 OR duplicate_of = ?1)
                 ORDER BY sort_ts DESC, id DESC LIMIT ?3"
            ))?;
            let rows = stmt.query_map(params![original, story_id, limit as i64], summary_from_row)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    /// The links of the given articles (one query; missing ids are left out).
    pub fn links_of(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Links>, StoreError> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        self.read(|conn| {
            let placeholders = vec!["?"; ids.len()].join(",");
            let mut stmt =
                conn.prepare(&format!("SELECT id, story_id, duplicate_of FROM articles WHERE id IN ({placeholders})"))?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(ids.iter()), |r| {
                    Ok((r.get(0)?, Links { story_id: r.get(1)?, duplicate_of: r.get(2)? }))
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
    }

    /// Calls `f` on every stored article in id order (for export), 500 at a time.
    pub fn for_each_article(&self, f: impl FnMut(Article) -> Result<(), StoreError>) -> Result<(), StoreError> {
        self.for_each_article_from(0, f)
    }

    fn for_each_article_from(
        &self,
        mut after: i64,
        mut f: impl FnMut(Article) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        loop {
            let batch: Vec<Article> = self.read(|conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > ?1 ORDER BY id LIMIT 500"
                ))?;
                let mut rows = stmt.query([after])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(article_from_row(row)?);
                }
                Ok(out)
            })?;
            let Some(last) = batch.last() else { return Ok(()) };
            after = last.id;
            for a in batch {
                f(a)?;
            }
        }
    }

    /// Calls `f` on the newest `limit` stored articles (by id), oldest of them first: the
    /// connector's open window at start-up.
    pub fn for_each_recent_article(
        &self,
        limit: usize,
        f: impl FnMut(Article) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let first: i64 = self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT id FROM articles ORDER BY id DESC LIMIT 1 OFFSET ?1",
                    [limit.saturating_sub(1) as i64],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0))
        })?;
        self.for_each_article_from(first - 1, f)
    }

    /// Up to `limit` articles not yet in the search index.
    pub fn unindexed(&self, limit: usize) -> Result<Vec<Article>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE indexed = 0 ORDER BY id LIMIT ?1"
            ))?;
            let mut rows = stmt.query([limit as i64])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(article_from_row(row)?);
            }
            Ok(out)
        })
    }

    /// How many articles are not in the search index yet.
    pub fn unindexed_count(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            Ok(conn.query_row("SELECT count(*) FROM articles WHERE indexed = 0", [], |r| r.get::<_, i64>(0))? as u64)
        })
    }

    /// Marks articles as present in the search index (call after the index commit).
    pub fn mark_indexed(&self, ids: &[i64]) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            {
                let mut stmt = tx.prepare_cached("UPDATE articles SET indexed = 1 WHERE id = ?1")?;
                for id in ids {
                    stmt.execute([id])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Marks every article as missing from the search index (after the index was lost).
    pub fn mark_all_unindexed(&self) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute("UPDATE articles SET indexed = 0", [])?;
            Ok(())
        })
    }

    /// The number of stored articles (kept at write time).
    pub fn count(&self) -> Result<u64, StoreError> {
        self.read(|conn| kept_count(conn, "all", ""))
    }

    /// Values of a column with their article counts, most frequent first (kept at write
    /// time; costs the number of distinct values).
    pub fn facet(&self, column: Facet) -> Result<Vec<(String, u64)>, StoreError> {
        self.facet_top(column, usize::MAX)
    }

    /// The number of articles with `value` in a column (kept at write time).
    pub fn facet_count(&self, column: Facet, value: &str) -> Result<u64, StoreError> {
        self.read(|conn| kept_count(conn, column.name(), value))
    }

    /// The highest article id, if any (an index look-up).
    pub fn max_article_id(&self) -> Result<Option<i64>, StoreError> {
        self.read(|conn| Ok(conn.query_row("SELECT max(id) FROM articles", [], |r| r.get(0))?))
    }

    /// The ids in `(after, upto]` with their publication dates, in id order (a range of
    /// the primary key: the sitemap's files).
    pub fn dated_ids(&self, after: i64, upto: i64) -> Result<Vec<(i64, Option<String>)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT id, published FROM articles WHERE id > ?1 AND id <= ?2 ORDER BY id")?;
            let rows = stmt.query_map([after, upto], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// The `limit` most frequent values of a column with their article counts.
    pub fn facet_top(&self, column: Facet, limit: usize) -> Result<Vec<(String, u64)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT value, articles FROM facet_counts WHERE facet = ?1 ORDER BY articles DESC, value LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![column.name(), i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Stories with at least `min_size` articles, ranked by growth: articles in the
    /// newest `window` seconds (relative to the newest article) weighed against the
    /// window before it. Returns `(story_id, articles, recent)`.
    ///
    /// Reads the kept story sizes: the stories active in the two windows (at most
    /// [`ACTIVE_STORIES_CAP`], most recently active first) have their window counts
    /// read from the story index; the others score by size and breadth alone, and only
    /// the best `limit` of those are read.
    pub fn top_stories(&self, window: i64, min_size: u64, limit: usize) -> Result<Vec<StoryStat>, StoreError> {
        self.read(|conn| {
            let newest: Option<i64> = conn.query_row("SELECT max(sort_ts) FROM articles", [], |r| r.get(0))?;
            let Some(newest) = newest else { return Ok(Vec::new()) };
            let mut stmt = conn.prepare_cached(
                "SELECT s.story_id, s.size,
                        (SELECT count(*) FROM articles a WHERE a.story_id = s.story_id AND a.sort_ts > ?1 - ?2),
                        (SELECT count(*) FROM articles a WHERE a.story_id = s.story_id
                             AND a.sort_ts > ?1 - 2 * ?2 AND a.sort_ts <= ?1 - ?2),
                        s.sources, s.languages, s.last_ts
                 FROM (SELECT * FROM stories WHERE last_ts > ?1 - 2 * ?2 AND size >= ?3 ORDER BY last_ts DESC LIMIT ?4) s
                 UNION
                 SELECT story_id, size, 0, 0, sources, languages, last_ts
                 FROM (SELECT * FROM stories WHERE last_ts <= ?1 - 2 * ?2 AND size >= ?3
                       ORDER BY 5 * sources + size DESC, last_ts DESC LIMIT ?5)",
            )?;
            let mut rows = stmt
                .query_map(
                    params![newest, window, min_size as i64, ACTIVE_STORIES_CAP as i64, (2 * limit) as i64],
                    |r| {
                        Ok(StoryStat {
                            story_id: r.get(0)?,
                            articles: r.get::<_, i64>(1)? as u64,
                            recent: r.get::<_, i64>(2)? as u64,
                            previous: r.get::<_, i64>(3)? as u64,
                            sources: r.get::<_, i64>(4)? as u64,
                            languages: r.get::<_, i64>(5)? as u64,
                            last_ts: r.get(6)?,
                        })
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            rows.sort_by(|a, b| b.growth().total_cmp(&a.growth()).then(b.last_ts.cmp(&a.last_ts)));
            rows.truncate(limit);
            Ok(rows)
        })
    }
}

fn kept_count(conn: &rusqlite::Connection, facet: &str, value: &str) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT articles FROM facet_counts WHERE facet = ?1 AND value = ?2")?
        .query_row([facet, value], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0) as u64)
}

fn story_size(conn: &rusqlite::Connection, story_id: i64) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT size FROM stories WHERE story_id = ?1")?
        .query_row([story_id], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0) as u64)
}

/// A column to count values of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// Topic category.
    Category,
    /// Publishing source.
    Source,
    /// Language.
    Language,
}

impl Facet {
    /// Its name in the kept counts (and the column's).
    fn name(self) -> &'static str {
        match self {
            Facet::Category => "category",
            Facet::Source => "source",
            Facet::Language => "language",
        }
    }
}

/// Counts for one story.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryStat {
    /// The story.
    pub story_id: i64,
    /// All its articles.
    pub articles: u64,
    /// Articles in the newest window.
    pub recent: u64,
    /// Articles in the window before.
    pub previous: u64,
    /// Distinct sources.
    pub sources: u64,
    /// Distinct languages.
    pub languages: u64,
    /// Its newest article's time, Unix seconds.
    pub last_ts: i64,
}

impl StoryStat {
    /// Growth score: recent volume plus its acceleration over the previous window,
    /// with a bonus for breadth of sources (as EMM ranks breaking news).
    pub fn growth(&self) -> f64 {
        let recent = self.recent as f64;
        let previous = self.previous as f64;
        recent + (recent - previous).max(0.0) + 0.5 * self.sources as f64 + 0.1 * self.articles as f64
    }
}


/// The body of [`Store::set_links`], in the caller's transaction.
fn set_links_in(tx: &rusqlite::Transaction<'_>, id: i64, links: Links) -> Result<(), StoreError> {
    let before = crate::aggregates::contribution(tx, id)?;
    tx.prepare_cached("UPDATE articles SET story_id = ?2, duplicate_of = ?3 WHERE id = ?1")?
        .execute(params![id, links.story_id, links.duplicate_of])?;
    let after = crate::aggregates::contribution(tx, id)?;
    crate::aggregates::article_changed(tx, before.as_ref(), after.as_ref())
}

/// Writes of many articles in one transaction (bulk loads: [`Store::batch`]). Each method
/// does what the [`Store`] method of the same name does, with the same aggregates and
/// trend counters kept; nothing is visible to readers until the batch commits, and
/// nothing is stored if it fails.
pub struct Batch<'a> {
    store: &'a Store,
    tx: &'a rusqlite::Transaction<'a>,
}

impl Batch<'_> {
    /// [`Store::upsert_article`] inside the batch.
    pub fn upsert_article(&self, key: &ArticleKey, a: &Article) -> Result<Upsert, StoreError> {
        self.store.upsert_in(self.tx, key, a)
    }

    /// [`Store::set_links`] inside the batch.
    pub fn set_links(&self, id: i64, links: Links) -> Result<(), StoreError> {
        set_links_in(self.tx, id, links)
    }

    /// [`Store::set_related`] inside the batch.
    pub fn set_related(&self, id: i64, related: &[i64]) -> Result<(), StoreError> {
        crate::related::set_related_in(self.tx, id, related)
    }
}

impl Store {
    /// Runs `f`'s writes in one transaction: committed if `f` succeeds, rolled back (nothing
    /// stored) if it fails. For bulk loads, where a transaction per article costs more
    /// than the article; the store's writer is held until it returns.
    pub fn batch<T>(&self, f: impl FnOnce(&Batch<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let out = f(&Batch { store: self, tx: &tx })?;
            tx.commit()?;
            Ok(out)
        })
    }
}
