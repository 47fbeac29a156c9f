//! `polmon watch add|list|remove|test`: saved questions matched against every article stored.

use std::process::ExitCode;

use anyhow::{bail, Context};
use polmon_store::{ArticleStore, Digest, NewWatch, Store};
use polmon_watch::{Burst, Matcher, WatchRequest, WatchSpec};

/// How many of the newest stored articles `watch test` looks at by default.
const TEST_ARTICLES: usize = 1_000;

/// `polmon watch ...`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Add a watch; prints `added: ID` and its secret token (for its page and feed).
    Add(AddArgs),
    /// List the watches with their match and delivery counts.
    List {
        /// One JSON object per watch per line.
        #[arg(long)]
        json: bool,
    },
    /// Remove a watch, its matches and its pending deliveries.
    Remove {
        /// The watch's id.
        id: i64,
    },
    /// Show what a watch (stored, by id, or given by the flags) matches among the newest
    /// stored articles.
    Test(TestArgs),
}

/// What a watch asks.
#[derive(Debug, Clone, Default, clap::Args)]
struct SpecArgs {
    /// A full-text query: words (all required), "phrases", OR, NOT or -word, parentheses.
    #[arg(long)]
    query: Option<String>,
    /// An entity the article must mention, by canonical name (repeatable: all required).
    #[arg(long = "entity")]
    entities: Vec<String>,
    /// Someone the article must quote, by canonical name.
    #[arg(long)]
    speaker: Option<String>,
    /// The article's category slug.
    #[arg(long)]
    category: Option<String>,
    /// The article's language (ISO 639-1).
    #[arg(long)]
    language: Option<String>,
    /// The article's source.
    #[arg(long)]
    source: Option<String>,
    /// A country the article is about (ISO 3166-1 alpha-2).
    #[arg(long)]
    country: Option<String>,
    /// Deliver only when at least this many articles matched within --within-hours.
    #[arg(long, requires = "within_hours")]
    min_articles: Option<u32>,
    /// The burst window, in hours (with --min-articles).
    #[arg(long, requires = "min_articles")]
    within_hours: Option<u32>,
}

impl SpecArgs {
    /// The spec as given (not validated yet).
    fn given(&self) -> WatchSpec {
        WatchSpec {
            query: self.query.clone(),
            entities: self.entities.clone(),
            speaker: self.speaker.clone(),
            category: self.category.clone(),
            language: self.language.clone(),
            source: self.source.clone(),
            country: self.country.clone(),
            burst: self.min_articles.zip(self.within_hours).map(|(min_articles, within_hours)| Burst { min_articles, within_hours }),
        }
    }
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// A name for the watch.
    name: String,
    #[command(flatten)]
    spec: SpecArgs,
    /// POST each match to this URL (JSON, signed with the watch's token).
    #[arg(long)]
    webhook: Option<String>,
    /// E-mail matches to this address (through [smtp] url).
    #[arg(long)]
    email: Option<String>,
    /// E-mail a digest instead of one message per match: hourly or daily@HH:MM (UTC).
    #[arg(long, requires = "email")]
    digest: Option<String>,
}

#[derive(Debug, clap::Args)]
struct TestArgs {
    /// A stored watch's id (else the flags give the watch).
    id: Option<i64>,
    #[command(flatten)]
    spec: SpecArgs,
    /// How many of the newest articles to look at.
    #[arg(long, default_value_t = TEST_ARTICLES)]
    limit: usize,
}

pub(crate) fn run(cfg: &crate::config::Config, args: Args) -> anyhow::Result<ExitCode> {
    // The data folder's watches, or the shared store's in the distributed mode.
    let store: std::sync::Arc<dyn ArticleStore> = if cfg.store.is_empty() {
        std::sync::Arc::new(Store::open(&cfg.data).with_context(|| format!("opening the data folder {}", cfg.data.display()))?)
    } else {
        crate::distributed::SharedStore::open(cfg)?.articles()
    };
    let store = &*store;
    match args.command {
        Cmd::Add(a) => add(store, a),
        Cmd::List { json } => list(store, json),
        Cmd::Remove { id } => {
            if !store.remove_watch(id)? {
                bail!("no watch {id} (see `polmon watch list`)");
            }
            println!("removed: {id}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Test(t) => test(store, t),
    }
}

fn add(store: &dyn ArticleStore, a: AddArgs) -> anyhow::Result<ExitCode> {
    let request = WatchRequest { name: a.name, spec: a.spec.given(), webhook: a.webhook, email: a.email, digest: a.digest };
    let w = request.check::<Digest>()?;
    let new = NewWatch {
        spec_json: w.spec.to_json(),
        burst: w.burst(),
        name: w.name,
        webhook: w.webhook,
        email: w.email,
        digest: w.digest,
    };
    let (id, secret) = store.add_watch(&new)?;
    println!("added: {id}");
    println!("token: {secret}");
    Ok(ExitCode::SUCCESS)
}

fn list(store: &dyn ArticleStore, json: bool) -> anyhow::Result<ExitCode> {
    for w in store.watches()? {
        if json {
            let spec: serde_json::Value = serde_json::from_str(&w.spec_json).unwrap_or_default();
            let line = serde_json::json!({
                "id": w.id, "name": w.name, "spec": spec, "webhook": w.webhook, "email": w.email,
                "digest": w.digest, "created_at": w.created_at, "matches": w.matches,
                "pending": w.pending, "dead": w.dead,
            });
            println!("{line}");
        } else {
            println!(
                "{}\t{}\t{}\t{} matches, {} pending, {} dead{}{}",
                w.id,
                w.name,
                w.spec_json,
                w.matches,
                w.pending,
                w.dead,
                w.webhook.as_deref().map(|h| format!("\twebhook {h}")).unwrap_or_default(),
                w.email.as_deref().map(|e| format!("\temail {e}")).unwrap_or_default(),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn test(store: &dyn ArticleStore, t: TestArgs) -> anyhow::Result<ExitCode> {
    let spec = match t.id {
        Some(id) => {
            let w = store.watch(id)?.with_context(|| format!("no watch {id} (see `polmon watch list`)"))?;
            WatchSpec::from_stored(id, &w.spec_json)?
        }
        None => t.spec.given().validate()?,
    };
    let matcher = Matcher::new([(t.id.unwrap_or(0), spec)])?;
    let mut found = Vec::new();
    let mut scanned = 0usize;
    store.for_each_recent_article(t.limit, &mut |a| {
        scanned += 1;
        if let Some(m) = matcher.matches(&a).into_iter().next() {
            found.push((a.id, a.title, m.matched));
        }
        Ok(())
    })?;
    for (id, title, matched) in found.iter().rev() {
        println!("{id}\t{title}\t{}", serde_json::to_string(matched)?);
    }
    let total = store.count()?;
    let capped = if (scanned as u64) < total { format!(" (the newest {scanned} of {total}; --limit to look further)") } else { String::new() };
    println!("watch test: {} of {scanned} articles match{capped}", found.len());
    Ok(ExitCode::SUCCESS)
}
