use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use polmon_store::ArticleRecord;

/// `polmon export --format jsonl`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// One JSON object per article per line.
    Jsonl,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    let data = cfg.data.as_path();
    let Format::Jsonl = args.format;
    let store = super::open_existing_store(data)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut write_error = None;
    store.for_each_article(|a| {
        let related = store.related(a.id)?.unwrap_or_default();
        let line = serde_json::to_string(&ArticleRecord::new(&a, related)).unwrap_or_default();
        if write_error.is_none() {
            if let Err(e) = writeln!(out, "{line}") {
                write_error = Some(e);
            }
        }
        Ok(())
    })?;
    if let Some(e) = write_error {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e).context("writing the export");
        }
    }
    out.flush().ok();
    Ok(ExitCode::SUCCESS)
}
