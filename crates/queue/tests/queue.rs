//! The queue against a real nats-server started by each test (a missing server fails).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use polmon_queue::test_server::TestNats;
use polmon_queue::{ConnectArticle, ConsumerOptions, IndexArticle, Job, Queue, QueueConfig, Stage};
use serde::{Deserialize, Serialize};

fn server() -> TestNats {
    TestNats::start().unwrap_or_else(|e| panic!("{e}"))
}

fn connect(nats: &TestNats) -> Queue {
    Queue::connect(QueueConfig::new(nats.url())).unwrap()
}

fn articles(ids: impl IntoIterator<Item = i64>) -> Vec<ConnectArticle> {
    ids.into_iter().map(|article_id| ConnectArticle::new(article_id)).collect()
}

/// Calls `step` until it returns true, failing the test after `limit`.
fn until(limit: Duration, what: &str, mut step: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !step() {
        assert!(Instant::now() < deadline, "{what}: not done within {limit:?}");
    }
}

#[test]
fn an_article_asked_to_be_indexed_again_is_new_work_within_the_duplicate_window() {
    let nats = server();
    let queue = connect(&nats);
    // The web node's group first: `index` keeps messages for the groups that exist.
    let mut node = queue.consumer::<IndexArticle>(ConsumerOptions::new("index-a")).unwrap();
    let first = IndexArticle { article_id: 9, requested_at_ms: 1_000 };
    assert!(!queue.publish(&first).unwrap().duplicate);
    assert!(queue.publish(&first).unwrap().duplicate, "the same request twice is one message");
    assert_eq!(node.handle_batch(10, Duration::from_secs(1), |_| Ok::<(), String>(())).unwrap().acked, 1);
    // Updated after it was indexed: a later request is not dropped as a duplicate.
    let again = IndexArticle { article_id: 9, requested_at_ms: 2_000 };
    assert!(!queue.publish(&again).unwrap().duplicate);
    let mut seen = Vec::new();
    node.handle_batch(10, Duration::from_secs(1), |job| {
        seen.push(*job);
        Ok::<(), String>(())
    })
    .unwrap();
    assert_eq!(seen, vec![again]);
}

#[test]
fn processes_starting_together_all_find_the_streams() {
    let nats = server();
    let url = nats.url();
    let starting: Vec<_> = (0..6)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || Queue::connect(QueueConfig::new(url)).map(|_| ()).map_err(|e| e.to_string()))
        })
        .collect();
    for s in starting {
        s.join().unwrap().unwrap();
    }
    assert_eq!(connect(&nats).pending(Stage::Connect).unwrap(), 0);
}

#[test]
fn publishing_the_same_work_twice_stores_one_message() {
    let nats = server();
    let queue = connect(&nats);
    let first = queue.publish(&ConnectArticle::new(1)).unwrap();
    let second = queue.publish(&ConnectArticle::new(1)).unwrap();
    assert!(!first.duplicate);
    assert!(second.duplicate);
    assert_eq!(second.sequence, first.sequence);
    assert_eq!(queue.publish_all(&articles([2, 2, 3, 1])).unwrap(), 2);
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 3);
    assert_eq!(queue.pending(Stage::Index).unwrap(), 0);
}

#[test]
fn two_consumers_of_one_group_share_the_work_and_handle_each_message_once() {
    let nats = server();
    let queue = connect(&nats);
    assert_eq!(queue.publish_all(&articles(1..=60)).unwrap(), 60);
    let handled = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            // Each worker has its own connection, as on two machines.
            let queue = connect(&nats);
            let handled = Arc::clone(&handled);
            std::thread::spawn(move || {
                let mut consumer = queue.consumer::<ConnectArticle>(ConsumerOptions::new("connector")).unwrap();
                let mut mine = 0;
                loop {
                    let report = consumer
                        .handle_batch(5, Duration::from_millis(300), |job| {
                            std::thread::sleep(Duration::from_millis(2));
                            handled.lock().unwrap().push(job.article_id);
                            Ok::<_, String>(())
                        })
                        .unwrap();
                    mine += report.acked;
                    if report.taken() == 0 {
                        return mine;
                    }
                }
            })
        })
        .collect();
    let per_worker: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let mut handled = handled.lock().unwrap().clone();
    handled.sort();
    assert_eq!(handled, (1..=60).collect::<Vec<_>>(), "each message handled exactly once");
    assert!(per_worker.iter().all(|&n| n > 0), "both workers took work: {per_worker:?}");
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 0);
    let stats = queue.stats(Stage::Connect).unwrap();
    assert_eq!(stats.consumers.len(), 1);
    assert_eq!(stats.consumers[0].name, "connector");
    assert_eq!(stats.consumers[0].ack_pending, 0);
}

