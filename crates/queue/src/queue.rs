//! [`Queue`]: a connection to NATS with the stage streams set up; publishing and monitoring.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, message::PublishMessage, stream};
use futures_util::StreamExt;

use crate::consumer::{Consumer, ConsumerOptions};
use crate::{DeadLetter, Job, QueueError, Stage, DEAD_STREAM};

/// How to reach NATS and how the stage streams are made.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    /// The server, e.g. `nats://127.0.0.1:4222`.
    pub url: String,
    /// How long a stream remembers a de-duplication id (`Nats-Msg-Id`): the same work
    /// published twice within it is stored once. NATS' default, 2 minutes.
    pub duplicate_window: Duration,
    /// How long the first connection may take.
    pub connect_timeout: Duration,
    /// How long a JetStream request (publish ack, info, ack confirmation) may take.
    pub request_timeout: Duration,
}

impl QueueConfig {
    /// The defaults for a server at `url`.
    pub fn new(url: impl Into<String>) -> QueueConfig {
        QueueConfig {
            url: url.into(),
            duplicate_window: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(5),
        }
    }
}

/// The outcome of one publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// The message's sequence in its stage's stream (the first copy's for a duplicate).
    pub sequence: u64,
    /// Whether the stream already held a message with this de-duplication id.
    pub duplicate: bool,
}

/// What a stage's stream holds, for monitoring and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageStats {
    /// The stage.
    pub stage: Stage,
    /// Messages in the stream: not yet acked (by every consumer group, for `index`).
    pub messages: u64,
    /// Their size in bytes.
    pub bytes: u64,
    /// The stage's consumer groups.
    pub consumers: Vec<ConsumerStats>,
    /// Messages in `dead.<stage>`.
    pub dead: u64,
}

/// One consumer group of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerStats {
    /// The durable consumer's name.
    pub name: String,
    /// Messages not yet delivered to the group.
    pub undelivered: u64,
    /// Messages delivered and waiting for an ack.
    pub ack_pending: u64,
    /// Messages delivered more than once (and not acked yet).
    pub redelivered: u64,
}

/// A connection to NATS JetStream with every stage's stream (and the dead-letter
/// stream) created if missing. Cheap to clone; every clone shares the connection.
///
/// The API is blocking: the queue drives the async NATS client on its own small tokio
/// runtime, so the synchronous store and pipeline code call it directly. Call it from
/// plain threads (or `spawn_blocking`), not from inside an async task.
#[derive(Clone)]
pub struct Queue {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: QueueConfig,
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) jetstream: jetstream::Context,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").field("url", &self.inner.config.url).finish()
    }
}

impl Inner {
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// A [`QueueError::JetStream`] naming this server.
    pub(crate) fn error(&self, step: impl Into<String>, detail: impl std::fmt::Display) -> QueueError {
        QueueError::JetStream { url: self.config.url.clone(), step: step.into(), detail: detail.to_string() }
    }

    /// Publishes `payload` on `subject` with a de-duplication id and waits for the
    /// stream's ack.
    pub(crate) async fn publish_raw(
        &self,
        subject: String,
        payload: Vec<u8>,
        dedup_id: &str,
    ) -> Result<Published, QueueError> {
        let step = || format!("publishing to {subject}");
        let message = PublishMessage::build().payload(payload.into()).message_id(dedup_id);
        let ack = self
            .jetstream
            .send_publish(subject.clone(), message)
            .await
            .map_err(|e| self.error(step(), e))?
            .await
            .map_err(|e| self.error(step(), e))?;
        Ok(Published { sequence: ack.sequence, duplicate: ack.duplicate })
    }

    pub(crate) async fn stream(&self, name: &str) -> Result<stream::Stream, QueueError> {
        self.jetstream.get_stream(name).await.map_err(|e| self.error(format!("opening the {name} stream"), e))
    }
}

