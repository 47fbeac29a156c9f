//! Times searches on an existing index folder: the mean of each query's `search` (with
//! snippets) and `search_ids` over R runs, and the number of matches.
//!
//!     cargo run --release -p polmon-index --example search-cost -- DATA/index 200 gouvernement "budget vote"
//!
//! Used for the serving-at-scale benchmark (README, "Performance"): run it on the 100k and
//! the 1M archives of `polmon bench generate` to see whether a search costs more as the
//! archive grows.

use std::path::PathBuf;
use std::time::Instant;

use polmon_index::{SearchIndex, SearchQuery};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: search-cost INDEX_DIR RUNS QUERY..."));
    let runs: u32 = args.next().and_then(|r| r.parse().ok()).expect("RUNS: a number");
    let queries: Vec<String> = args.collect();
    let index = SearchIndex::open(&dir).expect("open the index");
    println!("{} documents", index.num_docs());
    println!("| query | matches | search ms | search_ids ms |");
    println!("|---|---|---|---|");
    for text in &queries {
        let q = SearchQuery { text: text.clone(), limit: 20, ..Default::default() };
        let total = index.search(&q).expect("search").total;
        let time = |f: &dyn Fn()| {
            f();
            let started = Instant::now();
            for _ in 0..runs {
                f();
            }
            started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs)
        };
        let with_snippets = time(&|| {
            index.search(&q).expect("search");
        });
        let ids_only = time(&|| {
            index.search_ids(&q).expect("search");
        });
        println!("| {text} | {total} | {with_snippets:.3} | {ids_only:.3} |");
    }
}
