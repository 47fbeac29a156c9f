//! The translation worker: takes the articles the pipeline queued for translation into
//! the reader's language, translates their headline and body with the configured engine
//! and stores the result, which sends them back to the search index.
//!
//! It runs after `polmon ingest` has stored everything, in the background of `serve`,
//! `crawl` and (on a shared store) every `polmon worker`, and for `polmon translate
//! --backfill`. Articles are stored before they are translated, so a failing or slow
//! engine never blocks or loses ingestion: a failed attempt waits (1 minute, doubling,
//! at most a day) and is tried again. Articles are claimed for [`LEASE_SECS`] first, so
//! translators in several processes (or machines) do not translate the same article.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use polmon_model::{Article, EntityType};
use polmon_pipeline::Pipeline;
use polmon_store::{ArticleStore, Store};
use polmon_translate::{NameKind, Protect, Request, Translator, Untranslated};

/// The longest wait before a failed article is tried again.
const MAX_BACKOFF_SECS: i64 = 86_400;
/// How long a claimed article is this translator's: one that died holding it leaves it
/// to another after this (a batch takes far less: the engine's timeout is 30 s a call).
const LEASE_SECS: i64 = 600;

/// What a round of translation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    /// Articles translated and stored.
    pub(crate) translated: usize,
    /// Articles the engine has no route for (taken off the queue, left in their language).
    pub(crate) no_route: usize,
    /// Failed attempts (left queued for later).
    pub(crate) failed: usize,
}

/// The worker over one pipeline (embedded, or on a shared store) and one engine.
pub(crate) struct Worker<S: ?Sized + ArticleStore = Store> {
    pipeline: Arc<Pipeline<S>>,
    translator: Box<dyn Translator>,
    target: String,
}

