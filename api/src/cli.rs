//! The command line: serve, migrate, seed, manage users, export and import
//! the database, print the API spec.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{HttpServer, web};
use clap::{Parser, Subcommand};
use secrecy::SecretString;

use crate::auth::throttle::LoginThrottle;
use crate::auth::{Identity, JwtKeys, SessionLifetimes, password};
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::reads::Reads;
use crate::db::{self, Pool};
use crate::domain::Role;
use crate::domain::validation::PASSWORD_MIN;
use crate::domain::webhooks::AddressPolicy;
use crate::services::auth::ForgetSignInFailures;
use crate::services::mail::reminders::UpdateDueReminders;
use crate::services::mail::smtp::SmtpMailer;
use crate::services::mail::{self, MailLinks};
use crate::services::saturation::Saturation;
use crate::services::users::{self, CreateUser};
use crate::services::{jobs, webhooks};
use crate::state::view_cache::ViewCache;
use crate::state::{AppState, PageSettings, WebhookTargets};
use crate::{demo, server, telemetry};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Parser)]
#[command(
    name = "delivery-tracker",
    version,
    about = "Delivery Plan Tracker: a partnership board's delivery plan as a REST service"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API.
    Serve {
        /// Demo mode: create the database if missing, load the 2022-2025
        /// strategy when it is empty, and print the demo accounts. Uses
        /// DEMO_PASSWORD, or a random password, for every demo account.
        #[arg(long)]
        demo: bool,
        #[arg(long, env = "DEMO_PASSWORD", hide_env_values = true)]
        demo_password: Option<String>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Load data (into a database created if missing).
    Seed {
        /// The 2022-2025 strategy with its board and demo accounts (into an
        /// empty database).
        #[arg(
            long,
            required_unless_present = "synthetic",
            conflicts_with = "synthetic"
        )]
        demo: bool,
        /// Large synthetic strategies for benchmarks, added to what is there.
        /// Its accounts are member<N>@synthetic.example and
        /// chair@synthetic.example.
        #[arg(long)]
        synthetic: bool,
        #[arg(long, default_value_t = 1, requires = "synthetic")]
        strategies: u32,
        #[arg(long, default_value_t = 100, requires = "synthetic")]
        actions_per_strategy: u32,
        #[arg(long, default_value_t = 20, requires = "synthetic")]
        updates_per_action: u32,
        #[arg(long, default_value_t = 12, requires = "synthetic")]
        organisations: u32,
        /// Quarterly periods to create and close in each strategy.
        #[arg(long, default_value_t = 4, requires = "synthetic")]
        closed_periods: u32,
        /// Password of the demo (or synthetic) accounts; random when unset.
        #[arg(long, env = "DEMO_PASSWORD", hide_env_values = true)]
        demo_password: Option<String>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write the whole database as one JSON document (a logical backup).
    Export {
        /// File to write; standard output when absent.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Load a document written by `export` into an empty database (created
    /// and migrated if needed), all or nothing.
    Import {
        /// File to read; standard input when absent.
        #[arg(long)]
        input: Option<std::path::PathBuf>,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from USER_PASSWORD or, when
    /// that is unset, from the first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The organisation's id (required for members).
        #[arg(long)]
        organisation_id: Option<uuid::Uuid>,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
        .map_err(|e: crate::domain::enums::UnknownValue| e.to_string())
}

/// Runs a command.
pub async fn run(cli: Cli) -> Result<(), BoxError> {
    let settings = cli.settings;
    telemetry::init(settings.log_format);
    match cli.command {
        Command::Serve {
            demo,
            demo_password,
        } => serve(settings, demo, demo_password).await,
        Command::Migrate => {
            let applied = db::migrate(&settings.database_url).await?;
            println!("applied {} migration(s)", applied.len());
            Ok(())
        }
        Command::Seed {
            synthetic: true,
            strategies,
            actions_per_strategy,
            updates_per_action,
            organisations,
            closed_periods,
            demo_password,
            ..
        } => {
            let size = demo::synthetic::Size {
                strategies,
                actions_per_strategy,
                updates_per_action,
                organisations: organisations.max(1),
                closed_periods,
            };
            seed_synthetic(&settings, size, demo_password).await
        }
        Command::Seed { demo_password, .. } => seed_demo(&settings, demo_password).await,
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    organisation_id,
                },
        } => {
            let pool = pool(&settings)?;
            let input = CreateUser {
                email,
                name,
                role,
                organisation_id,
                password: read_password()?,
            };
            let user = users::create_from_command_line(&pool, input)
                .await
                .map_err(|e| describe(&e))?;
            println!("created {} ({}) with id {}", user.email, user.role, user.id);
            Ok(())
        }
        Command::Export { output } => export(&settings, output).await,
        Command::Import { input } => import(&settings, input).await,
        Command::Openapi => {
            println!("{}", server::openapi().to_pretty_json()?);
            Ok(())
        }
    }
}

