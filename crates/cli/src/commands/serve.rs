use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_pipeline::crawl::{CrawlConfig, Crawler};
use polmon_pipeline::Pipeline;

/// `polmon serve [--addr 127.0.0.1:8080] [--no-crawl] [--allow-private]`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "POLMON_ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Do not poll the configured sources in the background.
    #[arg(long)]
    pub(crate) no_crawl: bool,
    /// Let the background crawler reach loopback and private addresses (also POLMON_ALLOW_PRIVATE=1).
    #[arg(long)]
    pub(crate) allow_private: bool,
}

pub(crate) fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::open(data).with_context(|| format!("opening the data folder {}", data.display()))?;
    let crawl = if args.no_crawl { None } else { Some(super::crawl::crawl_config(args.allow_private)?) };
    serve_with(Arc::new(pipeline), args.addr, crawl)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves until Ctrl-C, printing the URL once listening.
pub(crate) fn serve(pipeline: Arc<Pipeline>, addr: SocketAddr) -> anyhow::Result<()> {
    serve_with(pipeline, addr, None)
}

/// Serves until Ctrl-C; with a crawl configuration, polls the sources in the background
/// (when there are any; sources added while serving are picked up within a minute).
pub(crate) fn serve_with(pipeline: Arc<Pipeline>, addr: SocketAddr, crawl: Option<CrawlConfig>) -> anyhow::Result<()> {
    let articles = pipeline.store().count()?;
    let crawler = match crawl {
        Some(config) => Some(Arc::new(Crawler::new(Arc::clone(&pipeline), config)?)),
        None => None,
    };
    // Store and index calls run on the blocking pool. A pool the size of the store's
    // reader set (4) keeps requests queued in order instead of thrashing threads on small
    // machines: on 2 cores with 50 clients it cut the article page's p99 from 70 to 19 ms
    // (scripts/bench-serve.sh).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = crawler.map(|c| tokio::spawn(c.run(stop_rx)));
        let state = polmon_web::AppState { pipeline };
        let served = polmon_web::serve(state, addr, |bound| {
            println!("Politics Monitor: {articles} articles, serving on http://{bound}/");
        })
        .await
        .with_context(|| format!("serving on {addr}"));
        let _ = stop_tx.send(true);
        if let Some(task) = task {
            task.abort();
        }
        served
    })
}
