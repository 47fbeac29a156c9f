use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use polmon_connect::PairScorer;
use serde_json::{json, Value};

/// `polmon similarity --pairs FILE.jsonl [--no-fit]`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Lines {"id","text1","text2","lang1"?,"lang2"?}.
    #[arg(long)]
    pairs: PathBuf,
    /// Score with the corpus-free word rarity instead of fitting it on the file's texts.
    #[arg(long)]
    no_fit: bool,
}

struct Pair {
    id: Value,
    text1: String,
    text2: String,
    lang1: Option<String>,
    lang2: Option<String>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Read every pair first: word rarity is fitted on all the file's texts, as a
    // TF-IDF model is fitted on its corpus.
    let mut pairs = Vec::new();
    let failed = crate::jsonl::for_each_object(&args.pairs, |_, v| {
        let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let (Some(text1), Some(text2)) = (field("text1"), field("text2")) else {
            return Ok(Err("needs \"text1\" and \"text2\" strings".into()));
        };
        pairs.push(Pair { id: v.get("id").cloned().unwrap_or(Value::Null), text1, text2, lang1: field("lang1"), lang2: field("lang2") });
        Ok(Ok(()))
    })?;
    let scorer = if args.no_fit {
        PairScorer::new()
    } else {
        PairScorer::fit(pairs.iter().flat_map(|p| [(p.text1.as_str(), p.lang1.as_deref()), (p.text2.as_str(), p.lang2.as_deref())]))
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for p in &pairs {
        let score = scorer.score(&p.text1, p.lang1.as_deref(), &p.text2, p.lang2.as_deref()).clamp(0.0, 1.0);
        writeln!(out, "{}", json!({"id": p.id, "score": score}))?;
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
