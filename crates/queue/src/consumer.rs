//! [`Consumer`]: a member of a stage's consumer group. Acks after the caller's commit,
//! naks failures with a delay, sends poison messages to `dead.<stage>`.

use std::marker::PhantomData;
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy, PullConsumer};
use async_nats::jetstream::{self, AckKind};
use futures_util::StreamExt;

use crate::queue::{Inner, Queue};
use crate::{DeadLetter, Job, QueueError, Stage};

/// How a consumer group takes its messages.
#[derive(Debug, Clone)]
pub struct ConsumerOptions {
    /// The durable group's name: consumers with the same name share the stage's work.
    /// A work-queue stage allows one group (a second is refused: "filtered consumer not
    /// unique on workqueue stream"); `index` allows one per web node. A group that
    /// exists keeps the settings it was created with.
    pub group: String,
    /// How long a delivered message may stay unacked before the server gives it to
    /// another consumer (a consumer that died, or a handler slower than this). Keep it
    /// above a fetch's `wait` plus 5 s plus the handling of a batch: messages are handled
    /// after their pull ends, and a pull can end up to 5 s late (see
    /// [`Consumer::fetch`]).
    pub ack_wait: Duration,
    /// Deliveries after which a failing message goes to `dead.<stage>`.
    pub max_deliver: u32,
    /// The delay before a failed message is delivered again, times its delivery count
    /// (linear back-off).
    pub retry_delay: Duration,
}

impl ConsumerOptions {
    /// The defaults for group `group`: 30 s `ack_wait`, 5 deliveries, 1 s retry delay.
    pub fn new(group: impl Into<String>) -> ConsumerOptions {
        ConsumerOptions {
            group: group.into(),
            ack_wait: Duration::from_secs(30),
            max_deliver: 5,
            retry_delay: Duration::from_secs(1),
        }
    }
}

/// A member of one stage's durable consumer group, taking messages of type `J`.
///
/// **Acks after commit.** A message is acked only when the caller says its work is
/// committed ([`Delivery::ack`], or the handler of [`handle_batch`](Self::handle_batch)
/// returning `Ok`), with a double ack: `ack` returns once the server recorded it. A
/// consumer that dies first leaves the message unacked, and the server delivers it again
/// after `ack_wait`, so handlers must be idempotent.
///
/// **Dead letters.** The consumer group is created with no server-side delivery limit;
/// the delivery count the server puts in each message's metadata (`$JS.ACK` reply
/// subject, [`Delivery::deliveries`]) decides instead:
/// - a handler failure on delivery `max_deliver` (or later) sends the message to
///   `dead.<stage>` with the failure as the reason; earlier failures are naked with a
///   delay of `retry_delay × deliveries`;
/// - a message delivered more than `max_deliver` times (its consumers died or timed out
///   each time, so no failure was ever reported) goes to `dead.<stage>` when fetched,
///   before any handler sees it;
/// - a message that does not decode as `J` goes there at once.
///
/// The dead letter ([`DeadLetter`]) is stored (with a de-duplication id of
/// `dead:<stage>:<stream sequence>`) before the original is terminated, so a crash in
/// between leaves one dead letter and a message that is dead-lettered again.
pub struct Consumer<J> {
    queue: Queue,
    stage: Stage,
    options: ConsumerOptions,
    consumer: PullConsumer,
    _job: PhantomData<fn() -> J>,
}

/// Messages taken by one [`Consumer::fetch`].
pub struct Batch<J> {
    /// The messages to handle, each to be acked or failed.
    pub deliveries: Vec<Delivery<J>>,
    /// Messages sent to `dead.<stage>` on the way (undecodable, or delivered more than
    /// `max_deliver` times).
    pub dead_lettered: usize,
}

/// One delivered message. Dropping it without [`ack`](Self::ack) or
/// [`fail`](Self::fail) leaves it to be delivered again after `ack_wait`.
pub struct Delivery<J> {
    job: J,
    message: jetstream::Message,
    deliveries: u64,
    stream_sequence: u64,
    queue: Queue,
    stage: Stage,
    options: ConsumerOptions,
}

/// What [`Delivery::fail`] did with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// It will be delivered again after the given delay.
    Retried(Duration),
    /// It went to `dead.<stage>` and will not be delivered again.
    DeadLettered,
}

/// What [`Consumer::handle_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Messages handled and acked.
    pub acked: usize,
    /// Messages whose handler failed and that will be delivered again.
    pub retried: usize,
    /// Messages sent to `dead.<stage>`.
    pub dead_lettered: usize,
}

impl BatchReport {
    /// Messages taken from the stream.
    pub fn taken(&self) -> usize {
        self.acked + self.retried + self.dead_lettered
    }
}

