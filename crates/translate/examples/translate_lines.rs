//! Translates standard input line by line with the installed Apertium,
//! without name protection (names need the enricher: use `polmon translate`).
//!
//! ```sh
//! cargo run -p polmon-translate --example translate_lines -- fr en [--raw] < text.txt
//! ```

use std::io::{BufRead, Write};
use std::time::Duration;

use polmon_translate::{polish, Apertium, Glossary, Request, Translator};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(from), Some(to)) = (args.first(), args.get(1)) else {
        eprintln!("usage: translate_lines FROM TO [--raw] < text");
        std::process::exit(2);
    };
    let engine = Apertium::discover(None, Duration::from_secs(60)).expect("Apertium is installed");
    let engine = if args.iter().any(|a| a == "--raw") {
        engine.without_polish()
    } else {
        engine.with_polish(polish::Options::default(), Glossary::bundled())
    };
    let lines: Vec<String> = std::io::stdin().lock().lines().map(|l| l.expect("UTF-8 input")).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for batch in lines.chunks(64) {
        let t = engine.translate(&Request::new(batch.join("\n"), from.as_str(), to.as_str())).expect("translated");
        writeln!(out, "{}", t.text).expect("stdout");
    }
}
