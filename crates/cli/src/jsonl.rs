//! Reading JSON Lines inputs for the batch commands.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use serde_json::Value;

/// Calls `f` with each non-blank line of `path` parsed as JSON, and its 1-based number.
/// A line that is not JSON, or that `f` rejects with `Err(reason)`, is reported on stderr
/// as `failed: PATH:LINE: reason` and the run goes on. Returns whether any line failed.
pub(crate) fn for_each_object(
    path: &Path,
    mut f: impl FnMut(usize, &Value) -> anyhow::Result<Result<(), String>>,
) -> anyhow::Result<bool> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut failed = false;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let outcome = match serde_json::from_str::<Value>(&line) {
            Ok(v) => f(i + 1, &v)?,
            Err(e) => Err(format!("not JSON: {e}")),
        };
        if let Err(reason) = outcome {
            failed = true;
            eprintln!("failed: {}:{}: {reason}", path.display(), i + 1);
        }
    }
    Ok(failed)
}
