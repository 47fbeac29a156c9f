use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_crawl::Crawler;

use crate::config::Config;
use crate::distributed::{connect_queue, settle, SharedStore, StageConsumer};
use polmon_index::SearchIndex;
use polmon_pipeline::Pipeline;
use polmon_queue::IndexArticle;
use polmon_store::ArticleStore;

/// `polmon serve [--addr 127.0.0.1:8080] [--no-crawl] [--allow-private]`, or in the
/// distributed mode `polmon serve --store … --queue … --node NAME`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Distributed mode: this web node's name (letters, digits, '-', '_'). The node reads
    /// the shared store, keeps its own search index in its data folder following the
    /// `index` queue (consumer group `index-NAME`), and neither crawls, translates nor
    /// delivers (other processes do).
    #[arg(long)]
    pub(crate) node: Option<String>,
    /// Distributed mode: messages of the `index` queue taken (and committed together) per pull.
    #[arg(long, default_value_t = 256)]
    pub(crate) index_batch: usize,
    #[command(flatten)]
    pub(crate) consume: crate::distributed::ConsumeArgs,
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
    if let Some(node) = &args.node {
        serve_node(&cfg, node, &args)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !cfg.store.is_empty() {
        anyhow::bail!(
            "serving the shared store {} needs --node NAME (this web node's name)",
            cfg.store
        );
    }
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
        eprintln!(
            "warning: not crawling the sources: {:#}",
            cfg.require_contact().unwrap_err()
        );
        None
    } else {
        Some(Arc::new(Crawler::new(
            Arc::clone(&pipeline),
            cfg.crawl_config(),
        )?))
    };
    let runtime = web_runtime()?;
    // Articles queued for translation are translated on a thread of their own.
    let stop_translating = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let translating = crate::translation::Worker::new(Arc::clone(&pipeline), &cfg.translate)
        .map(|w| w.spawn(Arc::clone(&stop_translating)));
    let served = runtime.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = crawler.map(|c| tokio::spawn(c.run(stop_rx)));
        let state = polmon_web::AppState::new(
            Arc::clone(pipeline.store()) as Arc<dyn ArticleStore>,
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

/// A web node of the distributed mode: the site over the shared store, and this node's
/// own search index following the `index` queue on a thread (an empty index is filled
/// from the store first, while the site already serves).
fn serve_node(cfg: &Config, node: &str, args: &Args) -> anyhow::Result<()> {
    if node.is_empty()
        || !node
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        anyhow::bail!("--node must be letters, digits, '-' and '_', got {node:?}");
    }
    let store = SharedStore::open(cfg)?.articles();
    let queue = connect_queue(cfg)?;
    let folder = cfg.data.join("index");
    let index = Arc::new(
        SearchIndex::open(&folder)
            .with_context(|| format!("opening the search index {}", folder.display()))?,
    );
    let mut pipeline = Pipeline::on(
        Arc::clone(&store),
        Some(Arc::clone(&index)),
        Arc::new(polmon_enrich::Analyzer::new()),
    );
    let target = polmon_translate::lang::normalize(&cfg.translate.target);
    pipeline.set_translation_target((!target.is_empty()).then_some(target.as_str()));
    // Joined before the fill: what is published meanwhile waits for this node's group.
    let consumer =
        StageConsumer::<IndexArticle>::join(&queue, &format!("index-{node}"), &args.consume)?;
    let batch = args.index_batch.max(1);
    std::thread::Builder::new()
        .name("index-follower".into())
        .spawn(move || follow_index(&pipeline, consumer, batch))
        .context("starting the index follower")?;
    let runtime = web_runtime()?;
    let public_url = cfg.serve.public_url()?;
    let articles = store.count()?;
    let state =
        polmon_web::AppState::new(store, index, polmon_crawl::sources::statuses, &public_url)
            .with_reader_language((!target.is_empty()).then_some(target.as_str()))
            .with_admin_token(&cfg.watches.admin_token)
            .with_cors_origins(&cfg.serve.cors_origins);
    let addr = cfg.serve.addr;
    runtime.block_on(async move {
        polmon_web::serve(state, addr, cfg.serve.limits(), |bound| {
            println!(
                "Politics Monitor web node {node}: {articles} articles, serving on http://{bound}/"
            );
        })
        .await
        .with_context(|| format!("serving on {addr}"))
    })
}

/// Fills an empty index from the store, then follows the `index` queue for ever: each
/// batch indexed and committed, then acked (failed, to come again, if the index or the
/// store failed).
fn follow_index(
    pipeline: &Pipeline<dyn ArticleStore>,
    mut consumer: StageConsumer<IndexArticle>,
    batch: usize,
) {
    let started = std::time::Instant::now();
    loop {
        match pipeline.fill_empty_index() {
            Ok(0) => break,
            Ok(n) => {
                tracing::info!(target: "polmon::distributed", articles = n, secs = started.elapsed().as_secs_f64(), "empty index filled from the store");
                break;
            }
            Err(e) => {
                tracing::warn!(target: "polmon::distributed", error = %e, "filling the index failed: trying again");
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
    }
    loop {
        let taken = consumer.next_batch(batch);
        if taken.deliveries.is_empty() {
            continue;
        }
        let mut ids: Vec<i64> = taken
            .deliveries
            .iter()
            .map(|d| d.job().article_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        match pipeline.index_ids(&ids) {
            Ok(_) => taken.deliveries.into_iter().for_each(|d| settle(d, Ok(()))),
            Err(e) => {
                let reason = e.to_string();
                taken
                    .deliveries
                    .into_iter()
                    .for_each(|d| settle(d, Err(anyhow::anyhow!("indexing failed: {reason}"))));
            }
        }
    }
}

/// The web server's runtime. Store and index calls run on the blocking pool; a pool the
/// size of the store's reader set (4) keeps requests queued in order instead of thrashing
/// threads on small machines: on 2 cores with 50 clients it cut the article page's p99
/// from 70 to 19 ms (scripts/bench-serve.sh).
fn web_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .context("starting the async runtime")
}
