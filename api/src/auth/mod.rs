//! Identity: password hashing, access tokens and opaque refresh secrets.

pub mod jwt;
pub mod opaque;
pub mod password;
pub mod throttle;

pub use jwt::{Claims, JwtKeys};

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
}
