//! [`Sweeper`]: republishes the work a crash left unfinished, read from the store.
//!
//! A worker stores an article, commits, then publishes `connect` and `index` for it; a
//! crash between the commit and the publish leaves an article that no message names.
//! The store knows: an article the connector handled always has a story
//! ([`Links::story_id`](polmon_model::Links)), and an indexed one is marked
//! ([`ArticleStore::mark_indexed`]). The sweeper compares, stage by stage, and
//! republishes with the usual de-duplication ids (`connect:<id>`, and `index:<id>@<ms>`
//! for a request to index made at that time).
//!
//! It sweeps a stage only when the stage's stream is empty, so that work still queued is
//! not queued again (after the duplicate window it would be a second message): an
//! article without its work done while nothing is queued was left by a crash (or its
//! message went to `dead.<stage>`, where it will be republished to fail again until an
//! operator deals with it: each sweep is one more round of `max_deliver` attempts).

use polmon_store::{ArticleStore, StoreError};

use crate::{ConnectArticle, IndexArticle, Queue, QueueError, Stage};

/// Ids read per store query when looking for articles without links.
const ID_PAGE: i64 = 5_000;

/// Republishes `connect` for stored articles without links and `index` for articles not
/// marked indexed.
///
/// Cost: the first sweep reads every article id once (pages of 5,000 ids, each with one
/// query for their links); later sweeps start from the lowest article found unlinked,
/// so they read only what was stored since (and what is still unlinked). `index` work is
/// read from the store's unindexed articles, at most `index_batch` per sweep (the next
/// sweep takes the next ones once these are indexed).
pub struct Sweeper<'a> {
    store: &'a dyn ArticleStore,
    queue: &'a Queue,
    /// Every article id below this one has links.
    linked_below: i64,
    index_batch: usize,
}

/// What one [`Sweeper::sweep`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Article ids read looking for missing links.
    pub ids_read: u64,
    /// `connect` messages published (new ones, duplicates left out).
    pub connect_published: usize,
    /// `index` messages published (new ones, duplicates left out).
    pub index_published: usize,
    /// Stages left alone because work was still queued in them.
    pub busy: usize,
}

fn store_error(step: &'static str) -> impl FnOnce(StoreError) -> QueueError {
    move |source| QueueError::Store { step, source }
}

impl<'a> Sweeper<'a> {
    /// A sweeper over `store`, publishing on `queue`; at most 1,000 `index` messages a sweep.
    pub fn new(store: &'a dyn ArticleStore, queue: &'a Queue) -> Sweeper<'a> {
        Sweeper { store, queue, linked_below: 1, index_batch: 1_000 }
    }

    /// Sets how many unindexed articles one sweep republishes at most.
    pub fn index_batch(mut self, limit: usize) -> Sweeper<'a> {
        self.index_batch = limit.max(1);
        self
    }

    /// Republishes the unfinished work of the `connect` and `index` stages whose streams
    /// are empty.
    pub fn sweep(&mut self) -> Result<SweepReport, QueueError> {
        let mut report = SweepReport::default();
        if self.queue.pending(Stage::Connect)? == 0 {
            self.sweep_links(&mut report)?;
        } else {
            report.busy += 1;
        }
        if self.queue.pending(Stage::Index)? == 0 {
            self.sweep_index(&mut report)?;
        } else {
            report.busy += 1;
        }
        Ok(report)
    }

    fn sweep_links(&mut self, report: &mut SweepReport) -> Result<(), QueueError> {
        let Some(newest) = self.store.max_article_id().map_err(store_error("reading the newest article id"))? else {
            return Ok(());
        };
        let mut lowest_unlinked = None;
        let mut after = self.linked_below - 1;
        while after < newest {
            let upto = after.saturating_add(ID_PAGE).min(newest);
            let ids: Vec<i64> = self
                .store
                .dated_ids(after, upto)
                .map_err(store_error("reading article ids"))?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            report.ids_read += ids.len() as u64;
            let links = self.store.links_of(&ids).map_err(store_error("reading article links"))?;
            let unlinked: Vec<ConnectArticle> = ids
                .iter()
                .filter(|id| links.get(id).is_some_and(|l| l.story_id.is_none()))
                .map(|&article_id| ConnectArticle::new(article_id))
                .collect();
            if let Some(first) = unlinked.first() {
                lowest_unlinked.get_or_insert(first.article_id);
                report.connect_published += self.queue.publish_all(&unlinked)?;
            }
            after = upto;
        }
        self.linked_below = lowest_unlinked.unwrap_or(newest + 1);
        Ok(())
    }

    fn sweep_index(&mut self, report: &mut SweepReport) -> Result<(), QueueError> {
        let unindexed: Vec<IndexArticle> = self
            .store
            .unindexed(self.index_batch)
            .map_err(store_error("reading unindexed articles"))?
            .into_iter()
            .map(|a| IndexArticle::now(a.id))
            .collect();
        if !unindexed.is_empty() {
            report.index_published += self.queue.publish_all(&unindexed)?;
        }
        Ok(())
    }
}