#[test]
fn a_message_left_unacked_by_a_dead_consumer_goes_to_another() {
    let nats = server();
    let queue = connect(&nats);
    queue.publish(&ConnectArticle::new(5)).unwrap();
    let options = ConsumerOptions { ack_wait: Duration::from_millis(500), ..ConsumerOptions::new("connector") };
    {
        let dying = connect(&nats);
        let mut consumer = dying.consumer::<ConnectArticle>(options.clone()).unwrap();
        // One message, so that the pull does not stay open past ack_wait and see it again.
        let batch = consumer.fetch(1, Duration::from_secs(1)).unwrap();
        assert_eq!(batch.deliveries.len(), 1);
        assert_eq!(batch.deliveries[0].deliveries(), 1);
        // The consumer, its connection and the delivery go away without an ack.
    }
    let mut other = queue.consumer::<ConnectArticle>(options).unwrap();
    let mut delivered = None;
    // nats-server 2.9 now and then hands a redelivery to a pull request that is expiring
    // (the fetch then ends by the client's own timer, 5 s later, and the message comes
    // again after one more ack_wait): hence the margin.
    until(Duration::from_secs(15), "redelivery", || {
        // One message a pull: a pull that outlives ack_wait would see it again.
        let mut batch = other.fetch(1, Duration::from_millis(300)).unwrap();
        delivered = batch.deliveries.pop();
        delivered.is_some()
    });
    let delivery = delivered.unwrap();
    assert_eq!(delivery.job().article_id, 5);
    assert!(delivery.deliveries() >= 2, "a redelivery");
    delivery.ack().unwrap();
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 0);
    assert_eq!(other.fetch(10, Duration::from_millis(700)).unwrap().deliveries.len(), 0, "acked means gone");
}

#[test]
fn a_poison_message_ends_in_the_dead_letter_subject_after_max_deliver() {
    let nats = server();
    let queue = connect(&nats);
    queue.publish_all(&articles([7, 8])).unwrap();
    let options =
        ConsumerOptions { max_deliver: 3, retry_delay: Duration::from_millis(50), ..ConsumerOptions::new("connector") };
    let mut consumer = queue.consumer::<ConnectArticle>(options).unwrap();
    let mut attempts_on_7 = 0;
    let mut acked = 0;
    let mut dead = 0;
    until(Duration::from_secs(10), "dead-lettering", || {
        let report = consumer
            .handle_batch(10, Duration::from_millis(200), |job| {
                if job.article_id == 7 {
                    attempts_on_7 += 1;
                    Err(format!("article {} cannot be linked", job.article_id))
                } else {
                    Ok(())
                }
            })
            .unwrap();
        acked += report.acked;
        dead += report.dead_lettered;
        dead == 1 && acked == 1
    });
    assert_eq!(attempts_on_7, 3, "handled max_deliver times, then dead-lettered");
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 0, "the poison message left the work stream");
    assert_eq!(queue.dead_count(Stage::Connect).unwrap(), 1);
    assert_eq!(queue.dead_count(Stage::Index).unwrap(), 0);
    let letters = queue.dead_letters(Stage::Connect, 10).unwrap();
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    assert_eq!(letter.stage, "connect");
    assert_eq!(letter.deliveries, 3);
    assert!(letter.reason.contains("article 7 cannot be linked"), "{}", letter.reason);
    assert_eq!(letter.dedup_id.as_deref(), Some("connect:7"));
    assert_eq!(serde_json::from_str::<ConnectArticle>(&letter.payload).unwrap().article_id, 7);
    assert_eq!(queue.stats(Stage::Connect).unwrap().dead, 1);
}

#[test]
fn a_message_given_up_is_dead_lettered_on_its_first_delivery() {
    let nats = server();
    let queue = connect(&nats);
    queue.publish_all(&articles([4, 5])).unwrap();
    let mut consumer = queue.consumer::<ConnectArticle>(ConsumerOptions::new("connector")).unwrap();
    let batch = consumer.fetch(10, Duration::from_secs(1)).unwrap();
    assert_eq!(batch.deliveries.len(), 2);
    for delivery in batch.deliveries {
        if delivery.job().article_id == 4 {
            delivery.give_up("no article text found").unwrap();
        } else {
            delivery.ack().unwrap();
        }
    }
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 0);
    let letters = queue.dead_letters(Stage::Connect, 10).unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!((letters[0].deliveries, letters[0].dedup_id.as_deref()), (1, Some("connect:4")));
    assert!(letters[0].reason.contains("permanent failure: no article text found"), "{}", letters[0].reason);
}

/// A message of another shape published on the `connect` subject.
#[derive(Serialize, Deserialize)]
struct NotAnArticle {
    page: String,
}

impl Job for NotAnArticle {
    const STAGE: Stage = Stage::Connect;
    fn work_key(&self) -> String {
        self.page.clone()
    }
}

