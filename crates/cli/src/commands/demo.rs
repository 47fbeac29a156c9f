use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

/// `polmon demo [--data DIR] [--addr ADDR]`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port); `serve.addr` in the configuration.
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Ingest only, do not serve.
    #[arg(long)]
    no_serve: bool,
}

pub(crate) fn run(mut cfg: crate::config::Config, args: Args, data_given: bool) -> anyhow::Result<ExitCode> {
    let (data, _temp) = match data_given {
        true => (cfg.data.clone(), None),
        false => {
            let t = tempfile::Builder::new().prefix("polmon-demo-").tempdir().context("creating a temporary data folder")?;
            (t.path().to_owned(), Some(t))
        }
    };
    let inputs = tempfile::tempdir().context("creating a temporary folder for the demo corpus")?;
    let files = crate::demo_corpus::write_to(inputs.path()).context("writing the demo corpus")?;
    let pipeline = super::open_pipeline(&cfg, &data)?;
    println!("Politics Monitor demo: ingesting the bundled corpus into {}", data.display());
    let started = std::time::Instant::now();
    let report = super::ingest::ingest_with_progress(&pipeline, &files)?;
    super::ingest::print_report(&report);
    println!("ingested in {:.1} s", started.elapsed().as_secs_f64());
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(addr) = args.addr {
        cfg.serve.addr = addr;
    }
    cfg.serve.crawl = false;
    super::serve::serve_with(Arc::new(pipeline), &cfg)?;
    Ok(ExitCode::SUCCESS)
}
