//! `polmon-bench translate|similarity|analyze`: the CLI's command files,
//! compiled without the rest of `polmon` (see Cargo.toml).

#[path = "../../../crates/cli/src/jsonl.rs"]
mod jsonl;
#[path = "../../../crates/cli/src/commands/similarity.rs"]
mod similarity;
#[path = "../../../crates/cli/src/commands/translate.rs"]
mod translate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Translate(translate::Args),
    Similarity(similarity::Args),
    /// `analyze --lang xx --jsonl FILE`: entities only, as `polmon analyze`.
    Analyze {
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        jsonl: PathBuf,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Translate(a) => translate::run(a),
        Command::Similarity(a) => similarity::run(a),
        Command::Analyze { lang, jsonl } => analyze(lang, &jsonl),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn analyze(lang: Option<String>, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let analyzer = polmon_enrich::Analyzer::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    jsonl::for_each_object(path, |_, v| {
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or_default();
        let a = analyzer.analyze(&polmon_enrich::Document { title: None, text, lang_hint: lang.as_deref() });
        writeln!(out, "{}", serde_json::json!({"id": v.get("id"), "entities": a.entities}))?;
        Ok(Ok(()))
    })?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
