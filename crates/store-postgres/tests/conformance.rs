//! The shared `ArticleStore` conformance suite on a real PostgreSQL server (started by
//! the test binary on loopback, one fresh database per test), and what is particular
//! to this backend: migrations, errors, several nodes on one database.

use polmon_store::{ArticleKey, ArticleStore, StoreError};
use polmon_store_postgres::test_cluster::TestCluster;
use polmon_store_postgres::{migrations, PgStore, PgStoreError};

/// A fresh database and a function opening store handles on it (pools of 4).
fn fresh() -> (String, impl Fn() -> PgStore) {
    let url = TestCluster::shared().create_database().unwrap();
    let opener = url.clone();
    (url, move || PgStore::connect(&opener, 4).unwrap())
}

polmon_store::conformance_tests!(fresh);

/// How long the tests of unreachable servers wait for a connection.
const SHORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

#[test]
fn a_new_database_is_migrated_once_and_a_newer_one_refused() {
    let (url, open) = fresh();
    let store = open();
    assert_eq!(store.schema_version().unwrap(), migrations::latest_version());
    // Several nodes opening at once: one migrates, the others find it done.
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| assert_eq!(open().schema_version().unwrap(), migrations::latest_version()));
        }
    });
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin.execute("UPDATE schema_version SET version = version + 1", &[]).unwrap();
    let err = PgStore::connect(&url, 1).unwrap_err();
    assert!(matches!(err, PgStoreError::NewerSchema { .. }), "{err}");
    assert!(err.to_string().contains("newer Politics Monitor"), "{err}");
    assert!(matches!(StoreError::from(err), StoreError::NewerSchema { .. }));
}

#[test]
fn an_unreachable_server_is_a_transient_error_naming_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/nothing");
    let started = std::time::Instant::now();
    let err = PgStore::connect_with_timeout(&url, 1, SHORT_TIMEOUT).unwrap_err();
    assert!(started.elapsed() < SHORT_TIMEOUT * 3, "{:?}", started.elapsed());
    assert!(err.to_string().contains(&format!("127.0.0.1:{port}/nothing")), "{err}");
    let err = StoreError::from(err);
    assert!(err.is_transient(), "{err}");
}

#[test]
fn text_postgresql_cannot_hold_is_refused_by_name_and_nothing_is_lost() {
    let (_url, open) = fresh();
    let store = open();
    let good = polmon_model::Article {
        title: "Fine".into(),
        text: "ok".into(),
        category: "politics".into(),
        ..Default::default()
    };
    let kept =
        store.upsert_article(&ArticleKey { dedup_key: "k".into(), content_hash: "h1".into() }, &good).unwrap().id();
    let bad = polmon_model::Article { text: "a\0b".into(), ..good.clone() };
    let err =
        ArticleStore::upsert_article(&store, &ArticleKey { dedup_key: "k".into(), content_hash: "h2".into() }, &bad)
            .unwrap_err();
    assert!(err.to_string().contains("text") && err.to_string().contains("NUL"), "{err}");
    assert!(!err.is_transient());
    assert_eq!(store.article(kept).unwrap().unwrap().text, "ok");
    assert_eq!(ArticleStore::count(&store).unwrap(), 1);
}

#[test]
fn a_restarted_server_is_reached_again_by_the_same_store() {
    // Its own cluster: the shared one must stay up for the other tests.
    let cluster = TestCluster::start().unwrap();
    eprintln!("test cluster started in {:?}", cluster.startup_time());
    let mut admin = postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls).unwrap();
    admin.batch_execute("CREATE DATABASE restarted").unwrap();
    let store = PgStore::connect_with_timeout(&cluster.url("restarted"), 2, SHORT_TIMEOUT).unwrap();
    let a = polmon_model::Article {
        title: "Kept".into(),
        text: "x".into(),
        category: "politics".into(),
        ..Default::default()
    };
    let id = store.upsert_article(&ArticleKey { dedup_key: "k".into(), content_hash: "h".into() }, &a).unwrap().id();
    cluster.stop().unwrap();
    let err = StoreError::from(store.article(id).unwrap_err());
    assert!(err.is_transient(), "a stopped server is worth retrying: {err}");
    cluster.restart().unwrap();
    // The pool drops broken connections; a retry or two reaches the new server.
    let mut got = None;
    for _ in 0..20 {
        match store.article(id) {
            Ok(a) => {
                got = a;
                break;
            }
            Err(e) => assert!(StoreError::from(e).is_transient()),
        }
    }
    assert_eq!(got.map(|a| a.title), Some("Kept".to_string()));
}

