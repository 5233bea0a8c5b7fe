//! What every request handler shares.

use crate::auth::JwtKeys;
use crate::db::Pool;

pub struct AppState {
    pub pool: Pool,
    pub jwt: JwtKeys,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_ttl_secs: i64,
    /// The dashboard's default for stale actions, in days.
    pub stale_days: i64,
}
