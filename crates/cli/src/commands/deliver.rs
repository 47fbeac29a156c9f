//! `polmon deliver [--once] [--allow-private]`: sends the watches' webhooks and e-mails.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_deliver::Deliverer;

/// `polmon deliver`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Send what is due now, then exit.
    #[arg(long)]
    once: bool,
    /// Allow webhooks to loopback and private addresses (also `allow_private`).
    #[arg(long)]
    allow_private: bool,
}

/// The deliverer of `cfg`'s data folder (also run by `serve` and `crawl`).
pub(crate) fn deliverer(
    store: Arc<dyn polmon_store::ArticleStore>,
    cfg: &crate::config::Config,
    site_url: &str,
) -> anyhow::Result<Deliverer> {
    Ok(Deliverer::new(store, cfg.deliver_config(site_url)?)?)
}

pub(crate) fn run(mut cfg: crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    cfg.allow_private |= args.allow_private;
    // The data folder's outbox, or the shared store's in the distributed mode (any number
    // of deliverers: each claims due rows with a lease).
    let store: Arc<dyn polmon_store::ArticleStore> = if cfg.store.is_empty() {
        Arc::new(super::open_existing_store(&cfg.data)?)
    } else {
        crate::distributed::SharedStore::open(&cfg)?.articles()
    };
    let deliverer = deliverer(store, &cfg, &cfg.site_url()?)?;
    let rt = super::crawl::runtime()?;
    if args.once {
        let r = rt.block_on(deliverer.drain()).context("delivering")?;
        println!("deliver: {} sent, {} to retry, {} given up", r.sent, r.retried, r.dead);
        return Ok(ExitCode::SUCCESS);
    }
    println!("delivering; Ctrl-C to stop");
    rt.block_on(deliverer.run(async {
        let _ = tokio::signal::ctrl_c().await;
    }));
    Ok(ExitCode::SUCCESS)
}
