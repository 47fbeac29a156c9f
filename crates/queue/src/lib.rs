//! # polmon-queue
//!
//! Politics Monitor's work queues for the distributed mode: one NATS JetStream stream per
//! pipeline stage, carrying ids and keys (never pages or articles) from the stage that
//! made the work to the workers that do it.
//!
//! **Owns**
//! - [`Stage`] and the stream layout: streams `fetch`, `process`, `connect`, `index`,
//!   `deliver`, each on the subject of the same name, file storage, a de-duplication
//!   window ([`QueueConfig::duplicate_window`]); work-queue retention (a message leaves
//!   at its first ack, one consumer group per stage) except `index`, which keeps a
//!   message until every consumer group acked it (one group per web node, each with its
//!   own search index). Stream `dead` holds the dead letters on `dead.<stage>`.
//! - The typed messages ([`FetchItem`], [`ProcessPage`], [`ConnectArticle`],
//!   [`IndexArticle`], [`DeliverMatch`]; the [`Job`] trait) and their de-duplication ids
//!   (`Nats-Msg-Id`, e.g. `connect:42`): the same work published twice is one message.
//! - [`Queue`]: connecting (an unreachable server is an error naming the URL), creating
//!   the streams, publishing, [`Queue::pending`], [`Queue::stats`], the dead letters.
//! - [`Consumer`]: acks after the caller's commit, naks failures with a delay, sends a
//!   message to `dead.<stage>` after `max_deliver` deliveries (see its doc for how that
//!   is detected).
//! - [`Sweeper`]: republishes the work a crash left unfinished (articles not linked,
//!   not indexed) from an [`ArticleStore`](polmon_store::ArticleStore).
//! - [`test_server`]: a throw-away `nats-server` for tests (also other crates' tests).
//!
//! **Does not own**: what a stage does with its messages (the pipeline and the binary's
//! roles), where raw pages are kept (the store), the store's idempotency (unique keys).
//!
//! Delivery is at-least-once: a message can come again after a lost ack or outside the
//! duplicate window, so every handler must be idempotent.
//!
//! ```no_run
//! use std::time::Duration;
//! use polmon_queue::{ConnectArticle, ConsumerOptions, Queue, QueueConfig};
//! # fn run() -> Result<(), polmon_queue::QueueError> {
//! let queue = Queue::connect(QueueConfig::new("nats://127.0.0.1:4222"))?;
//! queue.publish(&ConnectArticle::new(42))?;
//! let mut consumer = queue.consumer::<ConnectArticle>(ConsumerOptions::new("connector"))?;
//! let report = consumer.handle_batch(100, Duration::from_secs(1), |job| {
//!     // link job.article_id and commit, then return Ok: the message is acked after it
//!     Ok::<_, String>(())
//! })?;
//! assert_eq!(report.acked, 1);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod consumer;
mod error;
mod job;
mod queue;
mod stage;
mod sweeper;
pub mod test_server;

pub use consumer::{Batch, BatchReport, Consumer, ConsumerOptions, Delivery, Failed};
pub use error::QueueError;
pub use job::{ConnectArticle, DeadLetter, DeliverMatch, FetchItem, IndexArticle, Job, ProcessPage};
pub use queue::{ConsumerStats, Published, Queue, QueueConfig, StageStats};
pub use stage::{Stage, DEAD_STREAM};
pub use sweeper::{SweepReport, Sweeper};
