//! What the distributed mode's commands share: the store and the queue the
//! configuration names (`store`, `queue`, or `--store`, `--queue`), the leadership of a
//! single-writer role, and the loop that takes a stage's messages.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use polmon_queue::{Batch, Consumer, ConsumerOptions, Delivery, Job, Queue, QueueConfig};
use polmon_store::{ArticleStore, Store};
use polmon_store_postgres::PgStore;

/// Connections each process keeps to PostgreSQL at most.
const PG_POOL_SIZE: u32 = 8;
/// How long a pull waits for messages before the loop looks around (sweeps, logs).
pub(crate) const PULL_WAIT: Duration = Duration::from_secs(1);
/// The pause after the queue server could not be reached, before trying again.
const QUEUE_RETRY: Duration = Duration::from_secs(1);

/// The shared store: PostgreSQL, or a data folder the processes of one machine share.
pub(crate) enum SharedStore {
    /// `postgres://…`
    Postgres(Arc<PgStore>),
    /// A data folder.
    Folder(Arc<Store>),
}

impl SharedStore {
    /// Opens the store the configuration names; an empty `store` is refused with what
    /// to give.
    pub(crate) fn open(cfg: &crate::config::Config) -> anyhow::Result<SharedStore> {
        let url = cfg.store.trim();
        if url.is_empty() {
            bail!("this command runs in the distributed mode: give the shared store with --store postgres://USER@HOST/DATABASE (or `store` in the configuration, or POLMON_STORE)");
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let store = PgStore::connect(url, PG_POOL_SIZE)
                .context("opening the shared PostgreSQL store")?;
            return Ok(SharedStore::Postgres(Arc::new(store)));
        }
        let folder = Path::new(url);
        let store = Store::open(folder)
            .with_context(|| format!("opening the shared data folder {}", folder.display()))?;
        Ok(SharedStore::Folder(Arc::new(store)))
    }

    /// The store's operations.
    pub(crate) fn articles(&self) -> Arc<dyn ArticleStore> {
        match self {
            SharedStore::Postgres(s) => Arc::clone(s) as Arc<dyn ArticleStore>,
            SharedStore::Folder(s) => Arc::clone(s) as Arc<dyn ArticleStore>,
        }
    }

    /// Waits until this process leads `role` (a standby waits here while the leader
    /// lives), checking every `poll`; the returned guard keeps the leadership until
    /// dropped or the process dies.
    pub(crate) fn wait_to_lead(
        &self,
        role: &str,
        poll: Duration,
    ) -> anyhow::Result<Box<dyn Leadership>> {
        let mut said = false;
        loop {
            let lead: anyhow::Result<Option<Box<dyn Leadership>>> = match self {
                SharedStore::Postgres(s) => s
                    .try_lead(role)
                    .map(|g| g.map(|g| Box::new(g) as Box<dyn Leadership>))
                    .map_err(Into::into),
                SharedStore::Folder(s) => s
                    .try_lead(role)
                    .map(|g| g.map(|g| Box::new(g) as Box<dyn Leadership>))
                    .map_err(Into::into),
            };
            let lead = lead.unwrap_or_else(|e| {
                // The store is away (restarting): a standby keeps waiting for it.
                tracing::warn!(target: "polmon::distributed", role, error = %format!("{e:#}"), "asking for the leadership failed");
                None
            });
            if let Some(guard) = lead {
                tracing::info!(target: "polmon::distributed", role, "leading");
                return Ok(guard);
            }
            if !said {
                tracing::info!(target: "polmon::distributed", role, "another process leads: standing by");
                said = true;
            }
            std::thread::sleep(poll);
        }
    }
}

/// A role's leadership, held until dropped.
pub(crate) trait Leadership: Send {
    /// Whether it is still held: a leader asks between units of work and stops when it
    /// is not (a PostgreSQL lock ends with its session).
    fn still_held(&mut self) -> bool;
}

impl Leadership for polmon_store::LeaderLock {
    fn still_held(&mut self) -> bool {
        // A lock file held open by this process: only the process's death ends it.
        true
    }
}

impl Leadership for polmon_store_postgres::PgLeaderLock {
    fn still_held(&mut self) -> bool {
        polmon_store_postgres::PgLeaderLock::still_held(self)
    }
}

/// Connects to the queue the configuration names, creating missing streams.
pub(crate) fn connect_queue(cfg: &crate::config::Config) -> anyhow::Result<Queue> {
    let url = cfg.queue.trim();
    if url.is_empty() {
        bail!("this command runs in the distributed mode: give the queue with --queue nats://HOST:PORT (or `queue` in the configuration, or POLMON_QUEUE)");
    }
    Ok(Queue::connect(QueueConfig::new(url))?)
}

/// Hands what a worker or a crawler stored to the queues: a new article to `connect`, an
/// updated one to `index` (then marks it handed over); an unchanged one, met again after
/// a crash between its commit and its hand-off, to `connect` again while it has no story
/// (the queue drops a copy of work still waiting).
pub(crate) struct QueueHandoff {
    pub(crate) store: Arc<dyn ArticleStore>,
    pub(crate) queue: Queue,
}

