//! `polmon index-node --node NAME`: a web node's search index in the distributed mode.
//! The node keeps its own tantivy index in its data folder and follows the `index`
//! queue with its own consumer group (every node gets every message); an empty index
//! is filled from the shared store first. Each batch is indexed and committed before
//! its messages are acked.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use polmon_index::SearchIndex;
use polmon_pipeline::Pipeline;
use polmon_queue::IndexArticle;

use crate::distributed::{connect_queue, settle, ConsumeArgs, SharedStore, StageConsumer};

/// `polmon index-node`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// This node's name (letters, digits, '-', '_'): its consumer group is `index-NAME`.
    #[arg(long)]
    node: String,
    /// Messages taken (and committed together) per pull.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    #[command(flatten)]
    consume: ConsumeArgs,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    if args.node.is_empty()
        || !args
            .node
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        anyhow::bail!(
            "--node must be letters, digits, '-' and '_', got {:?}",
            args.node
        );
    }
    let store = SharedStore::open(cfg)?.articles();
    let queue = connect_queue(cfg)?;
    let folder = cfg.data.join("index");
    let index = SearchIndex::open(&folder)
        .with_context(|| format!("opening the search index {}", folder.display()))?;
    let mut pipeline = Pipeline::on(
        store,
        Some(Arc::new(index)),
        Arc::new(polmon_enrich::Analyzer::new()),
    );
    let target = polmon_translate::lang::normalize(&cfg.translate.target);
    pipeline.set_translation_target((!target.is_empty()).then_some(target.as_str()));
    // Joined before the fill: what is published meanwhile waits for this group.
    let mut consumer = StageConsumer::<IndexArticle>::join(
        &queue,
        &format!("index-{}", args.node),
        &args.consume,
    )?;
    let started = Instant::now();
    let filled = pipeline.fill_empty_index()?;
    if filled > 0 {
        tracing::info!(target: "polmon::distributed", articles = filled, secs = started.elapsed().as_secs_f64(), "empty index filled from the store");
    }
    loop {
        let batch = consumer.next_batch(args.batch.max(1));
        if batch.deliveries.is_empty() {
            continue;
        }
        let mut ids: Vec<i64> = batch
            .deliveries
            .iter()
            .map(|d| d.job().article_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        match pipeline.index_ids(&ids) {
            Ok(_) => batch.deliveries.into_iter().for_each(|d| settle(d, Ok(()))),
            Err(e) => {
                let reason = e.to_string();
                batch
                    .deliveries
                    .into_iter()
                    .for_each(|d| settle(d, Err(anyhow::anyhow!("indexing failed: {reason}"))));
            }
        }
    }
}