fn watch(name: &str, burst: Option<(u32, u32)>) -> polmon_store::NewWatch {
    polmon_store::NewWatch {
        name: name.into(),
        spec_json: r#"{"query":"x"}"#.into(),
        webhook: Some("https://hooks.example/in".into()),
        burst,
        ..Default::default()
    }
}

fn matching(watch_id: i64) -> impl Fn(i64) -> Vec<polmon_store::NewMatch> {
    move |_| vec![polmon_store::NewMatch { watch_id, matched_json: "{}".into() }]
}

fn plain(title: &str) -> polmon_model::Article {
    polmon_model::Article { title: title.into(), text: "x".into(), category: "politics".into(), ..Default::default() }
}

#[test]
fn two_writers_reaching_a_burst_together_alert_once() {
    let (_url, open) = fresh();
    let store = open();
    let (burst, _) = store.add_watch(&watch("burst", Some((3, 6)))).unwrap();
    let matches = matching(burst);
    let none = |_: i64| Vec::new();
    for i in 0..4 {
        let key = ArticleKey { dedup_key: format!("k{i}"), content_hash: "h".into() };
        store.store_article(&key, &plain("T"), if i < 2 { &matches } else { &none }, None).unwrap();
    }
    // The third and fourth matches, written at once by updates (which, unlike inserts, do
    // not queue on the shared article counters): both writers are inside their
    // transactions (the matcher runs there) before either records its match.
    let both_inside = std::sync::Barrier::new(2);
    let at_once = |id: i64| {
        both_inside.wait();
        matches(id)
    };
    std::thread::scope(|s| {
        for i in 2..4 {
            let (store, at_once) = (&store, &at_once);
            s.spawn(move || {
                let key = ArticleKey { dedup_key: format!("k{i}"), content_hash: "changed".into() };
                store.store_article(&key, &plain("T, changed"), at_once, None).unwrap();
            });
        }
    });
    let record = store.watches().unwrap().pop().unwrap();
    assert_eq!((record.matches, record.pending), (4, 1), "one alert for the burst, whoever reached the minimum");
}

#[test]
fn a_watch_removed_while_writers_match_it_fails_no_write() {
    let (_url, open) = fresh();
    let store = open();
    let (w, _) = store.add_watch(&watch("short-lived", None)).unwrap();
    let matches = matching(w);
    std::thread::scope(|s| {
        for t in 0..3 {
            let (store, matches) = (&store, &matches);
            s.spawn(move || {
                for i in 0..20 {
                    let key = ArticleKey { dedup_key: format!("k{t}-{i}"), content_hash: "h".into() };
                    store.store_article(&key, &plain("T"), matches, None).unwrap();
                }
            });
        }
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert!(store.remove_watch(w).unwrap());
        });
    });
    assert_eq!(ArticleStore::count(&store).unwrap(), 60);
    assert!(store.watches().unwrap().is_empty());
}

#[test]
fn nul_characters_outside_articles_are_refused_by_name() {
    let (_url, open) = fresh();
    let store = open();
    let err = StoreError::from(store.add_watch(&watch("bad\0name", None)).unwrap_err());
    assert!(err.to_string().contains("name of the watch") && err.to_string().contains("NUL"), "{err}");
    assert!(store.watches().unwrap().is_empty());
    let page =
        polmon_store::RawPage { key: "k".into(), url: Some("https://a.example/\0".into()), ..Default::default() };
    let err = StoreError::from(store.put_raw_page(&page).unwrap_err());
    assert!(err.to_string().contains("url of the raw page \"k\""), "{err}");
    assert_eq!(store.raw_page("k").unwrap(), None);
}

