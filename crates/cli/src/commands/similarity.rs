use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{json, Value};

/// `polmon similarity --pairs FILE.jsonl`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Lines {"id","text1","text2","lang1"?,"lang2"?}.
    #[arg(long)]
    pairs: PathBuf,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(&args.pairs).with_context(|| format!("opening {}", args.pairs.display()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", args.pairs.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                failed = true;
                eprintln!("failed: {}:{}: not JSON: {e}", args.pairs.display(), i + 1);
                continue;
            }
        };
        let field = |k: &str| v.get(k).and_then(Value::as_str);
        let (Some(t1), Some(t2)) = (field("text1"), field("text2")) else {
            failed = true;
            eprintln!("failed: {}:{}: needs \"text1\" and \"text2\" strings", args.pairs.display(), i + 1);
            continue;
        };
        let score = polmon_connect::similarity(t1, field("lang1"), t2, field("lang2")).clamp(0.0, 1.0);
        writeln!(out, "{}", json!({"id": v.get("id").cloned().unwrap_or(Value::Null), "score": score}))?;
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
