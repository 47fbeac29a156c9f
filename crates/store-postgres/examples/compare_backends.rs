//! The same calls on both `ArticleStore` backends, timed in the same run: SQLite in a
//! temporary folder and PostgreSQL in a throw-away cluster on loopback.
//!
//! `cargo run --release -p polmon-store-postgres --example compare_backends -- [ARTICLES]`
//! (default 2000). Prints, per operation, the wall time per call on each backend and
//! their ratio; the answers of both are compared as they go (a difference panics).

use std::time::{Duration, Instant};

use polmon_model::{Analysis, Article, EntityMention, EntityType, Quote};
use polmon_store::{
    ArticleKey, ArticleStore, Facet, ListQuery, NewMatch, NewSource, NewWatch, RawPage, SourceKind, Store,
};
use polmon_store_postgres::test_cluster::TestCluster;
use polmon_store_postgres::PgStore;

const PEOPLE: [&str; 6] = ["Ada Lovelace", "Bob Smith", "Carol Jones", "Dan Brown", "Eve Adams", "Fay Wray"];
const SOURCES: [&str; 5] = ["a.example", "b.example", "c.example", "d.example", "e.example"];
const CATEGORIES: [&str; 3] = ["politics", "economy", "world"];

/// Article `i` of the synthetic archive (deterministic).
fn article(i: usize) -> (ArticleKey, Article) {
    let people = [PEOPLE[i % PEOPLE.len()], PEOPLE[(i * 7 + 3) % PEOPLE.len()]];
    let entities = people
        .iter()
        .map(|p| EntityMention {
            text: p.to_string(),
            start: 0,
            end: p.len(),
            entity_type: EntityType::Person,
            canonical: p.to_string(),
            role: i.is_multiple_of(4).then(|| "Minister".to_string()),
        })
        .collect();
    let quotes = vec![Quote {
        text: format!("Statement number {i}."),
        start: 0,
        end: 10,
        speaker: Some(people[0].into()),
        speaker_canonical: Some(people[0].into()),
        cue: Some("said".into()),
        direct: true,
        speaker_start: None,
        speaker_end: None,
    }];
    let a = Article {
        title: format!("Headline {i}"),
        text: format!("Body of article {i}. ").repeat(40),
        url: Some(format!("https://{}/{i}", SOURCES[i % SOURCES.len()])),
        category: CATEGORIES[i % CATEGORIES.len()].into(),
        published: Some(format!("2024-{:02}-{:02}T{:02}:00:00Z", 1 + i % 12, 1 + i % 28, i % 24)),
        source: Some(SOURCES[i % SOURCES.len()].into()),
        language: Some(if i.is_multiple_of(5) { "fr" } else { "en" }.into()),
        analysis: Analysis { entities, quotes, ..Default::default() },
        ..Default::default()
    };
    (ArticleKey { dedup_key: format!("url:{i}"), content_hash: format!("h{i}") }, a)
}

/// Runs `f` on each backend `calls` times; prints µs per call and the ratio.
fn compare<T: PartialEq + std::fmt::Debug>(
    what: &str,
    calls: usize,
    sqlite: &dyn ArticleStore,
    postgres: &dyn ArticleStore,
    f: impl Fn(&dyn ArticleStore, usize) -> T,
) {
    let time = |store: &dyn ArticleStore| -> (Duration, Vec<T>) {
        let start = Instant::now();
        let answers = (0..calls).map(|i| f(store, i)).collect();
        (start.elapsed(), answers)
    };
    let (on_sqlite, sqlite_answers) = time(sqlite);
    let (on_postgres, postgres_answers) = time(postgres);
    if let Some(i) = (0..calls).find(|&i| sqlite_answers[i] != postgres_answers[i]) {
        panic!("{what}, call {i}: SQLite answered {:?}, PostgreSQL {:?}", sqlite_answers[i], postgres_answers[i]);
    }
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / calls as f64;
    println!(
        "| {what} | {calls} | {:.0} | {:.0} | {:.1} |",
        per_call(on_sqlite),
        per_call(on_postgres),
        on_postgres.as_secs_f64() / on_sqlite.as_secs_f64()
    );
}

