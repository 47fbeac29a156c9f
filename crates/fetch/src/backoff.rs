//! Retry delays: exponential backoff with "equal jitter" (half fixed, half
//! random), so retries from many tasks do not line up; and the server's own
//! `Retry-After`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// A `Retry-After` value as a delay from `now`: delay-seconds (`120`) or an
/// HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, also the obsolete RFC 850 and
/// asctime forms); a date already past is zero. `None` when unreadable.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The delay before retry number `retry` (0 = first retry): between half and
/// all of `base * 2^retry`, capped at `max`.
pub fn retry_delay(retry: u32, base: Duration, max: Duration, random: u64) -> Duration {
    let full = base.saturating_mul(1u32 << retry.min(20)).min(max);
    let half = full / 2;
    let frac = (random >> 11) as f64 / (1u64 << 53) as f64;
    half + half.mul_f64(frac)
}

/// A small, lock-free pseudo-random source (SplitMix64) for jitter.
#[derive(Debug)]
pub struct Jitter(AtomicU64);

impl Default for Jitter {
    fn default() -> Self {
        Jitter::new()
    }
}

impl Jitter {
    /// A source seeded from the clock.
    pub fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64);
        Jitter(AtomicU64::new(seed))
    }

    /// The next pseudo-random number.
    pub fn next(&self) -> u64 {
        let mut z = self.0.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_within_jitter_bounds_and_cap() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(2);
        let j = Jitter::new();
        for retry in 0..8 {
            let full = (base * (1 << retry)).min(max);
            for _ in 0..50 {
                let d = retry_delay(retry, base, max, j.next());
                assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?} outside [{:?}, {full:?}]", full / 2);
            }
        }
        assert_eq!(retry_delay(0, base, max, 0), Duration::from_millis(50));
        assert!((1999..=2000).contains(&retry_delay(40, base, max, u64::MAX).as_millis()), "capped at max");
    }

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now), Some(Duration::from_secs(60)), "RFC 850");
        assert_eq!(parse_retry_after("Wed Oct 21 07:28:30 2015", now), Some(Duration::from_secs(30)), "asctime");
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO), "past date");
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn jitter_varies() {
        let j = Jitter::new();
        let a: Vec<u64> = (0..8).map(|_| j.next()).collect();
        let mut b = a.clone();
        b.dedup();
        assert_eq!(a.len(), b.len());
    }
}
