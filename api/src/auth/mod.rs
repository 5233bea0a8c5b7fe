//! Identity: password hashing, access tokens and opaque refresh secrets.

pub mod jwt;
pub mod opaque;
pub mod password;
pub mod throttle;

pub use jwt::{Claims, JwtKeys};

use chrono::Duration;
use throttle::LoginThrottle;

/// How the service knows who people are: the keys that sign access tokens,
/// how long a refresh token lasts, and the memory of failed sign-ins.
pub struct Identity {
    /// Signs and checks access tokens.
    pub jwt: JwtKeys,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_ttl_secs: i64,
    /// Failed sign-ins, per account and per client address.
    pub login_throttle: LoginThrottle,
    /// How long a browser session lasts.
    pub sessions: SessionLifetimes,
}

/// How long a browser stays signed in.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetimes {
    /// Unused for this long, a session ends.
    pub idle: Duration,
    /// However used, a session ends this long after sign-in.
    pub absolute: Duration,
}

impl Default for SessionLifetimes {
    fn default() -> Self {
        SessionLifetimes {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}
