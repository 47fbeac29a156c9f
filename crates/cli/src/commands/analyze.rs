use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{json, Value};

/// `polmon analyze [--lang xx] [PATH|-]` and `polmon analyze --jsonl FILE`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A language hint (ISO 639-1) used when detection is unsure.
    #[arg(long)]
    lang: Option<String>,
    /// Topic category rules replacing the bundled ones (format: crates/topics/README.md).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Batch mode: lines {"id","text"} in, lines {"id", ...analysis} out.
    #[arg(long, conflicts_with = "input")]
    jsonl: Option<PathBuf>,
    /// Plain text, HTML, or an extracted-article JSON; `-` or nothing reads standard input.
    input: Option<PathBuf>,
}

fn analysis_json(analyzer: &polmon_enrich::Analyzer, title: Option<&str>, text: &str, lang: Option<&str>) -> Value {
    let a = analyzer.analyze(&polmon_enrich::Document { title, text, lang_hint: lang });
    json!({
        "language": a.language,
        "entities": a.entities,
        "quotes": a.quotes,
        "categories": a.categories,
        "countries": a.countries,
    })
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut analyzer = polmon_enrich::Analyzer::new();
    if let Some(path) = &args.rules {
        let rules = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        analyzer = analyzer.with_category_rules(&rules).with_context(|| format!("category rules {}", path.display()))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(path) = &args.jsonl {
        let failed = crate::jsonl::for_each_object(path, |_, v| {
            let Some(text) = v.get("text").and_then(Value::as_str) else {
                return Ok(Err("no \"text\" string".into()));
            };
            let lang = v.get("language").and_then(Value::as_str).or(args.lang.as_deref());
            let mut result = analysis_json(&analyzer, v.get("title").and_then(Value::as_str), text, lang);
            result["id"] = v.get("id").cloned().unwrap_or(Value::Null);
            writeln!(out, "{result}")?;
            Ok(Ok(()))
        })?;
        out.flush()?;
        return Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    let mut raw = Vec::new();
    match &args.input {
        Some(p) if p.as_os_str() != "-" => {
            raw = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        }
        _ => {
            std::io::stdin().read_to_end(&mut raw).context("reading standard input")?;
        }
    }
    let s = String::from_utf8_lossy(&raw);
    let trimmed = s.trim_start();
    let (title, text) = if trimmed.starts_with('{') {
        let v: Value = serde_json::from_str(trimmed).context("the input starts with '{' but is not a JSON object")?;
        let text = v.get("text").and_then(Value::as_str).context("the JSON input has no \"text\" string")?.to_string();
        (v.get("title").and_then(Value::as_str).map(str::to_owned), text)
    } else if trimmed.starts_with('<') {
        let a = polmon_extract::extract(&raw, &polmon_extract::Options::default()).context("extracting the HTML input")?;
        (a.title, a.text)
    } else {
        (None, s.into_owned())
    };
    let result = analysis_json(&analyzer, title.as_deref(), &text, args.lang.as_deref());
    writeln!(out, "{}", serde_json::to_string_pretty(&result)?)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
