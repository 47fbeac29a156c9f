use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use polmon_translate::{Config, Engine, NameKind, Protect, Request, Translation, Translator};
use serde_json::{json, Value};

/// `polmon translate [--from xx] --to yy [FILE|-]`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The source language (ISO 639-1); detected per input when not given.
    #[arg(long)]
    from: Option<String>,
    /// The target language (default: `translate.target` in the configuration, `en`).
    #[arg(long)]
    to: Option<String>,
    /// Translate the stored articles instead: queue every article of the data folder that
    /// lacks a translation into `translate.target` (or changed since), then translate them.
    #[arg(long, conflicts_with_all = ["input", "routes", "raw", "from"])]
    backfill: bool,
    /// auto (Apertium when installed), apertium, libretranslate, deepl or none
    /// (`translate.engine` in the configuration, default auto).
    #[arg(long)]
    engine: Option<String>,
    /// The LibreTranslate server, or another DeepL endpoint.
    #[arg(long)]
    url: Option<String>,
    /// The LibreTranslate or DeepL API key (better: `translate.api_key` in the
    /// configuration, or POLMON_TRANSLATE_API_KEY).
    #[arg(long)]
    api_key: Option<String>,
    /// Seconds one request may take (`translate.timeout_secs`, default 30).
    #[arg(long)]
    timeout: Option<u64>,
    /// A glossary file replacing the bundled one (format: crates/translate/README.md).
    #[arg(long)]
    glossary: Option<PathBuf>,
    /// Names kept out of the engine's reach: none, person, or all (persons, organisations,
    /// places); default `translate.protect` (persons).
    #[arg(long)]
    names: Option<String>,
    /// The engine's output alone: no name protection, glossary or tidying (Apertium).
    #[arg(long)]
    raw: bool,
    /// Lines translated per engine request (plain-text input).
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// List the routes the engine offers and exit.
    #[arg(long)]
    routes: bool,
    /// Plain text (translated line by line) or an extracted-article JSON; `-` or nothing reads standard input.
    input: Option<PathBuf>,
}

/// The engine: the configuration's `[translate]` section, overridden by the flags.
fn engine(base: &Config, args: &Args) -> anyhow::Result<Box<dyn Translator>> {
    let mut config = base.clone();
    if let Some(e) = &args.engine {
        config.engine = serde_json::from_value::<Engine>(json!(e))
            .map_err(|_| anyhow::anyhow!("unknown engine {e:?}: use auto, apertium, libretranslate, deepl or none"))?;
    }
    if let Some(names) = &args.names {
        config.protect = match names.as_str() {
            "none" => Vec::new(),
            "person" => vec![NameKind::Person],
            "all" => vec![NameKind::Person, NameKind::Organization, NameKind::Location, NameKind::Other],
            other => anyhow::bail!("--names {other:?}: use none, person or all"),
        };
    }
    config.url = args.url.clone().or(config.url);
    config.api_key = args.api_key.clone().or(config.api_key);
    config.timeout_secs = args.timeout.unwrap_or(config.timeout_secs);
    config.glossary = args.glossary.clone().or(config.glossary);
    if args.raw {
        let a = polmon_translate::Apertium::discover(None, config.timeout()).context("--raw needs Apertium")?;
        return Ok(Box::new(a.without_polish()));
    }
    polmon_translate::from_config(&config).context("starting the translation engine")
}

