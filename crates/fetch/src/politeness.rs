//! Per-host politeness state: one request at a time per host (the host's
//! async mutex is held for the whole request), the time the last request to
//! the host finished, and the host's cached robots.txt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::robots::Robots;

/// A host's cached robots.txt.
#[derive(Debug, Clone)]
pub(crate) struct RobotsEntry {
    pub(crate) robots: Arc<Robots>,
    pub(crate) expires: Instant,
    /// Why the host is treated as "disallow all" (robots.txt 5xx or unreachable).
    pub(crate) unavailable: Option<String>,
}

/// What we remember about one host (scheme, name and port).
#[derive(Debug, Default)]
pub(crate) struct HostSlot {
    pub(crate) last_request_end: Option<Instant>,
    pub(crate) robots: Option<RobotsEntry>,
}

impl HostSlot {
    /// Sleeps until `delay` has passed since the previous request to this host ended.
    pub(crate) async fn wait_turn(&self, delay: Duration) {
        if let Some(last) = self.last_request_end {
            let at = last + delay;
            if at > Instant::now() {
                tokio::time::sleep_until(at).await;
            }
        }
    }

    /// The cached robots.txt, unless expired.
    pub(crate) fn fresh_robots(&self) -> Option<&RobotsEntry> {
        self.robots.as_ref().filter(|r| r.expires > Instant::now())
    }
}

/// All hosts seen, each behind its own async mutex.
#[derive(Debug, Default)]
pub(crate) struct Hosts {
    map: Mutex<HashMap<String, Arc<tokio::sync::Mutex<HostSlot>>>>,
}

/// Above this many hosts, idle ones with expired state are forgotten.
const PRUNE_ABOVE: usize = 4096;

impl Hosts {
    /// The slot of `origin` (e.g. `https://example.com:8443`), created on first use.
    pub(crate) fn slot(&self, origin: &str, idle_after: Duration) -> Arc<tokio::sync::Mutex<HostSlot>> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > PRUNE_ABOVE {
            let now = Instant::now();
            map.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot.try_lock().map_or(true, |s| {
                        s.fresh_robots().is_some() || s.last_request_end.is_some_and(|t| now.duration_since(t) < idle_after)
                    })
            });
        }
        map.entry(origin.to_owned()).or_default().clone()
    }

    /// Number of hosts remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn same_origin_shares_a_slot_and_waits_its_turn() {
        let hosts = Hosts::default();
        let a = hosts.slot("http://a.example", Duration::from_secs(60));
        let a2 = hosts.slot("http://a.example", Duration::from_secs(60));
        let b = hosts.slot("http://b.example", Duration::from_secs(60));
        assert!(Arc::ptr_eq(&a, &a2));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(hosts.len(), 2);
        let guard = a.lock().await;
        assert!(a2.try_lock().is_err(), "one request at a time per host");
        drop(guard);
        let mut slot = a.lock().await;
        slot.last_request_end = Some(Instant::now());
        let before = Instant::now();
        slot.wait_turn(Duration::from_millis(30)).await;
        assert!(before.elapsed() >= Duration::from_millis(25));
    }
}

/// Request turns per host shared with other processes: the distributed mode's crawlers,
/// each with its own fetcher, reserve every request to a host in one shared place (the
/// store), so that together they start at most one request per host per delay.
pub trait SharedTurns: Send + Sync + std::fmt::Debug {
    /// Reserves the next request to `origin` (scheme, host and port) at least `gap` after
    /// the previous reservation, by anyone; returns how long to wait before sending it.
    fn reserve(&self, origin: &str, gap: Duration) -> Result<Duration, String>;
}
