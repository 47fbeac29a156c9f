//! The pipeline stages that have a work stream, and their stream and subject names.

use std::fmt;

/// A stage of the distributed pipeline: one JetStream stream each, named for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Feed items to fetch.
    Fetch,
    /// Fetched pages to extract, enrich and store (the message names a raw page kept in
    /// the store or a WARC file, never the page itself).
    Process,
    /// Stored articles to link (near-duplicates, stories, related lists).
    Connect,
    /// Stored articles to put in the search index.
    Index,
    /// Watch matches to deliver (the outbox row to send).
    Deliver,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 5] = [Stage::Fetch, Stage::Process, Stage::Connect, Stage::Index, Stage::Deliver];

    /// The stage's name: also its stream's name and its work subject.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Process => "process",
            Stage::Connect => "connect",
            Stage::Index => "index",
            Stage::Deliver => "deliver",
        }
    }

    /// The subject work for this stage is published on (the stage's name).
    pub fn subject(self) -> &'static str {
        self.name()
    }

    /// The subject this stage's dead letters go to: `dead.<stage>`.
    pub fn dead_subject(self) -> String {
        format!("{DEAD_SUBJECT_PREFIX}.{}", self.name())
    }

    /// Whether every consumer group sees every message (`index`: each web node keeps its
    /// own search index) rather than the groups sharing one work queue.
    ///
    /// A work-queue stream removes a message at its first ack and allows one consumer
    /// group per subject; the `index` stream keeps a message until every group that
    /// existed when it was published acked it (interest retention). Published while no
    /// group exists, an `index` message is not kept at all: a web node that starts
    /// later builds its index from the store, then follows the stream.
    pub fn fans_out(self) -> bool {
        matches!(self, Stage::Index)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of the stream holding every stage's dead letters.
pub const DEAD_STREAM: &str = "dead";

/// The first token of the dead-letter subjects (`dead.<stage>`).
pub(crate) const DEAD_SUBJECT_PREFIX: &str = "dead";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_subjects_are_distinct() {
        let mut names: Vec<_> = Stage::ALL.iter().map(|s| s.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Stage::ALL.len());
        assert_eq!(Stage::Connect.dead_subject(), "dead.connect");
        assert!(Stage::ALL.iter().all(|s| s.name() != DEAD_STREAM));
    }
}