/// `polmon translate --backfill`: queue what lacks a translation, translate the queue.
fn backfill(cfg: &crate::config::Config, args: &Args) -> anyhow::Result<ExitCode> {
    let mut cfg = cfg.clone();
    if let Some(to) = &args.to {
        cfg.translate.target = to.clone();
    }
    if let Some(e) = &args.engine {
        cfg.translate.engine = serde_json::from_value::<Engine>(json!(e))
            .map_err(|_| anyhow::anyhow!("unknown engine {e:?}: use auto, apertium, libretranslate, deepl or none"))?;
    }
    super::open_existing_store(&cfg.data)?;
    let pipeline = std::sync::Arc::new(super::open_pipeline(&cfg, &cfg.data)?);
    let Some(target) = pipeline.translation_target().map(str::to_owned) else {
        anyhow::bail!("no target language: set `translate.target` (or --to)");
    };
    let queued = pipeline.store().queue_untranslated(&target)?;
    eprintln!("translate: {queued} articles queued for translation into {target}");
    if crate::translation::Worker::new(std::sync::Arc::clone(&pipeline), &cfg.translate).is_none() {
        anyhow::bail!("no translation engine: install Apertium (see README) or configure `translate.engine`");
    }
    super::ingest::translate_queued(std::sync::Arc::clone(&pipeline), &cfg)?;
    let left = pipeline.store().queued_translations(&target)?;
    println!("translate: {left} articles still queued");
    Ok(if left == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The enricher's names in `text`, as spans to protect.
fn names(analyzer: &polmon_enrich::Analyzer, text: &str, lang: &str) -> Vec<Protect> {
    let a = analyzer.analyze(&polmon_enrich::Document { title: None, text, lang_hint: Some(lang) });
    a.entities
        .into_iter()
        .map(|e| Protect {
            start: e.start,
            end: e.end,
            kind: match e.entity_type {
                polmon_model::EntityType::Person => NameKind::Person,
                polmon_model::EntityType::Organization => NameKind::Organization,
                polmon_model::EntityType::Location => NameKind::Location,
                polmon_model::EntityType::Other => NameKind::Other,
            },
            canonical: Some(e.canonical),
        })
        .collect()
}

fn detect(analyzer: &polmon_enrich::Analyzer, text: &str) -> anyhow::Result<String> {
    let sample: String = text.chars().take(5_000).collect();
    let a = analyzer.analyze(&polmon_enrich::Document { title: None, text: &sample, lang_hint: None });
    a.language.map(|g| g.code).context("cannot tell the input's language: give --from")
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    if args.backfill {
        return backfill(cfg, &args);
    }
    let to = args.to.clone().unwrap_or_else(|| cfg.translate.target.clone());
    let translator = engine(&cfg.translate, &args)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.routes {
        for r in translator.routes() {
            writeln!(out, "{r}")?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let analyzer = polmon_enrich::Analyzer::new();
    let mut raw = Vec::new();
    match &args.input {
        Some(p) if p.as_os_str() != "-" => raw = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
        _ => {
            std::io::stdin().lock().read_to_end(&mut raw).context("reading standard input")?;
        }
    }
    let input = String::from_utf8_lossy(&raw);
    let protect_names = !args.raw
        && match args.names.as_deref() {
            Some(n) => n != "none",
            None => !cfg.translate.protect.is_empty(),
        };
    let started = Instant::now();
    if input.trim_start().starts_with('{') {
        let mut article: Value = serde_json::from_str(input.trim()).context("the input starts with '{' but is not a JSON object")?;
        let text = article.get("text").and_then(Value::as_str).context("the JSON input has no \"text\" string")?.to_owned();
        let from = match (&args.from, article.get("language").and_then(Value::as_str)) {
            (Some(f), _) => f.clone(),
            (None, Some(l)) => l.to_owned(),
            (None, None) => detect(&analyzer, &text)?,
        };
        let request = |t: &str| {
            let req = Request::new(t, from.as_str(), to.as_str());
            if protect_names {
                req.protect(names(&analyzer, t, &from))
            } else {
                req
            }
        };
        let body = translator.translate(&request(&text)).context("translating the text")?;
        let title = match article.get("title").and_then(Value::as_str) {
            Some(t) => Some(translator.translate(&request(t)).context("translating the title")?.text),
            None => None,
        };
        article["translation"] = json!({
            "language": polmon_translate::lang::normalize(&to),
            "title": title,
            "text": body.text,
            "engine": body.engine,
            "route": body.route,
            "untranslated": body.untranslated,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&article)?)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }

    let from = match &args.from {
        Some(f) => f.clone(),
        None => detect(&analyzer, &input)?,
    };
    let lines: Vec<&str> = input.lines().collect();
    let mut words = 0usize;
    let mut last: Option<Translation> = None;
    for batch in lines.chunks(args.batch.max(1)) {
        // One request per batch, names found line by line (offsets shifted).
        let text = batch.join("\n");
        let mut protect = Vec::new();
        if protect_names {
            let mut offset = 0;
            for line in batch {
                protect.extend(names(&analyzer, line, &from).into_iter().map(|p| Protect { start: p.start + offset, end: p.end + offset, ..p }));
                offset += line.chars().count() + 1;
            }
        }
        words += text.split_whitespace().count();
        let t = translator.translate(&Request::new(text, from.as_str(), to.as_str()).protect(protect)).context("translating")?;
        let mut got = t.text.split('\n');
        for _ in batch {
            writeln!(out, "{}", got.next().unwrap_or_default())?;
        }
        last = Some(t);
    }
    out.flush()?;
    let secs = started.elapsed().as_secs_f64();
    if let Some(t) = last {
        let route = t.route.join("→");
        match t.untranslated {
            Some(why) => eprintln!("untranslated ({why}): engine {}, {} lines", t.engine, lines.len()),
            None => eprintln!("translated {} lines, {words} words in {secs:.2} s: engine {}, route {route}", lines.len(), t.engine),
        }
    }
    Ok(ExitCode::SUCCESS)
}
