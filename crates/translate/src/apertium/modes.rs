//! The installed Apertium modes, the routes they make, and the commands
//! that run them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{lang, Route, TranslateError};

/// Pivot languages, most preferred first (the best-maintained pairs).
const PIVOTS: &[&str] = &["es", "ca", "en", "fr", "pt", "it", "gl"];

/// One installed translation direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mode {
    /// Its name (`spa-eng`).
    pub name: String,
    /// Source language (639-1).
    pub from: String,
    /// Target language (639-1).
    pub to: String,
    /// The `.mode` file.
    pub path: PathBuf,
}

/// The installed modes.
#[derive(Debug, Clone, Default)]
pub struct ModeSet {
    modes: Vec<Mode>,
}

impl ModeSet {
    /// Reads the `modes/` folder of `dir`, or of the usual data folders.
    pub fn discover(dir: Option<&Path>) -> Result<ModeSet, TranslateError> {
        let candidates: Vec<PathBuf> = match dir {
            Some(d) => vec![d.to_owned()],
            None => std::env::var_os("APERTIUM_DATADIR")
                .map(PathBuf::from)
                .into_iter()
                .chain(["/usr/share/apertium", "/usr/local/share/apertium"].map(PathBuf::from))
                .collect(),
        };
        let mut modes = Vec::new();
        for d in &candidates {
            let Ok(entries) = std::fs::read_dir(d.join("modes")) else { continue };
            for e in entries.flatten() {
                let path = e.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".mode")) else {
                    continue;
                };
                if let Some((from, to)) = lang::mode_languages(name) {
                    modes.push(Mode { name: name.to_owned(), from, to, path: path.clone() });
                }
            }
        }
        if modes.is_empty() {
            let looked: Vec<String> = candidates.iter().map(|d| d.join("modes").display().to_string()).collect();
            return Err(TranslateError::NotInstalled(format!("no language pair in {}", looked.join(", "))));
        }
        // One mode per direction: the first data folder, then the shorter name (`fr-es` before `fra-spa`).
        modes.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        modes.dedup_by(|b, a| a.from == b.from && a.to == b.to);
        Ok(ModeSet { modes })
    }

    /// A set made of the given modes (tests).
    pub fn from_modes(modes: Vec<Mode>) -> ModeSet {
        ModeSet { modes }
    }

    /// The modes.
    pub fn modes(&self) -> &[Mode] {
        &self.modes
    }

    fn direct(&self, from: &str, to: &str) -> Option<&Mode> {
        self.modes.iter().find(|m| m.from == from && m.to == to)
    }

    /// The route between two languages: direct, else through one pivot.
    pub fn route(&self, from: &str, to: &str) -> Option<Route> {
        if from == to {
            return None;
        }
        if self.direct(from, to).is_some() {
            return Some(Route(vec![from.to_owned(), to.to_owned()]));
        }
        let mut pivots: Vec<&str> = self.modes.iter().filter(|m| m.from == from).map(|m| m.to.as_str()).collect();
        pivots.sort_by_key(|p| (PIVOTS.iter().position(|q| q == p).unwrap_or(PIVOTS.len()), *p));
        pivots
            .into_iter()
            .find(|p| self.direct(p, to).is_some())
            .map(|p| Route(vec![from.to_owned(), p.to_owned(), to.to_owned()]))
    }

    /// Every route, direct or through one pivot.
    pub fn routes(&self) -> Vec<Route> {
        let mut langs: Vec<&str> = self.modes.iter().flat_map(|m| [m.from.as_str(), m.to.as_str()]).collect();
        langs.sort_unstable();
        langs.dedup();
        let mut out = Vec::new();
        for a in &langs {
            for b in &langs {
                if let Some(r) = self.route(a, b) {
                    out.push(r);
                }
            }
        }
        out
    }

    /// The commands of every stage of every mode along the route, in order.
    pub fn stages(&self, route: &Route) -> Result<Vec<Vec<String>>, TranslateError> {
        let mut out = Vec::new();
        for step in route.0.windows(2) {
            let mode = self
                .direct(&step[0], &step[1])
                .ok_or_else(|| TranslateError::NotInstalled(format!("no mode {}-{}", step[0], step[1])))?;
            out.extend(mode_stages(&mode.path)?);
        }
        Ok(out)
    }
}

