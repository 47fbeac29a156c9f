//! Speed of `categorize` and `countries` on checked-in news texts (words per second).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polmon_topics::{countries, Categorizer};

const EN: &str = include_str!("data/sample_en.txt");
const FR: &str = include_str!("data/sample_fr.txt");

fn bench(c: &mut Criterion) {
    let cat = Categorizer::bundled();
    let mut g = c.benchmark_group("topics");
    for (name, text) in [("en", EN), ("fr", FR)] {
        let (title, body) = text.split_once('\n').unwrap();
        g.throughput(Throughput::Elements(text.split_whitespace().count() as u64));
        g.bench_function(format!("categorize_{name}"), |b| {
            b.iter(|| {
                let m = cat.categorize(std::hint::black_box(title), std::hint::black_box(body));
                assert!(!m.is_empty());
                m
            })
        });
    }
    g.throughput(Throughput::Elements(EN.split_whitespace().count() as u64));
    g.bench_function("countries_en", |b| {
        b.iter(|| {
            let c = countries(std::hint::black_box(EN));
            assert_eq!(c.first().map(String::as_str), Some("US"));
            c
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