impl<J: Job> Consumer<J> {
    pub(crate) fn new(queue: Queue, options: ConsumerOptions) -> Result<Consumer<J>, QueueError> {
        let stage = J::STAGE;
        let inner = &queue.inner;
        let config = pull::Config {
            durable_name: Some(options.group.clone()),
            filter_subject: stage.subject().to_owned(),
            ack_policy: AckPolicy::Explicit,
            ack_wait: options.ack_wait,
            // No server-side limit: past it the server would stop delivering and keep the
            // message forever (work-queue retention); the consumer dead-letters instead.
            max_deliver: -1,
            ..Default::default()
        };
        let consumer = inner.block_on(async {
            let stream = inner.stream(stage.name()).await?;
            stream
                .get_or_create_consumer(&options.group, config)
                .await
                .map_err(|e| inner.error(format!("creating consumer group {} on {stage}", options.group), e))
        })?;
        Ok(Consumer { queue: queue.clone(), stage, options, consumer, _job: PhantomData })
    }

    /// The stage this consumer takes messages from.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Takes up to `max` messages, waiting up to `wait` for them (the pull ends when `max`
    /// came or `wait` passed). Messages that must not reach a handler go to
    /// `dead.<stage>` (see the type's doc).
    ///
    /// Keep `wait` well under `ack_wait`: a message taken early in a long pull is not
    /// handled before the pull ends. Rarely (seen with nats-server 2.9) the server's
    /// end-of-pull status is lost and the pull ends by the client's timer, 5 s after
    /// `wait`; a message lost with it comes again after `ack_wait`.
    pub fn fetch(&mut self, max: usize, wait: Duration) -> Result<Batch<J>, QueueError> {
        let inner = &self.queue.inner;
        let stage = self.stage;
        let step = || format!("fetching from {stage}");
        let messages = inner.block_on(async {
            let taking = async {
                let mut batch = self
                    .consumer
                    .batch()
                    .max_messages(max.max(1))
                    .expires(wait)
                    .messages()
                    .await
                    .map_err(|e| inner.error(step(), e))?;
                let mut messages = Vec::new();
                while let Some(message) = batch.next().await {
                    messages.push(message.map_err(|e| inner.error(step(), e))?);
                }
                Ok::<_, QueueError>(messages)
            };
            // The client ends a pull 5 s after `wait` when the server's end-of-pull status
            // never came; this only guards against a pull that never ends at all.
            match tokio::time::timeout(wait + Duration::from_secs(5) + inner.config.request_timeout, taking).await {
                Ok(taken) => taken,
                Err(_) => Err(inner.error(step(), "no answer from the server")),
            }
        })?;
        let mut batch = Batch { deliveries: Vec::with_capacity(messages.len()), dead_lettered: 0 };
        for message in messages {
            let (deliveries, stream_sequence) = match message.info() {
                Ok(info) => (info.delivered.max(0) as u64, info.stream_sequence),
                Err(e) => return Err(inner.error(step(), format!("a message without JetStream metadata: {e}"))),
            };
            let reason = match serde_json::from_slice::<J>(&message.payload) {
                Ok(_) if deliveries > u64::from(self.options.max_deliver) => Some(format!(
                    "delivered {deliveries} times without an ack or a reported failure: its consumers stopped or \
                     took longer than ack_wait ({:?})",
                    self.options.ack_wait
                )),
                Ok(job) => {
                    batch.deliveries.push(Delivery {
                        job,
                        message,
                        deliveries,
                        stream_sequence,
                        queue: self.queue.clone(),
                        stage,
                        options: self.options.clone(),
                    });
                    continue;
                }
                Err(e) => Some(format!("not a {stage} message: {e}")),
            };
            if let Some(reason) = reason {
                inner.block_on(dead_letter(inner, stage, &message, deliveries, stream_sequence, reason))?;
                batch.dead_lettered += 1;
            }
        }
        Ok(batch)
    }

