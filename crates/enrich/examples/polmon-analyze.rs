//! The `polmon analyze` batch contract, as an example binary the lead ports into the CLI.
//!
//! ```text
//! polmon-analyze analyze [--lang xx] [PATH|-]          one JSON object for one text
//! polmon-analyze analyze [--lang xx] --jsonl FILE      {"id","text"} lines in, {"id",...} lines out
//! ```
//! `--lang` is a hint (used when detection is unsure). `--model-en FILE`, `--model-fr FILE`
//! and `--model-multi FILE` (de, nl, es, it, pt, pl) load other tagger models (for trying a
//! freshly trained one without rebuilding).

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use polmon_enrich::{Analyzer, Document};
use serde_json::{json, Value};

fn to_json(a: &polmon_model::Analysis) -> Value {
    json!({
        "language": a.language.as_ref().map(|l| l.code.clone()),
        "language_confidence": a.language.as_ref().map(|l| l.confidence),
        "entities": a.entities,
        "quotes": a.quotes,
        "categories": a.categories,
        "countries": a.countries,
        "political": a.political,
    })
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("analyze") {
        eprintln!("usage: polmon-analyze analyze [--lang xx] [--jsonl FILE | PATH | -]");
        return ExitCode::from(2);
    }
    let (mut lang, mut jsonl, mut path) = (None, None, None);
    let mut models: Vec<(String, String)> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lang" => lang = args.next(),
            "--jsonl" => jsonl = args.next(),
            m if m.starts_with("--model-") => {
                models.push((m["--model-".len()..].to_string(), args.next().unwrap_or_default()))
            }
            _ => path = Some(a),
        }
    }
    let mut analyzer = Analyzer::new();
    for (which, file) in models {
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read model {file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        analyzer = match analyzer.with_model(&which, &bytes) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(file) = jsonl {
        let reader: Box<dyn BufRead> = if file == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            match std::fs::File::open(&file) {
                Ok(f) => Box::new(std::io::BufReader::new(f)),
                Err(e) => {
                    eprintln!("error: cannot open {file}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        };
        for (n, line) in reader.lines().enumerate() {
            let line = line.expect("read input");
            if line.trim().is_empty() {
                continue;
            }
            let row: Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: line {}: not JSON: {e}", n + 1);
                    return ExitCode::FAILURE;
                }
            };
            let text = row["text"].as_str().unwrap_or("");
            let title = row["title"].as_str();
            let hint = row["language"].as_str().or(lang.as_deref());
            let a = analyzer.analyze(&Document { title, text, lang_hint: hint });
            let mut obj = to_json(&a);
            obj["id"] = row["id"].clone();
            writeln!(out, "{obj}").expect("write");
        }
    } else {
        let mut text = String::new();
        match path.as_deref() {
            None | Some("-") => std::io::stdin().read_to_string(&mut text).map(|_| ()),
            Some(p) => std::fs::read_to_string(p).map(|t| text = t),
        }
        .expect("read input");
        let a = analyzer.analyze(&Document { title: None, text: &text, lang_hint: lang.as_deref() });
        writeln!(out, "{}", to_json(&a)).expect("write");
    }
    ExitCode::SUCCESS
}
