//! Speed of robots.txt matching, run before every request. Each iteration
//! asserts its result. (Feed parsing, URL normalisation and discovery are
//! benchmarked in polmon-feeds.)

use criterion::{criterion_group, criterion_main, Criterion};
use polmon_fetch::Robots;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let robots_txt = (0..200).map(|i| format!("Disallow: /section{i}/*/private$\nAllow: /section{i}/public\n")).collect::<String>();
    let robots = Robots::parse(&format!("User-agent: *\n{robots_txt}Crawl-delay: 1\n"));
    c.bench_function("robots_is_allowed_400_rules", |b| {
        b.iter(|| {
            assert!(robots.is_allowed("PoliticsMonitor", black_box("/section150/2024/story-about-things")));
            assert!(!robots.is_allowed("PoliticsMonitor", black_box("/section7/x/private")));
        })
    });
}

criterion_group!(robots, benches);
criterion_main!(robots);