fn main() {
    let articles: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(2000);
    let cluster = TestCluster::start().expect("PostgreSQL cluster");
    eprintln!("cluster started in {:.2} s", cluster.startup_time().as_secs_f64());
    let folder = tempfile::tempdir().expect("temporary folder");
    let sqlite = Store::open(folder.path()).expect("SQLite store");
    let mut admin = postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls).expect("admin connection");
    admin.batch_execute("CREATE DATABASE compare").expect("database");
    let postgres = PgStore::connect(&cluster.url("compare"), 4).expect("PostgreSQL store");
    let corpus: Vec<(ArticleKey, Article)> = (0..articles).map(article).collect();

    println!("| call | calls | SQLite µs/call | PostgreSQL µs/call | ratio |");
    println!("|---|---|---|---|---|");
    compare("upsert_article (new)", articles, &sqlite, &postgres, |s, i| {
        s.upsert_article(&corpus[i].0, &corpus[i].1).unwrap()
    });
    compare("upsert_article (unchanged)", articles, &sqlite, &postgres, |s, i| {
        s.upsert_article(&corpus[i].0, &corpus[i].1).unwrap()
    });
    // As autovacuum would after a load this size (its first pass may be a minute away).
    postgres::Client::connect(&cluster.url("compare"), postgres::NoTls)
        .and_then(|mut c| c.batch_execute("ANALYZE"))
        .expect("ANALYZE");
    compare("article", 500, &sqlite, &postgres, |s, i| {
        // Everything but the time it was stored, which differs between the two runs.
        s.article(1 + (i * 37 % articles) as i64).unwrap().map(|a| Article { ingested_at: String::new(), ..a })
    });
    compare("list (first page of 20)", 300, &sqlite, &postgres, |s, _| {
        s.list(&ListQuery { limit: 20, ..Default::default() }).unwrap()
    });
    compare("list (category, keyset page)", 300, &sqlite, &postgres, |s, i| {
        let (first, _) = s
            .list(&ListQuery { category: Some("economy".into()), limit: 20, offset: i % 40, ..Default::default() })
            .unwrap();
        let before = first.last().map(|r| r.cursor());
        s.list(&ListQuery { category: Some("economy".into()), before, limit: 20, ..Default::default() }).unwrap()
    });
    compare("facet_top (sources)", 300, &sqlite, &postgres, |s, _| s.facet_top(Facet::Source, 10).unwrap());
    compare("entity_articles (20)", 300, &sqlite, &postgres, |s, i| s.entity_articles(1 + (i % 6) as i64, 20).unwrap());
    compare("quotes_of_articles (20 ids)", 300, &sqlite, &postgres, |s, i| {
        let ids: Vec<i64> = (0..20).map(|k| 1 + ((i * 20 + k) % articles) as i64).collect();
        s.quotes_of_articles(&ids, 3).unwrap()
    });
    compare("set_links", articles, &sqlite, &postgres, |s, i| {
        s.set_links(1 + i as i64, polmon_model::Links { story_id: Some(1 + (i / 10) as i64), duplicate_of: None })
            .unwrap()
    });
    compare("story_values", 300, &sqlite, &postgres, |s, i| s.story_values(1 + (i % (articles / 10)) as i64).unwrap());
    compare("mark_indexed (100 ids)", articles / 100, &sqlite, &postgres, |s, i| {
        let ids: Vec<i64> = (0..100).map(|k| 1 + (i * 100 + k) as i64).collect();
        s.mark_indexed(&ids).unwrap()
    });
    compare("add_source", 200, &sqlite, &postgres, |s, i| {
        s.add_source(&NewSource {
            url: format!("https://s{i}.example/rss"),
            name: None,
            category: None,
            language: None,
            kind: SourceKind::Feed,
            site_url: None,
            state: "{}".into(),
            next_due: i as i64,
        })
        .unwrap()
    });
    compare("lease_due_sources (5)", 40, &sqlite, &postgres, |s, _| {
        s.lease_due_sources(1000, 60, 5).unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>()
    });

    // Ingest with what goes with an article: one article in three matches a watch (a
    // webhook delivery each), the French ones are queued for translation into English.
    compare("add_watch", 1, &sqlite, &postgres, |s, _| {
        let watch = NewWatch {
            name: "every third".into(),
            spec_json: "{}".into(),
            webhook: Some("https://hooks.example/in".into()),
            ..Default::default()
        };
        s.add_watch(&watch).unwrap().0
    });
    let more: Vec<(ArticleKey, Article)> = (articles..2 * articles).map(article).collect();
    compare("store_article (new; 1 in 3 matched, French queued)", articles, &sqlite, &postgres, |s, i| {
        let matches = |_: i64| -> Vec<NewMatch> {
            if i.is_multiple_of(3) {
                vec![NewMatch { watch_id: 1, matched_json: r#"{"terms":["x"]}"#.into() }]
            } else {
                Vec::new()
            }
        };
        s.store_article(&more[i].0, &more[i].1, &matches, Some("en")).unwrap()
    });
    compare("watches", 20, &sqlite, &postgres, |s, _| {
        s.watches().unwrap().iter().map(|w| (w.id, w.matches, w.pending, w.dead)).collect::<Vec<_>>()
    });
    compare("due_translations (100)", 100, &sqlite, &postgres, |s, _| s.due_translations("en", i64::MAX, 100).unwrap());
    compare("role_holders (50)", 20, &sqlite, &postgres, |s, _| s.role_holders(50).unwrap());
    compare("put_raw_page (20 kB; 1 in 5 a repeat)", 500, &sqlite, &postgres, |s, i| {
        let page = RawPage { key: format!("sha256:{}", i % 400), body: vec![i as u8; 20_000], ..Default::default() };
        s.put_raw_page(&page).unwrap()
    });
    compare("raw_page", 500, &sqlite, &postgres, |s, i| s.raw_page(&format!("sha256:{}", i % 400)).unwrap());
    compare("merge_entity (a sixth of the people)", 1, &sqlite, &postgres, |s, _| {
        s.merge_entity("person", "Fay Wray", "Eve Adams").unwrap()
    });
    compare("top_entities and role_holders after the merge", 1, &sqlite, &postgres, |s, _| {
        let top = s.top_entities(None, 10).unwrap().into_iter().map(|e| (e.canonical, e.kind, e.articles));
        (top.collect::<Vec<_>>(), s.role_holders(50).unwrap())
    });
}
