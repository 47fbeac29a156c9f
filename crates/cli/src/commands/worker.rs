//! `polmon worker`: the distributed mode's fetch-and-process role (any number of them).
//! Takes raw-page keys from the `process` queue, runs each page through extract →
//! enrich → store on the shared store, hands new articles to `connect` and updated ones
//! to `index`, and acks only then. On a thread of its own it translates the articles
//! queued for translation (claimed in the store, so workers share that work too) and
//! hands each translation to `connect`.

use std::process::ExitCode;

use polmon_pipeline::{input_item_of, IngestError, Pipeline};
use polmon_queue::ProcessPage;
use polmon_store::ArticleStore;

use crate::distributed::{
    connect_queue, settle, storing_pipeline, ConsumeArgs, SharedStore, StageConsumer,
};

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
    let store = SharedStore::open(cfg)?.articles();
    let queue = connect_queue(cfg)?;
    let pipeline = std::sync::Arc::new(storing_pipeline(cfg, &store, &queue)?);
    // Never stopped: the process ends with its thread (a claimed article's lease ends).
    let _translating = crate::translation::Worker::new(std::sync::Arc::clone(&pipeline), &cfg.translate)
        .map(|w| w.spawn(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false))));
    let mut consumer = StageConsumer::<ProcessPage>::join(&queue, GROUP, &args.consume)?;
    tracing::info!(target: "polmon::distributed", "worker ready");
    loop {
        for delivery in consumer.next_batch(args.batch.max(1)).deliveries {
            let key = delivery.job().page_key.clone();
            match process(&pipeline, &*store, delivery.job()) {
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

/// One page: stored (idempotently: the same page again is `Unchanged`) and handed on by
/// the pipeline's hand-off.
fn process(
    pipeline: &Pipeline<dyn ArticleStore>,
    store: &dyn ArticleStore,
    job: &ProcessPage,
) -> Result<(), PageError> {
    let page = store
        .raw_page(&job.page_key)
        .map_err(|e| PageError::Transient(e.into()))?
        .ok_or_else(|| {
            PageError::Permanent(format!("no raw page is kept under {}", job.page_key))
        })?;
    pipeline.ingest_item(input_item_of(page)?)?;
    Ok(())
}
