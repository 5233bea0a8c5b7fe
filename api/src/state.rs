//! What every request handler shares, whichever door it serves.

use std::sync::Arc;

pub mod view_cache;

use crate::auth::Identity;
use crate::clock::Clock;
pub use crate::db::Pool;
pub use crate::db::reads::{Lsn, Reads};
use crate::demo::DemoUser;
use crate::domain::mail::MailLinks;

/// The application's shared state, built once at start.
pub struct AppState {
    /// Connections to the database.
    pub pool: Pool,
    /// Where reads that may use a replica go.
    pub reads: Reads,
    /// The clock every operation runs by, in the board's time zone.
    pub clock: Clock,
    /// Access-token keys, refresh-token lifetime and the sign-in throttle.
    pub identity: Identity,
    /// How the web pages set their cookie and what the sign-in page offers.
    pub pages: PageSettings,
    /// The dashboard's default for stale actions, in days.
    pub stale_days: i64,
    /// Days after raising by which a priority of the young people's
    /// council is due an answer.
    pub priority_response_days: u32,
    /// Whether the client address comes from `Forwarded`/`X-Forwarded-For`
    /// (behind a trusted reverse proxy) rather than the connection.
    pub trust_forwarded: bool,
    /// Where the pages are for links in mail, and the key of unsubscribe
    /// links.
    pub mail: Arc<MailLinks>,
    /// Which webhook targets may be registered beyond public https ones.
    pub webhooks: WebhookTargets,
    /// Dashboards, trends and reports as served, by change position.
    pub view_cache: view_cache::ViewCache,
}

/// Which webhook targets may be registered beyond public `https` ones
/// (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE_ADDRESSES).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookTargets {
    /// Plain `http` URLs.
    pub allow_http: bool,
    /// Loopback, private, link-local and shared addresses.
    pub allow_private: bool,
}

/// How the web pages set their cookies and what the sign-in page offers.
pub struct PageSettings {
    /// Mark cookies `Secure`: off only for plain http on this machine.
    pub cookie_secure: bool,
    /// In demo mode, the demo accounts the sign-in page lists.
    pub demo_accounts: Vec<DemoUser>,
}
