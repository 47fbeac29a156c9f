use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Value};

/// `polmon similarity --pairs FILE.jsonl`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Lines {"id","text1","text2","lang1"?,"lang2"?}.
    #[arg(long)]
    pairs: PathBuf,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let failed = crate::jsonl::for_each_object(&args.pairs, |_, v| {
        let field = |k: &str| v.get(k).and_then(Value::as_str);
        let (Some(t1), Some(t2)) = (field("text1"), field("text2")) else {
            return Ok(Err("needs \"text1\" and \"text2\" strings".into()));
        };
        let score = polmon_connect::similarity(t1, field("lang1"), t2, field("lang2")).clamp(0.0, 1.0);
        writeln!(out, "{}", json!({"id": v.get("id").cloned().unwrap_or(Value::Null), "score": score}))?;
        Ok(Ok(()))
    })?;
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
