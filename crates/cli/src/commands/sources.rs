//! `polmon sources add|list|remove|import|export`: the sources `polmon crawl` polls.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use polmon_crawl::sources::{self, AddOptions};
use polmon_store::{ArticleStore, Store};

/// `polmon sources ...`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Add a feed, a sitemap (also Google News), or a site's home page (its feed is found
    /// through <link rel="alternate">). The URL is fetched once to find out which.
    Add(AddArgs),
    /// List the sources with their state: last success, last error, items seen, next due.
    List {
        /// One JSON object per source per line.
        #[arg(long)]
        json: bool,
    },
    /// Remove a source (by id or URL); its articles stay.
    Remove {
        /// The source's id or URL.
        source: String,
    },
    /// Add the feeds of an OPML file (not fetched now).
    Import {
        /// The OPML file.
        file: PathBuf,
    },
    /// Print the sources as OPML.
    Export,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Feed, sitemap or home page URL.
    url: String,
    /// Display name (default: the feed's title, else the host); its articles' source.
    #[arg(long)]
    name: Option<String>,
    /// Category slug.
    #[arg(long)]
    category: Option<String>,
    /// Language (ISO 639-1).
    #[arg(long)]
    language: Option<String>,
    /// Allow loopback and private addresses (also POLMON_ALLOW_PRIVATE=1).
    #[arg(long)]
    allow_private: bool,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    // The data folder's sources, or the shared store's in the distributed mode.
    let store: std::sync::Arc<dyn ArticleStore> = if cfg.store.is_empty() {
        let data = cfg.data.as_path();
        std::sync::Arc::new(
            Store::open(data)
                .with_context(|| format!("opening the data folder {}", data.display()))?,
        )
    } else {
        crate::distributed::SharedStore::open(cfg)?.articles()
    };
    let store = &*store;
    match args.command {
        Cmd::Add(a) => add(cfg, store, a),
        Cmd::List { json } => list(store, json),
        Cmd::Remove { source } => remove(store, &source),
        Cmd::Import { file } => import(store, &file),
        Cmd::Export => print_out(&sources::export_opml(store)?),
    }
}

fn add(
    cfg: &crate::config::Config,
    store: &dyn ArticleStore,
    a: AddArgs,
) -> anyhow::Result<ExitCode> {
    cfg.require_contact()?;
    let mut config = cfg.crawl_config();
    config.fetch.allow_private |= a.allow_private;
    let fetcher = polmon_fetch::Fetcher::new(config.fetch)?;
    let rt = super::crawl::runtime()?;
    let opts = AddOptions {
        name: a.name,
        category: a.category,
        language: a.language,
    };
    let added = rt
        .block_on(sources::add(store, &fetcher, &a.url, opts))
        .with_context(|| format!("adding {}", a.url))?;
    let verb = if added.created {
        "added"
    } else {
        "already there"
    };
    println!(
        "{verb}: {} {} {}",
        added.id,
        added.probe.kind.as_str(),
        added.probe.url
    );
    for other in &added.probe.other_feeds {
        println!("the page also announces {other} (add it with `polmon sources add {other}`)");
    }
    Ok(ExitCode::SUCCESS)
}

fn list(store: &dyn ArticleStore, json: bool) -> anyhow::Result<ExitCode> {
    use std::fmt::Write as _;
    let rows = sources::statuses(store)?;
    let mut out = String::new();
    if json {
        for r in &rows {
            let _ = writeln!(out, "{}", serde_json::to_string(r)?);
        }
        return print_out(&out);
    }
    if rows.is_empty() {
        out.push_str("no sources\n");
    }
    for r in &rows {
        let _ = writeln!(out, "{:>4}  {:<7} {}  ({})", r.id, r.kind, r.url, r.name);
        let _ = writeln!(
            out,
            "      last success: {} · items seen: {} · articles: {} · next due: {}",
            r.last_success.as_deref().unwrap_or("never"),
            r.items_seen,
            r.articles,
            r.next_due
        );
        if let Some(e) = &r.last_error {
            let _ = writeln!(
                out,
                "      last error ({}, {} in a row): {e}",
                r.last_error_at.as_deref().unwrap_or("?"),
                r.consecutive_failures
            );
        }
    }
    print_out(&out)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn remove(store: &dyn ArticleStore, which: &str) -> anyhow::Result<ExitCode> {
    let Some(src) = sources::find(store, which)? else {
        bail!("no source {which:?} (see `polmon sources list`)")
    };
    store.remove_source(src.id)?;
    println!("removed: {} {}", src.id, src.url);
    Ok(ExitCode::SUCCESS)
}

fn import(store: &dyn ArticleStore, file: &Path) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let r = sources::import_opml(store, &bytes)
        .with_context(|| format!("reading {}", file.display()))?;
    for url in &r.skipped {
        eprintln!("skipped: {url:?} is not an http(s) URL");
    }
    println!(
        "import: {} added, {} already there, {} skipped",
        r.added,
        r.existing,
        r.skipped.len()
    );
    Ok(if r.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