impl Queue {
    /// Connects to `config.url` and creates the stage streams and the dead-letter stream
    /// that are missing (existing ones are used as they are).
    ///
    /// After the first connection the client reconnects by itself (forever, at most
    /// 2 s apart); calls made while the server is away fail and can be retried.
    pub fn connect(config: QueueConfig) -> Result<Queue, QueueError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("polmon-queue")
            .enable_all()
            .build()
            .map_err(QueueError::Runtime)?;
        let client = runtime
            .block_on(
                async_nats::ConnectOptions::new()
                    .name("polmon")
                    .connection_timeout(config.connect_timeout)
                    .reconnect_delay_callback(|attempts| Duration::from_millis((attempts as u64 * 100).min(2_000)))
                    .connect(config.url.as_str()),
            )
            .map_err(|e| QueueError::Unreachable { url: config.url.clone(), detail: e.to_string() })?;
        // The context spawns its ack task on the runtime.
        let jetstream = {
            let _entered = runtime.enter();
            jetstream::ContextBuilder::new().timeout(config.request_timeout).build(client)
        };
        let queue = Queue { inner: Arc::new(Inner { config, runtime, jetstream }) };
        queue.create_streams()?;
        Ok(queue)
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.inner.config.url
    }

    fn create_streams(&self) -> Result<(), QueueError> {
        let inner = &self.inner;
        for stage in Stage::ALL {
            let config = stream::Config {
                name: stage.name().to_owned(),
                subjects: vec![stage.subject().to_owned()],
                retention: if stage.fans_out() {
                    stream::RetentionPolicy::Interest
                } else {
                    stream::RetentionPolicy::WorkQueue
                },
                storage: stream::StorageType::File,
                duplicate_window: inner.config.duplicate_window,
                ..Default::default()
            };
            self.ensure_stream(config, &format!("creating the {stage} stream"))?;
        }
        let dead = stream::Config {
            name: DEAD_STREAM.to_owned(),
            subjects: vec![format!("{}.>", crate::stage::DEAD_SUBJECT_PREFIX)],
            retention: stream::RetentionPolicy::Limits,
            storage: stream::StorageType::File,
            duplicate_window: inner.config.duplicate_window,
            ..Default::default()
        };
        self.ensure_stream(dead, "creating the dead-letter stream")
    }

    /// Creates a stream unless it exists. Processes starting together race to create
    /// it; the loser's create fails ("subjects overlap with an existing stream" on
    /// nats-server 2.9), and finds the winner's stream when it looks again.
    fn ensure_stream(&self, config: stream::Config, step: &str) -> Result<(), QueueError> {
        let inner = &self.inner;
        let name = config.name.clone();
        match inner.block_on(inner.jetstream.get_or_create_stream(config)) {
            Ok(_) => Ok(()),
            Err(e) => match inner.block_on(inner.jetstream.get_stream(&name)) {
                Ok(_) => Ok(()),
                Err(_) => Err(inner.error(step.to_owned(), e)),
            },
        }
    }

    /// Publishes one message on its stage's stream with its de-duplication id and waits
    /// for the stream to store it. A second publish of the same work within the
    /// duplicate window returns `duplicate: true` and stores nothing.
    pub fn publish<J: Job>(&self, job: &J) -> Result<Published, QueueError> {
        let payload = serde_json::to_vec(job).map_err(|source| QueueError::Encode { stage: J::STAGE, source })?;
        let inner = &self.inner;
        inner.block_on(inner.publish_raw(J::STAGE.subject().to_owned(), payload, &job.dedup_id()))
    }

    /// Publishes many messages of one stage, sending them all before waiting for the acks.
    /// Returns how many were new (the rest were duplicates).
    pub fn publish_all<J: Job>(&self, jobs: &[J]) -> Result<usize, QueueError> {
        let inner = &self.inner;
        let subject = J::STAGE.subject();
        let step = || format!("publishing to {subject}");
        let mut messages = Vec::with_capacity(jobs.len());
        for job in jobs {
            let payload = serde_json::to_vec(job).map_err(|source| QueueError::Encode { stage: J::STAGE, source })?;
            messages.push(PublishMessage::build().payload(payload.into()).message_id(job.dedup_id()));
        }
        inner.block_on(async {
            let mut acks = Vec::with_capacity(messages.len());
            for message in messages {
                acks.push(inner.jetstream.send_publish(subject, message).await.map_err(|e| inner.error(step(), e))?);
            }
            let mut stored = 0;
            for ack in acks {
                if !ack.await.map_err(|e| inner.error(step(), e))?.duplicate {
                    stored += 1;
                }
            }
            Ok(stored)
        })
    }

    /// The messages in a stage's stream that are not acked yet.
    pub fn pending(&self, stage: Stage) -> Result<u64, QueueError> {
        let inner = &self.inner;
        inner.block_on(async {
            let stream = inner.stream(stage.name()).await?;
            let info = stream.get_info().await.map_err(|e| inner.error(format!("reading the {stage} stream"), e))?;
            Ok(info.state.messages)
        })
    }

    /// A stage's stream, consumer groups and dead letters.
    pub fn stats(&self, stage: Stage) -> Result<StageStats, QueueError> {
        let inner = &self.inner;
        let dead = self.dead_count(stage)?;
        inner.block_on(async {
            let stream = inner.stream(stage.name()).await?;
            let step = || format!("reading the {stage} stream");
            let info = stream.get_info().await.map_err(|e| inner.error(step(), e))?;
            let mut consumers = Vec::new();
            let mut listing = stream.consumers();
            while let Some(consumer) = listing.next().await {
                let consumer = consumer.map_err(|e| inner.error(step(), e))?;
                consumers.push(ConsumerStats {
                    name: consumer.name,
                    undelivered: consumer.num_pending,
                    ack_pending: consumer.num_ack_pending as u64,
                    redelivered: consumer.num_redelivered as u64,
                });
            }
            consumers.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(StageStats { stage, messages: info.state.messages, bytes: info.state.bytes, consumers, dead })
        })
    }

    /// The number of messages in `dead.<stage>`.
    pub fn dead_count(&self, stage: Stage) -> Result<u64, QueueError> {
        let inner = &self.inner;
        inner.block_on(async {
            let subject = stage.dead_subject();
            let step = || format!("counting {subject}");
            let stream = inner.stream(DEAD_STREAM).await?;
            let mut counts = stream.info_with_subjects(&subject).await.map_err(|e| inner.error(step(), e))?;
            let mut total = 0;
            while let Some(entry) = counts.next().await {
                total += entry.map_err(|e| inner.error(step(), e))?.1 as u64;
            }
            Ok(total)
        })
    }

    /// The first `limit` dead letters of a stage, oldest first (they stay in the stream
    /// until an operator purges them).
    pub fn dead_letters(&self, stage: Stage, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let inner = &self.inner;
        inner.block_on(async {
            let subject = stage.dead_subject();
            let step = || format!("reading {subject}");
            let stream = inner.stream(DEAD_STREAM).await?;
            let mut letters = Vec::new();
            let mut sequence = 1;
            while letters.len() < limit {
                let found =
                    stream.raw_message_builder().sequence(sequence).next_by_subject(subject.clone()).send().await;
                let message = match found {
                    Ok(message) => message,
                    Err(e) if e.kind() == stream::RawMessageErrorKind::NoMessageFound => break,
                    Err(e) => return Err(inner.error(step(), e)),
                };
                sequence = message.sequence + 1;
                let letter = serde_json::from_slice(&message.payload).map_err(|e| {
                    inner.error(step(), format!("message {} is not a dead letter: {e}", message.sequence))
                })?;
                letters.push(letter);
            }
            Ok(letters)
        })
    }

    /// A consumer of one stage's messages, in the durable group `options.group`
    /// (created if missing): consumers of one group share the work.
    pub fn consumer<J: Job>(&self, options: ConsumerOptions) -> Result<Consumer<J>, QueueError> {
        Consumer::new(self.clone(), options)
    }
}
