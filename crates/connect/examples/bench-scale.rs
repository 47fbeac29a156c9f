//! Scale benchmark: per-article cost of `assign` (dedup + clustering) as the store grows.
//!
//! ```text
//! cargo run --release -p polmon-connect --example bench-scale -- [--max N] [--ecbplus FILE] [--itn FILE]
//! ```
//!
//! A synthetic stream of short articles is generated from the ECB+ and ITN
//! sentences in `shared/data/stories`: each synthetic event gets its own
//! invented names and numbers and 4-8 sentences (pool sentences with a third of
//! their words replaced, so events do not share sentences); each of its 1-40 articles
//! takes 3-6 of them, shuffled, with ~10% of the words replaced; 15% of the
//! articles are light edits of an earlier article of the event (near-copies).
//! 10,000 articles a day arrive, spread evenly; an event lasts up to two days.
//! At 10k, 40k (the 3-day story window is full from 30k on), 100k, 300k and 1M
//! stored it reports the CPU time of the 2,000 `assign` calls that led there
//! and the process's peak RSS. It checks its result as it goes: the share of
//! injected near-copies found and of articles put with their own event.

use polmon_connect::{Connector, Document};
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1e6 < p
    }
}

fn sentences(ecb: &str, itn: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(text) = std::fs::read_to_string(ecb) {
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            for s in v["sentences"].as_array().into_iter().flatten() {
                let s = s.as_str().unwrap_or("");
                if s.split_whitespace().count() >= 6 && !s.contains("http") {
                    out.push(s.to_string());
                }
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(itn) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            for item in v.as_object().into_iter().flat_map(|o| o.values()) {
                for blurb in item.as_object().into_iter().flat_map(|o| o.values()) {
                    if blurb["lang"] == "en" {
                        let raw = blurb["blurb"].as_str().unwrap_or("");
                        let mut clean = String::new();
                        let mut tag = false;
                        for c in raw.chars() {
                            match c {
                                '<' => tag = true,
                                '>' => tag = false,
                                _ if !tag => clean.push(c),
                                _ => {}
                            }
                        }
                        out.push(clean);
                    }
                }
            }
        }
    }
    assert!(out.len() > 1000, "need the ECB+/ITN corpora; got {} sentences", out.len());
    out
}

