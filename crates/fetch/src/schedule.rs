//! Per-source polling schedule, pure (no clock, no I/O): the caller passes
//! `now` as Unix seconds and persists [`SourceState`] (serde) in its store.
//!
//! * Adaptive interval: from the recent history of new items per poll, the
//!   source's publishing rate is estimated and the interval set so that about
//!   [`SchedulePolicy::target_new_items_per_poll`] new items are waiting at each
//!   poll, bounded to `[min_interval, max_interval]`. Quiet sources drift
//!   towards the maximum, busy ones towards the minimum.
//! * Failures: exponential backoff from `failure_backoff_base` doubling per
//!   consecutive failure, capped at `failure_backoff_max`, reset by a success.
//! * Picking: [`due_sources`] orders the due sources by `next_due`.

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch.
pub type UnixTime = i64;

/// Bounds and constants of the schedule. All durations are seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SchedulePolicy {
    /// Shortest interval between polls of one source.
    pub min_interval: u64,
    /// Longest interval between polls of a healthy source.
    pub max_interval: u64,
    /// Interval of a source with no history yet.
    pub initial_interval: u64,
    /// Delay after the first consecutive failure; doubles with each further one.
    pub failure_backoff_base: u64,
    /// Cap of the failure backoff.
    pub failure_backoff_max: u64,
    /// How many recent polls the rate estimate looks at.
    pub history_len: usize,
    /// How many new items we aim to find per poll (1.0: poll about once per new item).
    pub target_new_items_per_poll: f64,
}

impl Default for SchedulePolicy {
    fn default() -> Self {
        SchedulePolicy {
            min_interval: 5 * 60,
            max_interval: 6 * 3600,
            initial_interval: 30 * 60,
            failure_backoff_base: 10 * 60,
            failure_backoff_max: 24 * 3600,
            history_len: 12,
            target_new_items_per_poll: 2.0,
        }
    }
}

impl SchedulePolicy {
    fn clamp(&self, secs: f64) -> u64 {
        let lo = self.min_interval.min(self.max_interval) as f64;
        let hi = self.max_interval.max(self.min_interval) as f64;
        secs.clamp(lo, hi).round() as u64
    }
}

/// One successful poll: when, and how many items were new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollRecord {
    /// When the poll finished.
    pub at: UnixTime,
    /// Items not seen before.
    pub new_items: u32,
}

/// The schedule state of one source, to persist between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceState {
    /// Last poll attempt, successful or not.
    pub last_attempt: Option<UnixTime>,
    /// Last successful poll (including 304 Not Modified).
    pub last_success: Option<UnixTime>,
    /// Message of the last failure (kept after a success, for display).
    pub last_error: Option<String>,
    /// When the last failure happened.
    pub last_error_at: Option<UnixTime>,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// New items found over the source's life.
    pub items_seen: u64,
    /// Current interval between successful polls, seconds.
    pub interval: u64,
    /// When the source should next be polled.
    pub next_due: UnixTime,
    /// Recent successful polls, oldest first, at most `history_len`.
    pub history: Vec<PollRecord>,
}

impl Default for SourceState {
    fn default() -> Self {
        SourceState::new(0, &SchedulePolicy::default())
    }
}

impl SourceState {
    /// A new source, due at `now`.
    pub fn new(now: UnixTime, policy: &SchedulePolicy) -> Self {
        SourceState {
            last_attempt: None,
            last_success: None,
            last_error: None,
            last_error_at: None,
            consecutive_failures: 0,
            items_seen: 0,
            interval: policy.clamp(policy.initial_interval as f64),
            next_due: now,
            history: Vec::new(),
        }
    }

    /// Whether the source should be polled at `now`.
    pub fn is_due(&self, now: UnixTime) -> bool {
        self.next_due <= now
    }