    /// Takes up to `max` messages (waiting up to `wait`) and calls `handler` on each in
    /// turn: `Ok` acks the message (so the handler commits its work before returning),
    /// `Err` fails it ([`Delivery::fail`]: retried later, or dead-lettered on its last
    /// delivery). Acks are sent as each handler returns and their confirmations awaited
    /// before this returns; an error (server gone) is returned after the whole batch was
    /// handled, and its unconfirmed messages may come again.
    pub fn handle_batch<E, F>(&mut self, max: usize, wait: Duration, mut handler: F) -> Result<BatchReport, QueueError>
    where
        E: std::fmt::Display,
        F: FnMut(&J) -> Result<(), E>,
    {
        let batch = self.fetch(max, wait)?;
        let mut report = BatchReport { dead_lettered: batch.dead_lettered, ..BatchReport::default() };
        let mut acks = Vec::with_capacity(batch.deliveries.len());
        let mut failure = None;
        for delivery in batch.deliveries {
            match handler(delivery.job()) {
                // Sent now, confirmed while the next messages are handled.
                Ok(()) => acks.push(delivery.ack_in_background()),
                Err(e) => match delivery.fail(&e.to_string()) {
                    Ok(Failed::Retried(_)) => report.retried += 1,
                    Ok(Failed::DeadLettered) => report.dead_lettered += 1,
                    Err(e) => {
                        failure.get_or_insert(e);
                    }
                },
            }
        }
        let inner = &self.queue.inner;
        for ack in acks {
            match inner.block_on(ack) {
                Ok(Ok(())) => report.acked += 1,
                Ok(Err(e)) => {
                    failure.get_or_insert(e);
                }
                Err(e) => {
                    failure.get_or_insert(inner.error(format!("acking a message of {}", self.stage), e));
                }
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }
}

impl<J> Delivery<J> {
    /// The message.
    pub fn job(&self) -> &J {
        &self.job
    }

    /// How many times the message was delivered, this delivery included (1 the first time).
    pub fn deliveries(&self) -> u64 {
        self.deliveries
    }

    /// The message's sequence in its stage's stream.
    pub fn stream_sequence(&self) -> u64 {
        self.stream_sequence
    }

    /// Acks the message, once its work is committed; returns when the server recorded
    /// the ack. An error (server gone) means the message may be delivered again.
    pub fn ack(self) -> Result<(), QueueError> {
        let inner = &self.queue.inner;
        inner
            .block_on(self.message.double_ack())
            .map_err(|e| inner.error(format!("acking message {} of {}", self.stream_sequence, self.stage), e))
    }

    /// [`ack`](Self::ack) on the queue's runtime, confirmed when the handle is awaited.
    fn ack_in_background(self) -> tokio::task::JoinHandle<Result<(), QueueError>> {
        let queue = self.queue.clone();
        queue.inner.runtime.spawn(async move {
            self.message.double_ack().await.map_err(|e| {
                self.queue.inner.error(format!("acking message {} of {}", self.stream_sequence, self.stage), e)
            })
        })
    }

    /// Asks the server for another `ack_wait` before it gives the message to another
    /// consumer (for long work).
    pub fn in_progress(&self) -> Result<(), QueueError> {
        let inner = &self.queue.inner;
        inner.block_on(self.message.ack_with(AckKind::Progress)).map_err(|e| {
            inner.error(format!("extending the ack wait of message {} of {}", self.stream_sequence, self.stage), e)
        })
    }

    /// Sends the message to `dead.<stage>` now, for a failure that would happen again
    /// on every delivery (a page with no article text): no retry is worth its cost.
    pub fn give_up(self, reason: &str) -> Result<(), QueueError> {
        let inner = &self.queue.inner;
        let reason = format!("permanent failure: {reason}");
        inner.block_on(dead_letter(inner, self.stage, &self.message, self.deliveries, self.stream_sequence, reason))
    }

    /// Reports that handling failed with `reason`: the message is delivered again after
    /// `retry_delay × deliveries`, or, on delivery `max_deliver`, goes to `dead.<stage>`.
    pub fn fail(self, reason: &str) -> Result<Failed, QueueError> {
        let inner = &self.queue.inner;
        if self.deliveries >= u64::from(self.options.max_deliver) {
            let reason = format!("failed on each of {} deliveries, last: {reason}", self.deliveries);
            inner.block_on(dead_letter(
                inner,
                self.stage,
                &self.message,
                self.deliveries,
                self.stream_sequence,
                reason,
            ))?;
            return Ok(Failed::DeadLettered);
        }
        let delay = self.options.retry_delay.saturating_mul(self.deliveries.min(u64::from(u32::MAX)) as u32);
        inner
            .block_on(self.message.ack_with(AckKind::Nak(Some(delay))))
            .map_err(|e| inner.error(format!("returning message {} of {}", self.stream_sequence, self.stage), e))?;
        Ok(Failed::Retried(delay))
    }
}

/// Stores a [`DeadLetter`] for `message` on `dead.<stage>`, then terminates the message.
async fn dead_letter(
    inner: &Inner,
    stage: Stage,
    message: &jetstream::Message,
    deliveries: u64,
    stream_sequence: u64,
    reason: String,
) -> Result<(), QueueError> {
    tracing::warn!(target: "polmon::queue", %stage, stream_sequence, deliveries, %reason, "message dead-lettered");
    let letter = DeadLetter {
        stage: stage.name().to_owned(),
        reason,
        deliveries,
        stream_sequence,
        dedup_id: message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.as_str().to_owned()),
        payload: String::from_utf8_lossy(&message.payload).into_owned(),
    };
    let payload = serde_json::to_vec(&letter).map_err(|source| QueueError::Encode { stage, source })?;
    inner.publish_raw(stage.dead_subject(), payload, &format!("dead:{stage}:{stream_sequence}")).await?;
    message
        .double_ack_with(AckKind::Term)
        .await
        .map_err(|e| inner.error(format!("terminating dead-lettered message {stream_sequence} of {stage}"), e))
}
