//! A work-around for negated phrases in tantivy 0.27.
//!
//! A query such as `debt -"debt brake"` makes tantivy exclude the phrase's documents with
//! `DocSet::seek_danger` probes. The phrase scorer has already moved to its first match
//! when it is built, and the first probe may name an earlier document: tantivy's
//! `PhraseScorer::seek_danger` asserts that this never happens (a panic in debug builds,
//! an unchecked state in release builds). [`excludable`] wraps every excluded clause in a
//! scorer that answers such a probe itself: a document before the current match is not a
//! match.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

/// `query` with each `MustNot` clause (at any depth of boolean queries) made safe to probe.
pub(crate) fn excludable(query: Box<dyn Query>) -> Box<dyn Query> {
    match query.downcast_ref::<BooleanQuery>() {
        Some(b) => Box::new(BooleanQuery::new(
            b.clauses()
                .iter()
                .map(|(occur, q)| match occur {
                    Occur::MustNot => (*occur, Box::new(Probed(excludable(q.box_clone()))) as Box<dyn Query>),
                    _ => (*occur, excludable(q.box_clone())),
                })
                .collect(),
        )),
        None => query,
    }
}

/// A query whose scorers accept a `seek_danger` probe behind their position.
#[derive(Debug)]
struct Probed(Box<dyn Query>);

impl Clone for Probed {
    fn clone(&self) -> Self {
        Probed(self.0.box_clone())
    }
}

impl Query for Probed {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ProbedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor)
    }
}

struct ProbedWeight(Box<dyn Weight>);

impl Weight for ProbedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ProbedScorer { inner: self.0.scorer(reader, boost)?, on_match: true }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ProbedScorer {
    inner: Box<dyn Scorer>,
    /// Whether `inner` stands on a match (false after a `seek_danger` that found none).
    on_match: bool,
}

impl DocSet for ProbedScorer {
    fn advance(&mut self) -> DocId {
        self.on_match = true;
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.on_match = true;
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if self.on_match {
            let doc = self.inner.doc();
            if target < doc {
                return SeekDangerResult::SeekLowerBound(doc);
            }
            if target == doc {
                return SeekDangerResult::Found;
            }
        }
        let result = self.inner.seek_danger(target);
        self.on_match = result == SeekDangerResult::Found;
        result
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for ProbedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