/// Adds synthetic strategies for benchmarks.
async fn seed_synthetic(
    settings: &Settings,
    size: demo::synthetic::Size,
    demo_password: Option<String>,
) -> Result<(), BoxError> {
    let password = demo_password_or_random(demo_password)?;
    db::create_database_if_missing(&settings.database_url).await?;
    db::migrate(&settings.database_url).await?;
    let pool = pool(settings)?;
    let started = std::time::Instant::now();
    let clock = Clock::system(settings.time_zone);
    demo::synthetic::load(&pool, size, &password, &clock)
        .await
        .map_err(|e| describe(&e))?;
    println!(
        "loaded {} synthetic strateg{} of {} actions with {} updates each in {:.1} s\npassword of member<N>@synthetic.example and chair@synthetic.example: {password}",
        size.strategies,
        if size.strategies == 1 { "y" } else { "ies" },
        size.actions_per_strategy,
        size.updates_per_action,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Loads the demo data into an empty database.
async fn seed_demo(settings: &Settings, demo_password: Option<String>) -> Result<(), BoxError> {
    let password = demo_password_or_random(demo_password)?;
    db::create_database_if_missing(&settings.database_url).await?;
    db::migrate(&settings.database_url).await?;
    let pool = pool(settings)?;
    let clock = Clock::system(settings.time_zone);
    if demo::load(&pool, &SecretString::from(password.clone()), &clock).await? {
        println!("{}", demo::credentials_table(&password));
    } else {
        println!("the database already holds data; nothing was loaded");
    }
    Ok(())
}

/// Writes the whole database as one JSON document.
async fn export(settings: &Settings, output: Option<std::path::PathBuf>) -> Result<(), BoxError> {
    let pool = pool(settings)?;
    let mut conn = pool.get().await?;
    let document = db::backup::export(&mut conn).await?;
    let text = serde_json::to_vec(&document)?;
    match output {
        Some(path) => std::fs::write(&path, &text)?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&text)?;
        }
    }
    let rows: usize = document["tables"]
        .as_object()
        .map(|t| t.values().filter_map(|r| r.as_array()).map(Vec::len).sum())
        .unwrap_or_default();
    eprintln!("exported {rows} rows ({} bytes)", text.len());
    Ok(())
}

/// Loads an exported document into an empty database.
async fn import(settings: &Settings, input: Option<std::path::PathBuf>) -> Result<(), BoxError> {
    let text = match input {
        Some(path) => std::fs::read(&path)?,
        None => {
            use std::io::Read;
            let mut text = Vec::new();
            std::io::stdin().read_to_end(&mut text)?;
            text
        }
    };
    let document: serde_json::Value = serde_json::from_slice(&text)?;
    db::create_database_if_missing(&settings.database_url).await?;
    db::migrate(&settings.database_url).await?;
    let pool = pool(settings)?;
    let mut conn = pool.get().await?;
    let counts = db::backup::import(&mut conn, &document).await?;
    let rows: usize = counts.iter().map(|(_, n)| n).sum();
    eprintln!("imported {rows} rows into {} tables", counts.len());
    Ok(())
}

/// Spells out an operation's error, with its field errors, for a terminal.
fn describe(error: &crate::error::AppError) -> String {
    let problem = error.problem();
    let mut text = problem.detail;
    for field in problem.errors.unwrap_or_default() {
        text.push_str(&format!("\n  {}: {}", field.field, field.message));
    }
    // Clients never see the cause of an internal error; the operator should.
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    text
}

/// DEMO_PASSWORD when set (and long enough), otherwise a random password.
fn demo_password_or_random(given: Option<String>) -> Result<String, BoxError> {
    match given.filter(|p| !p.is_empty()) {
        None => Ok(demo::random_password()),
        Some(p) if p.chars().count() < PASSWORD_MIN => {
            Err(format!("DEMO_PASSWORD must be at least {PASSWORD_MIN} characters").into())
        }
        Some(p) => Ok(p),
    }
}

