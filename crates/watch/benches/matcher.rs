//! Matching cost per article with 0, 1,000 and 10,000 watches.
//!
//! The article is the demo corpus's English article with the most quotes (analysed once
//! by the real enricher); the watches are generated from the demo corpus: entity and
//! speaker names the enricher found, words of the texts, categories, languages and
//! countries, in a mix of queries (words, phrases, OR, NOT), entity and speaker filters
//! and filtered queries. Names and words are drawn from the distinct values (the
//! vocabulary), not the running text. Each iteration asserts the number of matches.

use criterion::{criterion_group, criterion_main, Criterion};
use polmon_enrich::{Analyzer, Document};
use polmon_model::{Analysis, Article};
use polmon_watch::{Matcher, WatchSpec};

const DEMO_EN: &str = include_str!("../../../data/demo/wikinews-en.jsonl");
const DEMO_FR: &str = include_str!("../../../data/demo/wikinews-fr.jsonl");

#[derive(serde::Deserialize)]
struct Line {
    title: String,
    text: String,
    #[serde(default)]
    source: Option<String>,
}

/// A small deterministic generator (xorshift), so every run benches the same watches.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

fn corpus(analyzer: &Analyzer) -> Vec<Article> {
    DEMO_EN
        .lines()
        .chain(DEMO_FR.lines())
        .map(|l| {
            let line: Line = serde_json::from_str(l).expect("demo lines are valid");
            let analysis: Analysis =
                analyzer.analyze(&Document { title: Some(&line.title), text: &line.text, lang_hint: None });
            Article {
                language: analysis.language.as_ref().map(|l| l.code.clone()),
                category: analysis.categories.first().map(|c| c.name.clone()).unwrap_or_else(|| "other".into()),
                title: line.title,
                text: line.text,
                source: line.source.or_else(|| Some("wikinews".into())),
                analysis,
                ..Default::default()
            }
        })
        .collect()
}

fn watches<'a>(corpus: &'a [Article], n: usize) -> Vec<(i64, WatchSpec)> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let entities: Vec<&str> = corpus.iter().flat_map(|a| a.analysis.entities.iter().map(|e| e.canonical.as_str())).collect();
    let speakers: Vec<&str> =
        corpus.iter().flat_map(|a| a.analysis.quotes.iter().filter_map(|q| q.speaker_canonical.as_deref())).collect();
    let words: Vec<&str> = corpus
        .iter()
        .flat_map(|a| a.text.split_whitespace())
        .filter(|w| w.len() > 3 && w.chars().all(char::is_alphabetic))
        .collect();
    let categories: Vec<&str> = corpus.iter().map(|a| a.category.as_str()).collect();
    let countries: Vec<&str> = corpus.iter().flat_map(|a| a.analysis.countries.iter().map(String::as_str)).collect();
    // The vocabulary, not the running text: people watch for names and topics, each word
    // once, not in proportion to how often "that" occurs.
    let dedup = |mut v: Vec<&'a str>| {
        v.sort_unstable();
        v.dedup();
        v
    };
    let (entities, speakers, words, categories, countries) =
        (dedup(entities), dedup(speakers), dedup(words), dedup(categories), dedup(countries));
    (0..n)
        .map(|i| {
            let mut s = WatchSpec::default();
            match rng.next() % 20 {
                0..=4 => s.query = Some(rng.pick(&words).to_string()),
                5..=6 => s.query = Some(format!("{} {}", rng.pick(&words), rng.pick(&words))),
                7 => s.query = Some(format!("\"{} {}\"", rng.pick(&words), rng.pick(&words))),
                8 => s.query = Some(format!("{} OR {} OR {}", rng.pick(&words), rng.pick(&words), rng.pick(&words))),
                9 => s.query = Some(format!("{} -{}", rng.pick(&words), rng.pick(&words))),
                10..=13 => s.entities = vec![rng.pick(&entities).to_string()],
                14 => s.entities = vec![rng.pick(&entities).to_string(), rng.pick(&entities).to_string()],
                15..=16 => s.speaker = Some(rng.pick(&speakers).to_string()),
                17 => {
                    s.query = Some(rng.pick(&words).to_string());
                    s.category = Some(rng.pick(&categories).to_string());
                }
                18 => {
                    s.entities = vec![rng.pick(&entities).to_string()];
                    s.language = Some(if rng.next() % 2 == 0 { "en" } else { "fr" }.into());
                }
                _ => {
                    s.country = Some(rng.pick(&countries).to_string());
                    s.query = Some(rng.pick(&words).to_string());
                }
            }
            (i as i64, s)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let analyzer = Analyzer::new();
    let corpus = corpus(&analyzer);
    let article = corpus
        .iter()
        .filter(|a| a.language.as_deref() == Some("en"))
        .max_by_key(|a| (a.analysis.quotes.len(), a.text.len()))
        .expect("the demo has English articles")
        .clone();
    eprintln!(
        "article: {:?}, {} characters, {} entities, {} quotes",
        article.title,
        article.text.chars().count(),
        article.analysis.entities.len(),
        article.analysis.quotes.len()
    );
    let mut group = c.benchmark_group("match_article");
    for n in [0usize, 1_000, 10_000] {
        let matcher = Matcher::new(watches(&corpus, n)).expect("generated watches are valid");
        let expected = matcher.matches(&article).len();
        eprintln!("{n} watches: {expected} match the article");
        if n > 0 {
            assert!(expected > 0, "generated watches should match the article sometimes");
        }
        group.bench_function(format!("{n}_watches"), |b| {
            b.iter(|| {
                let found = matcher.matches(&article);
                assert_eq!(found.len(), expected);
                found
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
