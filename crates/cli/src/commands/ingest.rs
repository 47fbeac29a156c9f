use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use polmon_pipeline::{IngestReport, Pipeline};

/// `polmon ingest PATH...`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files or folders: .html, .html.gz, .warc, .warc.gz, .jsonl, .rss/.atom/.xml/.json feeds.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Store only: leave the articles that need a translation queued (for `serve`,
    /// `crawl` or `polmon translate --backfill`).
    #[arg(long)]
    no_translate: bool,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    let data = cfg.data.as_path();
    let pipeline = super::open_pipeline(cfg, data)?;
    pipeline.recover().context("finishing what an earlier run left")?;
    let report = ingest_with_progress(&pipeline, &args.paths)?;
    print_report(&report);
    if !args.no_translate {
        // Everything is stored first: a failing or slow engine costs no article.
        translate_queued(std::sync::Arc::new(pipeline), cfg)?;
    }
    let clean = report.failed.is_empty() && report.unindexed.is_none();
    Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Translates what the pipeline queued, and says so on stderr.
pub(crate) fn translate_queued(pipeline: std::sync::Arc<Pipeline>, cfg: &crate::config::Config) -> anyhow::Result<()> {
    let Some(worker) = crate::translation::Worker::new(pipeline, &cfg.translate) else { return Ok(()) };
    let started = std::time::Instant::now();
    let run = worker.drain(&std::sync::atomic::AtomicBool::new(false), None)?;
    if run != crate::translation::Run::default() {
        eprintln!(
            "translate: {} translated ({}), {} without a route, {} failed (tried again later) in {:.1} s",
            run.translated,
            worker.engine(),
            run.no_route,
            run.failed,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Ingests with a progress bar on a terminal (nothing is drawn otherwise).
pub(crate) fn ingest_with_progress(pipeline: &Pipeline, paths: &[PathBuf]) -> anyhow::Result<IngestReport> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files · {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = pipeline.ingest_paths(paths, &mut |p| {
        bar.set_length(p.files_total as u64);
        bar.set_position(p.files_done as u64);
        bar.set_message(format!("{} new, {} updated, {} skipped, {} failed", p.report.new, p.report.updated, p.report.skipped, p.report.failed.len()));
    })?;
    bar.finish_and_clear();
    Ok(report)
}

/// One summary line on stdout; each failure with its reason, each cut text and a search
/// index that could not be written on stderr.
pub(crate) fn print_report(report: &IngestReport) {
    for f in &report.failed {
        eprintln!("failed: {}: {}", f.input, f.reason);
    }
    for (input, chars) in &report.truncated {
        eprintln!(
            "truncated: {input}: the text had {chars} characters; the first {} are stored",
            polmon_pipeline::MAX_TEXT_CHARS
        );
    }
    if let Some((waiting, why)) = &report.unindexed {
        eprintln!(
            "warning: {waiting} stored articles are not searchable yet: the search index could not be written ({why}). \
             They are safe in the database and are indexed by the next `polmon ingest` or `polmon serve`; \
             if the disk is full, free space first."
        );
    }
    println!(
        "ingest: {} new, {} updated, {} skipped, {} failed",
        report.new,
        report.updated,
        report.skipped,
        report.failed.len()
    );
}
