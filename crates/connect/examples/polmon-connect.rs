//! A stand-in for the `polmon` binary's connect commands, speaking the bench contract.
//!
//! ```text
//! polmon-connect [--set KEY=VALUE]... --data DIR ingest FILE.jsonl
//! polmon-connect [--set KEY=VALUE]... --data DIR export --format jsonl
//! polmon-connect similarity --pairs FILE.jsonl [--no-fit]
//! ```
//!
//! `ingest` appends the records to `DIR/articles.jsonl` with store ids 1, 2...
//! (the input `id` is kept as `external_id`). `export` replays every stored
//! record through one [`Connector`] in store order (as the server would assign
//! them on arrival), then prints one line per article with its *current*
//! links (story merges applied, as the store does with
//! `take_story_merges`) and 4 related ids. `similarity` prints
//! `{"id","score"}` per pair; by default the IDF is fitted on all texts of the
//! file (`--no-fit`: the corpus-free [`similarity`] function). `--set`
//! overrides a [`ConnectConfig`] field, for experiments.

use polmon_connect::{similarity, ConnectConfig, Connector, Document, PairScorer};
use serde_json::{json, Value};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res<T> = Result<T, String>;

fn run(args: Vec<String>) -> Res<()> {
    let mut data: Option<PathBuf> = None;
    let mut cfg = ConnectConfig::default();
    let mut rest = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--data" => data = Some(it.next().ok_or("--data needs a folder")?.into()),
            "--set" => set(&mut cfg, &it.next().ok_or("--set needs KEY=VALUE")?)?,
            _ => rest.push(a),
        }
    }
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match rest.as_slice() {
        ["ingest", file] => ingest(&data.ok_or("--data DIR is required")?, Path::new(file)),
        ["export", "--format", "jsonl"] => export(&data.ok_or("--data DIR is required")?, cfg),
        ["similarity", "--pairs", file] => pairs(Path::new(file), true),
        ["similarity", "--pairs", file, "--no-fit"] => pairs(Path::new(file), false),
        _ => Err("usage: polmon-connect [--set K=V] --data DIR ingest FILE | export --format jsonl | similarity --pairs FILE [--no-fit]".into()),
    }
}

fn set(cfg: &mut ConnectConfig, kv: &str) -> Res<()> {
    let (k, v) = kv.split_once('=').ok_or("--set wants KEY=VALUE")?;
    let f = |v: &str| v.parse::<f64>().map_err(|e| format!("{k}: {e}"));
    let u = |v: &str| v.parse::<usize>().map_err(|e| format!("{k}: {e}"));
    match k {
        "duplicate_threshold" => cfg.duplicate_threshold = f(v)?,
        "join_threshold" => cfg.join_threshold = f(v)?,
        "merge_threshold" => cfg.merge_threshold = f(v)?,
        "refine_threshold" => cfg.refine_threshold = f(v)?,
        "link_members" => cfg.link_members = u(v)?,
        "merge_stories" => cfg.merge_stories = v == "true",
        "split_stories" => cfg.split_stories = v == "true",
        "top_terms" => cfg.top_terms = u(v)?,
        "index_terms" => cfg.index_terms = u(v)?,
        "max_candidates" => cfg.max_candidates = u(v)?,
        "name_boost" => cfg.name_boost = f(v)? as f32,
        "number_boost" => cfg.number_boost = f(v)? as f32,
        "year_boost" => cfg.year_boost = f(v)? as f32,
        "bigram_weight" => cfg.bigram_weight = f(v)? as f32,
        _ => return Err(format!("unknown config key {k}")),
    }
    Ok(())
}

fn read_jsonl(path: &Path) -> Res<Vec<Value>> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?);
    }
    Ok(out)
}

