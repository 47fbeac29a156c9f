use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

/// `polmon extract [--url URL] [--format json|text] [--out DIR] PATH...`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The page's URL (resolves relative links; a date and source fallback).
    #[arg(long)]
    url: Option<String>,
    /// Output: one JSON object per input, or the body text.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write DIR/X.json or DIR/X.txt per input X.html[.gz] instead of printing.
    #[arg(long)]
    out: Option<PathBuf>,
    /// .html/.htm/.html.gz files, or folders of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// JSON object per input.
    Json,
    /// Body text, paragraphs separated by blank lines.
    Text,
}

/// An extracted article with the path it came from, as one JSON object.
#[derive(serde::Serialize)]
struct PathArticle<'a> {
    path: &'a str,
    #[serde(flatten)]
    article: &'a polmon_model::ExtractedArticle,
}

/// The most bytes read from one page.
const MAX_PAGE_BYTES: u64 = 256 * 1024 * 1024;

fn is_page(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    [".html", ".htm", ".html.gz", ".htm.gz", ".xhtml"].iter().any(|s| name.ends_with(s))
}

fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            children.sort();
            out.extend(children.into_iter().filter(|c| c.is_file() && is_page(c)));
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn read_page(p: &Path) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(p)?;
    let mut buf = Vec::new();
    if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
        flate2::read::MultiGzDecoder::new(f).take(MAX_PAGE_BYTES).read_to_end(&mut buf)?;
    } else {
        f.take(MAX_PAGE_BYTES).read_to_end(&mut buf)?;
    }
    Ok(buf)
}

/// `X.html.gz` → `X`.
fn stem(p: &Path) -> String {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("page").to_string();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_string()
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for path in collect(&args.paths) {
        let shown = path.display().to_string();
        let opts = polmon_extract::Options { url: args.url.clone(), content_type: None };
        let result = read_page(&path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|bytes| polmon_extract::extract(&bytes, &opts).map_err(|e| e.to_string()));
        let extracted = result.is_ok();
        let rendered = match (result, args.format) {
            (Ok(a), Format::Text) => a.text,
            (Ok(a), Format::Json) => serde_json::to_string(&PathArticle { path: &shown, article: &a }).unwrap_or_default(),
            (Err(e), _) => {
                failed = true;
                eprintln!("failed: {shown}: {e}");
                if args.format == Format::Json {
                    json!({"path": shown, "error": e}).to_string()
                } else {
                    String::new()
                }
            }
        };
        match &args.out {
            Some(dir) => {
                let ext = if args.format == Format::Json { "json" } else { "txt" };
                let target = dir.join(format!("{}.{ext}", stem(&path)));
                std::fs::write(&target, rendered + "\n").with_context(|| format!("writing {}", target.display()))?;
            }
            None if args.format == Format::Json => writeln!(out, "{rendered}")?,
            None => {
                if extracted {
                    writeln!(out, "{rendered}\n")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
