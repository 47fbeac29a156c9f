//! Generates a synthetic archive for the trends benchmarks and measures what the trend
//! counters cost at write time.
//!
//! ```sh
//! cargo run -p polmon --example trends_corpus -- DATA_DIR [ARTICLES]   # default 100000
//! ```
//!
//! Writes `ARTICLES` pre-enriched articles straight into a new data folder (the store,
//! the search index, story links and related lists, so `polmon serve --data DATA_DIR`
//! starts with nothing to recover): 120 sources with long-tailed volumes, 8,000 entities
//! with Zipf-distributed mentions (persons with roles, organisations, places), 0–4 quotes
//! an article (a quarter with an unresolved speaker), dates spread evenly over the 365
//! days ending today in the order a monitor collects them, bursts of a few names on a few
//! days, stories of 1 to hundreds of articles. The enrichment is not run: the articles are
//! as the pipeline would hand them to the store.
//!
//! Then it prints:
//! * the store's write rate with and without the trend counters, measured in the same
//!   run on the same articles (alternating blocks of 1,000 into two scratch folders);
//! * the write rate of the whole load (counters on);
//! * how long a full recount of the counters takes (what the backfill at open costs).
//!
//! `trends_corpus write-cost [ARTICLES]` measures the store's write rate alone (the first
//! tenth of an archive ten times larger, default 10,000 articles); `trends_corpus
//! ingest-cost [ROUNDS]` measures instead what the counters cost a real
//! ingest: the demo corpus through the whole pipeline, with and without them, in
//! alternating rounds (default 3), wall clock and CPU time.

use std::path::Path;
use std::time::Instant;

use polmon_index::SearchIndex;
use polmon_model::{Analysis, Article, Block, BlockKind, EntityMention, EntityType, Links, Quote};
use polmon_store::{ArticleKey, Store};

/// xorshift64*: deterministic, so every run generates the same archive.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Samples ranks 0..n with probability proportional to 1 / (rank + 1)^s.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(s);
                total
            })
            .collect();
        Zipf { cumulative }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap();
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        self.cumulative.partition_point(|&c| c < x).min(self.cumulative.len() - 1)
    }
}

const FIRST: [&str; 24] = [
    "Anna", "Jean", "Marie", "Paul", "Sofia", "Lukas", "Elena", "Pierre", "Olga", "Tomás", "Ingrid", "Karim", "Léa", "Marco",
    "Nadia", "Oskar", "Petra", "Rafael", "Sara", "Viktor", "Yara", "Hugo", "Irene", "Jonas",
];
const LAST: [&str; 40] = [
    "Weber", "Dupuis", "Martin", "Rossi", "Novak", "Schmidt", "Lambert", "García", "Kowalski", "Jensen", "Moreau", "Bianchi",
    "Horvat", "Larsen", "Fischer", "Dubois", "Costa", "Nielsen", "Bauer", "Leroy", "Santos", "Wagner", "Fontaine", "Ricci",
    "Mertens", "Petit", "Andersen", "Keller", "Marchand", "Silva", "Vogel", "Girard", "Ferrari", "Hansen", "Roux", "Lindqvist",
    "Peeters", "Morel", "Conti", "Berg",
];
const ORGS: [&str; 12] = ["Party", "Ministry", "Union", "Council", "Agency", "Commission", "Bank", "Court", "Alliance", "Institute", "Forum", "Assembly"];
const PLACES: [&str; 10] = ["Brussels", "Paris", "Berlin", "Rome", "Madrid", "Warsaw", "Vienna", "Lisbon", "Prague", "Athens"];
const ROLES: [&str; 10] = [
    "minister", "president", "mayor", "spokesperson", "member of parliament", "prime minister", "senator", "chancellor",
    "party leader", "ambassador",
];
const CATEGORIES: [&str; 8] = ["politics", "economy", "diplomacy", "elections", "justice", "health", "environment", "defence"];
const WORDS: [&str; 32] = [
    "government", "parliament", "vote", "budget", "reform", "minister", "talks", "agreement", "opposition", "coalition",
    "election", "policy", "tax", "sanctions", "summit", "law", "court", "protest", "campaign", "debate", "the", "of", "and",
    "on", "a", "to", "in", "with", "said", "new", "after", "week",
];

struct EntityDef {
    canonical: String,
    kind: EntityType,
    roles: Vec<&'static str>,
}

