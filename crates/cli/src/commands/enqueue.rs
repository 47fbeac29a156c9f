//! `polmon enqueue PATH...`: the distributed mode's ingest. Each input item is kept in the
//! shared store as a raw page and its key published on the `process` queue, for any
//! number of `polmon worker`s.

use std::path::PathBuf;
use std::process::ExitCode;

use polmon_pipeline::{inputs, raw_page_of};
use polmon_queue::ProcessPage;

use crate::distributed::{connect_queue, SharedStore};

/// `polmon enqueue PATH...`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files or folders, as `polmon ingest` takes them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    let store = SharedStore::open(cfg)?.articles();
    let queue = connect_queue(cfg)?;
    let (files, mut failed) = inputs::expand(&args.paths);
    let (mut items, mut kept, mut published) = (0usize, 0usize, 0usize);
    let mut error = None;
    for file in &files {
        inputs::read_file(file, &mut |item| {
            if error.is_some() {
                return;
            }
            let item = match item {
                Ok(item) => item,
                Err(f) => return failed.push(f),
            };
            items += 1;
            let page = raw_page_of(&item);
            let job = ProcessPage {
                page_key: page.key.clone(),
                source_id: None,
                url: page.url.clone().unwrap_or_default(),
            };
            // Kept first, then published: a worker never sees a key it cannot read.
            let step = store
                .put_raw_page(&page)
                .map_err(anyhow::Error::from)
                .and_then(|new| {
                    kept += usize::from(new);
                    Ok(queue.publish(&job)?)
                });
            match step {
                Ok(p) => published += usize::from(!p.duplicate),
                Err(e) => error = Some(e),
            }
        });
    }
    for f in &failed {
        eprintln!("failed: {}: {}", f.input, f.reason);
    }
    println!("{items} items: {kept} new raw pages, {published} published to `process` ({} failed inputs)", failed.len());
    if let Some(e) = error {
        return Err(e.context("enqueueing stopped: the items before it are kept and published"));
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