impl<S: ?Sized + ArticleStore + 'static> Worker<S> {
    /// A worker translating into the pipeline's target language, or `None` when
    /// translation is off (no target, or no engine: the queue waits for one).
    pub(crate) fn new(pipeline: Arc<Pipeline<S>>, config: &polmon_translate::Config) -> Option<Worker<S>> {
        let target = pipeline.translation_target()?.to_string();
        let translator = match polmon_translate::from_config(config) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(target: "polmon::translate", error = %e, "no translation engine: articles stay untranslated (and queued)");
                return None;
            }
        };
        if translator.name() == "none" {
            return None;
        }
        Some(Worker { pipeline, translator, target })
    }

    /// The engine's name.
    pub(crate) fn engine(&self) -> &str {
        self.translator.name()
    }

    /// Translates what is due until nothing is, `stop` is set or `deadline` passes;
    /// then indexes the translations.
    pub(crate) fn drain(&self, stop: &AtomicBool, deadline: Option<Instant>) -> anyhow::Result<Run> {
        let store = self.pipeline.shared_store();
        let mut run = Run::default();
        // One article claimed at a time: a translator told to stop holds no claim.
        while !stop.load(Ordering::Relaxed) && !deadline.is_some_and(|d| Instant::now() >= d) {
            let Some(q) = store.claim_translations(&self.target, polmon_store::unix_now(), LEASE_SECS, 1)?.pop() else {
                break;
            };
            match self.translate_one(q.article_id) {
                Ok(Outcome::Translated) => run.translated += 1,
                Ok(Outcome::NoRoute) => run.no_route += 1,
                // Its text changed while it was translated (and it stayed queued): due
                // again at once, not when the claim ends.
                Ok(Outcome::Changed) => store.translation_failed(
                    q.article_id,
                    &self.target,
                    "the text changed while it was translated",
                    polmon_store::unix_now(),
                )?,
                Err(e) => {
                    run.failed += 1;
                    let wait = (60i64 << q.attempts.min(20)).min(MAX_BACKOFF_SECS);
                    tracing::warn!(target: "polmon::translate", article = q.article_id, error = %e, wait_secs = wait, "translation failed; will try again");
                    store.translation_failed(q.article_id, &self.target, &e.to_string(), polmon_store::unix_now() + wait)?;
                }
            }
        }
        if run.translated > 0 {
            self.pipeline.sync_index()?;
        }
        Ok(run)
    }

    fn translate_one(&self, id: i64) -> anyhow::Result<Outcome> {
        let store = self.pipeline.shared_store();
        // The hash first: if the article changes after it is read, the translation made
        // from the newer text is refused by `put_translation` and the article stays queued.
        let Some(hash) = store.content_hash(id)? else { return Ok(Outcome::NoRoute) };
        let Some(a) = store.article(id)? else {
            return Ok(Outcome::NoRoute);
        };
        let from = a.language.clone().unwrap_or_default();
        let body = self.translator.translate(&Request::new(a.text.as_str(), from.as_str(), self.target.as_str()).protect(names(&a)))?;
        if let Some(why) = body.untranslated {
            if matches!(why, Untranslated::NoRoute | Untranslated::SameLanguage | Untranslated::Empty) {
                store.unqueue_translation(id, &self.target)?;
                return Ok(Outcome::NoRoute);
            }
            anyhow::bail!("the engine left the text untranslated: {why}");
        }
        let title = self.translator.translate(&Request::new(a.title.as_str(), from.as_str(), self.target.as_str()).protect(names_in(&a, &a.title)))?;
        let stored = polmon_store::translation_now(&self.target, title.text, body.text, &body.engine, body.route);
        if !store.put_translation(id, &hash, &stored)? {
            return Ok(Outcome::Changed);
        }
        self.pipeline.translation_stored(&a, &stored.title, &stored.text)?;
        Ok(Outcome::Translated)
    }

    /// Runs [`drain`](Self::drain) every few seconds on a thread of its own until `stop`.
    pub(crate) fn spawn(self, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
        std::thread::spawn(move || {
            tracing::info!(target: "polmon::translate", engine = self.engine(), to = %self.target, "translating in the background");
            while !stop.load(Ordering::Relaxed) {
                match self.drain(&stop, None) {
                    Ok(run) if run != Run::default() => {
                        tracing::info!(target: "polmon::translate", translated = run.translated, failed = run.failed, no_route = run.no_route, "translation round")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(target: "polmon::translate", error = %e, "translation round failed"),
                }
                for _ in 0..50 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        })
    }
}

enum Outcome {
    Translated,
    NoRoute,
    /// Translated, but the article's text changed meanwhile: not stored.
    Changed,
}

fn kind(t: EntityType) -> NameKind {
    match t {
        EntityType::Person => NameKind::Person,
        EntityType::Organization => NameKind::Organization,
        EntityType::Location => NameKind::Location,
        EntityType::Other => NameKind::Other,
    }
}

/// The enricher's names in the body, as spans to keep out of the engine's reach.
fn names(a: &Article) -> Vec<Protect> {
    a.analysis
        .entities
        .iter()
        .map(|e| Protect { start: e.start, end: e.end, kind: kind(e.entity_type), canonical: Some(e.canonical.clone()) })
        .collect()
}

/// The body's names where they occur in `text` (the headline), as spans.
fn names_in(a: &Article, text: &str) -> Vec<Protect> {
    let mut out = Vec::new();
    for e in &a.analysis.entities {
        if out.iter().any(|p: &Protect| p.canonical.as_deref() == Some(e.canonical.as_str())) {
            continue;
        }
        if let Some(at) = text.find(e.text.as_str()) {
            let start = text[..at].chars().count();
            out.push(Protect {
                start,
                end: start + e.text.chars().count(),
                kind: kind(e.entity_type),
                canonical: Some(e.canonical.clone()),
            });
        }
    }
    out.sort_by_key(|p| p.start);
    out.dedup_by(|b, a| b.start < a.end);
    out
}
