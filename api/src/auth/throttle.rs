//! Sign-in throttling. Too many failed sign-ins lock out, for a while, the
//! account tried (by the email given, whether or not an account has it, so
//! the answer says nothing about which emails exist) and, at a higher
//! threshold, the client address. A locked attempt is refused before any
//! password hashing, so a flood of attempts costs the service little.
//!
//! Counts are kept in memory: each instance of the service counts the
//! attempts it sees (docs/operations.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When to lock and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures within `window` that lock the key.
    pub max_failures: usize,
    pub window: Duration,
    /// How long a lock lasts from the failure that set it.
    pub lockout: Duration,
}

#[derive(Debug, Default)]
struct Entry {
    failures: VecDeque<Instant>,
    locked_until: Option<Instant>,
}

impl Entry {
    fn forget_before(&mut self, horizon: Instant) {
        while self.failures.front().is_some_and(|t| *t < horizon) {
            self.failures.pop_front();
        }
    }

    fn idle(&self, now: Instant) -> bool {
        self.failures.is_empty() && self.locked_until.is_none_or(|until| until <= now)
    }
}

/// Failure counts per key, under one policy.
#[derive(Debug)]
pub struct Throttle {
    policy: Policy,
    entries: Mutex<HashMap<String, Entry>>,
}

/// Entries kept before idle ones are swept out.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic elsewhere while holding the lock leaves counts that are
        // still usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long the key stays locked, if it is.
    pub fn locked(&self, key: &str, now: Instant) -> Option<Duration> {
        let entries = self.entries();
        let until = entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Counts a failure. Returns the lockout when this failure starts one.
    pub fn fail(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut entries = self.entries();
        if entries.len() >= SWEEP_AT {
            let horizon = now.checked_sub(self.policy.window).unwrap_or(now);
            entries.retain(|_, entry| {
                entry.forget_before(horizon);
                !entry.idle(now)
            });
        }
        let entry = entries.entry(key.to_owned()).or_default();
        if let Some(horizon) = now.checked_sub(self.policy.window) {
            entry.forget_before(horizon);
        }
        entry.failures.push_back(now);
        if entry.failures.len() >= self.policy.max_failures {
            entry.failures.clear();
            entry.locked_until = Some(now + self.policy.lockout);
            return Some(self.policy.lockout);
        }
        None
    }

    /// Forgets the key's failures after a successful sign-in.
    pub fn succeed(&self, key: &str) {
        self.entries().remove(key);
    }
}

/// The two throttles of sign-in.
#[derive(Debug)]
pub struct LoginThrottle {
    pub accounts: Throttle,
    pub addresses: Throttle,
}

impl LoginThrottle {
    pub fn new(account_failures: usize, address_failures: usize, lockout: Duration) -> Self {
        let policy = |max_failures| Policy {
            max_failures,
            window: lockout,
            lockout,
        };
        Self {
            accounts: Throttle::new(policy(account_failures)),
            addresses: Throttle::new(policy(address_failures)),
        }
    }
}

impl Default for LoginThrottle {
    /// Five failures lock an account, and twenty an address, for 15 minutes.
    fn default() -> Self {
        Self::new(5, 20, Duration::from_secs(15 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Policy {
            max_failures: 3,
            window: Duration::from_secs(60),
            lockout: Duration::from_secs(300),
        })
    }

    #[test]
    fn the_third_failure_in_the_window_locks_for_the_lockout() {
        let t = throttle();
        let start = Instant::now();
        assert_eq!(t.fail("a", start), None);
        assert_eq!(t.fail("a", start + Duration::from_secs(1)), None);
        assert_eq!(t.locked("a", start), None);
        let third = start + Duration::from_secs(2);
        assert_eq!(t.fail("a", third), Some(Duration::from_secs(300)));
        assert_eq!(
            t.locked("a", third + Duration::from_secs(100)),
            Some(Duration::from_secs(200))
        );
        assert_eq!(t.locked("a", third + Duration::from_secs(300)), None);
        assert_eq!(t.locked("b", third), None, "other keys are not locked");
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let t = throttle();
        let start = Instant::now();
        t.fail("a", start);
        t.fail("a", start + Duration::from_secs(1));
        assert_eq!(t.fail("a", start + Duration::from_secs(120)), None);
    }

    #[test]
    fn a_success_clears_the_count() {
        let t = throttle();
        let start = Instant::now();
        t.fail("a", start);
        t.fail("a", start);
        t.succeed("a");
        assert_eq!(t.fail("a", start), None);
    }

    #[test]
    fn idle_keys_are_swept_when_many() {
        let t = throttle();
        let start = Instant::now();
        for n in 0..SWEEP_AT {
            t.fail(&n.to_string(), start);
        }
        t.fail("late", start + Duration::from_secs(61));
        assert_eq!(t.entries().len(), 1);
    }
}