/// The stages of one mode in null-flush mode: what `apertium-wblank-mode -z`
/// prints, else the mode file with `-z` added to each command.
fn mode_stages(path: &Path) -> Result<Vec<Vec<String>>, TranslateError> {
    let wblank = Command::new("apertium-wblank-mode").arg("-z").arg(path).output();
    let (pipeline, add_z) = match wblank {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => (String::from_utf8_lossy(&o.stdout).into_owned(), false),
        _ => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| TranslateError::NotInstalled(format!("cannot read {}: {e}", path.display())))?;
            (text, true)
        }
    };
    let stages = parse_pipeline(&pipeline, add_z);
    if stages.is_empty() {
        return Err(TranslateError::NotInstalled(format!("{} holds no command", path.display())));
    }
    Ok(stages)
}

/// Splits a mode's shell pipeline into argv lists. `$1` (the generator's
/// option) becomes `-n`, no unknown-word marks, as `apertium -u`; other
/// parameters (`$2`, the tagger's) are dropped.
pub(crate) fn parse_pipeline(pipeline: &str, add_z: bool) -> Vec<Vec<String>> {
    let mut stages = Vec::new();
    let mut argv: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let (mut single, mut double) = (false, false);
    let finish_word = |argv: &mut Vec<String>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            match word.as_str() {
                "$1" => argv.push("-n".into()),
                w if w.starts_with('$') && w[1..].chars().all(|c| c.is_ascii_digit()) => {}
                _ => argv.push(std::mem::take(word)),
            }
            word.clear();
            *in_word = false;
        }
    };
    for c in pipeline.chars() {
        match c {
            '\'' if !double => {
                single = !single;
                in_word = true;
            }
            '"' if !single => {
                double = !double;
                in_word = true;
            }
            '|' if !single && !double => {
                finish_word(&mut argv, &mut word, &mut in_word);
                if !argv.is_empty() {
                    stages.push(std::mem::take(&mut argv));
                }
            }
            c if c.is_whitespace() && !single && !double => finish_word(&mut argv, &mut word, &mut in_word),
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    finish_word(&mut argv, &mut word, &mut in_word);
    if !argv.is_empty() {
        stages.push(argv);
    }
    if add_z {
        for s in &mut stages {
            if !s.iter().any(|a| a == "-z") {
                s.insert(1, "-z".into());
            }
        }
    }
    stages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(name: &str) -> Mode {
        let (from, to) = lang::mode_languages(name).unwrap();
        Mode { name: name.into(), from, to, path: PathBuf::from(format!("/x/{name}.mode")) }
    }

    #[test]
    fn routes_pivot_where_no_pair_exists() {
        let set = ModeSet::from_modes(vec![mode("fr-es"), mode("spa-eng"), mode("ita-spa"), mode("es-pt")]);
        assert_eq!(set.route("fr", "en").unwrap().0, ["fr", "es", "en"]);
        assert_eq!(set.route("es", "en").unwrap().0, ["es", "en"]);
        assert_eq!(set.route("it", "en").unwrap().0, ["it", "es", "en"]);
        assert!(set.route("de", "en").is_none());
        assert!(set.route("en", "fr").is_none());
        assert!(set.routes().iter().any(|r| r.0 == ["fr", "es", "pt"]));
    }

    #[test]
    fn pipelines_split_into_commands() {
        let p = "lt-proc -z '/a b/fr-es.automorf.bin' | apertium-tagger -z -g $2 'x.prob' | lt-proc -z $1 'gen.bin'";
        assert_eq!(
            parse_pipeline(p, false),
            [
                vec!["lt-proc", "-z", "/a b/fr-es.automorf.bin"],
                vec!["apertium-tagger", "-z", "-g", "x.prob"],
                vec!["lt-proc", "-z", "-n", "gen.bin"]
            ]
        );
        assert_eq!(parse_pipeline("lt-proc 'a' | cg-proc b", true), [vec!["lt-proc", "-z", "a"], vec!["cg-proc", "-z", "b"]]);
    }
}