#[test]
fn merges_under_concurrent_writers_fail_none_and_keep_counts() {
    let (_url, open) = fresh();
    let store = open();
    let named = |title: String, names: &[&str]| {
        let mut a = plain(&title);
        a.analysis.entities = names
            .iter()
            .map(|n| polmon_model::EntityMention {
                text: n.to_string(),
                start: 0,
                end: n.len(),
                entity_type: polmon_model::EntityType::Person,
                canonical: n.to_string(),
                role: None,
            })
            .collect();
        a
    };
    std::thread::scope(|s| {
        for t in 0..3 {
            let (store, named) = (&store, &named);
            s.spawn(move || {
                for i in 0..20 {
                    let names: &[&str] = if i % 3 == 0 { &["Obama", "Barack Obama"] } else { &["Obama"] };
                    let key = ArticleKey { dedup_key: format!("k{t}-{i}"), content_hash: "h".into() };
                    store.upsert_article(&key, &named(format!("T{t}-{i}"), names)).unwrap();
                }
            });
        }
        s.spawn(|| {
            for _ in 0..10 {
                store.merge_entity("person", "Obama", "Barack Obama").unwrap();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
    });
    store.merge_entity("person", "Obama", "Barack Obama").unwrap();
    let people = store.top_entities(Some("person"), 10).unwrap();
    assert_eq!(people.iter().map(|e| (e.canonical.as_str(), e.articles)).collect::<Vec<_>>(), [("Barack Obama", 60)]);
    assert_eq!(store.entity_articles(people[0].id, 100).unwrap().len(), 60);
}

/// Every kept count (story sizes and values, role counts, trend counters) as text,
/// table by table, sorted.
fn kept_counts(client: &mut postgres::Client) -> Vec<String> {
    ["stories", "story_values", "entity_role_counts", "trend_entity_days", "trend_source_days", "trend_role_days"]
        .iter()
        .map(|table| {
            let sql = format!("SELECT coalesce(string_agg(t::text, ' ' ORDER BY t::text), '') FROM {table} t");
            format!("{table}: {}", client.query_one(&sql, &[]).unwrap().get::<_, String>(0))
        })
        .collect()
}

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

#[test]
fn kept_counts_equal_a_recount_after_random_writes_merges_and_story_moves() {
    const NAMES: [&str; 6] = ["Ana", "Bo", "Cem", "Dara", "Eli", "Fay"];
    const ROLES: [Option<&str>; 4] = [None, Some("minister"), Some("mayor"), Some("")];
    const SOURCES: [Option<&str>; 4] = [None, Some("a.example"), Some("b.example"), Some("c.example")];
    let (url, open) = fresh();
    let store = open();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ids = std::collections::BTreeMap::new();
    for step in 0..300 {
        match rng.below(10) {
            0 => {
                let (from, into) = (NAMES[rng.below(6) as usize], NAMES[rng.below(6) as usize]);
                store.merge_entity("person", from, into).unwrap();
            }
            1 if !ids.is_empty() => {
                let id = *ids.values().nth(rng.below(ids.len() as u64) as usize).unwrap();
                let story = rng.below(4) as i64 + 1;
                store.set_links(id, polmon_model::Links { story_id: Some(story), duplicate_of: None }).unwrap();
            }
            2 => store.merge_story(rng.below(4) as i64 + 1, rng.below(4) as i64 + 1).unwrap(),
            3 if !ids.is_empty() => {
                let some: Vec<i64> = ids.values().copied().filter(|_| rng.below(3) == 0).collect();
                store.move_to_story(&some, rng.below(4) as i64 + 1).unwrap();
            }
            _ => {
                let key = format!("k{}", rng.below(15));
                let mut a = polmon_model::Article {
                    title: format!("step {step}"),
                    text: "Body".into(),
                    category: "politics".into(),
                    published: (rng.below(5) > 0)
                        .then(|| format!("2024-03-{:02}T{:02}:00:00Z", rng.below(4) * 3 + 1, rng.below(24))),
                    source: SOURCES[rng.below(4) as usize].map(str::to_string),
                    language: ["en", "fr"].get(rng.below(3) as usize).map(|l| l.to_string()),
                    ..Default::default()
                };
                for _ in 0..rng.below(5) {
                    let name = NAMES[rng.below(6) as usize];
                    a.analysis.entities.push(polmon_model::EntityMention {
                        text: name.into(),
                        start: 0,
                        end: name.len(),
                        entity_type: polmon_model::EntityType::Person,
                        canonical: name.into(),
                        role: ROLES[rng.below(4) as usize].map(str::to_string),
                    });
                }
                for i in 0..rng.below(4) {
                    let speaker = (rng.below(3) > 0).then(|| NAMES[rng.below(6) as usize].to_string());
                    a.analysis.quotes.push(polmon_model::Quote {
                        text: format!("words {i}"),
                        start: 0,
                        end: 7,
                        speaker: speaker.clone(),
                        speaker_canonical: speaker,
                        cue: None,
                        direct: true,
                        speaker_start: None,
                        speaker_end: None,
                    });
                }
                let hash = format!("{:?}", (&a.published, &a.source, &a.language, &a.analysis));
                let id =
                    store.upsert_article(&ArticleKey { dedup_key: key.clone(), content_hash: hash }, &a).unwrap().id();
                ids.insert(key, id);
            }
        }
        if step % 20 == 19 {
            let kept = kept_counts(&mut client);
            client.execute("SELECT polmon_recount_kept()", &[]).unwrap();
            assert_eq!(kept, kept_counts(&mut client), "step {step}");
        }
    }
    assert!(kept_counts(&mut client).iter().all(|t| !t.ends_with(": ")), "every table was exercised");
}

/// Writers updating articles (other days, roles and names each time) while entities are
/// merged: no write fails (no deadlock between a writer's article lock and a merge), and
/// the kept counts equal a recount.
#[test]
fn updates_under_concurrent_merges_fail_none_and_keep_counts() {
    let (url, open) = fresh();
    let store = open();
    let person = |name: &str, role: Option<&str>| polmon_model::EntityMention {
        text: name.into(),
        start: 0,
        end: name.len(),
        entity_type: polmon_model::EntityType::Person,
        canonical: name.into(),
        role: role.map(str::to_string),
    };
    std::thread::scope(|s| {
        for t in 0..3 {
            let (store, person) = (&store, &person);
            s.spawn(move || {
                for round in 0..6 {
                    for i in 0..5 {
                        let mut a = polmon_model::Article {
                            title: format!("T{t}-{i}"),
                            text: "Body".into(),
                            category: "politics".into(),
                            published: Some(format!("2024-03-{:02}", 1 + (round + i) % 3)),
                            source: Some(format!("s{}", (t + round) % 2)),
                            ..Default::default()
                        };
                        a.analysis.entities = vec![
                            person("Obama", [None, Some("president")][round % 2]),
                            person(["Barack Obama", "Joe Biden"][(i + round) % 2], Some("senator")),
                        ];
                        let key = ArticleKey { dedup_key: format!("k{t}-{i}"), content_hash: format!("h{round}") };
                        store.upsert_article(&key, &a).unwrap();
                    }
                }
            });
        }
        s.spawn(|| {
            for _ in 0..10 {
                store.merge_entity("person", "Obama", "Barack Obama").unwrap();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
    });
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let kept = kept_counts(&mut client);
    client.execute("SELECT polmon_recount_kept()", &[]).unwrap();
    assert_eq!(kept, kept_counts(&mut client));
    assert_eq!(store.count().unwrap(), 15);
}
