//! `polmon`: the command-line entry point of Politics Monitor.
//!
//! Only argument parsing and glue live here, one file per command in `commands/`; the
//! work is done by the library crates. `anyhow` is used here and nowhere else.

mod commands;
mod demo_corpus;
mod jsonl;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Politics Monitor: a self-hosted political news monitor.
#[derive(Debug, Parser)]
#[command(name = "polmon", version, about, long_about = None)]
struct Cli {
    /// The data folder (SQLite database and search index).
    #[arg(long, global = true, env = "POLMON_DATA", default_value = "./polmon-data")]
    data: PathBuf,

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
    /// Translate plain text (line by line) or an extracted-article JSON.
    Translate(commands::translate::Args),
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(a) => commands::ingest::run(&cli.data, a),
        Command::Export(a) => commands::export::run(&cli.data, a),
        Command::Serve(a) => commands::serve::run(&cli.data, a),
        Command::Demo(a) => commands::demo::run(a, data_given(&cli.data)),
        Command::Extract(a) => commands::extract::run(a),
        Command::Analyze(a) => commands::analyze::run(a),
        Command::Similarity(a) => commands::similarity::run(a),
        Command::Sources(a) => commands::sources::run(&cli.data, a),
        Command::Crawl(a) => commands::crawl::run(&cli.data, a),
        Command::Translate(a) => commands::translate::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The data folder, if the user chose one (flag or environment) rather than the default.
fn data_given(data: &std::path::Path) -> Option<PathBuf> {
    let explicit = std::env::args_os().any(|a| a == "--data" || a.to_string_lossy().starts_with("--data="))
        || std::env::var_os("POLMON_DATA").is_some();
    explicit.then(|| data.to_owned())
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("POLMON_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(true).init();
}
