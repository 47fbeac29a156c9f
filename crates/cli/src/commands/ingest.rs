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
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    let data = cfg.data.as_path();
    let pipeline = Pipeline::open_with(data, cfg.enrich.category_rules.as_deref()).with_context(|| format!("opening the data folder {}", data.display()))?;
    pipeline.recover().context("finishing what an earlier run left")?;
    let report = ingest_with_progress(&pipeline, &args.paths)?;
    print_report(&report);
    let clean = report.failed.is_empty() && report.unindexed.is_none();
    Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
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