fn entities(n: usize, rng: &mut Rng) -> Vec<EntityDef> {
    (0..n)
        .map(|i| {
            let (canonical, kind) = match i % 10 {
                0..=5 => {
                    let f = FIRST[i % FIRST.len()];
                    let l = LAST[(i / FIRST.len()) % LAST.len()];
                    (format!("{f} {l}{}", if i >= FIRST.len() * LAST.len() { format!(" {}", i / 960) } else { String::new() }), EntityType::Person)
                }
                6..=8 => (format!("{} {} {}", PLACES[i % PLACES.len()], ORGS[(i / 7) % ORGS.len()], i), EntityType::Organization),
                _ => (format!("{} district {i}", PLACES[i % PLACES.len()]), EntityType::Location),
            };
            let roles = if kind == EntityType::Person {
                (0..1 + rng.below(3)).map(|_| ROLES[rng.below(ROLES.len() as u64) as usize]).collect()
            } else {
                Vec::new()
            };
            EntityDef { canonical, kind, roles }
        })
        .collect()
}

/// Article `n` of the archive (deterministic in `n` and the shared tables).
fn article(n: u64, g: &Generator) -> (ArticleKey, Article) {
    let Generator { today, defs, zipf, sources, bursts, total } = g;
    let (today, total) = (*today, *total);
    let mut rng = Rng(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // In the order a monitor collects them: article n of `total` on day n * 365 / total
    // of the year ending today.
    let day = today - 364 + (n * 365 / total.max(1)) as i64;
    let ts = day * 86_400 + rng.below(86_400) as i64;
    let mut picked: Vec<usize> = Vec::new();
    for _ in 0..3 + rng.below(10) {
        let e = zipf.sample(&mut rng);
        if !picked.contains(&e) {
            picked.push(e);
        }
    }
    for &(e, burst_day) in bursts.iter() {
        if burst_day == day && rng.chance(60) && !picked.contains(&e) {
            picked.push(e);
        }
    }
    let mut text = String::new();
    let mut blocks = Vec::new();
    for _ in 0..4 {
        let para: Vec<&str> = (0..45).map(|_| WORDS[rng.below(WORDS.len() as u64) as usize]).collect();
        let para = format!("{}.", para.join(" "));
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&para);
        blocks.push(Block { kind: BlockKind::P, text: para });
    }
    let mut mentions = Vec::new();
    for &e in &picked {
        let d = &defs[e];
        let role = if d.roles.is_empty() || rng.chance(40) { None } else { Some(d.roles[rng.below(d.roles.len() as u64) as usize].to_string()) };
        for _ in 0..1 + rng.below(3) {
            mentions.push(EntityMention {
                text: d.canonical.clone(),
                start: 0,
                end: d.canonical.chars().count(),
                entity_type: d.kind,
                canonical: d.canonical.clone(),
                role: role.clone(),
            });
        }
    }
    let people: Vec<&EntityDef> = picked.iter().map(|&e| &defs[e]).filter(|d| d.kind == EntityType::Person).collect();
    let quotes = (0..rng.below(5))
        .map(|i| {
            let speaker = if people.is_empty() || rng.chance(25) { None } else { Some(people[rng.below(people.len() as u64) as usize].canonical.clone()) };
            Quote {
                text: format!("We will {} the {} this week", WORDS[rng.below(20) as usize], WORDS[rng.below(20) as usize]),
                start: 0,
                end: 30,
                speaker: speaker.clone(),
                speaker_canonical: speaker,
                cue: Some("said".into()),
                direct: i % 3 != 2,
                speaker_start: None,
                speaker_end: None,
            }
        })
        .collect();
    let source = format!("source-{:03}.example", sources.sample(&mut rng));
    let url = format!("https://{source}/articles/{n}");
    let a = Article {
        title: format!("{} {} as {} debate {}", defs[picked[0]].canonical, WORDS[rng.below(20) as usize], WORDS[rng.below(20) as usize], n),
        text,
        blocks,
        category: CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize].into(),
        published: polmon_store::unix_to_rfc3339(ts),
        language: Some(if rng.chance(60) { "en" } else { "fr" }.into()),
        source: Some(source),
        url: Some(url.clone()),
        analysis: Analysis { entities: mentions, quotes, ..Default::default() },
        ..Default::default()
    };
    (ArticleKey { dedup_key: format!("url:{url}"), content_hash: format!("gen-{n}") }, a)
}

