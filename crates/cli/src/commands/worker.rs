//! `polmon worker`: the distributed mode's fetch-and-process role (any number of them).
//! Takes raw-page keys from the `process` queue, runs each page through extract →
//! enrich → store on the shared store, hands new articles to `connect` and updated ones
//! to `index`, and acks only then.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_pipeline::{analyzer_with_rules, input_item_of, IngestError, Pipeline};
use polmon_queue::{ConnectArticle, IndexArticle, ProcessPage, Queue};
use polmon_store::{ArticleStore, Upsert};

use crate::distributed::{connect_queue, settle, ConsumeArgs, SharedStore, StageConsumer};

/// The consumer group every worker joins (they share the `process` stage's work).
const GROUP: &str = "workers";

/// `polmon worker`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Messages taken per pull.
    #[arg(long, default_value_t = 16)]
    batch: usize,
    #[command(flatten)]
    consume: ConsumeArgs,
}

/// Why one page failed: for good (dead-lettered at once) or for now (retried).
enum PageError {
    Permanent(String),
    Transient(anyhow::Error),
}

impl From<IngestError> for PageError {
    fn from(e: IngestError) -> Self {
        if e.is_transient() {
            PageError::Transient(e.into())
        } else {
            PageError::Permanent(e.to_string())
        }
    }
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    let shared = SharedStore::open(cfg)?;
    let store = shared.articles();
    let queue = connect_queue(cfg)?;
    let analyzer = analyzer_with_rules(cfg.enrich.category_rules.as_deref())
        .context("loading the category rules")?;
    let mut pipeline = Pipeline::on(Arc::clone(&store), None, Arc::new(analyzer));
    let target = polmon_translate::lang::normalize(&cfg.translate.target);
    pipeline.set_translation_target((!target.is_empty()).then_some(target.as_str()));
    let mut consumer = StageConsumer::<ProcessPage>::join(&queue, GROUP, &args.consume)?;
    tracing::info!(target: "polmon::distributed", "worker ready");
    loop {
        for delivery in consumer.next_batch(args.batch.max(1)).deliveries {
            let key = delivery.job().page_key.clone();
            match process(&pipeline, &*store, &queue, delivery.job()) {
                Ok(()) => settle(delivery, Ok(())),
                Err(PageError::Permanent(reason)) => {
                    tracing::warn!(target: "polmon::distributed", page = %key, %reason, "page given up");
                    if let Err(e) = delivery.give_up(&reason) {
                        tracing::warn!(target: "polmon::distributed", page = %key, error = %e, "the queue was not told: the page will come again");
                    }
                }
                Err(PageError::Transient(e)) => settle(delivery, Err(e)),
            }
        }
    }
}

/// One page: stored (idempotently: the same page again is `Unchanged`), then handed on.
fn process(
    pipeline: &Pipeline<dyn ArticleStore>,
    store: &dyn ArticleStore,
    queue: &Queue,
    job: &ProcessPage,
) -> Result<(), PageError> {
    let transient = |e: polmon_store::StoreError| PageError::Transient(e.into());
    let page = store
        .raw_page(&job.page_key)
        .map_err(transient)?
        .ok_or_else(|| {
            PageError::Permanent(format!("no raw page is kept under {}", job.page_key))
        })?;
    let (done, _) = pipeline.store_item(input_item_of(page)?)?;
    let publish_error = |e: polmon_queue::QueueError| PageError::Transient(e.into());
    match done.outcome {
        Upsert::Inserted(id) => {
            queue
                .publish(&ConnectArticle { article_id: id })
                .map_err(publish_error)?;
        }
        Upsert::Updated(id) => {
            queue
                .publish(&IndexArticle { article_id: id })
                .map_err(publish_error)?;
            store.mark_indexed(&[id]).map_err(transient)?;
        }
        // Delivered again after a commit whose hand-over was lost: hand it over again
        // (the queue drops a copy of work still waiting).
        Upsert::Unchanged(id) => {
            let unlinked = store
                .links_of(&[id])
                .map_err(transient)?
                .get(&id)
                .is_some_and(|l| l.story_id.is_none());
            if unlinked {
                queue
                    .publish(&ConnectArticle { article_id: id })
                    .map_err(publish_error)?;
            }
        }
    }
    Ok(())
}
