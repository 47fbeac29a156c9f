//! Speed of `find_quotes` on a checked-in news text (words per second).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const TEXT: &str = include_str!("../tests/data/sample_en.txt");

fn bench(c: &mut Criterion) {
    let words = TEXT.split_whitespace().count() as u64;
    let mut g = c.benchmark_group("find_quotes");
    g.throughput(Throughput::Elements(words));
    g.bench_function("sample_en_fallback_ner", |b| {
        b.iter(|| {
            let q = polmon_quotes::find_quotes(std::hint::black_box(TEXT), &[], "en");
            assert!(q.len() >= 5);
            q
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
