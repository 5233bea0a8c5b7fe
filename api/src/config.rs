//! Settings, read from environment variables (or the matching flags).

use chrono_tz::Tz;
use clap::{Args, ValueEnum};

use crate::clock::parse_zone;

/// Shortest JWT secret accepted outside demo mode, in bytes.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// PostgreSQL connection URL.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/delivery_tracker",
        hide_env_values = true
    )]
    pub database_url: String,

    /// A streaming replica's connection URL (optional). Dashboards,
    /// reports, lists and the change feed read from it while it is close
    /// enough and has replayed the reader's last write; otherwise from
    /// DATABASE_URL.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,

    /// How far behind the primary the replica may be and still serve
    /// reads, in milliseconds.
    #[arg(long, env = "DATABASE_READ_MAX_LAG_MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub database_read_max_lag_ms: u64,

    /// Most database connections this process holds.
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = 16)]
    pub database_pool_size: usize,

    /// How long a request waits for a database connection before answering
    /// 503, in milliseconds.
    #[arg(long, env = "DATABASE_TIMEOUT_MS", default_value_t = 3000)]
    pub database_timeout_ms: u64,

    /// Address and port to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind_addr: String,

    /// HTTP worker threads (default: one per CPU).
    #[arg(long, env = "WORKERS")]
    pub workers: Option<usize>,

    /// Secret that signs access tokens; at least 32 bytes. Required except in
    /// demo mode, where a random one is generated.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// `iss` claim of access tokens.
    #[arg(long, env = "JWT_ISSUER", default_value = "delivery-tracker")]
    pub jwt_issuer: String,

    /// `aud` claim of access tokens.
    #[arg(long, env = "JWT_AUDIENCE", default_value = "delivery-tracker-api")]
    pub jwt_audience: String,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "ACCESS_TOKEN_TTL_SECS", default_value_t = 900)]
    pub access_token_ttl_secs: i64,

    /// Lifetime of a refresh token, in seconds (each use issues a new one).
    #[arg(long, env = "REFRESH_TOKEN_TTL_SECS", default_value_t = 14 * 24 * 3600)]
    pub refresh_token_ttl_secs: i64,

    /// Browser origins allowed to call the API (comma-separated); none when empty.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// Days without a report after which the dashboard lists an action as
    /// stale (each request may override it with `stale_days`).
    #[arg(long, env = "STALE_DAYS", default_value_t = 60)]
    pub stale_days: i64,

    /// Days after a priority of the young people's council is raised by
    /// which the board's answer is due.
    #[arg(long, env = "PRIORITY_RESPONSE_DAYS", default_value_t = 42, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub priority_response_days: u32,

    /// Failed sign-ins that lock an account (by email) for the lockout.
    #[arg(long, env = "LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: usize,

    /// Failed sign-ins from one client address that lock it for the lockout.
    #[arg(long, env = "LOGIN_ADDRESS_MAX_FAILURES", default_value_t = 20)]
    pub login_address_max_failures: usize,

    /// How long a sign-in lockout lasts, in seconds (failures older than
    /// this are forgotten).
    #[arg(long, env = "LOGIN_LOCKOUT_SECS", default_value_t = 900)]
    pub login_lockout_secs: u64,

    /// Take the client address from `Forwarded` or `X-Forwarded-For`: set
    /// only behind a reverse proxy that sets them.
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Run a worker for queued work (email, webhooks) in this instance.
    /// Any number of instances may: each job is worked by one at a time.
    #[arg(long, env = "RUN_JOBS", default_value_t = true, action = clap::ArgAction::Set)]
    pub run_jobs: bool,

    /// The SMTP server mail goes through, in lettre's URL form:
    /// `smtp://host:25`, `smtps://user:password@host` (TLS from the
    /// start), `smtp://host:587?tls=required` (STARTTLS). Unset, mail is
    /// off: notices stay queued until it is set.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of mail (`Board <board@example.org>`); required with
    /// SMTP_URL.
    #[arg(long, env = "MAIL_FROM")]
    pub mail_from: Option<String>,

    /// The address people open the pages at, for links in mail (default
    /// `http://{BIND_ADDR}`).
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Days before the current reporting period ends when the update-due
    /// reminder goes to organisations that have not reported.
    #[arg(long, env = "UPDATE_DUE_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(0..=365))]
    pub update_due_days: u32,
    /// Let webhook endpoints use plain `http` URLs (development and tests
    /// only: events would travel unencrypted).
    #[arg(long, env = "WEBHOOK_ALLOW_HTTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_http: bool,

    /// Let webhook endpoints point at loopback, private, link-local and
    /// shared addresses (development and tests only).
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private_addresses: bool,

    /// Hours a webhook endpoint may keep failing before it is disabled
    /// (an administrator enables it again).
    #[arg(long, env = "WEBHOOK_DISABLE_AFTER_HOURS", default_value_t = 72, value_parser = clap::value_parser!(u32).range(1..=8760))]
    pub webhook_disable_after_hours: u32,

    /// Minutes without a request after which a browser session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,

    /// Hours after sign-in at which a browser session ends, however used.
    #[arg(long, env = "SESSION_LIFETIME_HOURS", default_value_t = 12)]
    pub session_lifetime_hours: i64,

    /// Mark the session cookie `Secure` (sent over HTTPS only). Turn off
    /// only to use the pages over plain http on this machine; the demo
    /// turns it off by itself when it listens on a loopback address.
    #[arg(long, env = "COOKIE_SECURE")]
    pub cookie_secure: Option<bool>,

    /// The board's time zone (an IANA name): the days people mean (today,
    /// overdue, a period's first and last day, "as at" a date) are its days.
    #[arg(long, env = "TIME_ZONE", default_value = "Europe/London", value_parser = parse_zone)]
    pub time_zone: Tz,

    /// Memory for dashboards, trends and reports kept as served, in
    /// megabytes; 0 computes every one afresh.
    #[arg(long, env = "VIEW_CACHE_MB", default_value_t = 64)]
    pub view_cache_mb: u64,

    /// Address and port of the Prometheus metrics listener (`GET /metrics`,
    /// nothing else), for example `127.0.0.1:9090`; no metrics when unset.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<String>,

    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl Settings {
    /// Whether the session cookie is `Secure`: as configured, or else
    /// always, except for a demo listening on this machine only.
    pub fn cookie_secure(&self, demo: bool) -> bool {
        let loopback = self
            .bind_addr
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|addr| addr.ip().is_loopback());
        self.cookie_secure.unwrap_or(!(demo && loopback))
    }
}

