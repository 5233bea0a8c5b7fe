//! Sign-in throttling rules. Too many failed sign-ins lock out, for a
//! while, the account tried (by the email given, whether or not an account
//! has it, so the answer says nothing about which emails exist) and, at a
//! higher threshold, the client address. A locked attempt is refused
//! before any password hashing, so a flood of attempts costs the service
//! little.
//!
//! The counts live in PostgreSQL (`db::sign_in_failures`), so every
//! instance of the service enforces one limit.

use std::time::Duration;

/// When to lock and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures within `window` that lock the key.
    pub max_failures: usize,
    pub window: Duration,
    /// How long a lock lasts from the failure that set it.
    pub lockout: Duration,
}

impl Policy {
    /// The threshold as the database counts it.
    pub fn max_failures_count(&self) -> i32 {
        i32::try_from(self.max_failures).unwrap_or(i32::MAX).max(1)
    }
}

/// The two throttles of sign-in.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// Per account tried.
    pub accounts: Policy,
    /// Per client address.
    pub addresses: Policy,
}

impl LoginThrottle {
    pub fn new(account_failures: usize, address_failures: usize, lockout: Duration) -> Self {
        let policy = |max_failures| Policy {
            max_failures,
            window: lockout,
            lockout,
        };
        Self {
            accounts: policy(account_failures),
            addresses: policy(address_failures),
        }
    }

    /// How long failures are remembered: after this, a key that is not
    /// locked has nothing left to count.
    pub fn memory(&self) -> Duration {
        [
            self.accounts.window,
            self.accounts.lockout,
            self.addresses.window,
            self.addresses.lockout,
        ]
        .into_iter()
        .max()
        .unwrap_or_default()
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

    #[test]
    fn both_throttles_lock_for_the_lockout_within_a_window_as_long() {
        let t = LoginThrottle::new(5, 20, Duration::from_secs(900));
        assert_eq!(t.accounts.max_failures_count(), 5);
        assert_eq!(t.addresses.max_failures_count(), 20);
        assert_eq!(t.accounts.window, Duration::from_secs(900));
        assert_eq!(t.memory(), Duration::from_secs(900));
    }

    #[test]
    fn a_threshold_of_zero_still_needs_one_failure() {
        let t = LoginThrottle::new(0, usize::MAX, Duration::from_secs(1));
        assert_eq!(t.accounts.max_failures_count(), 1);
        assert_eq!(t.addresses.max_failures_count(), i32::MAX);
    }
}
