//! `polmon bench`: a synthetic archive for the scaling benchmark (`scripts/bench-scale.py`)
//! and a check of the store's kept aggregates.
//!
//! `generate` writes pre-enriched articles straight into the store (with the store's
//! batch write, [`Store::batch`]: one transaction per 1,000 articles, aggregates and
//! trend counters kept as on any write) and then the search index (extraction,
//! enrichment and story detection are skipped: the articles arrive with their entities,
//! quotes, category and story links), so 1,000,000 articles load in minutes. What it writes is meant to look like a year of crawling:
//!
//! * texts: the first half of one demo article and the second half of another;
//! * dates spread evenly over 2024 with a few hours of jitter;
//! * 500 sources and 12 categories, drawn with a long tail (Zipf-like);
//! * stories grown by preferential attachment among the last 5,000 articles: most are
//!   one article, a few reach thousands; one joining article in ten is a near-copy of
//!   the story's first;
//! * 3 to 8 mentions per article from 4,000 people, organisations and places, again a
//!   long tail, people often with a role; up to two quotes by the people mentioned;
//! * each article's related list: the previous members of its story, else the articles
//!   just before it.

use std::collections::{HashMap, VecDeque};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use polmon_model::{Analysis, Article, EntityMention, EntityType, Links, Quote};
use polmon_store::{unix_to_rfc3339, ArticleKey, Store};

use crate::config::Config;

/// `polmon bench generate|check`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, clap::Subcommand)]
enum BenchCommand {
    /// Add N synthetic, pre-enriched articles to the data folder (store and index).
    Generate {
        /// How many articles to add.
        #[arg(long)]
        articles: u64,
        /// Seed of the generator (the same seed and size give the same archive).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Writers storing at once, on a shared store only (each its own connection):
        /// writer `w` stores the articles `i` with `i % writers == w`, drawn from its own
        /// seed, so the archive depends on the number of writers.
        #[arg(long, default_value_t = 1)]
        writers: u64,
    },
    /// Recount every aggregate the store keeps and report any difference (reads the whole archive).
    Check,
}

