//! `polmon extract` as an example binary, for the extraction benchmarks:
//!
//! `polmon-extract extract [--url URL] [--format json|text] [--out DIR] PATH...`
//!
//! PATH is an `.html`/`.html.gz` file or a folder of them. `json` prints one object per
//! input per line; `text` prints the body; with `--out DIR` each input `X.html[.gz]` gives
//! `DIR/X.txt` or `DIR/X.json`. An unreadable input prints `{"path","error"}` and the run
//! goes on; the exit status is 1 if any input failed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use polmon_extract::{extract, Options};

struct Args {
    url: Option<String>,
    json: bool,
    out: Option<PathBuf>,
    paths: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    if it.next().as_deref() != Some("extract") {
        return Err("usage: polmon-extract extract [--url URL] [--format json|text] [--out DIR] PATH...".into());
    }
    let mut a = Args { url: None, json: true, out: None, paths: Vec::new() };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--url" => a.url = Some(it.next().ok_or("--url needs a value")?),
            "--format" => a.json = match it.next().as_deref() {
                Some("json") => true,
                Some("text") => false,
                _ => return Err("--format is json or text".into()),
            },
            "--out" => a.out = Some(it.next().ok_or("--out needs a folder")?.into()),
            _ => a.paths.push(arg.into()),
        }
    }
    if a.paths.is_empty() {
        return Err("no input given".into());
    }
    Ok(a)
}

/// The input files: each PATH, or the `.html`/`.html.gz` files under a folder, sorted.
fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() { dirs.push(p.clone()) } else { out.push(p.clone()) }
    }
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { out.push(d); continue };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            if e.is_dir() {
                dirs.push(e);
            } else if stem(&e).is_some() {
                out.push(e);
            }
        }
    }
    out
}

/// `X` for `X.html`, `X.htm` or `X.html.gz`.
fn stem(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_str()?;
    ["html.gz", "htm.gz", "html", "htm"].iter().find_map(|ext| name.strip_suffix(&format!(".{ext}")).map(String::from))
}

fn read(p: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = std::fs::read(p)?;
    if p.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(bytes)
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("polmon-extract: {e}");
            std::process::exit(2);
        }
    };
    let stdout = std::io::stdout();
    let mut stdout = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for path in inputs(&args.paths) {
        let shown = path.display().to_string();
        let opts = Options { url: args.url.clone(), content_type: None };
        let result = read(&path).map_err(|e| e.to_string()).and_then(|b| extract(&b, &opts).map_err(|e| e.to_string()));
        let a = match result {
            Ok(a) => a,
            Err(e) => {
                failed = true;
                let _ = writeln!(stdout, "{}", serde_json::json!({"path": shown, "error": e}));
                continue;
            }
        };
        let body = if args.json {
            let mut v = serde_json::to_value(&a).unwrap_or_default();
            v["path"] = serde_json::Value::String(shown.clone());
            v.to_string()
        } else {
            a.text
        };
        match (&args.out, stem(&path)) {
            (Some(dir), Some(stem)) => {
                let file = dir.join(format!("{stem}.{}", if args.json { "json" } else { "txt" }));
                if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&file, body)) {
                    failed = true;
                    let _ = writeln!(stdout, "{}", serde_json::json!({"path": shown, "error": e.to_string()}));
                }
            }
            _ => {
                let _ = writeln!(stdout, "{body}");
            }
        }
    }
    let _ = stdout.flush();
    std::process::exit(i32::from(failed));
}
