//! [`ArticleStore`]: the store's core operations as a trait, so that the same pipeline
//! and web code can run on the embedded SQLite [`Store`] or on a shared server store
//! (`polmon-store-postgres`).
//!
//! Every backend gives the same answers for the same calls: ids assigned in insertion
//! order, the same newest-first ordering and keyset cursors, the same `Unchanged`
//! outcome for a stored article whose content hash did not change. The
//! [`conformance`](crate::conformance) suite (feature `conformance`) checks that, and
//! every backend runs it in its own tests.
//!
//! Not in the trait yet (SQLite only, on [`Store`]):
//! - translations: `queued_translations`, `queue_untranslated`;
//! - `rebuild_trends`, `delete_article`, `for_each_article` (export),
//!   `aggregate_mismatches`, `is_seen` (callers can use `seen_item`).

use std::collections::HashMap;

use polmon_model::{Article, Links};

use crate::{
    ArticleKey, ArticleSummary, DayCount, DeadDelivery, Delivery, EntityArticle, EntityRecord, EntityRole, Facet, ListQuery,
    MatchRecord, NewMatch, NewSource, NewWatch, Period, QueuedTranslation, QuoteRecord, QuoteShares, RawPage,
    RoleHolder, RoleSpan, SeenItem, SourceQuotes, SourceRecord, SpeakerCount, Store, StoreError, StoredTranslation,
    StoryStat, TrendingEntity, Upsert, WatchRecord,
};

/// The store's core operations: what ingest (pipeline, crawler, connector) and the read
/// side (web, export) need. Implemented by [`Store`] (SQLite) and by
/// `polmon_store_postgres::PgStore`.
///
/// Methods take `&self`: an implementation is shared between threads and serialises or
/// pools its connections itself.
pub trait ArticleStore: Send + Sync {
    // --- Articles: ingest -------------------------------------------------------

    /// Stores an article under `key`: inserts it, updates the stored one with the same
    /// `dedup_key` if its `content_hash` changed (and marks it unindexed), or leaves it
    /// alone (`Unchanged`). Entities, mentions and quotes are rewritten with it.
    /// `article.id`, `links` and `ingested_at` are ignored: the store assigns them.
    fn upsert_article(&self, key: &ArticleKey, article: &Article) -> Result<Upsert, StoreError>;

    /// [`upsert_article`](Self::upsert_article) with what goes with an article, in its
    /// transaction: for a stored version (inserted or updated), the watches' matches
    /// `matches(id)` with their deliveries, and its place in the translation queue when
    /// `translate_to` is another language than its own. A crash loses neither an alert
    /// nor a translation.
    fn store_article(
        &self,
        key: &ArticleKey,
        article: &Article,
        matches: &dyn Fn(i64) -> Vec<NewMatch>,
        translate_to: Option<&str>,
    ) -> Result<Upsert, StoreError>;

    /// Files every stored mention and quote of the entity `(from, kind)` under `(into,
    /// kind)` (created if need be) and deletes `from`, keeping every count right; returns
    /// the number of articles moved (0 when `from` is not stored).
    fn merge_entity(&self, kind: &str, from: &str, into: &str) -> Result<u64, StoreError>;

    /// The people with the roles the articles gave them, the most given first, at most
    /// `limit` (person, role) pairs, each with the first and last day (of publication)
    /// and the number of articles. Read once by a long-lived process.
    fn role_holders(&self, limit: usize) -> Result<Vec<RoleHolder>, StoreError>;

    /// The id and content hash of the article stored under `dedup_key`, if any.
    fn content_hash_of(&self, dedup_key: &str) -> Result<Option<(i64, String)>, StoreError>;

    /// The id of the first article stored from this URL (as given to the pipeline).
    fn article_id_by_url(&self, url: &str) -> Result<Option<i64>, StoreError>;

    // --- Articles: reads ---------------------------------------------------------

    /// One article by id, with its links and ingestion time.
    fn article(&self, id: i64) -> Result<Option<Article>, StoreError>;

    /// Summaries of the given ids, in the order given (missing ids are left out).
    fn summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>, StoreError>;

