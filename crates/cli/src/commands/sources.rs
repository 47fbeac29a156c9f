//! `polmon sources add|list|remove|import|export`: the sources `polmon crawl` polls.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use polmon_feeds::{parse_opml, write_opml, OpmlDocument, OpmlFeed};
use polmon_fetch::{SchedulePolicy, SourceState};
use polmon_pipeline::crawl::{probe, source_statuses, unix_now};
use polmon_store::{NewSource, SourceKind, Store};

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

pub(crate) fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let store = Store::open(data).with_context(|| format!("opening the data folder {}", data.display()))?;
    match args.command {
        Cmd::Add(a) => add(&store, a),
        Cmd::List { json } => list(&store, json),
        Cmd::Remove { source } => remove(&store, &source),
        Cmd::Import { file } => import(&store, &file),
        Cmd::Export => {
            let feeds = store
                .sources()?
                .into_iter()
                .map(|s| OpmlFeed { title: s.name, xml_url: s.url, html_url: s.site_url, category: s.category })
                .collect();
            print_out(&write_opml(&OpmlDocument { title: Some("Politics Monitor sources".into()), feeds }))
        }
    }
}

fn initial_state() -> (String, i64) {
    let now = unix_now();
    let state = SourceState::new(now, &SchedulePolicy::default());
    (serde_json::to_string(&state).unwrap_or_else(|_| "{}".into()), now)
}

fn add(store: &Store, a: AddArgs) -> anyhow::Result<ExitCode> {
    let config = super::crawl::crawl_config(a.allow_private)?;
    let fetcher = polmon_fetch::Fetcher::new(config.fetch)?;
    let rt = super::crawl::runtime()?;
    let found = rt.block_on(probe(&fetcher, &a.url)).with_context(|| format!("adding {}", a.url))?;
    let (state, next_due) = initial_state();
    let (id, created) = store.add_source(&NewSource {
        url: found.url.clone(),
        name: a.name.or(found.title.clone()).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        category: a.category,
        language: a.language,
        kind: found.kind,
        site_url: found.site_url.clone(),
        state,
        next_due,
    })?;
    let verb = if created { "added" } else { "already there" };
    println!("{verb}: {id} {} {}", found.kind.as_str(), found.url);
    for other in &found.other_feeds {
        println!("the page also announces {other} (add it with `polmon sources add {other}`)");
    }
    Ok(ExitCode::SUCCESS)
}

fn list(store: &Store, json: bool) -> anyhow::Result<ExitCode> {
    use std::fmt::Write as _;
    let rows = source_statuses(store)?;
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
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn remove(store: &Store, which: &str) -> anyhow::Result<ExitCode> {
    let found = match which.trim().parse::<i64>() {
        Ok(id) => store.source(id)?,
        Err(_) => {
            let url = polmon_fetch::normalize_url(which).map(|u| u.to_string()).unwrap_or_else(|| which.to_owned());
            match store.source_by_url(&url)? {
                Some(s) => Some(s),
                None => store.source_by_url(which.trim())?,
            }
        }
    };
    let Some(src) = found else { bail!("no source {which:?} (see `polmon sources list`)") };
    store.remove_source(src.id)?;
    println!("removed: {} {}", src.id, src.url);
    Ok(ExitCode::SUCCESS)
}

fn import(store: &Store, file: &Path) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let doc = parse_opml(&bytes).with_context(|| format!("reading {}", file.display()))?;
    let (mut added, mut existing, mut bad) = (0, 0, 0);
    for f in doc.feeds {
        let Some(url) = polmon_fetch::normalize_url(&f.xml_url).filter(|u| matches!(u.scheme(), "http" | "https")) else {
            eprintln!("skipped: {:?} is not an http(s) URL", f.xml_url);
            bad += 1;
            continue;
        };
        let (state, next_due) = initial_state();
        let (_, created) = store.add_source(&NewSource {
            url: url.to_string(),
            name: f.title,
            category: f.category,
            language: None,
            kind: SourceKind::Feed,
            site_url: f.html_url,
            state,
            next_due,
        })?;
        if created {
            added += 1;
        } else {
            existing += 1;
        }
    }
    println!("import: {added} added, {existing} already there, {bad} skipped");
    Ok(if bad > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
