//! The Apertium engine: routes discovered from the installed modes, one
//! long-lived process chain per route, and polmon's polish around it.

mod chain;
mod modes;
mod stream;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::glossary::Glossary;
use crate::{polish, trivial, Request, Route, TranslateError, Translation, Translator, Untranslated};

use chain::{Chain, ChainError};
pub use modes::{Mode, ModeSet};

/// Translation by Apertium processes on this machine.
pub struct Apertium {
    modes: ModeSet,
    timeout: Duration,
    glossary: Glossary,
    polish: Option<polish::Options>,
    /// One chain per route ("fr→es→en"), started on first use.
    chains: Mutex<HashMap<Route, Arc<Mutex<Option<Chain>>>>>,
}

impl std::fmt::Debug for Apertium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apertium").field("modes", &self.modes).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl Apertium {
    /// Finds the installed modes (in `dir`/modes, else `$APERTIUM_DATADIR`,
    /// `/usr/share/apertium`, `/usr/local/share/apertium`). No polish: see
    /// [`Apertium::with_polish`].
    pub fn discover(dir: Option<&Path>, timeout: Duration) -> Result<Apertium, TranslateError> {
        let modes = ModeSet::discover(dir)?;
        Ok(Apertium { modes, timeout, glossary: Glossary::default(), polish: None, chains: Mutex::new(HashMap::new()) })
    }

    /// Adds name protection, the glossary and typography (the default engine).
    pub fn with_polish(mut self, options: polish::Options, glossary: Glossary) -> Apertium {
        self.polish = Some(options);
        self.glossary = glossary;
        self
    }

    /// The raw engine output: no protection, no glossary, no tidying (for
    /// comparisons).
    pub fn without_polish(mut self) -> Apertium {
        self.polish = None;
        self.glossary = Glossary::default();
        self
    }

    /// The modes found.
    pub fn modes(&self) -> &ModeSet {
        &self.modes
    }

    /// The process ids of a route's running chain, first stage first (empty
    /// when it is not running). For supervision and tests.
    pub fn pids(&self, route: &Route) -> Vec<u32> {
        let slot = self.chains.lock().expect("chains lock").get(route).cloned();
        slot.and_then(|s| s.lock().ok().and_then(|c| c.as_ref().map(|c| c.pids().to_vec()))).unwrap_or_default()
    }

    /// Translates chunks of stream-format text along a route, restarting the
    /// chain once if a process died.
    fn run(&self, route: &Route, chunks: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, TranslateError> {
        let slot = {
            let mut chains = self.chains.lock().expect("chains lock");
            chains.entry(route.clone()).or_default().clone()
        };
        let mut chain = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut attempts = 0;
        loop {
            attempts += 1;
            if chain.is_none() {
                let stages = self.modes.stages(route)?;
                tracing::debug!(target: "translate::apertium", route = %route, stages = stages.len(), "starting the chain");
                *chain = Some(Chain::spawn(&stages).map_err(|e| process_error(e.to_string()))?);
            }
            let running = chain.as_mut().expect("started above");
            match running.call(chunks, self.timeout) {
                Ok(out) => return Ok(out),
                Err(ChainError::Timeout) => {
                    *chain = None;
                    tracing::warn!(target: "translate::apertium", route = %route, timeout = ?self.timeout, "no answer: chain killed");
                    return Err(TranslateError::Timeout { engine: "apertium", timeout: self.timeout });
                }
                Err(ChainError::Died(why)) => {
                    *chain = None;
                    tracing::warn!(target: "translate::apertium", route = %route, why = %why, attempts, "the chain died");
                    if attempts >= 2 {
                        return Err(process_error(why));
                    }
                }
            }
        }
    }
}

fn process_error(message: String) -> TranslateError {
    TranslateError::Process { engine: "apertium", message }
}

impl Translator for Apertium {
    fn name(&self) -> &str {
        "apertium"
    }

    fn routes(&self) -> Vec<Route> {
        self.modes.routes()
    }

    fn route(&self, from: &str, to: &str) -> Option<Route> {
        self.modes.route(&crate::lang::normalize(from), &crate::lang::normalize(to))
    }

    fn translate(&self, req: &Request) -> Result<Translation, TranslateError> {
        if let Some(t) = trivial(req, "apertium") {
            return Ok(t);
        }
        let Some(route) = self.route(&req.from, &req.to) else {
            return Ok(Translation::original(req, "apertium", Untranslated::NoRoute));
        };
        let prepared = match &self.polish {
            None => None,
            Some(o) => {
                // Ask the engine about each candidate name first (one chunk
                // each, same chain): phrases it translates are no names.
                let names = polish::candidate_names(req, o);
                let rejected: std::collections::HashSet<&str> = if names.is_empty() {
                    Default::default()
                } else {
                    let chunks: Vec<Vec<u8>> = names.iter().map(|n| stream::escape(n).into_bytes()).collect();
                    let answers = self.run(&route, &chunks)?;
                    names
                        .iter()
                        .zip(answers)
                        .filter(|(n, a)| !polish::engine_says_name(n, &stream::unescape(&String::from_utf8_lossy(a))))
                        .map(|(n, _)| n.as_str())
                        .collect()
                };
                Some(polish::prepare_with(req, &self.glossary, o, &|n| !rejected.contains(n)))
            }
        };
        let source = prepared.as_ref().map_or(req.text.as_str(), |p| p.text.as_str());
        // One chunk per non-blank line: paragraph boundaries survive exactly.
        let lines: Vec<(&str, &str, &str)> = source.split('\n').map(stream::split_blanks).collect();
        let chunks: Vec<Vec<u8>> =
            lines.iter().filter(|(_, core, _)| !core.is_empty()).map(|(_, core, _)| stream::escape(core).into_bytes()).collect();
        let answers = if chunks.is_empty() { Vec::new() } else { self.run(&route, &chunks)? };
        let mut answers = answers.into_iter();
        let mut out = String::with_capacity(source.len() + source.len() / 4);
        for (i, (lead, core, trail)) in lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(lead);
            if !core.is_empty() {
                let raw = answers.next().unwrap_or_default();
                out.push_str(&stream::unescape(&String::from_utf8_lossy(&raw)));
            }
            out.push_str(trail);
        }
        let text = match &prepared {
            Some(p) => polish::finish(&out, p, &self.glossary),
            None => out,
        };
        Ok(Translation { text, engine: "apertium".into(), route: route.0, untranslated: None })
    }
}
