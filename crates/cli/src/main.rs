//! `polmon`: the command-line entry point of Politics Monitor.
//!
//! Only argument parsing and glue live here, one file per command in `commands/`; the
//! work is done by the library crates. `anyhow` is used here and nowhere else.

mod commands;
mod config;
mod demo_corpus;
mod distributed;
mod jsonl;
mod translation;

use std::path::PathBuf;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Politics Monitor: a self-hosted political news monitor.
#[derive(Debug, Parser)]
#[command(name = "polmon", version, about, long_about = None)]
struct Cli {
    /// The data folder (SQLite database and search index); overrides `data` in the
    /// configuration and POLMON_DATA (default ./polmon-data).
    #[arg(long, global = true)]
    data: Option<PathBuf>,

    /// The configuration file (TOML; default ./polmon.toml when it exists).
    #[arg(long, global = true, env = "POLMON_CONFIG")]
    config: Option<PathBuf>,

    /// The distributed mode's shared store (`postgres://USER@HOST:PORT/DATABASE`);
    /// overrides `store` in the configuration and POLMON_STORE.
    #[arg(long, global = true)]
    store: Option<String>,

    /// The distributed mode's work queues (`nats://HOST:PORT`); overrides `queue` in the
    /// configuration and POLMON_QUEUE.
    #[arg(long, global = true)]
    queue: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest HTML files (also .html.gz), folders, WARC archives, feed files and JSONL.
    Ingest(commands::ingest::Args),
    /// Print every stored article as JSON Lines.
    Export(commands::export::Args),
    /// Serve the website, JSON API and Atom feeds.
    Serve(commands::serve::Args),
    /// Ingest the bundled demo corpus (into a temporary folder unless --data is given) and serve it.
    Demo(commands::demo::Args),
    /// Extract articles from HTML pages and print them.
    Extract(commands::extract::Args),
    /// Find the language, entities, quotes and categories of a text.
    Analyze(commands::analyze::Args),
    /// Score the similarity of text pairs.
    Similarity(commands::similarity::Args),
    /// Manage the crawled sources (feeds, sitemaps): add, list, remove, import, export.
    Sources(commands::sources::Args),
    /// Poll the sources and ingest their new articles (--once: one round, then exit).
    Crawl(commands::crawl::Args),
    /// Print the effective configuration (file, then environment, then flags) as TOML.
    Config,
    /// Manage watches (saved questions matched against every article stored): add, list, remove, test.
    Watch(commands::watch::Args),
    /// Send the watches' webhooks and e-mails (--once: what is due now, then exit).
    Deliver(commands::deliver::Args),
    /// Translate plain text (line by line) or an extracted-article JSON.
    Translate(commands::translate::Args),
    /// Benchmark helpers: generate a synthetic archive, check the store's kept counts.
    Bench(commands::bench::Args),
    /// Distributed mode: keep inputs in the shared store and queue them for the workers.
    Enqueue(commands::enqueue::Args),
    /// Distributed mode: extract, enrich and store queued pages (any number of workers).
    Worker(commands::worker::Args),
    /// Distributed mode: link stored articles into stories (one leader, standbys wait).
    Connector(commands::connector::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut cfg = match config::Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let data_given = cli.data.is_some() || std::env::var_os("POLMON_DATA").is_some() || cfg.data != config::Config::default().data;
    if let Some(d) = cli.data {
        cfg.data = d;
    }
    if let Some(s) = cli.store {
        cfg.store = s;
    }
    if let Some(q) = cli.queue {
        cfg.queue = q;
    }
    init_logging(&cfg.log);
    let result = match cli.command {
        Command::Ingest(a) => commands::ingest::run(&cfg, a),
        Command::Export(a) => commands::export::run(&cfg, a),
        Command::Serve(a) => commands::serve::run(cfg, a),
        Command::Demo(a) => commands::demo::run(cfg, a, data_given),
        Command::Extract(a) => commands::extract::run(a),
        Command::Analyze(a) => commands::analyze::run(a),
        Command::Similarity(a) => commands::similarity::run(a),
        Command::Sources(a) => commands::sources::run(&cfg, a),
        Command::Crawl(a) => commands::crawl::run(cfg, a),
        Command::Config => {
            print!("{}", cfg.to_toml());
            Ok(ExitCode::SUCCESS)
        }
        Command::Translate(a) => commands::translate::run(&cfg, a),
        Command::Watch(a) => commands::watch::run(&cfg, a),
        Command::Deliver(a) => commands::deliver::run(cfg, a),
        Command::Bench(a) => commands::bench::run(&cfg, a),
        Command::Enqueue(a) => commands::enqueue::run(&cfg, a),
        Command::Worker(a) => commands::worker::run(&cfg, a),
        Command::Connector(a) => commands::connector::run(&cfg, a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(true).init();
}