    /// Records a successful poll that found `new_items` unseen items, adapts the
    /// interval and sets the next due time.
    pub fn record_success(&mut self, now: UnixTime, new_items: u32, policy: &SchedulePolicy) {
        self.last_attempt = Some(now);
        self.last_success = Some(now);
        self.consecutive_failures = 0;
        self.items_seen += u64::from(new_items);
        self.history.push(PollRecord { at: now, new_items });
        let keep = policy.history_len.max(2);
        if self.history.len() > keep {
            let excess = self.history.len() - keep;
            self.history.drain(..excess);
        }
        self.interval = self.adapted_interval(policy);
        self.next_due = now + self.interval as i64;
    }

    /// Records a `304 Not Modified`: a success with nothing new.
    pub fn record_not_modified(&mut self, now: UnixTime, policy: &SchedulePolicy) {
        self.record_success(now, 0, policy);
    }

    /// Records a failed poll and backs off exponentially.
    pub fn record_failure(&mut self, now: UnixTime, error: impl Into<String>, policy: &SchedulePolicy) {
        self.last_attempt = Some(now);
        self.last_error = Some(error.into());
        self.last_error_at = Some(now);
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        self.next_due = now + self.failure_backoff(policy) as i64;
    }

    /// Postpones the next poll to at least `t` (e.g. a server's `Retry-After`).
    pub fn defer_until(&mut self, t: UnixTime) {
        self.next_due = self.next_due.max(t);
    }

    /// The current failure backoff in seconds (0 when healthy).
    pub fn failure_backoff(&self, policy: &SchedulePolicy) -> u64 {
        if self.consecutive_failures == 0 {
            return 0;
        }
        let exp = (self.consecutive_failures - 1).min(32);
        let delay = policy.failure_backoff_base.saturating_mul(1u64 << exp);
        delay.min(policy.failure_backoff_max).max(policy.min_interval.min(policy.failure_backoff_max))
    }

    /// The interval the history suggests, within the policy's bounds.
    fn adapted_interval(&self, policy: &SchedulePolicy) -> u64 {
        let h = &self.history;
        let current = self.interval as f64;
        if h.len() < 2 {
            // One data point: halve on news, grow when quiet.
            let last = h.last().map_or(0, |r| r.new_items);
            return policy.clamp(if last > 0 { current / 2.0 } else { current * 1.5 });
        }
        // Items found at poll i were published between poll i-1 and poll i.
        let span = (h[h.len() - 1].at - h[0].at).max(1) as f64;
        let items: u64 = h[1..].iter().map(|r| u64::from(r.new_items)).sum();
        if items == 0 {
            return policy.clamp(current * 1.5);
        }
        let per_item = span / items as f64;
        let estimate = per_item * policy.target_new_items_per_poll.max(0.1);
        // Grow at most 2x per poll, so one quiet spell does not overshoot.
        policy.clamp(estimate.min(current * 2.0))
    }
}

