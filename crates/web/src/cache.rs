//! A value computed from the store, shared by every request for a while: the header's
//! categories menu, the ranked top stories.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The last value computed, when, and for which version of the data (a number the
/// caller chooses, such as the article count: a new article makes the value stale).
pub struct Cached<T: ?Sized>(Arc<RwLock<Option<(Instant, u64, Arc<T>)>>>);

impl<T: ?Sized> Clone for Cached<T> {
    fn clone(&self) -> Self {
        Cached(Arc::clone(&self.0))
    }
}

impl<T: ?Sized> Default for Cached<T> {
    fn default() -> Self {
        Cached(Arc::new(RwLock::new(None)))
    }
}

impl<T: ?Sized> std::fmt::Debug for Cached<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cached")
    }
}

impl<T: ?Sized> Cached<T> {
    /// The value, if it was computed for `version` less than `max_age` ago.
    pub(crate) fn fresh(&self, version: u64, max_age: Duration) -> Option<Arc<T>> {
        let guard = self.0.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().filter(|(at, v, _)| *v == version && at.elapsed() < max_age).map(|(_, _, value)| Arc::clone(value))
    }

    /// Keeps `value`, computed for `version`.
    pub(crate) fn set(&self, version: u64, value: Arc<T>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), version, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_fresh_for_its_version_and_age_only() {
        let c: Cached<str> = Cached::default();
        assert!(c.fresh(1, Duration::from_secs(60)).is_none());
        c.set(1, Arc::from("menu"));
        assert_eq!(c.clone().fresh(1, Duration::from_secs(60)).as_deref(), Some("menu"), "shared by clones");
        assert!(c.fresh(2, Duration::from_secs(60)).is_none(), "a new article makes it stale");
        assert!(c.fresh(1, Duration::ZERO).is_none(), "too old");
    }
}