    /// Newest first (by publication, else ingestion time; ties by id), filtered and
    /// paged by [`ListQuery::before`] (keyset) or offset; with the number of matches
    /// (exact for one filter or none, counted up to [`TOTAL_CAP`](crate::TOTAL_CAP)
    /// with several).
    fn list(&self, query: &ListQuery) -> Result<(Vec<ArticleSummary>, u64), StoreError>;

    /// The number of stored articles.
    fn count(&self) -> Result<u64, StoreError>;

    /// The highest article id, if any.
    fn max_article_id(&self) -> Result<Option<i64>, StoreError>;

    /// The ids in `(after, upto]` with their publication dates, in id order.
    fn dated_ids(&self, after: i64, upto: i64) -> Result<Vec<(i64, Option<String>)>, StoreError>;

    /// Calls `f` on the newest `limit` articles (by id), oldest of them first: the
    /// connector's open window at start-up.
    fn for_each_recent_article(
        &self,
        limit: usize,
        f: &mut dyn FnMut(Article) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    // --- Facets -----------------------------------------------------------------

    /// The `limit` most frequent values of a column with their article counts, most
    /// frequent first, ties by value.
    fn facet_top(&self, column: Facet, limit: usize) -> Result<Vec<(String, u64)>, StoreError>;

    /// The number of articles with `value` in a column.
    fn facet_count(&self, column: Facet, value: &str) -> Result<u64, StoreError>;

    // --- Links, stories and related lists ---------------------------------------

    /// Records an article's near-duplicate original and story.
    fn set_links(&self, id: i64, links: Links) -> Result<(), StoreError>;

    /// The links of the given articles (missing ids are left out).
    fn links_of(&self, ids: &[i64]) -> Result<HashMap<i64, Links>, StoreError>;

    /// Moves every article of story `from` into story `into`.
    fn merge_story(&self, from: i64, into: i64) -> Result<(), StoreError>;

    /// Moves the given articles into story `into`.
    fn move_to_story(&self, ids: &[i64], into: i64) -> Result<(), StoreError>;

    /// The oldest article of each story, in the order given (empty stories left out).
    fn story_openers(&self, story_ids: &[i64]) -> Result<Vec<(i64, ArticleSummary)>, StoreError>;

    /// The distinct sources and languages of a story, each sorted.
    fn story_values(&self, story_id: i64) -> Result<(Vec<String>, Vec<String>), StoreError>;

    /// The number of articles in a story.
    fn story_size(&self, story_id: i64) -> Result<u64, StoreError>;

    /// The near-copies of `original` in `story_id`, and `original` itself, newest first.
    fn copies_of(&self, original: i64, story_id: i64, limit: usize) -> Result<Vec<ArticleSummary>, StoreError>;

    /// Replaces the related list of `id` (best first).
    fn set_related(&self, id: i64, related: &[i64]) -> Result<(), StoreError>;

    /// The related list of `id`; `None` when none was computed yet.
    fn related(&self, id: i64) -> Result<Option<Vec<i64>>, StoreError>;

    /// Up to `limit` article ids (oldest first) without a related list yet.
    fn without_related(&self, limit: usize) -> Result<Vec<i64>, StoreError>;

    // --- Search index bookkeeping -------------------------------------------------

    /// Up to `limit` articles not yet in the search index, in id order.
    fn unindexed(&self, limit: usize) -> Result<Vec<Article>, StoreError>;

    /// How many articles are not in the search index yet.
    fn unindexed_count(&self) -> Result<u64, StoreError>;

    /// Marks articles as present in the search index (after the index commit).
    fn mark_indexed(&self, ids: &[i64]) -> Result<(), StoreError>;

    /// Marks every article as missing from the search index.
    fn mark_all_unindexed(&self) -> Result<(), StoreError>;

    // --- Watches and translations ----------------------------------------------------

    /// Adds a watch; returns its id and secret token.
    fn add_watch(&self, watch: &NewWatch) -> Result<(i64, String), StoreError>;

    /// Removes a watch with its matches and pending deliveries; false if there was none.
    fn remove_watch(&self, id: i64) -> Result<bool, StoreError>;

    /// Every watch, oldest first.
    fn watches(&self) -> Result<Vec<WatchRecord>, StoreError>;

    /// A number that changes whenever a watch is added or removed, by any process.
    fn watches_version(&self) -> Result<i64, StoreError>;

    /// The stored machine translations into `language` of the given articles that were
    /// made from their current text: `id → (title, text)`.
    fn translated_texts(&self, ids: &[i64], language: &str) -> Result<HashMap<i64, (String, String)>, StoreError>;

    /// Up to `limit` articles queued for a translation into `language` and due at `now`
    /// (Unix seconds), oldest attempt first (ties by article id).
    fn due_translations(&self, language: &str, now: i64, limit: usize) -> Result<Vec<QueuedTranslation>, StoreError>;

    /// Stores the translation of `id` made from the text with `source_hash`, takes it off
    /// the queue and sends the article back to the search index, in one transaction;
    /// false (nothing stored, the article stays queued) when the article's text has
    /// another hash by now, or the article is gone.
    fn put_translation(&self, id: i64, source_hash: &str, translation: &StoredTranslation) -> Result<bool, StoreError>;

    /// Claims up to `limit` articles queued for a translation into `language` and due at
    /// `now` (Unix seconds), the ones [`due_translations`](Self::due_translations) lists,
    /// in article id order: they are not due again before `now + lease_secs`, so no other translator (process
    /// or machine) takes them meanwhile, and one takes them then if they were neither
    /// translated nor rescheduled (their translator died).
    fn claim_translations(&self, language: &str, now: i64, lease_secs: i64, limit: usize) -> Result<Vec<QueuedTranslation>, StoreError>;

    /// Records a failed attempt at translating `id` into `language`: one more attempt,
    /// due again at `next_attempt` (Unix seconds), with the error kept.
    fn translation_failed(&self, id: i64, language: &str, error: &str, next_attempt: i64) -> Result<(), StoreError>;

    /// Takes `id` off the queue without a translation (it is in `language` already, or
    /// the engine has no route for it).
    fn unqueue_translation(&self, id: i64, language: &str) -> Result<(), StoreError>;

    /// The content hash of the article's present text, if it is stored (what a
    /// translation made from it is stored with).
    fn content_hash(&self, id: i64) -> Result<Option<String>, StoreError>;

    /// One watch.
    fn watch(&self, id: i64) -> Result<Option<WatchRecord>, StoreError>;

    /// A watch's matches, newest first.
    fn watch_matches(&self, watch_id: i64, limit: usize, offset: usize) -> Result<Vec<MatchRecord>, StoreError>;

    /// Deliveries given up, newest first.
    fn dead_deliveries(&self, limit: usize) -> Result<Vec<DeadDelivery>, StoreError>;

    /// The match of one watch and article.
    fn watch_match(&self, watch_id: i64, article_id: i64) -> Result<Option<MatchRecord>, StoreError>;

    /// A watch's matches made from `start` (included) to `end` (excluded), oldest first.
    fn watch_matches_between(&self, watch_id: i64, start: i64, end: i64) -> Result<Vec<MatchRecord>, StoreError>;

    /// Claims up to `limit` due deliveries for `lease_secs` seconds: no other deliverer
    /// (process or machine) takes them before the lease ends, and one takes them then if
    /// they were neither recorded as sent nor rescheduled (their sender died).
    fn claim_deliveries(&self, lease_secs: i64, limit: usize) -> Result<Vec<Delivery>, StoreError>;

    /// Records a delivery as sent.
    fn delivery_sent(&self, id: i64) -> Result<(), StoreError>;

    /// Records a failed attempt: tried again at `retry_at` (Unix time), or given up
    /// (dead-lettered) when `None`.
    fn delivery_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<(), StoreError>;

    /// The soonest time a pending delivery is due (Unix time), if any.
    fn next_delivery_due(&self) -> Result<Option<i64>, StoreError>;

    /// The stored translation of `id` into `language`, if it was made from the current
    /// text.
    fn translation(&self, id: i64, language: &str) -> Result<Option<StoredTranslation>, StoreError>;

    /// The translated titles and first paragraphs of the given articles (current text
    /// only): `id → (title, lead)`.
    fn translated_leads(&self, ids: &[i64], language: &str) -> Result<HashMap<i64, (String, String)>, StoreError>;

    // --- The read side's summaries: stories, roles, trends ----------------------------

    /// The stories most active over the `window` seconds before the newest article, of
    /// at least `min_size` articles, best first (see [`ACTIVE_STORIES_CAP`](crate::ACTIVE_STORIES_CAP)).
    fn top_stories(&self, window: i64, min_size: u64, limit: usize) -> Result<Vec<StoryStat>, StoreError>;

    /// The roles articles gave an entity, most given first (at most
    /// [`MAX_ROLES`](crate::MAX_ROLES)).
    fn entity_roles(&self, entity_id: i64) -> Result<Vec<EntityRole>, StoreError>;

    /// Every value of a column with its article count, most frequent first.
    fn facet(&self, column: Facet) -> Result<Vec<(String, u64)>, StoreError>;

    /// The newest day with trend counts at or before `today`.
    fn trend_day(&self, today: i64) -> Result<Option<i64>, StoreError>;

    /// The entities in the news on `day` against their usual level.
    fn in_the_news(&self, day: i64, min_count: u64, limit: usize) -> Result<Vec<TrendingEntity>, StoreError>;

    /// The most quoted speakers of a period.
    fn top_speakers(&self, period: Period, limit: usize) -> Result<Vec<SpeakerCount>, StoreError>;

    /// An entity's articles per day over a period.
    fn entity_series(&self, entity_id: i64, period: Period) -> Result<Vec<DayCount>, StoreError>;

    /// Who a source quotes over a period: shares by speaker role and the top speakers.
    fn quote_shares(&self, source: &str, period: Period, limit: usize) -> Result<QuoteShares, StoreError>;

    /// The sources that quote an entity over a period, most first.
    fn quoting_sources(&self, entity_id: i64, period: Period, limit: usize) -> Result<Vec<SourceQuotes>, StoreError>;

    /// The roles an entity was given over time, with first and last day.
    fn role_history(&self, entity_id: i64, limit: usize) -> Result<Vec<RoleSpan>, StoreError>;

    /// Whether any article comes from `source`.
    fn source_exists(&self, source: &str) -> Result<bool, StoreError>;

    // --- Raw pages -------------------------------------------------------------------

    /// Keeps a raw page under its key; false when that key was already kept (left as it
    /// is: a key names one content).
    fn put_raw_page(&self, page: &RawPage) -> Result<bool, StoreError>;

    /// The raw page kept under `key`.
    fn raw_page(&self, key: &str) -> Result<Option<RawPage>, StoreError>;

    // --- Entities and quotes -------------------------------------------------------

    /// One entity, with the number of articles that mention it.
    fn entity(&self, id: i64) -> Result<Option<EntityRecord>, StoreError>;

    /// The entities an article mentions, most mentioned first (`articles` holds the
    /// mentions in that article), with the role given there.
    fn article_entities(&self, article_id: i64) -> Result<Vec<(EntityRecord, Option<String>)>, StoreError>;

    /// [`article_entities`](Self::article_entities) of several articles, article after
    /// article in the order given.
    fn entities_of_articles(&self, article_ids: &[i64])
        -> Result<Vec<(i64, EntityRecord, Option<String>)>, StoreError>;

    /// Articles mentioning an entity, newest first.
    fn entity_articles(&self, entity_id: i64, limit: usize) -> Result<Vec<EntityArticle>, StoreError>;

    /// The most mentioned entities of a kind (or of all kinds), ties by name.
    fn top_entities(&self, kind: Option<&str>, limit: usize) -> Result<Vec<EntityRecord>, StoreError>;

    /// Quotes attributed to an entity (newest first), or found in an article (in order).
    fn quotes(
        &self,
        entity_id: Option<i64>,
        article_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<QuoteRecord>, StoreError>;

    /// The quotes of each of the given articles (at most `per_article` each), in the
    /// order of `article_ids`.
    fn quotes_of_articles(&self, article_ids: &[i64], per_article: usize) -> Result<Vec<QuoteRecord>, StoreError>;

    // --- Crawled sources -----------------------------------------------------------

    /// Adds a source; returns its id and whether it is new (an existing source with the
    /// same URL is left as it is).
    fn add_source(&self, source: &NewSource) -> Result<(i64, bool), StoreError>;

    /// Every source, by id.
    fn sources(&self) -> Result<Vec<SourceRecord>, StoreError>;

    /// One source by id.
    fn source(&self, id: i64) -> Result<Option<SourceRecord>, StoreError>;

    /// One source by its normalised URL.
    fn source_by_url(&self, url: &str) -> Result<Option<SourceRecord>, StoreError>;

    /// Removes a source and what was seen of it. False if unknown.
    fn remove_source(&self, id: i64) -> Result<bool, StoreError>;

    /// Saves a source's schedule state, next due time and validators.
    fn save_source_state(
        &self,
        id: i64,
        state: &str,
        next_due: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<(), StoreError>;

    /// The enabled sources due at `now`, most overdue first, at most `limit` (a read:
    /// see [`lease_due_sources`](Self::lease_due_sources) to take them).
    fn due_sources(&self, now: i64, limit: usize) -> Result<Vec<SourceRecord>, StoreError>;

    /// Takes up to `limit` enabled sources due at `now`, most overdue first, and moves
    /// their `next_due` to `now + lease_secs` in the same transaction, so that no other
    /// scheduler (another handle, process or machine) takes them until the lease ends
    /// or the taker saves their state. Returned records carry the new `next_due`.
    fn lease_due_sources(&self, now: i64, lease_secs: i64, limit: usize) -> Result<Vec<SourceRecord>, StoreError>;

    /// Reserves the next request to `host` for a caller at `now_ms` (Unix milliseconds):
    /// the time its request may start (the later of `now_ms` and the host's next free
    /// turn), the turn moved `gap_ms` past it. Shared by every crawler on the store.
    fn reserve_host_turn(&self, host: &str, now_ms: i64, gap_ms: i64) -> Result<i64, StoreError>;

    /// The earliest `next_due` of the enabled sources.
    fn next_source_due(&self) -> Result<Option<i64>, StoreError>;

    /// Records that an item of a source was dealt with (stored as `article_id`, or given
    /// up for `outcome`), replacing an earlier record but keeping its article.
    fn mark_seen(
        &self,
        source_id: i64,
        key: &str,
        fingerprint: &str,
        article_id: Option<i64>,
        outcome: Option<&str>,
    ) -> Result<(), StoreError>;

    /// What was recorded of an item, if it was seen.
    fn seen_item(&self, source_id: i64, key: &str) -> Result<Option<SeenItem>, StoreError>;

    /// How many items of a source were seen.
    fn seen_count(&self, source_id: i64) -> Result<u64, StoreError>;

    /// Counts one more transient failure of an item; returns the count so far.
    fn record_item_retry(&self, source_id: i64, key: &str, error: &str) -> Result<u32, StoreError>;

    /// Forgets the transient failures of an item.
    fn clear_item_retries(&self, source_id: i64, key: &str) -> Result<(), StoreError>;
}

/// Writes `impl ArticleStore for Store` as calls of the inherent methods of the same
/// names and arguments.
macro_rules! delegate {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)* ) -> $ret:ty; )*) => {
        impl ArticleStore for Store {
            $( fn $name(&self $(, $arg: $ty)*) -> $ret { Store::$name(self $(, $arg)*) } )*

            fn for_each_recent_article(
                &self,
                limit: usize,
                f: &mut dyn FnMut(Article) -> Result<(), StoreError>,
            ) -> Result<(), StoreError> {
                Store::for_each_recent_article(self, limit, f)
            }
        }
    };
}

