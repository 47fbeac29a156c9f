//! The distributed mode end to end, over the real `polmon` binary: a real PostgreSQL
//! and a real nats-server started by the test on loopback (missing, the test fails),
//! `polmon enqueue`, workers, connectors and index nodes as separate processes, and
//! faults (kill -9 of workers and of the connector leader, inputs published twice, a
//! poison page). A run is judged against an embedded `polmon ingest` of the same inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use polmon_index::{SearchIndex, SearchQuery};
use polmon_queue::test_server::TestNats;
use polmon_queue::{Queue, QueueConfig, Stage};
use polmon_store::{ArticleStore, Store};
use polmon_store_postgres::test_cluster::TestCluster;
use polmon_store_postgres::PgStore;

/// The first `n` articles of each demo file, in one JSONL file.
fn inputs(dir: &Path, n: usize) -> (PathBuf, usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
    let mut lines = Vec::new();
    for name in [
        "wikinews-fr.jsonl",
        "wikinews-en.jsonl",
        "wikinews-en-2019-2020.jsonl",
    ] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        lines.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .take(n)
                .map(str::to_owned),
        );
    }
    let path = dir.join("inputs.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    (path, lines.len())
}

fn polmon() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_polmon"));
    for var in [
        "POLMON_DATA",
        "POLMON_CONFIG",
        "POLMON_STORE",
        "POLMON_QUEUE",
        "POLMON_LOG",
    ] {
        c.env_remove(var);
    }
    // No translation engine runs here: articles are queued for translation alike in
    // both modes, and nothing translates them.
    c.env("POLMON_TRANSLATE_ENGINE", "none");
    c
}

fn ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("polmon runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A distributed role running as its own process, killed (-9) when dropped.
struct Role {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Role {
    fn start(name: &str, dir: &Path, store: &str, queue: &str, args: &[&str]) -> Role {
        let log = dir.join(format!("{name}.log"));
        let child = polmon()
            .args(["--store", store, "--queue", queue])
            .args(args)
            .env("POLMON_LOG", "polmon=info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("a role starts");
        Role {
            child,
            name: name.to_owned(),
            log,
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Fails the test with the role's log if it exited.
    fn assert_alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!(
                "{} exited ({status}):\n{}",
                self.name,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits until `done` holds, checking the roles are alive; fails after `limit`.
fn until(limit: Duration, what: &str, roles: &mut [&mut Role], mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        for r in roles.iter_mut() {
            r.assert_alive();
        }
        if done() {
            return;
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = roles
                .iter()
                .map(|r| {
                    format!(
                        "--- {}:\n{}",
                        r.name,
                        std::fs::read_to_string(&r.log).unwrap_or_default()
                    )
                })
                .collect();
            panic!("{what}: not done within {limit:?}\n{}", logs.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Everything the two modes must agree on, per article (by id) and overall.
#[derive(Debug, PartialEq)]
struct Answers {
    articles: BTreeMap<i64, String>,
    stories: BTreeSet<Vec<i64>>,
    copies: BTreeMap<i64, i64>,
    top_entities: Vec<(String, String, u64)>,
    quotes: Vec<(i64, String, Option<String>)>,
}

fn answers(store: &dyn ArticleStore) -> Answers {
    let max = store.max_article_id().unwrap().unwrap_or(0);
    let mut articles = BTreeMap::new();
    let mut stories: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut copies = BTreeMap::new();
    let mut quotes = Vec::new();
    for id in 1..=max {
        let Some(a) = store.article(id).unwrap() else {
            continue;
        };
        let entities: Vec<String> = a
            .analysis
            .entities
            .iter()
            .map(|e| format!("{}/{:?}", e.canonical, e.entity_type))
            .collect();
        articles.insert(
            id,
            format!(
                "{}|{:?}|{}|{}|{}",
                a.url.clone().unwrap_or_default(),
                a.language,
                a.category,
                a.title,
                entities.join(",")
            ),
        );
        stories
            .entry(a.links.story_id.expect("every article is linked"))
            .or_default()
            .push(id);
        if let Some(original) = a.links.duplicate_of {
            copies.insert(id, original);
        }
        for q in store.quotes(None, Some(id), 100).unwrap() {
            quotes.push((id, q.text, q.speaker));
        }
    }
    let top_entities = store
        .top_entities(None, 40)
        .unwrap()
        .into_iter()
        .map(|e| (e.canonical, e.kind, e.articles))
        .collect();
    Answers {
        articles,
        stories: stories.into_values().collect(),
        copies,
        top_entities,
        quotes,
    }
}

/// The ids of the best hits of a few queries.
fn search_answers(index_folder: &Path) -> Vec<Vec<i64>> {
    let index = SearchIndex::open(index_folder).unwrap();
    [
        "gouvernement",
        "président de la république",
        "election",
        "minister said",
        "police",
    ]
    .iter()
    .map(|q| {
        let query = SearchQuery {
            text: (*q).to_owned(),
            limit: 10,
            ..Default::default()
        };
        index
            .search(&query)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    })
    .collect()
}

fn queue_idle(queue: &Queue) -> bool {
    [Stage::Process, Stage::Connect, Stage::Index]
        .iter()
        .all(|&s| queue.pending(s).unwrap_or(1) == 0)
}

#[test]
fn one_worker_gives_the_answers_of_an_embedded_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let (input, n) = inputs(dir.path(), 12);
    let embedded = dir.path().join("embedded");
    ok(polmon()
        .arg("--data")
        .arg(&embedded)
        .arg("ingest")
        .arg("--no-translate")
        .arg(&input));

    let cluster = TestCluster::shared();
    let store_url = cluster.create_database().unwrap();
    let nats = TestNats::start().unwrap_or_else(|e| panic!("{e}"));
    let queue_url = nats.url();
    let out = ok(polmon()
        .args(["--store", &store_url, "--queue", &queue_url, "enqueue"])
        .arg(&input));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("{n} items: {n} new raw pages, {n} published")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let node = dir.path().join("node-a");
    let mut worker = Role::start("worker", dir.path(), &store_url, &queue_url, &["worker"]);
    let mut connector = Role::start(
        "connector",
        dir.path(),
        &store_url,
        &queue_url,
        &["connector"],
    );
    let mut indexer = Role::start(
        "index-node",
        dir.path(),
        &store_url,
        &queue_url,
        &[
            "--data",
            node.to_str().unwrap(),
            "index-node",
            "--node",
            "a",
        ],
    );
    let pg = PgStore::connect(&store_url, 2).unwrap();
    let queue = Queue::connect(QueueConfig::new(&queue_url)).unwrap();
    until(
        Duration::from_secs(300),
        "the distributed run",
        &mut [&mut worker, &mut connector, &mut indexer],
        || {
            pg.count().unwrap() == n as u64
                && pg.unindexed_count().unwrap() == 0
                && queue_idle(&queue)
        },
    );
    indexer.kill();

    let sqlite = Store::open(&embedded).unwrap();
    let expected = answers(&sqlite);
    assert_eq!(expected.articles.len(), n);
    assert!(
        expected.stories.len() < n,
        "some articles share a story: {:?}",
        expected.stories
    );
    assert_eq!(answers(&pg), expected);
    assert_eq!(
        search_answers(&node.join("index")),
        search_answers(&embedded.join("index"))
    );
}