pub(crate) fn run(cfg: &Config, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        BenchCommand::Generate { articles, seed, writers } => {
            if cfg.store.is_empty() {
                anyhow::ensure!(writers == 1, "--writers needs a shared store (--store postgres://…)");
                generate(cfg, articles, seed)
            } else {
                generate_shared(cfg, articles, seed, writers.max(1))
            }
        }
        BenchCommand::Check => {
            let store = super::open_existing_store(&cfg.data)?;
            let started = Instant::now();
            let mismatches = store.aggregate_mismatches()?;
            for m in &mismatches {
                println!("{m}");
            }
            println!(
                "{} articles: {} aggregate rows differ from a recount ({:.1} s)",
                store.count()?,
                mismatches.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(if mismatches.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// `bench generate --store … --queue …`: the same articles stored in the shared store one
/// by one through the trait by `writers` threads, and handed to the `connect` queue: here
/// the connector finds the stories (they are not drawn), and the web nodes index what it
/// hands on.
fn generate_shared(cfg: &Config, n: u64, seed: u64, writers: u64) -> anyhow::Result<ExitCode> {
    let store = crate::distributed::SharedStore::open(cfg)?.articles();
    let queue = crate::distributed::connect_queue(cfg)?;
    let texts = demo_texts()?;
    let pool = entity_pool();
    let started = Instant::now();
    let stored = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let threads: Vec<_> = (0..writers)
            .map(|w| {
                let (store, queue, texts, pool, stored) = (&store, &queue, &texts, &pool, &stored);
                scope.spawn(move || -> anyhow::Result<()> {
                    let mut rng = Rng(seed.wrapping_add(w.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
                    let mut pending = Vec::with_capacity(PUBLISH_BATCH);
                    let mut i = w;
                    while i < n {
                        let (key, article, _) = synthetic_article(&mut rng, texts, pool, i, n, seed);
                        let article_id = store.upsert_article(&key, &article)?.id();
                        pending.push(polmon_queue::ConnectArticle::new(article_id));
                        if pending.len() == PUBLISH_BATCH || i + writers >= n {
                            queue.publish_all(&pending)?;
                            pending.clear();
                        }
                        let done = stored.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if done % 10_000 == 0 {
                            eprintln!(
                                "{done} articles, {:.0} articles/s",
                                done as f64 / started.elapsed().as_secs_f64()
                            );
                        }
                        i += writers;
                    }
                    Ok(())
                })
            })
            .collect();
        for t in threads {
            t.join().map_err(|_| anyhow::anyhow!("a writer panicked"))??;
        }
        Ok(())
    })?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "generated {n} articles in {secs:.1} s ({:.0} articles/s, {writers} writers); the store holds {}",
        n as f64 / secs,
        store.count()?
    );
    Ok(ExitCode::SUCCESS)
}

/// Article `i` of `n` of the synthetic archive of `seed`: its key, the article (with its
/// entities, quotes and category; no links) and its publication time.
fn synthetic_article(
    rng: &mut Rng,
    texts: &[DemoText],
    pool: &[(String, EntityType, Option<&'static str>)],
    i: u64,
    n: u64,
    seed: u64,
) -> (ArticleKey, Article, i64) {
    let start_ts: i64 = 1_704_067_200; // 2024-01-01
    let year: i64 = 366 * 86_400;
    let a = &texts[rng.below(texts.len())];
    let b = &texts[rng.below(texts.len())];
    let text = format!("{}\n\n{}", half(&a.text, false), half(&b.text, true));
    let ts = start_ts + (i as i64 * year) / n as i64 + rng.below(6 * 3600) as i64;
    let source = format!("news{}.example", rng.zipf(SOURCES));
    let mut entities = Vec::new();
    for _ in 0..3 + rng.below(6) {
        let (canonical, kind, role) = &pool[rng.zipf(pool.len())];
        entities.push(EntityMention {
            text: canonical.clone(),
            start: 0,
            end: canonical.chars().count(),
            entity_type: *kind,
            canonical: canonical.clone(),
            role: role.map(str::to_owned),
        });
    }
    let quotes = entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Person)
        .take(rng.below(3))
        .map(|e| Quote {
            text: a.title.clone(),
            start: 0,
            end: a.title.chars().count(),
            speaker: Some(e.canonical.clone()),
            speaker_canonical: Some(e.canonical.clone()),
            cue: Some("said".into()),
            direct: rng.below(2) == 0,
            speaker_start: None,
            speaker_end: None,
        })
        .collect();
    let url = format!("https://{source}/gen/{seed}/{i}");
    let article = Article {
        url: Some(url.clone()),
        title: format!("{} ({})", a.title, i),
        blocks: polmon_pipeline::blocks_from_text(&text),
        text,
        published: unix_to_rfc3339(ts),
        language: Some(a.language.clone()),
        source: Some(source),
        category: CATEGORIES[rng.zipf(CATEGORIES.len())].into(),
        analysis: Analysis {
            entities,
            quotes,
            ..Default::default()
        },
        ..Default::default()
    };
    let key = ArticleKey {
        dedup_key: format!("url:{url}"),
        content_hash: format!("gen-{seed}-{i}"),
    };
    (key, article, ts)
}

/// SplitMix64: small, fast, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// An index in `0..n` with probability falling as 1/(rank+1): a long tail.
    fn zipf(&mut self, n: usize) -> usize {
        ((n as f64 + 1.0).powf(self.unit()) as usize)
            .saturating_sub(1)
            .min(n - 1)
    }
}

struct DemoText {
    title: String,
    text: String,
    language: String,
}

fn demo_texts() -> anyhow::Result<Vec<DemoText>> {
    let mut out = Vec::new();
    for (name, content) in crate::demo_corpus::FILES {
        let fallback = if name.contains("-fr") { "fr" } else { "en" };
        for line in content.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value =
                serde_json::from_str(line).with_context(|| format!("demo file {name}"))?;
            let field = |k: &str| {
                v.get(k)
                    .and_then(|x| x.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let language = Some(field("language"))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| fallback.into());
            out.push(DemoText {
                title: field("title"),
                text: field("text"),
                language,
            });
        }
    }
    anyhow::ensure!(!out.is_empty(), "the demo corpus is empty");
    Ok(out)
}

fn half(text: &str, second: bool) -> &str {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    let cut = text[cut..].find("\n\n").map_or(cut, |i| cut + i);
    if second {
        text[cut..].trim()
    } else {
        text[..cut].trim()
    }
}

const FIRST: &[&str] = &[
    "Anna", "Bruno", "Chloé", "David", "Elena", "Farid", "Greta", "Hugo", "Inès", "Jonas", "Karin",
    "Luca", "Maria", "Nadia", "Omar", "Paula", "Quentin", "Rosa", "Samir", "Teresa", "Ugo", "Vera",
    "Walter", "Yasmin",
];
const LAST: &[&str] = &[
    "Adams",
    "Bernard",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Laurent",
    "Moreau",
    "Novak",
    "Olsen",
    "Petit",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Umarov",
    "Vidal",
    "Weber",
    "Young",
    "Zimmermann",
    "Keller",
    "Lambert",
    "Mercier",
    "Nilsson",
    "Ortega",
    "Perez",
    "Quinn",
    "Roux",
    "Silva",
    "Thomas",
    "Urban",
    "Varga",
    "Wagner",
    "Xu",
    "Yilmaz",
    "Zeller",
];
const ORG_HEADS: &[&str] = &[
    "Ministry of",
    "Party for",
    "Council of",
    "Union of",
    "Agency for",
    "Committee on",
];
const ORG_TAILS: &[&str] = &[
    "Finance",
    "Justice",
    "Health",
    "Defence",
    "Labour",
    "Energy",
    "Transport",
    "Education",
    "Culture",
    "Trade",
    "Agriculture",
    "the Interior",
    "Foreign Affairs",
    "Environment",
    "Digital Affairs",
    "Housing",
    "Science",
    "Fisheries",
    "Tourism",
    "Sport",
];
const PLACES: &[&str] = &[
    "Brussels",
    "Paris",
    "Berlin",
    "Madrid",
    "Rome",
    "Vienna",
    "Warsaw",
    "Prague",
    "Lisbon",
    "Athens",
    "Dublin",
    "Helsinki",
    "Stockholm",
    "Oslo",
    "Copenhagen",
    "Budapest",
    "Bucharest",
    "Sofia",
    "Zagreb",
    "Ljubljana",
    "Bratislava",
    "Vilnius",
    "Riga",
    "Tallinn",
    "Luxembourg",
    "Valletta",
    "Nicosia",
    "Bern",
    "Kyiv",
    "Ankara",
    "London",
    "Washington",
    "Ottawa",
    "Tokyo",
    "Canberra",
    "Brasília",
    "Pretoria",
    "Nairobi",
    "Cairo",
    "Delhi",
];
const ROLES: &[&str] = &[
    "President",
    "Prime Minister",
    "Minister of Finance",
    "Mayor",
    "Senator",
    "Spokesperson",
    "Party leader",
    "Ambassador",
    "Governor",
    "Member of Parliament",
];
const CATEGORIES: &[&str] = &[
    "politics",
    "elections",
    "economy",
    "diplomacy",
    "justice",
    "health",
    "environment",
    "security",
    "migration",
    "labour",
    "education",
    "human-rights",
];
const SOURCES: usize = 500;
/// The last articles among which a new article looks for a story to join.
const STORY_WINDOW: usize = 5_000;
/// Articles written to the store per transaction.
const STORE_BATCH: usize = 1_000;
/// Articles handed to the `connect` queue per publish (shared store).
const PUBLISH_BATCH: usize = 256;
/// Articles added to the search index between commits.
const INDEX_BATCH: usize = 10_000;

/// The entity pool: (canonical, kind, role for a person).
fn entity_pool() -> Vec<(String, EntityType, Option<&'static str>)> {
    let mut pool = Vec::new();
    let mut rng = Rng(42);
    for (i, first) in FIRST.iter().enumerate() {
        for (j, last) in LAST.iter().enumerate() {
            for initial in ["", "A. ", "M. "] {
                let role = (rng.below(3) == 0).then(|| ROLES[(i + j) % ROLES.len()]);
                pool.push((format!("{first} {initial}{last}"), EntityType::Person, role));
            }
        }
    }
    for head in ORG_HEADS {
        for tail in ORG_TAILS {
            pool.push((format!("{head} {tail}"), EntityType::Organization, None));
        }
    }
    for p in PLACES {
        pool.push(((*p).to_string(), EntityType::Location, None));
    }
    // Shuffle so that the long tail mixes kinds.
    for i in (1..pool.len()).rev() {
        pool.swap(i, rng.below(i + 1));
    }
    pool
}

fn generate(cfg: &Config, n: u64, seed: u64) -> anyhow::Result<ExitCode> {
    let data = &cfg.data;
    let store =
        Store::open(data).with_context(|| format!("opening the data folder {}", data.display()))?;
    let index =
        polmon_index::SearchIndex::open(&data.join("index")).context("opening the search index")?;
    let texts = demo_texts()?;
    let pool = entity_pool();
    let mut rng = Rng(seed);
    let mut recent: VecDeque<i64> = VecDeque::with_capacity(STORY_WINDOW); // story of each recent article
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new(); // story -> its last 4 members
    let mut previous: VecDeque<i64> = VecDeque::new(); // the last 4 articles
    let mut unindexed: Vec<i64> = Vec::new();
    let started = Instant::now();
    let mut i: u64 = 0;
    while i < n {
        let batch_end = (i + STORE_BATCH as u64).min(n);
        // One transaction per batch; the articles are indexed once it is committed.
        let written: Vec<(Article, i64)> = store.batch(|batch| {
            let mut written = Vec::with_capacity(STORE_BATCH);
            for i in i..batch_end {
                let (key, mut article, ts) = synthetic_article(&mut rng, &texts, &pool, i, n, seed);
                let id = batch.upsert_article(&key, &article)?.id();
                article.id = id;
                // Join a story with probability 0.65, picked in proportion to its recent size.
                let joined = (!recent.is_empty() && rng.below(100) < 65)
                    .then(|| recent[rng.below(recent.len())]);
                let story = joined.unwrap_or(id);
                let duplicate_of = joined.filter(|_| rng.below(10) == 0);
                batch.set_links(
                    id,
                    Links {
                        story_id: Some(story),
                        duplicate_of,
                    },
                )?;
                let mates = members.entry(story).or_default();
                let mut related: Vec<i64> = mates.iter().rev().copied().collect();
                for &p in previous.iter().rev() {
                    if related.len() < 4 && !related.contains(&p) {
                        related.push(p);
                    }
                }
                related.truncate(4);
                batch.set_related(id, &related)?;
                mates.push(id);
                if mates.len() > 4 {
                    mates.remove(0);
                }
                if recent.len() == STORY_WINDOW {
                    recent.pop_front();
                }
                recent.push_back(story);
                if previous.len() == 4 {
                    previous.pop_front();
                }
                previous.push_back(id);
                written.push((article, ts));
            }
            Ok(written)
        })?;
        for (article, ts) in &written {
            index.add(article, Some(*ts))?;
            unindexed.push(article.id);
        }
        i = batch_end;
        if unindexed.len() >= INDEX_BATCH || i == n {
            index.commit()?;
            store.mark_indexed(&unindexed)?;
            unindexed.clear();
            eprintln!(
                "{i} articles, {:.0} articles/s",
                i as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    index.release_writer();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "generated {n} articles in {secs:.1} s ({:.0} articles/s); the folder holds {}",
        n as f64 / secs,
        store.count()?
    );
    Ok(ExitCode::SUCCESS)
}