delegate! {
    fn upsert_article(&self, key: &ArticleKey, article: &Article) -> Result<Upsert, StoreError>;
    fn store_article(&self, key: &ArticleKey, article: &Article, matches: &dyn Fn(i64) -> Vec<NewMatch>, translate_to: Option<&str>) -> Result<Upsert, StoreError>;
    fn merge_entity(&self, kind: &str, from: &str, into: &str) -> Result<u64, StoreError>;
    fn role_holders(&self, limit: usize) -> Result<Vec<RoleHolder>, StoreError>;
    fn add_watch(&self, watch: &NewWatch) -> Result<(i64, String), StoreError>;
    fn remove_watch(&self, id: i64) -> Result<bool, StoreError>;
    fn watches(&self) -> Result<Vec<WatchRecord>, StoreError>;
    fn watches_version(&self) -> Result<i64, StoreError>;
    fn translated_texts(&self, ids: &[i64], language: &str) -> Result<HashMap<i64, (String, String)>, StoreError>;
    fn due_translations(&self, language: &str, now: i64, limit: usize) -> Result<Vec<QueuedTranslation>, StoreError>;
    fn put_translation(&self, id: i64, source_hash: &str, translation: &StoredTranslation) -> Result<bool, StoreError>;
    fn claim_translations(&self, language: &str, now: i64, lease_secs: i64, limit: usize) -> Result<Vec<QueuedTranslation>, StoreError>;
    fn translation_failed(&self, id: i64, language: &str, error: &str, next_attempt: i64) -> Result<(), StoreError>;
    fn unqueue_translation(&self, id: i64, language: &str) -> Result<(), StoreError>;
    fn content_hash(&self, id: i64) -> Result<Option<String>, StoreError>;
    fn put_raw_page(&self, page: &RawPage) -> Result<bool, StoreError>;
    fn raw_page(&self, key: &str) -> Result<Option<RawPage>, StoreError>;
    fn watch(&self, id: i64) -> Result<Option<WatchRecord>, StoreError>;
    fn watch_matches(&self, watch_id: i64, limit: usize, offset: usize) -> Result<Vec<MatchRecord>, StoreError>;
    fn dead_deliveries(&self, limit: usize) -> Result<Vec<DeadDelivery>, StoreError>;
    fn watch_match(&self, watch_id: i64, article_id: i64) -> Result<Option<MatchRecord>, StoreError>;
    fn watch_matches_between(&self, watch_id: i64, start: i64, end: i64) -> Result<Vec<MatchRecord>, StoreError>;
    fn claim_deliveries(&self, lease_secs: i64, limit: usize) -> Result<Vec<Delivery>, StoreError>;
    fn delivery_sent(&self, id: i64) -> Result<(), StoreError>;
    fn delivery_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> Result<(), StoreError>;
    fn next_delivery_due(&self) -> Result<Option<i64>, StoreError>;
    fn translation(&self, id: i64, language: &str) -> Result<Option<StoredTranslation>, StoreError>;
    fn translated_leads(&self, ids: &[i64], language: &str) -> Result<HashMap<i64, (String, String)>, StoreError>;
    fn top_stories(&self, window: i64, min_size: u64, limit: usize) -> Result<Vec<StoryStat>, StoreError>;
    fn entity_roles(&self, entity_id: i64) -> Result<Vec<EntityRole>, StoreError>;
    fn facet(&self, column: Facet) -> Result<Vec<(String, u64)>, StoreError>;
    fn trend_day(&self, today: i64) -> Result<Option<i64>, StoreError>;
    fn in_the_news(&self, day: i64, min_count: u64, limit: usize) -> Result<Vec<TrendingEntity>, StoreError>;
    fn top_speakers(&self, period: Period, limit: usize) -> Result<Vec<SpeakerCount>, StoreError>;
    fn entity_series(&self, entity_id: i64, period: Period) -> Result<Vec<DayCount>, StoreError>;
    fn quote_shares(&self, source: &str, period: Period, limit: usize) -> Result<QuoteShares, StoreError>;
    fn quoting_sources(&self, entity_id: i64, period: Period, limit: usize) -> Result<Vec<SourceQuotes>, StoreError>;
    fn role_history(&self, entity_id: i64, limit: usize) -> Result<Vec<RoleSpan>, StoreError>;
    fn source_exists(&self, source: &str) -> Result<bool, StoreError>;
    fn content_hash_of(&self, dedup_key: &str) -> Result<Option<(i64, String)>, StoreError>;
    fn article_id_by_url(&self, url: &str) -> Result<Option<i64>, StoreError>;
    fn article(&self, id: i64) -> Result<Option<Article>, StoreError>;
    fn summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>, StoreError>;
    fn list(&self, query: &ListQuery) -> Result<(Vec<ArticleSummary>, u64), StoreError>;
    fn count(&self) -> Result<u64, StoreError>;
    fn max_article_id(&self) -> Result<Option<i64>, StoreError>;
    fn dated_ids(&self, after: i64, upto: i64) -> Result<Vec<(i64, Option<String>)>, StoreError>;
    fn facet_top(&self, column: Facet, limit: usize) -> Result<Vec<(String, u64)>, StoreError>;
    fn facet_count(&self, column: Facet, value: &str) -> Result<u64, StoreError>;
    fn set_links(&self, id: i64, links: Links) -> Result<(), StoreError>;
    fn links_of(&self, ids: &[i64]) -> Result<HashMap<i64, Links>, StoreError>;
    fn merge_story(&self, from: i64, into: i64) -> Result<(), StoreError>;
    fn move_to_story(&self, ids: &[i64], into: i64) -> Result<(), StoreError>;
    fn story_openers(&self, story_ids: &[i64]) -> Result<Vec<(i64, ArticleSummary)>, StoreError>;
    fn story_values(&self, story_id: i64) -> Result<(Vec<String>, Vec<String>), StoreError>;
    fn story_size(&self, story_id: i64) -> Result<u64, StoreError>;
    fn copies_of(&self, original: i64, story_id: i64, limit: usize) -> Result<Vec<ArticleSummary>, StoreError>;
    fn set_related(&self, id: i64, related: &[i64]) -> Result<(), StoreError>;
    fn related(&self, id: i64) -> Result<Option<Vec<i64>>, StoreError>;
    fn without_related(&self, limit: usize) -> Result<Vec<i64>, StoreError>;
    fn unindexed(&self, limit: usize) -> Result<Vec<Article>, StoreError>;
    fn unindexed_count(&self) -> Result<u64, StoreError>;
    fn mark_indexed(&self, ids: &[i64]) -> Result<(), StoreError>;
    fn mark_all_unindexed(&self) -> Result<(), StoreError>;
    fn entity(&self, id: i64) -> Result<Option<EntityRecord>, StoreError>;
    fn article_entities(&self, article_id: i64) -> Result<Vec<(EntityRecord, Option<String>)>, StoreError>;
    fn entities_of_articles(&self, article_ids: &[i64]) -> Result<Vec<(i64, EntityRecord, Option<String>)>, StoreError>;
    fn entity_articles(&self, entity_id: i64, limit: usize) -> Result<Vec<EntityArticle>, StoreError>;
    fn top_entities(&self, kind: Option<&str>, limit: usize) -> Result<Vec<EntityRecord>, StoreError>;
    fn quotes(&self, entity_id: Option<i64>, article_id: Option<i64>, limit: usize) -> Result<Vec<QuoteRecord>, StoreError>;
    fn quotes_of_articles(&self, article_ids: &[i64], per_article: usize) -> Result<Vec<QuoteRecord>, StoreError>;
    fn add_source(&self, source: &NewSource) -> Result<(i64, bool), StoreError>;
    fn sources(&self) -> Result<Vec<SourceRecord>, StoreError>;
    fn source(&self, id: i64) -> Result<Option<SourceRecord>, StoreError>;
    fn source_by_url(&self, url: &str) -> Result<Option<SourceRecord>, StoreError>;
    fn remove_source(&self, id: i64) -> Result<bool, StoreError>;
    fn save_source_state(&self, id: i64, state: &str, next_due: i64, etag: Option<&str>, last_modified: Option<&str>) -> Result<(), StoreError>;
    fn due_sources(&self, now: i64, limit: usize) -> Result<Vec<SourceRecord>, StoreError>;
    fn lease_due_sources(&self, now: i64, lease_secs: i64, limit: usize) -> Result<Vec<SourceRecord>, StoreError>;
    fn next_source_due(&self) -> Result<Option<i64>, StoreError>;
    fn reserve_host_turn(&self, host: &str, now_ms: i64, gap_ms: i64) -> Result<i64, StoreError>;
    fn mark_seen(&self, source_id: i64, key: &str, fingerprint: &str, article_id: Option<i64>, outcome: Option<&str>) -> Result<(), StoreError>;
    fn seen_item(&self, source_id: i64, key: &str) -> Result<Option<SeenItem>, StoreError>;
    fn seen_count(&self, source_id: i64) -> Result<u64, StoreError>;
    fn record_item_retry(&self, source_id: i64, key: &str, error: &str) -> Result<u32, StoreError>;
    fn clear_item_retries(&self, source_id: i64, key: &str) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use crate::Store;

    /// An empty store in a temporary folder, and a function opening handles on it.
    fn fresh() -> (tempfile::TempDir, impl Fn() -> Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        (dir, move || Store::open(&path).unwrap())
    }

    crate::conformance_tests!(fresh);
}