/// The keys of the sources due at `now`, most overdue first (ties by key order
/// of the input), at most `limit` of them.
pub fn due_sources<'a, K: Clone + 'a>(
    sources: impl IntoIterator<Item = (K, &'a SourceState)>,
    now: UnixTime,
    limit: usize,
) -> Vec<K> {
    let mut due: Vec<(UnixTime, usize, K)> = sources
        .into_iter()
        .enumerate()
        .filter(|(_, (_, s))| s.is_due(now))
        .map(|(i, (k, s))| (s.next_due, i, k))
        .collect();
    due.sort_by_key(|(t, i, _)| (*t, *i));
    due.into_iter().take(limit).map(|(_, _, k)| k).collect()
}

/// The earliest `next_due` among the sources, to know how long to sleep.
pub fn next_wakeup<'a>(sources: impl IntoIterator<Item = &'a SourceState>) -> Option<UnixTime> {
    sources.into_iter().map(|s| s.next_due).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SchedulePolicy {
        SchedulePolicy::default()
    }

    /// Polls a source publishing one item every `every` seconds, on its own schedule, for `polls` polls.
    fn simulate(every: i64, polls: usize) -> SourceState {
        let p = policy();
        let mut s = SourceState::new(0, &p);
        let mut published_until = 0i64;
        for _ in 0..polls {
            let now = s.next_due;
            let new = ((now / every) - (published_until / every)) as u32;
            published_until = now;
            s.record_success(now, new, &p);
        }
        s
    }

    #[test]
    fn busy_sources_are_polled_more_often_than_quiet_ones() {
        let busy = simulate(120, 30); // an item every 2 minutes
        let medium = simulate(1800, 30); // every 30 minutes
        let quiet = simulate(86_400, 30); // daily
        assert!(busy.interval < medium.interval, "{} !< {}", busy.interval, medium.interval);
        assert!(medium.interval < quiet.interval, "{} !< {}", medium.interval, quiet.interval);
        assert_eq!(busy.interval, policy().min_interval);
        assert_eq!(quiet.interval, policy().max_interval);
        // Two items per poll at one per 30 min is about an hour.
        assert!((2400..=5400).contains(&medium.interval), "{}", medium.interval);
    }

    #[test]
    fn interval_stays_within_bounds_and_items_are_counted() {
        let p = SchedulePolicy { min_interval: 60, max_interval: 600, ..policy() };
        let mut s = SourceState::new(0, &p);
        assert!(s.interval >= 60 && s.interval <= 600);
        let mut now = 0;
        for _ in 0..20 {
            now += 10;
            s.record_success(now, 1000, &p);
            assert!(s.interval >= 60);
        }
        assert_eq!(s.interval, 60);
        assert_eq!(s.items_seen, 20_000);
        for _ in 0..40 {
            now += 600;
            s.record_not_modified(now, &p);
            assert!(s.interval <= 600);
        }
        assert_eq!(s.interval, 600);
        assert_eq!(s.next_due, now + 600);
        assert!(s.history.len() <= p.history_len);
    }

    #[test]
    fn failures_back_off_exponentially_and_success_resets() {
        let p = policy();
        let mut s = SourceState::new(0, &p);
        s.record_failure(100, "timeout", &p);
        assert_eq!(s.next_due, 100 + 600);
        s.record_failure(700, "timeout", &p);
        assert_eq!(s.next_due, 700 + 1200);
        s.record_failure(1900, "HTTP 503", &p);
        assert_eq!(s.next_due, 1900 + 2400);
        assert_eq!(s.consecutive_failures, 3);
        for i in 0..40 {
            s.record_failure(10_000 + i, "x", &p);
        }
        assert_eq!(s.next_due - 10_039, p.failure_backoff_max as i64);
        s.record_success(20_000, 3, &p);
        assert_eq!(s.consecutive_failures, 0);
        assert_eq!(s.last_error.as_deref(), Some("x"), "kept for display");
        assert_eq!(s.next_due, 20_000 + s.interval as i64);
        assert_eq!(s.failure_backoff(&p), 0);
    }

    #[test]
    fn due_sources_orders_by_next_due_and_limits() {
        let p = policy();
        let mut a = SourceState::new(50, &p);
        let b = SourceState::new(10, &p);
        let c = SourceState::new(500, &p);
        let d = SourceState::new(10, &p);
        assert_eq!(due_sources([("a", &a), ("b", &b), ("c", &c), ("d", &d)], 100, 10), vec!["b", "d", "a"]);
        assert_eq!(due_sources([("a", &a), ("b", &b), ("c", &c), ("d", &d)], 100, 1), vec!["b"]);
        a.defer_until(1000);
        assert_eq!(due_sources([("a", &a), ("b", &b)], 100, 10), vec!["b"]);
        assert_eq!(next_wakeup([&a, &c]), Some(500));
    }

    #[test]
    fn state_round_trips_through_json() {
        let p = policy();
        let mut s = SourceState::new(0, &p);
        s.record_success(100, 4, &p);
        s.record_failure(900, "HTTP 500 from https://x", &p);
        let json = serde_json::to_string(&s).unwrap();
        let back: SourceState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let partial: SourceState = serde_json::from_str(r#"{"next_due": 42}"#).unwrap();
        assert_eq!(partial.next_due, 42);
        assert!(serde_json::from_str::<SchedulePolicy>(r#"{"min_intervall": 1}"#).is_err(), "unknown keys rejected");
    }
}
