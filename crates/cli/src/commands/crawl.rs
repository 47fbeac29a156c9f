//! `polmon crawl [--once] [--allow-private]`: polls the configured sources.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_fetch::FetchConfig;
use polmon_pipeline::crawl::{CrawlConfig, Crawler, PollReport};
use polmon_pipeline::Pipeline;

/// The User-Agent's product token and the contact URL it names.
const PRODUCT: &str = "PoliticsMonitor/0.1";
const CONTACT_URL: &str = "https://example.invalid/politics-monitor/contact";

/// `polmon crawl`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Poll every source once (due or not) and exit.
    #[arg(long)]
    once: bool,
    /// Allow loopback and private addresses (also POLMON_ALLOW_PRIVATE=1).
    #[arg(long)]
    allow_private: bool,
}

/// Whether private addresses are allowed: the flag, or `POLMON_ALLOW_PRIVATE=1`.
pub(crate) fn allow_private(flag: bool) -> bool {
    flag || std::env::var("POLMON_ALLOW_PRIVATE").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The crawler's settings: fetch defaults with our User-Agent, overridden by the JSON in
/// `POLMON_FETCH` (the fields of `FetchConfig`, durations in seconds) until the config
/// file has a `[fetch]` section.
pub(crate) fn crawl_config(allow_private_flag: bool) -> anyhow::Result<CrawlConfig> {
    let mut fetch = match std::env::var("POLMON_FETCH") {
        Ok(json) if !json.trim().is_empty() => {
            let mut c: FetchConfig = serde_json::from_str(&json).context("reading POLMON_FETCH (fetch settings as JSON)")?;
            if !json.contains("\"product\"") {
                c.product = PRODUCT.into();
            }
            if !json.contains("\"contact_url\"") {
                c.contact_url = CONTACT_URL.into();
            }
            c
        }
        _ => FetchConfig { product: PRODUCT.into(), contact_url: CONTACT_URL.into(), ..FetchConfig::default() },
    };
    fetch.allow_private |= allow_private(allow_private_flag);
    Ok(CrawlConfig { fetch, ..CrawlConfig::default() })
}

/// A runtime for the crawler (two workers: the machine is small).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub(crate) fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = crawl_config(args.allow_private)?;
    let pipeline = Arc::new(Pipeline::open(data).with_context(|| format!("opening the data folder {}", data.display()))?);
    let sources = pipeline.store().sources()?.len();
    if sources == 0 {
        eprintln!("no sources: add some with `polmon sources add URL` or `polmon sources import FILE.opml`");
        return Ok(ExitCode::from(1));
    }
    let crawler = Arc::new(Crawler::new(pipeline, config)?);
    let rt = runtime()?;
    if args.once {
        let reports = rt.block_on(crawler.poll_all(false))?;
        print_reports(&reports);
        let failed_sources = reports.iter().filter(|r| r.error.is_some()).count();
        return Ok(if failed_sources > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    println!("crawling {sources} sources; Ctrl-C to stop");
    rt.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(crawler.run(stop_rx));
        let _ = tokio::signal::ctrl_c().await;
        let _ = stop_tx.send(true);
        task.abort();
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
