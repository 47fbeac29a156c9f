use std::path::{Path, PathBuf};
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

pub(crate) fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::open(data).with_context(|| format!("opening the data folder {}", data.display()))?;
    let report = ingest_with_progress(&pipeline, &args.paths)?;
    print_report(&report);
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
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

/// One summary line on stdout; each failure with its reason on stderr.
pub(crate) fn print_report(report: &IngestReport) {
    for f in &report.failed {
        eprintln!("failed: {}: {}", f.input, f.reason);
    }
    println!(
        "ingest: {} new, {} updated, {} skipped, {} failed",
        report.new,
        report.updated,
        report.skipped,
        report.failed.len()
    );
}
