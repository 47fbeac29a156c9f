//! Retry delays: exponential backoff with "equal jitter" (half fixed, half
//! random), so retries from many tasks do not line up.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The delay before retry number `retry` (0 = first retry): between half and
/// all of `base * 2^retry`, capped at `max`.
pub(crate) fn retry_delay(retry: u32, base: Duration, max: Duration, random: u64) -> Duration {
    let full = base.saturating_mul(1u32 << retry.min(20)).min(max);
    let half = full / 2;
    let frac = (random >> 11) as f64 / (1u64 << 53) as f64;
    half + half.mul_f64(frac)
}

/// A small, lock-free pseudo-random source (SplitMix64) for jitter.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    pub(crate) fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64);
        Jitter(AtomicU64::new(seed))
    }

    pub(crate) fn next(&self) -> u64 {
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
    fn jitter_varies() {
        let j = Jitter::new();
        let a: Vec<u64> = (0..8).map(|_| j.next()).collect();
        let mut b = a.clone();
        b.dedup();
        assert_eq!(a.len(), b.len());
    }
}