fn invented_name(rng: &mut Rng) -> String {
    const SYL: [&str; 16] = ["ka", "lo", "ven", "tri", "mar", "zu", "pel", "dor", "shi", "ran", "bo", "kel", "wi", "sto", "gra", "nu"];
    let n = 3 + rng.below(2);
    let s: String = (0..n).map(|_| SYL[rng.below(SYL.len())]).collect();
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

struct Event {
    sentences: Vec<String>,
    remaining: usize,
    start: i64,
    articles: Vec<usize>,
}

struct Article {
    text: String,
    event: usize,
    copy_of: Option<usize>,
}

fn mutate(rng: &mut Rng, text: &str, words: &[&str], rate: f64) -> String {
    text.split_whitespace()
        .map(|w| if rng.chance(rate) { words[rng.below(words.len())] } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// CPU time of this thread in seconds (the machine is shared: wall time is noisy).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut max = 100_000usize;
    let mut ecb = "../shared/data/stories/ecbplus/ecbplus_docs.jsonl".to_string();
    let mut itn = "../shared/data/stories/itn-multilingual/corpus.json".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--max" => max = args.next().and_then(|v| v.parse().ok()).expect("--max N"),
            "--ecbplus" => ecb = args.next().expect("--ecbplus FILE"),
            "--itn" => itn = args.next().expect("--itn FILE"),
            _ => panic!("unknown argument {a}"),
        }
    }
    let pool = sentences(&ecb, &itn);
    let words: Vec<&str> = pool.iter().flat_map(|s| s.split_whitespace()).filter(|w| w.len() > 3).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut connector = Connector::new();
    let per_day = 10_000i64;
    let checkpoints = [10_000usize, 40_000, 100_000, 300_000, 1_000_000];
    let window = 2_000usize;
    let mut events: Vec<Event> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut arts: Vec<Article> = Vec::new();
    let (mut copies, mut copies_found) = (0usize, 0usize);
    let mut timing: Option<(usize, Instant, f64)> = None; // (start, wall, cpu)
    println!(
        "{:>10} {:>12} {:>12} {:>12} {:>14} {:>12}",
        "stored", "cpu us/art", "wall us/art", "copies found", "story P / R", "peak RSS MB"
    );
    let started = Instant::now();
    for i in 0..max {
        let t = 1_700_000_000 + i as i64 * 86_400 / per_day;
        // Close events that ran out or are older than two days; open new ones.
        // Texts of closed events are dropped, so peak RSS is mostly the connector's.
        open.retain(|&e| {
            let keep = events[e].remaining > 0 && t - events[e].start < 2 * 86_400;
            if !keep {
                for &k in &events[e].articles {
                    arts[k].text = String::new();
                }
                events[e].sentences = Vec::new();
            }
            keep
        });
        if open.is_empty() || rng.chance(0.3) {
            let names: Vec<String> = (0..3).map(|_| invented_name(&mut rng)).collect();
            let number = 10_000 + rng.below(90_000);
            let n = 4 + rng.below(5);
            let sentences = (0..n)
                .map(|k| {
                    // Each event rewrites a third of its pool sentences' words, so two
                    // events never share a sentence verbatim.
                    let src = rng.below(pool.len());
                    let s = mutate(&mut rng, &pool[src], &words, 0.3);
                    format!("{} {} {} said {number}.", names[k % 3], s, names[(k + 1) % 3])
                })
                .collect();
            let remaining = 1 + rng.below(40);
            events.push(Event { sentences, remaining, start: t, articles: Vec::new() });
            open.push(events.len() - 1);
        }
        let e = open[rng.below(open.len())];
        let ev = &mut events[e];
        ev.remaining -= 1;
        let article = if !ev.articles.is_empty() && rng.chance(0.15) {
            let src = ev.articles[rng.below(ev.articles.len())];
            let src = arts[src].copy_of.unwrap_or(src);
            Article { text: mutate(&mut rng, &arts[src].text, &words, 0.02), event: e, copy_of: Some(src) }
        } else {
            let k = 3 + rng.below(4);
            let mut picked: Vec<&String> = (0..k).map(|_| &ev.sentences[rng.below(ev.sentences.len())]).collect();
            picked.dedup();
            let text = picked.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
            Article { text: mutate(&mut rng, &text, &words, 0.1), event: e, copy_of: None }
        };
        events[e].articles.push(arts.len());
        arts.push(article);
        let a = &arts[i];
        let source = format!("site{}.example", rng.below(300));
        // Time the `window` articles that bring the store up to each checkpoint.
        if checkpoints.iter().any(|&c| i + window == c) {
            timing = Some((i + window, Instant::now(), cpu_seconds()));
        }
        let links = connector.assign(&Document {
            id: i as i64 + 1,
            title: "",
            text: &a.text,
            language: Some("en"),
            published: Some(t),
            source: Some(&source),
            entities: &[],
        });
        if let Some(orig) = a.copy_of {
            copies += 1;
            copies_found += usize::from(links.duplicate_of == Some(orig as i64 + 1));
        }
        if let Some((at, since, cpu0)) = timing {
            if i + 1 == at {
                let wall = since.elapsed().as_secs_f64() * 1e6 / window as f64;
                let us = (cpu_seconds() - cpu0) * 1e6 / window as f64;
                let found = copies_found as f64 / copies.max(1) as f64;
                // Per window article: share of its story from its own event (P) and
                // share of its event's articles so far in its story (R).
                let (mut p, mut r, mut n) = (0.0, 0.0, 0usize);
                for j in at - window..=i {
                    let story = connector.story_of(j as i64 + 1).unwrap();
                    let members = connector.story_members(story);
                    let ev = arts[j].event;
                    let same = members.iter().filter(|&&m| arts[(m - 1) as usize].event == ev).count();
                    let event_so_far = events[ev].articles.iter().filter(|&&k| k <= i).count();
                    p += same as f64 / members.len() as f64;
                    r += same as f64 / event_so_far as f64;
                    n += 1;
                }
                let pr = format!("{:.3} / {:.3}", p / n as f64, r / n as f64);
                println!("{at:>10} {us:>12.1} {wall:>12.1} {found:>12.3} {pr:>14} {:>12.0}", peak_rss_mb());
                assert!(found > 0.9, "near-copies found: {found}");
                timing = None;
            }
        }
    }
    // Purity of the final stories against the synthetic events.
    let mut by_story: std::collections::HashMap<i64, std::collections::HashMap<usize, usize>> = Default::default();
    for (i, a) in arts.iter().enumerate() {
        let s = connector.story_of(i as i64 + 1).expect("every article has a story");
        *by_story.entry(s).or_default().entry(a.event).or_default() += 1;
    }
    let purity = by_story.values().map(|m| m.values().max().copied().unwrap_or(0)).sum::<usize>() as f64 / max as f64;
    let mut by_event: std::collections::HashMap<usize, std::collections::HashMap<i64, usize>> = Default::default();
    for (i, a) in arts.iter().enumerate() {
        *by_event.entry(a.event).or_default().entry(connector.story_of(i as i64 + 1).unwrap()).or_default() += 1;
    }
    let completeness = by_event.values().map(|m| m.values().max().copied().unwrap_or(0)).sum::<usize>() as f64 / max as f64;
    println!("stories {} for {} events: purity {purity:.3}, completeness {completeness:.3}", by_story.len(), by_event.len());
    assert!(purity > 0.7 && completeness > 0.7, "stories do not follow the events");
    println!(
        "{max} articles in {:.1} s wall, {:.1} s cpu ({:.0} us/article cpu, generation included), {} stored, peak RSS {:.0} MB",
        started.elapsed().as_secs_f64(),
        cpu_seconds(),
        cpu_seconds() * 1e6 / max as f64,
        connector.len(),
        peak_rss_mb()
    );
}
