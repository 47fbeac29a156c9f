//! Speed of the pure helpers run for every poll: feed parsing, URL
//! normalisation and feed discovery, on generated inputs.
//! Each iteration asserts its result.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polmon_feeds::{discover_feeds, normalize_url, parse_feed};
use std::hint::black_box;

fn feed(items: usize) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Bench</title><link>https://news.example.com/</link>");
    for i in 0..items {
        s.push_str(&format!(
            "<item><title>Story {i}: parliament debates the budget</title><link>/politics/{i}</link><guid>g-{i}</guid><pubDate>Tue, 05 Mar 2024 14:30:00 GMT</pubDate><description><![CDATA[<p>Summary {i}. Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>]]></description><author>desk@example.com (Politics desk)</author></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn benches(c: &mut Criterion) {
    let base = url::Url::parse("https://news.example.com/rss").unwrap();
    let clean = feed(50);
    let broken = clean.replace("parliament debates", "Q&A: parliament debates");
    let mut g = c.benchmark_group("parse_feed");
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("rss_50_items", |b| {
        b.iter(|| {
            let f = parse_feed(black_box(clean.as_bytes()), Some(&base)).unwrap();
            assert_eq!(f.items.len(), 50);
        })
    });
    g.bench_function("rss_50_items_bare_ampersands", |b| {
        b.iter(|| {
            let f = parse_feed(black_box(broken.as_bytes()), Some(&base)).unwrap();
            assert_eq!(f.items.len(), 50);
        })
    });
    g.finish();

    c.bench_function("normalize_url", |b| {
        b.iter(|| {
            let u = normalize_url(black_box("https://WWW.Example.com:443/news/a?utm_source=x&b=2&a=1&fbclid=z#top")).unwrap();
            assert_eq!(u, "https://www.example.com/news/a?a=1&b=2");
        })
    });

    let page = format!(
        "<html><head><title>x</title>{}<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\"></head><body>{}</body></html>",
        "<meta name=\"x\" content=\"y\">".repeat(50),
        "<p>text <a href=\"/a\">link</a></p>".repeat(2000)
    );
    c.bench_function("discover_feeds_60kb_page", |b| {
        b.iter(|| assert_eq!(discover_feeds(black_box(&page), &base).len(), 1))
    });
}

criterion_group!(pure, benches);
criterion_main!(pure);
