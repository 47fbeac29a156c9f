//! Extraction speed on a synthetic news page (checked in as code, so no data is needed).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polmon_extract::{extract, Options};

fn page() -> String {
    let mut s = String::from("<!doctype html><html lang=en><head><title>Budget vote | Daily</title><meta property=og:site_name content=Daily></head><body>");
    s.push_str("<header><nav><ul>");
    for i in 0..40 {
        s.push_str(&format!("<li><a href=/s{i}>Section {i}</a></li>"));
    }
    s.push_str("</ul></nav></header><main><article><h1>Budget vote</h1><div class=article-body>");
    for i in 0..30 {
        s.push_str(&format!("<p>Paragraph {i} of the article, in which the minister said the budget would pass &amp; that, after weeks of talks, the coalition had agreed.</p>"));
    }
    s.push_str("</div></article><aside class=related><ul>");
    for i in 0..20 {
        s.push_str(&format!("<li><a href=/r{i}>Related story number {i} with a long headline</a></li>"));
    }
    s.push_str("</ul></aside></main><footer>(c) Daily</footer></body></html>");
    s
}

fn bench(c: &mut Criterion) {
    let html = page();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("news_page", |b| {
        b.iter(|| {
            let a = extract(html.as_bytes(), &Options::default()).unwrap();
            assert_eq!(a.blocks.len(), 30);
            a
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
