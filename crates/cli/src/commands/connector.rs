//! `polmon connector`: the distributed mode's story connector, a single writer. One
//! process leads (a lock held on the shared store: a PostgreSQL advisory lock on its own
//! connection, or a lock file beside a shared data folder); a standby waits for the
//! lock and takes over when the leader dies. The leader rebuilds its window from the
//! store (the newest [`CONNECTOR_WINDOW`](polmon_pipeline::CONNECTOR_WINDOW) articles,
//! linking any a crash left unlinked), then takes `connect` messages: links each
//! article (or, for a translation just stored, links it through the translation),
//! computes the related lists it changes, hands it to `index`, acks. Messages
//! it did not ack come again, in order. It also sweeps: work a crash left between a
//! commit and its publish is published again.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use polmon_pipeline::Pipeline;
use polmon_queue::{ConnectArticle, Sweeper};

use crate::distributed::{
    connect_queue, hand_to_index, settle, ConsumeArgs, Leadership, SharedStore, StageConsumer,
};

/// The role's name: the lock's and the consumer group's.
const ROLE: &str = "connector";

/// `polmon connector`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Seconds between sweeps for unfinished work (articles without a story or not yet
    /// handed to the index), when the queues are idle.
    #[arg(long, default_value_t = 30)]
    sweep_secs: u64,
    /// Seconds a standby waits between tries of the leadership.
    #[arg(long, default_value_t = 1)]
    standby_poll_secs: u64,
    #[command(flatten)]
    consume: ConsumeArgs,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    let shared = SharedStore::open(cfg)?;
    let queue = connect_queue(cfg)?;
    loop {
        let mut leadership =
            shared.wait_to_lead(ROLE, Duration::from_secs(args.standby_poll_secs.max(1)))?;
        lead(cfg, &args, &shared, &queue, &mut *leadership)?;
        // The leadership ended with its session (a restarted server): stand by again,
        // with no state kept from the term that ended.
        tracing::warn!(target: "polmon::distributed", "leadership lost: standing by");
    }
}

/// One term as the leader: returns when the leadership is lost.
fn lead(
    cfg: &crate::config::Config,
    args: &Args,
    shared: &SharedStore,
    queue: &polmon_queue::Queue,
    leadership: &mut dyn Leadership,
) -> anyhow::Result<()> {
    let store = shared.articles();
    // The connector does not analyse text: the bundled analyzer is never used.
    let mut pipeline = Pipeline::on(
        Arc::clone(&store),
        None,
        Arc::new(polmon_enrich::Analyzer::new()),
    );
    let target = polmon_translate::lang::normalize(&cfg.translate.target);
    pipeline.set_translation_target((!target.is_empty()).then_some(target.as_str()));
    let started = Instant::now();
    // The window first (and whatever a crash left unlinked in it), before any message.
    while let Err(e) = pipeline.open_window() {
        if !e.is_transient() || !leadership.still_held() {
            return Err(e.into());
        }
        tracing::warn!(target: "polmon::distributed", error = %e, "building the window failed: trying again");
        std::thread::sleep(Duration::from_secs(1));
    }
    tracing::info!(target: "polmon::distributed", ms = started.elapsed().as_millis() as u64, "connector window ready");
    let mut consumer = StageConsumer::<ConnectArticle>::join(queue, ROLE, &args.consume)?;
    let mut sweeper = Sweeper::new(&*store, queue);
    let sweep_every = Duration::from_secs(args.sweep_secs.max(1));
    let mut last_sweep = Instant::now();
    loop {
        if !leadership.still_held() {
            return Ok(());
        }
        let batch = consumer.next_batch(64);
        let idle = batch.deliveries.is_empty();
        for delivery in batch.deliveries {
            let id = delivery.job().article_id;
            let step = match delivery.job().translated_at_ms {
                None => pipeline.link_stored(id),
                Some(_) => pipeline.link_stored_translation(id),
            };
            let linked = step
                .map_err(anyhow::Error::from)
                .and_then(|()| hand_to_index(&*store, queue, id));
            settle(
                delivery,
                linked.map_err(|e| e.context(format!("linking article {id}"))),
            );
        }
        if idle && last_sweep.elapsed() >= sweep_every {
            match sweeper.sweep() {
                Ok(report) => tracing::debug!(target: "polmon::distributed", ?report, "swept"),
                Err(e) => {
                    tracing::warn!(target: "polmon::distributed", error = %e, "sweeping failed")
                }
            }
            last_sweep = Instant::now();
        }
    }
}
