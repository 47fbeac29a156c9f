//! Throughput of `Analyzer::analyze` in words per second, on the reference article
//! (`benches/data/article-en.txt`, shipped with the crate) and a French paragraph.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polmon_enrich::{Analyzer, Document};

const EN: &str = include_str!("data/article-en.txt");
const FR: &str = include_str!("data/article-fr.txt");

fn bench(c: &mut Criterion) {
    let analyzer = Analyzer::new();
    let mut group = c.benchmark_group("analyze");
    for (name, text) in [("en", EN), ("fr", FR)] {
        let words = text.split_whitespace().count() as u64;
        group.throughput(Throughput::Elements(words));
        group.bench_function(name, |b| {
            b.iter(|| {
                let a = analyzer.analyze(&Document { title: None, text, lang_hint: None });
                assert_eq!(a.language.as_ref().map(|l| l.code.as_str()), Some(name));
                assert!(!a.entities.is_empty());
                a
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
