//! Stories: groups of articles about one event, with a union-find for merges.

/// One story as the connector keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Story {
    /// Public id: the store id of the article that started it.
    pub(crate) id: i64,
    /// Slot of the story this one was merged into (itself while alive).
    pub(crate) parent: u32,
    /// Earliest and latest publication time of its articles.
    pub(crate) first: i64,
    pub(crate) last: i64,
    /// Original articles (slots), in arrival order.
    pub(crate) members: Vec<u32>,
    /// Near-copies (slots), in arrival order.
    pub(crate) copies: Vec<u32>,
}

impl Story {
    pub(crate) fn new(id: i64, slot: u32, published: i64) -> Self {
        Self { id, parent: slot, first: published, last: published, members: Vec::new(), copies: Vec::new() }
    }

    /// Whether an article published at `t` may still join (the story has not gone silent).
    pub(crate) fn open_at(&self, t: i64, window: i64) -> bool {
        t <= self.last.saturating_add(window) && t >= self.first.saturating_sub(window)
    }

    pub(crate) fn touch(&mut self, t: i64) {
        self.first = self.first.min(t);
        self.last = self.last.max(t);
    }
}

/// Public view of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryInfo {
    /// Story id (the store id of the article that started it).
    pub id: i64,
    /// The earliest-published original article: who broke it.
    pub origin: i64,
    /// All article ids (originals and copies), in arrival order.
    pub articles: Vec<i64>,
    /// How many of them are near-copies of another.
    pub copies: usize,
    /// Distinct sources that carried it.
    pub sources: usize,
    /// Earliest publication time (Unix seconds).
    pub first_published: i64,
    /// Latest publication time (Unix seconds).
    pub last_published: i64,
}

/// A change to earlier decisions that the store should apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoryChange {
    /// Two stories became one: every article of `from` now belongs to `into`.
    Merged {
        /// The story id that disappears.
        from: i64,
        /// The story id that stays.
        into: i64,
    },
    /// Articles (originals and their copies) moved from story `from` to
    /// story `into` when a story was re-clustered: a split, or part of a
    /// regrouping. `into` may be a new story, named after its earliest article.
    Moved {
        /// The story they left.
        from: i64,
        /// The story they joined.
        into: i64,
        /// The articles that moved.
        articles: Vec<i64>,
    },
}