impl polmon_pipeline::Handoff for QueueHandoff {
    fn stored(&self, outcome: polmon_store::Upsert) -> Result<(), String> {
        use polmon_queue::ConnectArticle;
        use polmon_store::Upsert;
        let step = || -> anyhow::Result<()> {
            match outcome {
                Upsert::Inserted(id) => {
                    self.queue.publish(&ConnectArticle::new(id))?;
                }
                Upsert::Updated(id) => hand_to_index(&*self.store, &self.queue, id)?,
                Upsert::Unchanged(id) => {
                    let links = self.store.links_of(&[id])?;
                    if links.get(&id).is_some_and(|l| l.story_id.is_none()) {
                        self.queue.publish(&ConnectArticle::new(id))?;
                    }
                }
            }
            Ok(())
        };
        step().map_err(|e| format!("{e:#}"))
    }

    fn translated(&self, id: i64) -> Result<(), String> {
        let job = polmon_queue::ConnectArticle::translated(id, polmon_store::unix_now_ms());
        self.queue.publish(&job).map(|_| ()).map_err(|e| format!("{e:#}"))
    }
}

/// Request turns per host kept in the shared store (see
/// [`ArticleStore::reserve_host_turn`]): crawlers on several machines share them.
pub(crate) struct StoreTurns(pub(crate) Arc<dyn ArticleStore>);

impl std::fmt::Debug for StoreTurns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreTurns")
    }
}

impl polmon_fetch::SharedTurns for StoreTurns {
    fn reserve(&self, origin: &str, gap: Duration) -> Result<Duration, String> {
        let now_ms = polmon_store::unix_now_ms();
        let at = self
            .0
            .reserve_host_turn(origin, now_ms, gap.as_millis() as i64)
            .map_err(|e| e.to_string())?;
        Ok(Duration::from_millis((at - now_ms).max(0) as u64))
    }
}

/// Hands a stored article to the web nodes' indexes: published on `index`, then marked
/// as handed over (the sweeper publishes again what a crash left between the two).
pub(crate) fn hand_to_index(
    store: &dyn ArticleStore,
    queue: &Queue,
    id: i64,
) -> anyhow::Result<()> {
    queue.publish(&polmon_queue::IndexArticle::now(id))?;
    store.mark_indexed(&[id])?;
    Ok(())
}

/// The pipeline of a worker or a crawler on the shared store: it stores, and hands what
/// it stored to the queues.
pub(crate) fn storing_pipeline(
    cfg: &crate::config::Config,
    store: &Arc<dyn ArticleStore>,
    queue: &Queue,
) -> anyhow::Result<polmon_pipeline::Pipeline<dyn ArticleStore>> {
    let analyzer = polmon_pipeline::analyzer_with_rules(cfg.enrich.category_rules.as_deref())
        .context("loading the category rules")?;
    let mut pipeline = polmon_pipeline::Pipeline::on(Arc::clone(store), None, Arc::new(analyzer));
    let target = polmon_translate::lang::normalize(&cfg.translate.target);
    pipeline.set_translation_target((!target.is_empty()).then_some(target.as_str()));
    pipeline.hand_off_to(Box::new(QueueHandoff {
        store: Arc::clone(store),
        queue: queue.clone(),
    }));
    Ok(pipeline)
}

/// How a role takes its messages (flags shared by the roles).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ConsumeArgs {
    /// Seconds a taken message may stay unacked before the queue gives it to another
    /// member of the group (this process died or hangs).
    #[arg(long, default_value_t = 30)]
    pub(crate) ack_wait_secs: u64,
}

/// A stage's consumer that rides out the queue server's absence: a pull that fails is
/// logged and tried again after a pause (the client reconnects by itself).
pub(crate) struct StageConsumer<J> {
    consumer: Consumer<J>,
}

impl<J: Job> StageConsumer<J> {
    /// Joins consumer group `group` of `J`'s stage.
    pub(crate) fn join(
        queue: &Queue,
        group: &str,
        args: &ConsumeArgs,
    ) -> anyhow::Result<StageConsumer<J>> {
        let ack_wait = Duration::from_secs(args.ack_wait_secs.max(PULL_WAIT.as_secs() + 6));
        let consumer = queue.consumer::<J>(ConsumerOptions {
            ack_wait,
            ..ConsumerOptions::new(group)
        })?;
        Ok(StageConsumer { consumer })
    }

    /// Up to `max` messages, or none after [`PULL_WAIT`] (or a pause when the server
    /// is away).
    pub(crate) fn next_batch(&mut self, max: usize) -> Batch<J> {
        match self.consumer.fetch(max, PULL_WAIT) {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(target: "polmon::distributed", stage = %self.consumer.stage(), error = %e, "taking messages failed: trying again");
                std::thread::sleep(QUEUE_RETRY);
                Batch {
                    deliveries: Vec::new(),
                    dead_lettered: 0,
                }
            }
        }
    }
}

/// Settles a delivery after its work: acked on success, failed (retried later, or
/// dead-lettered on its last delivery) otherwise. A queue that cannot be told is only
/// logged: the message comes again, and every handler is idempotent.
pub(crate) fn settle<J>(delivery: Delivery<J>, outcome: anyhow::Result<()>) {
    let sequence = delivery.stream_sequence();
    let told = match outcome {
        Ok(()) => delivery.ack(),
        Err(e) => {
            let reason = format!("{e:#}");
            tracing::warn!(target: "polmon::distributed", sequence, error = %reason, "work failed: retried later");
            delivery.fail(&reason).map(|_| ())
        }
    };
    if let Err(e) = told {
        tracing::warn!(target: "polmon::distributed", sequence, error = %e, "the queue was not told: the message will come again");
    }
}