fn read_password() -> Result<SecretString, BoxError> {
    if let Ok(password) = std::env::var("USER_PASSWORD") {
        return Ok(SecretString::from(password));
    }
    if std::io::stdin().is_terminal() {
        eprintln!("password (then Enter):");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

fn pool(settings: &Settings) -> Result<Pool, BoxError> {
    db::pool(
        &settings.database_url,
        settings.database_pool_size,
        Duration::from_millis(settings.database_timeout_ms),
    )
}

async fn serve(
    settings: Settings,
    demo: bool,
    demo_password: Option<String>,
) -> Result<(), BoxError> {
    let secret = settings.signing_secret(demo)?;
    // Before anything records, so that nothing is lost.
    let recorder = match settings.metrics_addr.clone().filter(|a| !a.is_empty()) {
        Some(addr) => Some((addr, telemetry::metrics::install(db::WAIT_SECONDS)?)),
        None => None,
    };
    let demo_password = if demo {
        Some(demo_password_or_random(demo_password)?)
    } else {
        None
    };
    if demo && db::create_database_if_missing(&settings.database_url).await? {
        tracing::info!("created the database");
    }
    let applied = db::migrate(&settings.database_url).await?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied migrations");
    }
    let pool = pool(&settings)?;
    let clock = Clock::system(settings.time_zone);
    if let Some(password) = demo_password {
        let secret_password = SecretString::from(password.clone());
        if demo::load(&pool, &secret_password, &clock).await? {
            tracing::info!("loaded the demo data");
        }
        demo::reset_passwords(&pool, &secret_password).await?;
        println!(
            "\nDelivery Plan Tracker demo on http://{}  (API docs: http://{}/docs/)\n\n{}",
            settings.bind_addr,
            settings.bind_addr,
            demo::credentials_table(&password)
        );
    }
    tokio::task::spawn_blocking(password::warm_up).await?;

    let metrics = match recorder {
        Some((addr, recorder)) => Some(metrics_listener(&addr, recorder, &pool)?),
        None => None,
    };
    let (links, worker) = start_worker(&settings, &secret, &pool, &clock)?;
    let state = web::Data::new(app_state(&settings, demo, &secret, pool, clock, links)?);
    if state.reads.has_replica() {
        let watched = state.clone();
        tokio::spawn(async move { watched.reads.watch(REPLICA_WATCH).await });
    }
    let origins = settings.cors_allowed_origins.clone();
    let mut server =
        HttpServer::new(move || server::app(state.clone(), origins.clone())).shutdown_timeout(30);
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    let server = server.bind(&settings.bind_addr)?;
    tracing::info!(addr = %settings.bind_addr, "listening");
    server.run().await?;
    if let Some(worker) = worker {
        worker.stop().await;
    }
    if let Some(metrics) = metrics {
        metrics.stop(true).await;
    }
    Ok(())
}

/// Starts the metrics listener on `addr` (METRICS_ADDR); it runs until
/// stopped through the handle, after the public listener.
fn metrics_listener(
    addr: &str,
    recorder: metrics_exporter_prometheus::PrometheusHandle,
    pool: &Pool,
) -> Result<ServerHandle, BoxError> {
    let saturation = std::sync::Arc::new(Saturation::new(
        pool.clone(),
        &[mail::JOB_KIND, webhooks::KIND],
    ));
    let refresh: telemetry::metrics::Refresh = std::sync::Arc::new(move || {
        let saturation = saturation.clone();
        Box::pin(async move { saturation.record().await })
    });
    let listener = telemetry::metrics::listener(addr, recorder, refresh)?;
    let handle = listener.handle();
    actix_web::rt::spawn(listener);
    tracing::info!(addr, "metrics listening");
    Ok(handle)
}

/// What every request handler shares, from the settings.
fn app_state(
    settings: &Settings,
    demo: bool,
    secret: &[u8],
    pool: Pool,
    clock: Clock,
    links: std::sync::Arc<MailLinks>,
) -> Result<AppState, BoxError> {
    Ok(AppState {
        reads: reads(settings, &pool)?,
        pool,
        clock,
        identity: Identity {
            jwt: JwtKeys::new(
                secret,
                &settings.jwt_issuer,
                &settings.jwt_audience,
                settings.access_token_ttl_secs,
            ),
            refresh_ttl_secs: settings.refresh_token_ttl_secs,
            login_throttle: login_throttle(settings),
            sessions: SessionLifetimes {
                idle: chrono::Duration::minutes(settings.session_idle_minutes),
                absolute: chrono::Duration::hours(settings.session_lifetime_hours),
            },
        },
        pages: PageSettings {
            cookie_secure: settings.cookie_secure(demo),
            demo_accounts: if demo { demo::users() } else { Vec::new() },
        },
        stale_days: settings.stale_days,
        priority_response_days: settings.priority_response_days,
        trust_forwarded: settings.trust_forwarded_for,
        mail: links,
        webhooks: webhook_targets(settings),
        view_cache: ViewCache::new(settings.view_cache_mb),
    })
}

/// Reads from the primary, or from the replica when one is configured.
fn reads(settings: &Settings, primary: &Pool) -> Result<Reads, BoxError> {
    let Some(url) = &settings.database_read_url else {
        return Ok(Reads::primary_only(primary.clone()));
    };
    let replica = db::pool(
        url,
        settings.database_pool_size,
        Duration::from_millis(settings.database_timeout_ms),
    )?;
    Ok(Reads::with_replica(
        primary.clone(),
        replica,
        Duration::from_millis(settings.database_read_max_lag_ms),
    ))
}

/// How often the replica's distance behind the primary is looked at.
const REPLICA_WATCH: Duration = Duration::from_millis(250);

/// The sign-in limits from the settings.
fn login_throttle(settings: &Settings) -> LoginThrottle {
    LoginThrottle::new(
        settings.login_max_failures,
        settings.login_address_max_failures,
        std::time::Duration::from_secs(settings.login_lockout_secs),
    )
}

/// The links mail carries, and this instance's worker (unless RUN_JOBS
/// is off): it sends mail when mail is configured (otherwise mail stays
/// queued) and decides the update-due reminders. Refuses SMTP_URL without
/// MAIL_FROM and the reverse.
fn start_worker(
    settings: &Settings,
    secret: &[u8],
    pool: &Pool,
    clock: &Clock,
) -> Result<(std::sync::Arc<MailLinks>, Option<Worker>), BoxError> {
    let links = MailLinks::new(&settings.public_url(), secret);
    let mut work = jobs::Work::default();
    work.periodic
        .push(ForgetSignInFailures::new(&login_throttle(settings)));
    match settings.mail()? {
        Some((url, from)) => {
            let mailer = SmtpMailer::new(pool.clone(), &url, &from, &links.domain())?;
            work.handlers
                .insert(mail::JOB_KIND, std::sync::Arc::new(mailer));
        }
        None => tracing::info!(
            "mail is off (no SMTP_URL): notices are queued and go once mail is configured"
        ),
    }
    work.periodic
        .push(std::sync::Arc::new(UpdateDueReminders::new(
            links.clone(),
            clock.clone(),
            settings.update_due_days,
            Duration::from_secs(15 * 60),
        )));
    let targets = webhook_targets(settings);
    let deliveries = webhooks::DeliverySettings::new(
        AddressPolicy {
            allow_http: targets.allow_http,
            allow_private: targets.allow_private,
        },
        settings.webhook_disable_after_hours,
    );
    work.handlers.insert(
        webhooks::KIND,
        webhooks::Deliveries::new(pool.clone(), deliveries),
    );
    work.periodic.push(webhooks::Enqueuer::new(&deliveries));
    let worker = settings.run_jobs.then(|| Worker::start(pool, work));
    Ok((links, worker))
}

/// Which webhook targets the settings allow beyond public https ones.
fn webhook_targets(settings: &Settings) -> WebhookTargets {
    WebhookTargets {
        allow_http: settings.webhook_allow_http,
        allow_private: settings.webhook_allow_private_addresses,
    }
}

/// This instance's worker for queued work.
struct Worker {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    fn start(pool: &Pool, work: jobs::Work) -> Worker {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let name = format!("{}:{}", hostname(), std::process::id());
        let task = tokio::spawn(jobs::run(
            pool.clone(),
            work,
            jobs::WorkerSettings::named(name),
            stopped,
        ));
        Worker { stop, task }
    }

    /// Lets the job in hand finish and hands back the rest: called once
    /// the server has drained its requests after a stop signal (SIGTERM,
    /// SIGINT).
    async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(std::time::Duration::from_secs(30), self.task)
            .await
            .is_err()
        {
            tracing::warn!("the job worker did not stop in time; its leases will run out");
        }
    }
}

/// This machine's name, to tell instances' workers apart in the queue.
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| "instance".to_owned())
}
