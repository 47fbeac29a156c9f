//! The `polmon analyze` contract, quotes only, for the PolNeAR scorer
//! (`shared/bench/quote_score.py`): the lead ports it into the real command.
//!
//! ```text
//! polmon-analyze [--lang xx] [PATH|-]        one JSON object
//! polmon-analyze [--lang xx] --jsonl FILE    one {"id", ...} line per {"id", "text"} line
//! ```
//! Entities are left to the fallback of `polmon_quotes` (no NER here).

use std::io::{BufRead, Read, Write};

use serde_json::{json, Value};

fn analyze(text: &str, lang: &str) -> Value {
    let quotes: Vec<Value> = polmon_quotes::find_attributed(text, &[], lang, &polmon_quotes::Options::default())
        .into_iter()
        .map(|a| {
            let mut v = serde_json::to_value(&a.quote).expect("a quote serialises");
            if let Some((s, e)) = a.speaker_span {
                v["speaker_start"] = json!(s);
                v["speaker_end"] = json!(e);
            }
            v
        })
        .collect();
    json!({"language": lang, "entities": [], "quotes": quotes, "categories": []})
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut lang = "en".to_string();
    let mut jsonl = None;
    let mut path = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--lang" => {
                i += 1;
                lang = args.get(i).cloned().unwrap_or(lang);
            }
            "--jsonl" => {
                i += 1;
                jsonl = args.get(i).cloned();
            }
            other => path = Some(other.to_string()),
        }
        i += 1;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(file) = jsonl {
        let f = std::fs::File::open(&file).unwrap_or_else(|e| panic!("cannot open {file}: {e}"));
        for line in std::io::BufReader::new(f).lines() {
            let line = line.expect("readable input");
            if line.trim().is_empty() {
                continue;
            }
            let row: Value = serde_json::from_str(&line).expect("a JSON line");
            let text = row["text"].as_str().unwrap_or("");
            let mut v = analyze(text, &lang);
            v["id"] = row["id"].clone();
            writeln!(out, "{v}").expect("stdout");
        }
        return;
    }
    let mut text = String::new();
    match path.as_deref() {
        None | Some("-") => {
            std::io::stdin().read_to_string(&mut text).expect("UTF-8 on stdin");
        }
        Some(p) => text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {p}: {e}")),
    }
    writeln!(out, "{}", analyze(&text, &lang)).expect("stdout");
}