/// Why the service will not start with the settings given.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "JWT_SECRET is not set; set it to at least {MIN_JWT_SECRET_BYTES} random bytes (for example `openssl rand -base64 48`)"
    )]
    MissingJwtSecret,
    #[error("JWT_SECRET is {0} bytes long; it must be at least {MIN_JWT_SECRET_BYTES} bytes")]
    ShortJwtSecret(usize),
    #[error("JWT_SECRET is a placeholder value; generate a random one")]
    PlaceholderJwtSecret,
    #[error("{0} must be positive")]
    NotPositive(&'static str),
    #[error("SMTP_URL and MAIL_FROM go together: set both for mail, or neither for no mail")]
    MailHalfSet,
}

impl Settings {
    /// The address of the pages in links: PUBLIC_URL, or the address the
    /// service listens on.
    pub fn public_url(&self) -> String {
        match self.public_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind_addr),
        }
    }

    /// The SMTP server and sender, when mail is on; refuses one without
    /// the other.
    pub fn mail(&self) -> Result<Option<(String, String)>, SettingsError> {
        let url = self.smtp_url.clone().filter(|u| !u.is_empty());
        let from = self.mail_from.clone().filter(|f| !f.is_empty());
        match (url, from) {
            (Some(url), Some(from)) => Ok(Some((url, from))),
            (None, None) => Ok(None),
            _ => Err(SettingsError::MailHalfSet),
        }
    }
}

