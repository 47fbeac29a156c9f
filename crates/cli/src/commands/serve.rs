use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_crawl::Crawler;

use crate::config::Config;
use polmon_pipeline::Pipeline;

/// `polmon serve [--addr 127.0.0.1:8080] [--no-crawl] [--allow-private]`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port); `serve.addr` in the configuration.
    #[arg(long)]
    pub(crate) addr: Option<SocketAddr>,
    /// Do not poll the configured sources in the background.
    #[arg(long)]
    pub(crate) no_crawl: bool,
    /// Let the background crawler reach loopback and private addresses (also POLMON_ALLOW_PRIVATE=1).
    #[arg(long)]
    pub(crate) allow_private: bool,
}

pub(crate) fn run(mut cfg: Config, args: Args) -> anyhow::Result<ExitCode> {
    if let Some(addr) = args.addr {
        cfg.serve.addr = addr;
    }
    cfg.serve.crawl &= !args.no_crawl;
    cfg.allow_private |= args.allow_private;
    let data = cfg.data.clone();
    super::open_existing_store(&data)?;
    let pipeline = super::open_pipeline(&cfg, &data)?;
    serve_with(Arc::new(pipeline), &cfg)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves until Ctrl-C; with a crawl configuration, polls the sources in the background
/// (when there are any; sources added while serving are picked up within a minute).
pub(crate) fn serve_with(pipeline: Arc<Pipeline>, cfg: &Config) -> anyhow::Result<()> {
    let addr = cfg.serve.addr;
    let public_url = cfg.serve.public_url()?;
    let articles = pipeline.store().count()?;
    let has_sources = !pipeline.store().sources()?.is_empty();
    let crawler = if !cfg.serve.crawl {
        None
    } else if has_sources && cfg.require_contact().is_err() {
        eprintln!("warning: not crawling the sources: {:#}", cfg.require_contact().unwrap_err());
        None
    } else {
        Some(Arc::new(Crawler::new(Arc::clone(&pipeline), cfg.crawl_config())?))
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
    // Articles queued for translation are translated on a thread of their own.
    let stop_translating = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let translating = crate::translation::Worker::new(Arc::clone(&pipeline), &cfg.translate)
        .map(|w| w.spawn(Arc::clone(&stop_translating)));
    let served = runtime.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = crawler.map(|c| tokio::spawn(c.run(stop_rx)));
        let state = polmon_web::AppState::new(
            Arc::clone(pipeline.store()),
            Arc::clone(pipeline.index().expect("an embedded pipeline keeps its index")),
            polmon_crawl::sources::statuses,
            &public_url,
        )
        .with_reader_language(pipeline.translation_target())
        .with_admin_token(&cfg.watches.admin_token)
        .with_cors_origins(&cfg.serve.cors_origins);
        // Whatever an earlier run left (unindexed articles, missing related lists) is
        // finished in the background; the site serves meanwhile.
        let recovering = Arc::clone(&pipeline);
        tokio::task::spawn_blocking(move || {
            if let Err(e) = recovering.recover() {
                tracing::warn!(target: "polmon::serve", error = %e, "could not finish what an earlier run left");
            }
        });
        let store = Arc::clone(pipeline.store());
        let mut delivering = None;
        let served = polmon_web::serve(state, addr, cfg.serve.limits(), |bound| {
            println!("Politics Monitor: {articles} articles, serving on http://{bound}/");
            // The deliverer sends what any process on the folder queued, with links to
            // this site.
            let site = if public_url.is_empty() { format!("http://{bound}") } else { public_url.clone() };
            match super::deliver::deliverer(store, cfg, &site) {
                Ok(d) => delivering = Some(tokio::spawn(async move { d.run(std::future::pending()).await })),
                Err(e) => eprintln!("warning: not delivering the watches' alerts: {e:#}"),
            }
        })
        .await
        .with_context(|| format!("serving on {addr}"));
        let _ = stop_tx.send(true);
        if let Some(d) = delivering {
            d.abort();
        }
        if let Some(task) = task {
            task.abort();
        }
        served
    });
    stop_translating.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(t) = translating {
        let _ = t.join();
    }
    served
}
