//! Criterion benches: `assign` over a small synthetic stream, and pair similarity.
//!
//! The stream is built from the texts below with word substitutions; each
//! iteration assigns 500 articles to a fresh connector and asserts that the
//! planted near-copies are found and the stories follow the planted events.
//! The per-article cost as the store grows is `examples/bench-scale.rs`.

use criterion::{criterion_group, criterion_main, Criterion};
use polmon_connect::{similarity, Connector, Document};
use std::hint::black_box;

const EVENTS: [&str; 4] = [
    "A powerful magnitude 7.1 earthquake struck central Chile on Tuesday, killing at least 12 people in the \
     port city of Valparaiso and toppling buildings, the national emergency office said.",
    "The German parliament approved the 2024 federal budget on Friday after a marathon debate in Berlin, \
     with Finance Minister Christian Lindner defending spending cuts and a return to the debt brake.",
    "Ellen DeGeneres will host the Academy Awards ceremony next year, the Academy announced on Friday, \
     returning to the Oscars stage in Hollywood for the second time after hosting in 2007.",
    "Flooding along the Danube forced thousands to leave their homes in Hungary and Austria as river levels \
     rose to record heights near Budapest and Vienna over the weekend.",
];

/// 500 articles: 100 events (4 kinds x 25 places), 5 articles each, every fifth a near-copy.
fn stream() -> Vec<(String, usize, bool)> {
    let places: Vec<String> = (0..25).map(|i| format!("Zorvak{i} Meltran{}", i * 7)).collect();
    let mut out = Vec::new();
    for round in 0..5 {
        for (k, base) in EVENTS.iter().enumerate() {
            for (p, place) in places.iter().enumerate() {
                let event = k * 25 + p;
                let text = if round == 4 {
                    format!("{base} Reported from {place}, code {event}. Update.")
                } else {
                    let words: Vec<&str> = base.split(' ').collect();
                    let keep: Vec<&str> =
                        words.iter().enumerate().filter(|(i, _)| (i + round) % 4 != 0).map(|(_, w)| *w).collect();
                    format!("{} Reported from {place}, code {event}, round {round}.", keep.join(" "))
                };
                out.push((text, event, round == 4));
            }
        }
    }
    out
}

fn bench_assign(c: &mut Criterion) {
    let arts = stream();
    c.bench_function("assign 500 articles", |b| {
        b.iter(|| {
            let mut conn = Connector::new();
            let mut copies = 0;
            for (i, (text, _, copy)) in arts.iter().enumerate() {
                let l = conn.assign(&Document { id: i as i64, text, published: Some(0), ..Default::default() });
                copies += usize::from(*copy && l.duplicate_of.is_some());
            }
            assert!(copies >= 90, "near-copies found: {copies}/100");
            let same = (0..100).filter(|&i| conn.story_of(i) == conn.story_of(i + 100)).count();
            assert!(same >= 80, "event reports kept together: {same}/100");
            black_box(conn.len())
        })
    });
}

fn bench_restore(c: &mut Criterion) {
    let arts = stream();
    let mut live = Connector::new();
    let links: Vec<_> = arts
        .iter()
        .enumerate()
        .map(|(i, (text, _, _))| live.assign(&Document { id: i as i64, text, published: Some(0), ..Default::default() }))
        .collect();
    c.bench_function("restore 500 articles", |b| {
        b.iter(|| {
            let mut conn = Connector::new();
            for (i, ((text, _, _), l)) in arts.iter().zip(&links).enumerate() {
                conn.restore(&Document { id: i as i64, text, published: Some(0), ..Default::default() }, *l);
            }
            assert_eq!(conn.links(499), live.links(499));
            black_box(conn.len())
        })
    });
}

fn bench_similarity(c: &mut Criterion) {
    c.bench_function("similarity of a pair", |b| {
        b.iter(|| {
            let s = similarity(black_box(EVENTS[0]), Some("en"), black_box(EVENTS[1]), Some("en"));
            assert!(s < similarity(EVENTS[0], Some("en"), EVENTS[0], Some("en")));
            s
        })
    });
}

criterion_group!(benches, bench_assign, bench_restore, bench_similarity);
criterion_main!(benches);