#[test]
fn an_undecodable_message_is_dead_lettered_without_reaching_the_handler() {
    let nats = server();
    let queue = connect(&nats);
    queue.publish(&NotAnArticle { page: "p1".into() }).unwrap();
    let mut consumer = queue.consumer::<ConnectArticle>(ConsumerOptions::new("connector")).unwrap();
    let report = consumer
        .handle_batch(10, Duration::from_secs(1), |_| -> Result<(), String> { panic!("the handler must not see it") })
        .unwrap();
    assert_eq!(report.dead_lettered, 1);
    let letters = queue.dead_letters(Stage::Connect, 10).unwrap();
    assert!(letters[0].reason.starts_with("not a connect message"), "{}", letters[0].reason);
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 0);
}

#[test]
fn messages_survive_kill_9_and_a_consumer_goes_on_after_the_restart() {
    let mut nats = server();
    let queue = connect(&nats);
    assert_eq!(queue.publish_all(&articles(1..=10)).unwrap(), 10);
    let options = ConsumerOptions { ack_wait: Duration::from_secs(1), ..ConsumerOptions::new("connector") };
    let mut consumer = queue.consumer::<ConnectArticle>(options).unwrap();
    let mut handled = Vec::new();
    let report = consumer
        .handle_batch(3, Duration::from_secs(1), |job| {
            handled.push(job.article_id);
            Ok::<_, String>(())
        })
        .unwrap();
    assert_eq!(report.acked, 3);

    nats.kill().unwrap();
    let down = queue.pending(Stage::Connect).unwrap_err().to_string();
    assert!(down.contains(&nats.url()), "the error names the server: {down}");

    nats.restart().unwrap();
    // The same queue and consumer: the client reconnects by itself. Acks confirmed just
    // before the kill may not have reached the disk: those messages come again after
    // ack_wait (at-least-once), so the loop runs until the stream is empty.
    until(Duration::from_secs(15), "handling the rest after the restart", || {
        match consumer.handle_batch(10, Duration::from_millis(300), |job| {
            handled.push(job.article_id);
            Ok::<_, String>(())
        }) {
            Ok(report) => report.taken() == 0 && queue.pending(Stage::Connect).is_ok_and(|n| n == 0),
            Err(_) => {
                std::thread::sleep(Duration::from_millis(100));
                false
            }
        }
    });
    let distinct: BTreeSet<i64> = handled.iter().copied().collect();
    assert_eq!(distinct, (1..=10).collect(), "every message handled, none lost");
    assert!(handled.len() <= 13, "only the acks of the crash can be repeated: {handled:?}");
    // Publishing works again, and de-duplicates again.
    assert!(!queue.publish(&ConnectArticle::new(11)).unwrap().duplicate);
    assert!(queue.publish(&ConnectArticle::new(11)).unwrap().duplicate);
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 1);
}

#[test]
fn an_unreachable_server_is_an_error_naming_the_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("nats://127.0.0.1:{port}");
    let config = QueueConfig { connect_timeout: Duration::from_millis(500), ..QueueConfig::new(&url) };
    let error = Queue::connect(config).unwrap_err().to_string();
    assert!(error.contains(&url) && error.contains("cannot reach NATS"), "{error}");
}

#[test]
fn every_web_node_group_gets_every_index_message() {
    let nats = server();
    let queue = connect(&nats);
    let mut web = ["web-1", "web-2"].map(|group| queue.consumer::<IndexArticle>(ConsumerOptions::new(group)).unwrap());
    let jobs: Vec<IndexArticle> = (1..=5).map(|article_id| IndexArticle { article_id, requested_at_ms: 1 }).collect();
    assert_eq!(queue.publish_all(&jobs).unwrap(), 5);
    let take = |consumer: &mut polmon_queue::Consumer<IndexArticle>| {
        let mut ids = Vec::new();
        consumer
            .handle_batch(10, Duration::from_millis(500), |job| {
                ids.push(job.article_id);
                Ok::<_, String>(())
            })
            .unwrap();
        ids
    };
    assert_eq!(take(&mut web[0]), vec![1, 2, 3, 4, 5]);
    assert_eq!(queue.pending(Stage::Index).unwrap(), 5, "kept until every group acked");
    assert_eq!(take(&mut web[1]), vec![1, 2, 3, 4, 5]);
    assert_eq!(queue.pending(Stage::Index).unwrap(), 0);
    let groups: Vec<String> = queue.stats(Stage::Index).unwrap().consumers.into_iter().map(|c| c.name).collect();
    assert_eq!(groups, ["web-1", "web-2"]);
}

#[test]
fn a_work_queue_stage_refuses_a_second_group() {
    let nats = server();
    let queue = connect(&nats);
    queue.consumer::<ConnectArticle>(ConsumerOptions::new("connector")).unwrap();
    let error = queue.consumer::<ConnectArticle>(ConsumerOptions::new("another")).err().expect("refused").to_string();
    assert!(error.contains("consumer group another on connect"), "{error}");
}
