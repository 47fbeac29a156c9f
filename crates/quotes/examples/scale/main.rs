//! Times `find_quotes` on a generated page of ordinary news paragraphs, to check that the work
//! grows linearly with the page: `cargo run --release -p polmon-quotes --example scale -- 8 fr`
//! (megabytes, language; `/usr/bin/time -v` in front gives the peak memory).

use std::time::Instant;

include!("page.rs");

fn main() {
    let mut args = std::env::args().skip(1);
    let mb: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let lang = args.next().unwrap_or_else(|| "en".into());
    let text = page((mb * 1_000_000.0) as usize, &lang);
    let t = Instant::now();
    let quotes = polmon_quotes::find_quotes(&text, &[], &lang);
    let secs = t.elapsed().as_secs_f64();
    let named = quotes.iter().filter(|q| q.speaker_canonical.is_some()).count();
    println!("{mb} MB {lang}: {} quotes ({named} named) in {secs:.2} s", quotes.len());
}
