//! `polmon crawl [--once] [--allow-private]`: polls the configured sources.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_crawl::{Crawler, PollReport};

/// `polmon crawl`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Poll every source once (due or not) and exit; on a shared store (`--store`), every
    /// due source, taken with a lease so that crawlers running at once share them.
    #[arg(long)]
    once: bool,
    /// Allow loopback and private addresses (also `allow_private` in the configuration).
    #[arg(long)]
    allow_private: bool,
}

/// A runtime for the crawler (two workers: the machine is small).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub(crate) fn run(mut cfg: crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    cfg.allow_private |= args.allow_private;
    cfg.require_contact()?;
    if !cfg.store.is_empty() {
        return run_shared(&cfg, &args);
    }
    let config = cfg.crawl_config();
    let data = cfg.data.as_path();
    let pipeline = Arc::new(super::open_pipeline(&cfg, data)?);
    pipeline
        .recover()
        .context("finishing what an earlier run left")?;
    let sources = pipeline.store().sources()?.len();
    if sources == 0 {
        eprintln!("no sources: add some with `polmon sources add URL` or `polmon sources import FILE.opml`");
        return Ok(ExitCode::from(1));
    }
    let deliverer =
        super::deliver::deliverer(Arc::clone(pipeline.store()) as Arc<dyn polmon_store::ArticleStore>, &cfg, &cfg.site_url()?)?;
    let crawler = Arc::new(Crawler::new(Arc::clone(&pipeline), config)?);
    let rt = runtime()?;
    if args.once {
        let reports = rt.block_on(crawler.poll_all(false))?;
        print_reports(&reports);
        super::ingest::translate_queued(Arc::clone(&pipeline), &cfg)?;
        // What the round matched is delivered before exiting (what fails is retried by
        // the next run, `polmon deliver` or `serve`).
        if let Err(e) = rt.block_on(deliverer.drain()) {
            eprintln!("warning: delivering the watches' alerts: {e}");
        }
        return Ok(exit_code(&reports));
    }
    println!("crawling {sources} sources; Ctrl-C to stop");
    let stop_translating = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let translating = crate::translation::Worker::new(pipeline, &cfg.translate)
        .map(|w| w.spawn(Arc::clone(&stop_translating)));
    rt.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(crawler.run(stop_rx));
        let delivering = tokio::spawn(async move { deliverer.run(std::future::pending()).await });
        let _ = tokio::signal::ctrl_c().await;
        delivering.abort();
        let _ = stop_tx.send(true);
        task.abort();
        let _ = task.await;
    });
    stop_translating.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(t) = translating {
        let _ = t.join();
    }
    Ok(ExitCode::SUCCESS)
}

/// The distributed mode's crawler: any number of them poll the shared store's sources
/// (each round's sources taken with a lease, so no two poll one source at once), fetch and
/// store the new items' pages, and hand the articles to the queues. Translation and
/// delivery are not done here.
fn run_shared(cfg: &crate::config::Config, args: &Args) -> anyhow::Result<ExitCode> {
    use crate::distributed::{connect_queue, storing_pipeline, SharedStore};
    let store = SharedStore::open(cfg)?.articles();
    let queue = connect_queue(cfg)?;
    let pipeline = Arc::new(storing_pipeline(cfg, &store, &queue)?);
    let sources = store.sources()?.len();
    if sources == 0 {
        eprintln!("no sources: add some with `polmon --store … sources add URL`");
        return Ok(ExitCode::from(1));
    }
    let turns = Arc::new(crate::distributed::StoreTurns(Arc::clone(&store)));
    let crawler = Arc::new(Crawler::on_shared_store(
        pipeline,
        cfg.crawl_config(),
        turns,
    )?);
    let rt = runtime()?;
    if args.once {
        // Rounds until no due source is left to this crawler (others take theirs).
        let mut reports = Vec::new();
        loop {
            let round = rt.block_on(crawler.poll_all(true))?;
            if round.is_empty() {
                break;
            }
            reports.extend(round);
        }
        print_reports(&reports);
        return Ok(exit_code(&reports));
    }
    println!("crawling {sources} sources of the shared store; Ctrl-C to stop");
    rt.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(crawler.run(stop_rx));
        let _ = tokio::signal::ctrl_c().await;
        let _ = stop_tx.send(true);
        let _ = task.await;
    });
    Ok(ExitCode::SUCCESS)
}

/// One line per source on stdout, each failed page on stderr, then the totals.
pub(crate) fn print_reports(reports: &[PollReport]) {
    for r in reports {
        if let Some(e) = &r.error {
            println!("polled {}: error: {e}", r.url);
        } else if r.not_modified {
            println!("polled {}: not modified", r.url);
        } else {
            println!(
                "polled {}: {} listed, {} fetched, {} new, {} updated, {} unchanged, {} failed",
                r.url,
                r.listed,
                r.fetched,
                r.new,
                r.updated,
                r.unchanged,
                r.failed.len()
            );
        }
        for (url, why) in &r.failed {
            eprintln!("failed: {url}: {why}");
        }
    }
    let sum = |f: fn(&PollReport) -> usize| reports.iter().map(f).sum::<usize>();
    println!(
        "crawl: {} sources, {} new, {} updated, {} failed pages, {} failed sources",
        reports.len(),
        sum(|r| r.new),
        sum(|r| r.updated),
        sum(|r| r.failed.len()),
        sum(|r| usize::from(r.error.is_some()))
    );
}

/// A round's exit status: 1 when a source failed.
fn exit_code(reports: &[PollReport]) -> ExitCode {
    if reports.iter().any(|r| r.error.is_some()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
