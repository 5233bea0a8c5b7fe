//! What every request handler shares.

use crate::auth::JwtKeys;
use crate::auth::throttle::LoginThrottle;
use crate::clock::Clock;
use crate::db::Pool;

pub struct AppState {
    pub pool: Pool,
    /// The clock every operation runs by, in the board's time zone.
    pub clock: Clock,
    pub jwt: JwtKeys,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_ttl_secs: i64,
    /// The dashboard's default for stale actions, in days.
    pub stale_days: i64,
    /// Failed sign-ins, per account and per client address.
    pub login_throttle: LoginThrottle,
    /// Whether the client address comes from `Forwarded`/`X-Forwarded-For`
    /// (behind a trusted reverse proxy) rather than the connection.
    pub trust_forwarded: bool,
}