struct Generator {
    today: i64,
    defs: Vec<EntityDef>,
    zipf: Zipf,
    sources: Zipf,
    bursts: Vec<(usize, i64)>,
    /// Articles in the whole archive (sets how many a day).
    total: u64,
}

impl Generator {
    fn new(total: u64) -> Generator {
        let mut rng = Rng(42);
        let today = polmon_store::unix_now().div_euclid(86_400);
        let defs = entities(8_000, &mut rng);
        // Thirty mid-tail names each burst on one day of the year, two of them today.
        let bursts = (0..30).map(|i| (200 + 37 * i, if i < 2 { today } else { today - rng.below(365) as i64 })).collect();
        Generator { today, defs, zipf: Zipf::new(8_000, 1.05), sources: Zipf::new(120, 1.2), bursts, total }
    }
    fn article(&self, n: u64) -> (ArticleKey, Article) {
        article(n, self)
    }
}

/// This thread's CPU time so far, in seconds (Linux `/proc/thread-self/schedstat`), so the
/// write cost can be told apart from waiting on a machine shared with other builds.
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// Time spent writing: wall clock and this thread's CPU, in seconds.
#[derive(Default, Clone, Copy)]
struct Spent {
    wall: f64,
    cpu: f64,
}

/// Writes articles `range` into `store`; returns the time spent in `upsert_article`.
fn write(store: &Store, g: &Generator, range: std::ops::Range<u64>) -> Spent {
    let mut spent = Spent::default();
    for n in range {
        let (key, a) = g.article(n);
        let (t, c) = (Instant::now(), thread_cpu_seconds());
        store.upsert_article(&key, &a).expect("upsert");
        spent.wall += t.elapsed().as_secs_f64();
        spent.cpu += thread_cpu_seconds() - c;
    }
    spent
}

/// The counters' share of a real ingest: the demo corpus through the whole pipeline
/// (extraction, enrichment, store, stories, index), with and without them, in alternating
/// rounds; wall clock and this thread's CPU time (ingest runs on the calling thread).
fn ingest_cost(rounds: usize) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
    let inputs = vec![demo.join("wikinews-fr.jsonl"), demo.join("wikinews-en.jsonl")];
    let (mut with, mut without, mut ingested) = (Spent::default(), Spent::default(), 0);
    for round in 0..rounds {
        for counters in [false, true] {
            let folder = tempfile::tempdir().expect("temp dir");
            let pipeline = polmon_pipeline::Pipeline::open(folder.path()).expect("pipeline");
            pipeline.store().set_trend_maintenance(counters);
            let (t, c) = (Instant::now(), thread_cpu_seconds());
            let report = pipeline.ingest_paths(&inputs, &mut |_| {}).expect("ingest");
            let spent = Spent { wall: t.elapsed().as_secs_f64(), cpu: thread_cpu_seconds() - c };
            let total = if counters { &mut with } else { &mut without };
            (total.wall, total.cpu) = (total.wall + spent.wall, total.cpu + spent.cpu);
            if counters {
                ingested += report.new;
            }
            eprintln!("round {round}, counters {counters}: {:.2} s wall, {:.2} s CPU", spent.wall, spent.cpu);
        }
    }
    let n = ingested as f64;
    println!(
        "pipeline ingest of the demo corpus, {rounds} rounds each: with the trend counters {:.1} articles/s wall, \
         {:.1} articles/s of CPU; without {:.1} wall, {:.1} of CPU; the counters cost {:+.1}% CPU time ({:+.1}% wall)",
        n / with.wall,
        n / with.cpu,
        n / without.wall,
        n / without.cpu,
        (with.cpu / without.cpu - 1.0) * 100.0,
        (with.wall / without.wall - 1.0) * 100.0
    );
}

