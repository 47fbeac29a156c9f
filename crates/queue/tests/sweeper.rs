//! The sweeper on the embedded SQLite store and a real nats-server.

use std::time::Duration;

use polmon_model::{Article, Links};
use polmon_queue::test_server::TestNats;
use polmon_queue::{ConnectArticle, ConsumerOptions, IndexArticle, Queue, QueueConfig, Stage, Sweeper};
use polmon_store::{ArticleKey, ArticleStore, Store};

fn store_articles(store: &dyn ArticleStore, numbers: std::ops::Range<usize>) -> Vec<i64> {
    numbers
        .map(|i| {
            let article = Article {
                title: format!("Article {i}"),
                text: format!("The text of article {i}."),
                url: Some(format!("https://news.example/{i}")),
                ..Article::default()
            };
            let key = ArticleKey { dedup_key: format!("url:https://news.example/{i}"), content_hash: format!("h{i}") };
            match store.upsert_article(&key, &article).unwrap() {
                polmon_store::Upsert::Inserted(id) => id,
                other => panic!("article {i} not inserted: {other:?}"),
            }
        })
        .collect()
}

/// Takes and acks every message of a stage as group `group`, returning their ids in order.
fn drain<J>(queue: &Queue, group: &str, take: impl Fn(&J) -> i64) -> Vec<i64>
where
    J: polmon_queue::Job,
{
    let mut consumer = queue.consumer::<J>(ConsumerOptions::new(group)).unwrap();
    let mut seen = Vec::new();
    loop {
        let report = consumer
            .handle_batch(100, Duration::from_millis(300), |job| {
                seen.push(take(job));
                Ok::<_, String>(())
            })
            .unwrap();
        if report.taken() == 0 {
            seen.sort();
            return seen;
        }
    }
}

#[test]
fn the_sweeper_republishes_articles_left_unlinked_or_unindexed() {
    let nats = TestNats::start().unwrap_or_else(|e| panic!("{e}"));
    let queue = Queue::connect(QueueConfig::new(nats.url())).unwrap();
    // A web node's consumer group exists, so the index stream keeps what is published.
    drop(queue.consumer::<IndexArticle>(ConsumerOptions::new("web-1")).unwrap());
    let folder = tempfile::tempdir().unwrap();
    let sqlite = Store::open(folder.path()).unwrap();
    let store: &dyn ArticleStore = &sqlite;
    let ids = store_articles(store, 0..6);
    // The connector linked 1, 2 and 4; the indexer indexed 1 to 3. The rest was lost in a crash.
    for &id in [ids[0], ids[1], ids[3]].iter() {
        store.set_links(id, Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    }
    store.mark_indexed(&ids[..3]).unwrap();

    let mut sweeper = Sweeper::new(store, &queue);
    let report = sweeper.sweep().unwrap();
    assert_eq!(report.ids_read, 6);
    assert_eq!((report.connect_published, report.index_published), (3, 3));
    assert_eq!(queue.pending(Stage::Connect).unwrap(), 3);
    assert_eq!(queue.pending(Stage::Index).unwrap(), 3);

    // Work still queued is not queued again.
    let again = sweeper.sweep().unwrap();
    assert_eq!((again.connect_published, again.index_published, again.busy), (0, 0, 2));

    assert_eq!(drain::<ConnectArticle>(&queue, "connector", |j| j.article_id), vec![ids[2], ids[4], ids[5]]);
    assert_eq!(drain::<IndexArticle>(&queue, "web-1", |j| j.article_id), ids[3..].to_vec());

    // The connector did its work this time; a new article arrives without its messages.
    for &id in [ids[2], ids[4], ids[5]].iter() {
        store.set_links(id, Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    }
    store.mark_indexed(&ids[3..]).unwrap();
    let newer = store_articles(store, 6..7)[0];
    let last = sweeper.sweep().unwrap();
    assert_eq!(last.ids_read, 5, "read from the lowest article found unlinked last time: {}", ids[2]);
    assert_eq!((last.connect_published, last.index_published), (1, 1));
    assert_eq!(drain::<ConnectArticle>(&queue, "connector", |j| j.article_id), vec![newer]);
}
