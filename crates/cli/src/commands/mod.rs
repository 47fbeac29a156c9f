//! One module per `polmon` command.

pub(crate) mod analyze;
pub(crate) mod bench;
pub(crate) mod crawl;
pub(crate) mod demo;
pub(crate) mod export;
pub(crate) mod extract;
pub(crate) mod ingest;
pub(crate) mod serve;
pub(crate) mod similarity;
pub(crate) mod sources;
pub(crate) mod translate;

use std::path::Path;

use anyhow::{bail, Context};

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
