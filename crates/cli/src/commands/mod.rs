//! One module per `polmon` command.

pub(crate) mod analyze;
pub(crate) mod bench;
pub(crate) mod crawl;
pub(crate) mod deliver;
pub(crate) mod connector;
pub(crate) mod demo;
pub(crate) mod enqueue;
pub(crate) mod export;
pub(crate) mod extract;
pub(crate) mod ingest;
pub(crate) mod serve;
pub(crate) mod similarity;
pub(crate) mod sources;
pub(crate) mod translate;
pub(crate) mod watch;
pub(crate) mod worker;

use std::path::Path;

use anyhow::{bail, Context};

/// Opens the pipeline over `data` as configured: category rules, and the reader's
/// language that articles in other languages are queued for translation into.
pub(crate) fn open_pipeline(cfg: &crate::config::Config, data: &Path) -> anyhow::Result<polmon_pipeline::Pipeline> {
    let mut p = polmon_pipeline::Pipeline::open_with(data, cfg.enrich.category_rules.as_deref())
        .with_context(|| format!("opening the data folder {}", data.display()))?;
    let target = polmon_translate::lang::normalize(&cfg.translate.target);
    p.set_translation_target((!target.is_empty()).then_some(target.as_str()));
    Ok(p)
}

/// Opens the store of a data folder that must exist already (reading commands: a typo
/// in `--data` must not show an empty archive).
pub(crate) fn open_existing_store(data: &Path) -> anyhow::Result<polmon_store::Store> {
    if !data.join(polmon_store::DB_FILE).is_file() {
        bail!(
            "{} is not a Politics Monitor data folder (no {}): check --data, or create it with `polmon ingest` or `polmon demo --data {}`",
            data.display(),
            polmon_store::DB_FILE,
            data.display()
        );
    }
    polmon_store::Store::open(data).with_context(|| format!("opening the data folder {}", data.display()))
}
