//! When failed work is tried again: exponential backoff with jitter, up to
//! a cap, until the job's attempts are spent and it is parked as dead.

use std::time::Duration;

/// How retries are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl Default for Backoff {
    /// 30 seconds, doubling, at most six hours: ten attempts span about
    /// eight hours, long enough to ride out a mail server's or a
    /// receiver's bad night.
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(6 * 3600),
        }
    }
}

/// What happens to a job after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again after this long.
    RetryIn(Duration),
    /// Every attempt is spent: park it as dead.
    Dead,
}

impl Backoff {
    /// The wait after the `attempt`-th failure (1 for the first): the base
    /// doubled for each earlier failure, capped, then scaled by `jitter`
    /// (between 0 and 1) into its upper half, so that jobs that failed
    /// together do not all come back at once.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let full = self
            .base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// What follows the `attempts`-th failed attempt of a job allowed
    /// `max_attempts`.
    pub fn after_failure(&self, attempts: u32, max_attempts: u32, jitter: f64) -> AfterFailure {
        if attempts >= max_attempts {
            AfterFailure::Dead
        } else {
            AfterFailure::RetryIn(self.delay(attempts, jitter))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff() -> Backoff {
        Backoff {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(300),
        }
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let waits: Vec<u64> = (1..=7).map(|n| backoff().delay(n, 1.0).as_secs()).collect();
        assert_eq!(waits, vec![10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(backoff().delay(1000, 1.0).as_secs(), 300, "no overflow");
    }

    #[test]
    fn jitter_spreads_a_wait_over_its_upper_half() {
        assert_eq!(backoff().delay(3, 0.0).as_secs(), 20);
        assert_eq!(backoff().delay(3, 0.5).as_secs(), 30);
        assert_eq!(backoff().delay(3, 1.0).as_secs(), 40);
        assert_eq!(backoff().delay(3, 7.0).as_secs(), 40, "jitter is clamped");
    }

    #[test]
    fn the_last_attempt_parks_the_job() {
        assert_eq!(
            backoff().after_failure(2, 3, 1.0),
            AfterFailure::RetryIn(Duration::from_secs(20))
        );
        assert_eq!(backoff().after_failure(3, 3, 1.0), AfterFailure::Dead);
    }
}