impl Settings {
    /// The secret to sign tokens with, refusing weak ones. In demo mode a
    /// missing secret is replaced with a random one.
    pub fn signing_secret(&self, demo: bool) -> Result<Vec<u8>, SettingsError> {
        for (name, value) in [
            ("ACCESS_TOKEN_TTL_SECS", self.access_token_ttl_secs),
            ("REFRESH_TOKEN_TTL_SECS", self.refresh_token_ttl_secs),
            ("LOGIN_MAX_FAILURES", self.login_max_failures as i64),
            (
                "LOGIN_ADDRESS_MAX_FAILURES",
                self.login_address_max_failures as i64,
            ),
            ("LOGIN_LOCKOUT_SECS", self.login_lockout_secs as i64),
            ("SESSION_IDLE_MINUTES", self.session_idle_minutes),
            ("SESSION_LIFETIME_HOURS", self.session_lifetime_hours),
        ] {
            if value <= 0 {
                return Err(SettingsError::NotPositive(name));
            }
        }
        match self.jwt_secret.as_deref() {
            None | Some("") if demo => {
                let mut secret = vec![0u8; 48];
                getrandom::fill(&mut secret).expect("operating system randomness");
                Ok(secret)
            }
            None | Some("") => Err(SettingsError::MissingJwtSecret),
            Some(secret) => check_secret(secret).map(|()| secret.as_bytes().to_vec()),
        }
    }
}

fn check_secret(secret: &str) -> Result<(), SettingsError> {
    if secret.len() < MIN_JWT_SECRET_BYTES {
        return Err(SettingsError::ShortJwtSecret(secret.len()));
    }
    let lower = secret.to_lowercase();
    let distinct = {
        let mut bytes: Vec<u8> = secret.bytes().collect();
        bytes.sort_unstable();
        bytes.dedup();
        bytes.len()
    };
    if ["change", "secret", "example", "placeholder"]
        .iter()
        .any(|word| lower.contains(word))
        || distinct < 8
    {
        return Err(SettingsError::PlaceholderJwtSecret);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings(secret: Option<&str>) -> Settings {
        let mut settings = Cli::parse_from(["test"]).settings;
        settings.jwt_secret = secret.map(str::to_owned);
        settings
    }

    #[test]
    fn weak_secrets_are_refused_outside_demo_mode() {
        assert!(matches!(
            settings(None).signing_secret(false),
            Err(SettingsError::MissingJwtSecret)
        ));
        assert!(matches!(
            settings(Some("short")).signing_secret(false),
            Err(SettingsError::ShortJwtSecret(5))
        ));
        assert!(matches!(
            settings(Some("change-me-change-me-change-me-change-me")).signing_secret(false),
            Err(SettingsError::PlaceholderJwtSecret)
        ));
        assert!(matches!(
            settings(Some(&"a".repeat(40))).signing_secret(false),
            Err(SettingsError::PlaceholderJwtSecret)
        ));
        let good = "q8Vd2mK0pL7sXr4nT1wZb9cF6hJ3yE5uA0oG";
        assert_eq!(
            settings(Some(good)).signing_secret(false).unwrap(),
            good.as_bytes()
        );
    }

    #[test]
    fn mail_needs_both_a_server_and_a_sender() {
        let mut s = settings(None);
        assert!(s.mail().unwrap().is_none());
        assert_eq!(s.public_url(), "http://127.0.0.1:8080");
        s.smtp_url = Some("smtp://localhost:1025".into());
        assert!(matches!(s.mail(), Err(SettingsError::MailHalfSet)));
        s.mail_from = Some("Board <board@example.org>".into());
        assert!(s.mail().unwrap().is_some());
        s.smtp_url = None;
        assert!(matches!(s.mail(), Err(SettingsError::MailHalfSet)));
        s.public_url = Some("https://tracker.example.org/".into());
        assert_eq!(s.public_url(), "https://tracker.example.org");
    }

    #[test]
    fn demo_mode_generates_a_secret_when_none_is_set() {
        let secret = settings(None).signing_secret(true).unwrap();
        assert_eq!(secret.len(), 48);
        assert_ne!(secret, settings(None).signing_secret(true).unwrap());
    }
}