/// The counters' write cost: the same `sample` articles into two scratch stores, with and
/// without the counters, alternating blocks of 1,000 so both see the same machine load.
fn write_cost(g: &Generator, sample: u64) {
    let scratch = tempfile::tempdir().expect("temp dir");
    let with = Store::open(&scratch.path().join("with")).expect("store");
    let without = Store::open(&scratch.path().join("without")).expect("store");
    without.set_trend_maintenance(false);
    let (mut t_with, mut t_without) = (Spent::default(), Spent::default());
    for block in (0..sample).step_by(1_000) {
        let range = block..(block + 1_000).min(sample);
        let s = write(&without, g, range.clone());
        (t_without.wall, t_without.cpu) = (t_without.wall + s.wall, t_without.cpu + s.cpu);
        let s = write(&with, g, range);
        (t_with.wall, t_with.cpu) = (t_with.wall + s.wall, t_with.cpu + s.cpu);
    }
    let per_ms = |secs: f64| secs * 1000.0 / sample as f64;
    println!(
        "store writes, {sample} articles: with the trend counters {:.2} ms/article wall ({:.0} articles/s), {:.2} ms CPU; \
         without {:.2} ms wall ({:.0} articles/s), {:.2} ms CPU; the counters add {:.2} ms CPU per article ({:+.0}% of the store's CPU)",
        per_ms(t_with.wall),
        sample as f64 / t_with.wall,
        per_ms(t_with.cpu),
        per_ms(t_without.wall),
        sample as f64 / t_without.wall,
        per_ms(t_without.cpu),
        per_ms(t_with.cpu - t_without.cpu),
        (t_with.cpu / t_without.cpu - 1.0) * 100.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(data) = args.get(1) else {
        eprintln!("usage: trends_corpus DATA_DIR [ARTICLES] | trends_corpus write-cost [ARTICLES] | trends_corpus ingest-cost [ROUNDS]");
        std::process::exit(2);
    };
    if data == "ingest-cost" {
        ingest_cost(args.get(2).map_or(3, |v| v.parse().expect("ROUNDS is a number")));
        return;
    }
    if data == "write-cost" {
        let sample = args.get(2).map_or(10_000, |v| v.parse().expect("ARTICLES is a number"));
        write_cost(&Generator::new(sample * 10), sample);
        return;
    }
    let total: u64 = args.get(2).map_or(100_000, |v| v.parse().expect("ARTICLES is a number"));
    let data = Path::new(data);
    if data.join(polmon_store::DB_FILE).exists() {
        eprintln!("{} already holds a database; give a new folder", data.display());
        std::process::exit(2);
    }
    let g = Generator::new(total);

    write_cost(&g, 10_000.min(total));

    // The archive itself.
    let store = Store::open(data).expect("store");
    let index = SearchIndex::open(&data.join("index")).expect("index");
    let started = Instant::now();
    let mut in_upsert = 0.0;
    let mut rng = Rng(7);
    let mut recent: Vec<(i64, i64)> = Vec::new(); // (id, story) of the newest articles
    for n in 0..total {
        let (key, mut a) = g.article(n);
        let t = Instant::now();
        let id = store.upsert_article(&key, &a).expect("upsert").id();
        in_upsert += t.elapsed().as_secs_f64();
        // Stories: a third join a recent story (so sizes run from 1 to hundreds).
        let story = if !recent.is_empty() && rng.chance(35) { recent[rng.below(recent.len() as u64) as usize].1 } else { id };
        store.set_links(id, Links { story_id: Some(story), duplicate_of: None }).expect("links");
        let related: Vec<i64> = recent.iter().rev().filter(|r| r.1 == story).take(4).map(|r| r.0).collect();
        store.set_related(id, &related).expect("related");
        recent.push((id, story));
        if recent.len() > 2_000 {
            recent.drain(..1_000);
        }
        a.id = id;
        index.add(&a, a.published.as_deref().and_then(polmon_store::parse_timestamp)).expect("index");
        if n % 5_000 == 4_999 || n + 1 == total {
            index.commit().expect("commit");
            let ids: Vec<i64> = store.unindexed(10_000).expect("unindexed").iter().map(|a| a.id).collect();
            store.mark_indexed(&ids).expect("mark");
            eprintln!("{} articles", n + 1);
        }
    }
    println!(
        "archive: {total} articles in {:.1} s ({:.0} articles/s in upsert_article with the counters)",
        started.elapsed().as_secs_f64(),
        total as f64 / in_upsert
    );
    let t = Instant::now();
    store.rebuild_trends().expect("recount");
    let secs = t.elapsed().as_secs_f64();
    println!("full recount of the trend counters (the backfill at open): {secs:.2} s, {:.2} s per 10,000 articles", secs * 10_000.0 / total as f64);
}