fn ingest(data: &Path, file: &Path) -> Res<()> {
    std::fs::create_dir_all(data).map_err(|e| e.to_string())?;
    let store = data.join("articles.jsonl");
    let mut n = if store.exists() { read_jsonl(&store)?.len() as i64 } else { 0 };
    let mut out = BufWriter::new(
        std::fs::OpenOptions::new().create(true).append(true).open(&store).map_err(|e| e.to_string())?,
    );
    for (line, mut rec) in read_jsonl(file)?.into_iter().enumerate() {
        for key in ["url", "title", "text"] {
            if !rec.get(key).is_some_and(Value::is_string) {
                return Err(format!("{}:{}: field {key:?} missing or not a string", file.display(), line + 1));
            }
        }
        n += 1;
        let obj = rec.as_object_mut().ok_or("record is not an object")?;
        let ext = obj.remove("id").unwrap_or(Value::Null);
        obj.insert("external_id".into(), ext);
        obj.insert("id".into(), json!(n));
        writeln!(out, "{rec}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn export(data: &Path, cfg: ConnectConfig) -> Res<()> {
    let store = data.join("articles.jsonl");
    let recs = if store.exists() { read_jsonl(&store)? } else { Vec::new() };
    let mut c = Connector::with_config(cfg).map_err(|e| e.to_string())?;
    let s = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).map(str::to_owned);
    if std::env::var_os("POLMON_WARM_IDF").is_some() {
        for r in &recs {
            let (title, text) = (s(r, "title").unwrap_or_default(), s(r, "text").unwrap_or_default());
            c.observe(&Document { title: &title, text: &text, language: s(r, "language").as_deref(), ..Default::default() });
        }
    }
    for r in &recs {
        let id = r["id"].as_i64().ok_or("stored record without id")?;
        let (title, text) = (s(r, "title").unwrap_or_default(), s(r, "text").unwrap_or_default());
        let (lang, source) = (s(r, "language"), s(r, "source"));
        let published = s(r, "published").as_deref().and_then(parse_rfc3339);
        c.assign(&Document {
            id,
            title: &title,
            text: &text,
            language: lang.as_deref(),
            published,
            source: source.as_deref(),
            entities: &[],
        });
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for r in &recs {
        let id = r["id"].as_i64().unwrap_or_default();
        let links = c.links(id).unwrap_or_default();
        let row = json!({
            "id": id, "external_id": r.get("external_id"), "url": r.get("url"), "title": r.get("title"),
            "story_id": links.story_id, "duplicate_of": links.duplicate_of, "related": c.related(id, 4),
        });
        writeln!(out, "{row}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn pairs(file: &Path, fit: bool) -> Res<()> {
    let rows = read_jsonl(file)?;
    let get = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let items: Vec<(String, String, String, String)> =
        rows.iter().map(|r| (get(r, "text1"), get(r, "lang1"), get(r, "text2"), get(r, "lang2"))).collect();
    let scorer = fit.then(|| {
        PairScorer::fit(items.iter().flat_map(|(t1, l1, t2, l2)| [(t1.as_str(), lang(l1)), (t2.as_str(), lang(l2))]))
    });
    // POLMON_SIM_WEIGHTS="words,chars,anchors" overrides the view weights (experiments).
    let weights: Option<Vec<f64>> = std::env::var("POLMON_SIM_WEIGHTS")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect());
    let scorer = match (scorer, weights.as_deref()) {
        (Some(s), Some(&[a, b, c])) => Some(s.with_weights(a, b, c)),
        (s, _) => s,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (r, (t1, l1, t2, l2)) in rows.iter().zip(&items) {
        let score = match &scorer {
            Some(s) => s.score(t1, lang(l1), t2, lang(l2)),
            None => similarity(t1, lang(l1), t2, lang(l2)),
        };
        writeln!(out, "{}", json!({"id": r.get("id"), "score": score})).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn lang(l: &str) -> Option<&str> {
    (!l.is_empty()).then_some(l)
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` -> Unix seconds.
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        r if r.len() == 6 => {
            let sign = if r.starts_with('-') { -1 } else { 1 };
            sign * (r[1..3].parse::<i64>().ok()? * 3600 + r[4..6].parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (mo + if mo > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}
