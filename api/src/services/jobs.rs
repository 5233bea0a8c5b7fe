//! Delivering queued work: the worker every instance runs, and the
//! administrators' view of work that failed.
//!
//! A worker claims due jobs in small batches, runs each with the handler
//! for its kind, and marks it done, schedules a retry with backoff, or
//! parks it as dead. It stops claiming when told to stop, lets the jobs
//! in hand finish (or hands them back), and returns; a worker that dies
//! instead leaves leases that run out, and any worker claims those jobs
//! again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::audit::{Change, Event, audit};
use super::context::{Ctx, authorize, missing};
use crate::db::jobs::{self as store, Job, NewJob};
use crate::db::{Conn, Pool};
use crate::domain::jobs::{AfterFailure, Backoff};
use crate::domain::{Entity, JobState, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

/// Work to enqueue in the caller's transaction.
#[derive(Debug, Clone)]
pub struct Enqueue {
    /// Which handler runs it.
    pub kind: &'static str,
    /// Names the work: the same key twice stores one job.
    pub key: String,
    /// What the handler needs.
    pub payload: serde_json::Value,
    /// Not before.
    pub run_at: chrono::DateTime<Utc>,
    /// Attempts before it is parked as dead; `MAX_ATTEMPTS` when absent.
    pub max_attempts: Option<i32>,
}

/// Most attempts before a job is parked as dead.
pub const MAX_ATTEMPTS: i32 = 10;

/// Stores work to do after the caller's change, in the caller's
/// transaction: it exists exactly when the change commits. Whether it was
/// new (false: the same work was already queued).
pub async fn enqueue(conn: &mut Conn, work: Enqueue) -> Result<bool, AppError> {
    let job = NewJob {
        id: Uuid::now_v7(),
        kind: work.kind.to_owned(),
        payload: work.payload,
        idempotency_key: work.key,
        run_at: work.run_at,
        max_attempts: work.max_attempts.unwrap_or(MAX_ATTEMPTS).max(1),
    };
    Ok(store::enqueue(conn, &job).await?)
}

/// Runs the jobs of one kind. An error is the reason the attempt failed,
/// kept as the job's last error.
pub trait Handler: Send + Sync {
    /// Does the work of `job`.
    fn handle<'a>(
        &'a self,
        job: &'a Job,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Work each instance does on a schedule: deciding which reminders are
/// due, noticing webhook endpoints behind the change feed. Every instance
/// runs it, so it must decide in the database (a unique key, a row lock)
/// that what it starts is started once.
pub trait Periodic: Send + Sync {
    /// Names it in logs.
    fn name(&self) -> &'static str;
    /// How often it runs.
    fn every(&self) -> Duration;
    /// Runs it once.
    fn run<'a>(
        &'a self,
        pool: &'a Pool,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;
}

/// What a worker does: the handlers of the kinds of job it claims, and
/// the work it does on a schedule.
#[derive(Default, Clone)]
pub struct Work {
    /// By job kind; jobs of other kinds are left for workers that have one.
    pub handlers: Handlers,
    /// Run every so often, each on its own interval.
    pub periodic: Vec<Arc<dyn Periodic>>,
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Names the worker in the jobs it holds (instance and process).
    pub name: String,
    /// How long a claim lasts unless renewed; the worker renews it while
    /// the job runs, so a job whose worker stopped is claimed again after
    /// at most this long.
    pub lease: Duration,
    /// How long to wait between polls when there is nothing to do.
    pub idle: Duration,
    /// Jobs claimed at once.
    pub batch: i64,
    /// How retries are spaced.
    pub backoff: Backoff,
    /// How long done jobs are kept.
    pub keep_done: Duration,
}

impl WorkerSettings {
    /// Settings for a worker named after this host and process.
    pub fn named(name: impl Into<String>) -> WorkerSettings {
        WorkerSettings {
            name: name.into(),
            // Renewed while the job runs (`heartbeat`), so it bounds how
            // long a stopped worker's jobs wait, not how long a job may take.
            lease: Duration::from_secs(60),
            idle: Duration::from_secs(2),
            batch: 10,
            backoff: Backoff::default(),
            keep_done: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// The handlers, by job kind.
pub type Handlers = HashMap<&'static str, Arc<dyn Handler>>;

/// A number between 0 and 1 from the operating system, to spread retries.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

/// Claims and runs jobs, and does the periodic work when due, until
/// `stop` turns true; then hands back what it holds and returns.
pub async fn run(
    pool: Pool,
    work: Work,
    settings: WorkerSettings,
    mut stop: watch::Receiver<bool>,
) {
    let mut last_prune = std::time::Instant::now();
    let mut last_run: Vec<Option<std::time::Instant>> = vec![None; work.periodic.len()];
    while !*stop.borrow() {
        for (task, last) in work.periodic.iter().zip(last_run.iter_mut()) {
            if last.is_none_or(|at| at.elapsed() >= task.every()) {
                *last = Some(std::time::Instant::now());
                if let Err(error) = task.run(&pool).await {
                    tracing::warn!(%error, task = task.name(), "periodic work failed; it runs again later");
                }
            }
        }
        let worked = match step(&pool, &work.handlers, &settings, &stop).await {
            Ok(n) => n,
            Err(error) => {
                tracing::warn!(%error, "job worker could not reach the queue");
                0
            }
        };
        if last_prune.elapsed() > Duration::from_secs(3600) {
            last_prune = std::time::Instant::now();
            if let Err(error) = prune(&pool, &settings).await {
                tracing::warn!(%error, "could not forget old jobs");
            }
        }
        if worked == 0 {
            let _ = tokio::time::timeout(settings.idle, stop.changed()).await;
        }
    }
    match pool.get().await {
        Ok(mut conn) => {
            if let Err(error) = store::release(&mut conn, &settings.name).await {
                tracing::warn!(%error, "could not hand back unfinished jobs");
            }
        }
        Err(error) => tracing::warn!(%error, "could not hand back unfinished jobs"),
    }
}

async fn prune(pool: &Pool, settings: &WorkerSettings) -> Result<(), AppError> {
    let mut conn = pool.get().await?;
    let keep = chrono::Duration::from_std(settings.keep_done).unwrap_or(chrono::Duration::MAX);
    store::prune_done(&mut conn, Utc::now() - keep).await?;
    Ok(())
}

/// Claims one batch and runs it; how many jobs it held. Jobs not started
/// when `stop` turns true are left for `run` to hand back.
pub async fn step(
    pool: &Pool,
    handlers: &Handlers,
    settings: &WorkerSettings,
    stop: &watch::Receiver<bool>,
) -> Result<usize, AppError> {
    if handlers.is_empty() {
        return Ok(0);
    }
    let kinds: Vec<&str> = handlers.keys().copied().collect();
    let claimed = {
        let mut conn = pool.get().await?;
        store::claim(
            &mut conn,
            &settings.name,
            &kinds,
            settings.lease,
            settings.batch,
        )
        .await?
    };
    let count = claimed.len();
    for job in claimed {
        if *stop.borrow() {
            break;
        }
        let outcome = if job.attempts > job.max_attempts {
            // Claimed again after each lease ran out: its worker never
            // finished it.
            Err("the worker stopped before finishing it, on every attempt".to_owned())
        } else {
            match handlers.get(job.kind.as_str()) {
                Some(handler) => heartbeat(pool, settings, &job, handler.handle(&job)).await,
                None => Err(format!("no handler for jobs of kind {}", job.kind)),
            }
        };
        settle(pool, settings, &job, outcome).await?;
    }
    Ok(count)
}

/// Runs `work`, extending the job's lease every third of it meanwhile: a
/// lease outlives its worker by less than one lease, however long the
/// work takes while the worker lives.
async fn heartbeat(
    pool: &Pool,
    settings: &WorkerSettings,
    job: &Job,
    work: impl Future<Output = Result<(), String>>,
) -> Result<(), String> {
    let mut work = std::pin::pin!(work);
    let every = settings.lease / 3;
    loop {
        tokio::select! {
            outcome = &mut work => return outcome,
            () = tokio::time::sleep(every) => {
                let extended = match pool.get().await {
                    Ok(mut conn) => store::extend(&mut conn, job.id, &settings.name, settings.lease).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(error) = extended {
                    tracing::warn!(job = %job.id, %error, "could not extend the job's lease");
                }
            }
        }
    }
}

/// Records how an attempt ended.
async fn settle(
    pool: &Pool,
    settings: &WorkerSettings,
    job: &Job,
    outcome: Result<(), String>,
) -> Result<(), AppError> {
    let mut conn = pool.get().await?;
    let name = &settings.name;
    match outcome {
        Ok(()) => {
            store::complete(&mut conn, job.id, name).await?;
        }
        Err(error) => {
            let attempts = u32::try_from(job.attempts).unwrap_or(0);
            let max = u32::try_from(job.max_attempts).unwrap_or(1);
            match settings.backoff.after_failure(attempts, max, jitter()) {
                AfterFailure::RetryIn(wait) => {
                    let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                    tracing::info!(job = %job.id, kind = %job.kind, attempts, %error, "job failed; will retry");
                    store::retry_at(&mut conn, job.id, name, Utc::now() + wait, &error).await?;
                }
                AfterFailure::Dead => {
                    tracing::warn!(job = %job.id, kind = %job.kind, attempts, %error, "job failed every attempt; parked as dead");
                    store::bury(&mut conn, job.id, name, &error).await?;
                }
            }
        }
    }
    Ok(())
}

/// A job as administrators read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub(crate) id: Uuid,
    #[schema(example = "mail")]
    pub(crate) kind: String,
    pub(crate) state: JobState,
    /// Names the work; sent with it so receivers can drop a repeat.
    pub(crate) idempotency_key: String,
    pub(crate) attempts: i32,
    pub(crate) max_attempts: i32,
    /// When it is (or was) due.
    pub(crate) run_at: chrono::DateTime<Utc>,
    /// Why the last attempt failed.
    pub(crate) last_error: Option<String>,
    pub(crate) created_at: chrono::DateTime<Utc>,
    pub(crate) finished_at: Option<chrono::DateTime<Utc>>,
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        JobView {
            id: job.id,
            kind: job.kind,
            state: job.state,
            idempotency_key: job.idempotency_key,
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            run_at: job.run_at,
            last_error: job.last_error,
            created_at: job.created_at,
            finished_at: job.finished_at,
        }
    }
}

/// Which jobs a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// Only jobs in this state (`dead` for those that failed every attempt).
    pub(crate) state: Option<JobState>,
}

const FORBIDDEN: &str = "only administrators see and retry queued work";

/// A page of jobs (administrators).
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: JobQuery,
    page: &PageParams,
) -> Result<Page<JobView>, AppError> {
    authorize(permissions::can_manage_jobs(&ctx.actor), FORBIDDEN)?;
    let page = page.request()?;
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, query.state, &page).await?;
    let next = page.page(rows, |j| j.id, |j| j);
    Ok(Page {
        items: next.items.into_iter().map(JobView::from).collect(),
        next_cursor: next.next_cursor,
    })
}

/// One job (administrators).
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<JobView, AppError> {
    authorize(permissions::can_manage_jobs(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    Ok(store::find(&mut conn, id)
        .await
        .map_err(missing("job"))?
        .into())
}

/// Queues a dead job again with its attempts restored (administrators);
/// audited. Only dead jobs can be retried (409 otherwise).
pub async fn retry(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<JobView, AppError> {
    use diesel_async::AsyncConnection;
    authorize(permissions::can_manage_jobs(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    let job = conn
        .transaction(async |conn| {
            let before = store::find_for_update(conn, id)
                .await
                .map_err(missing("job"))?;
            if before.state != JobState::Dead {
                return Err(AppError::Conflict(format!(
                    "only a dead job can be retried; this one is {}",
                    before.state
                )));
            }
            let after = store::revive(conn, id).await?;
            let event = Event {
                entity: Entity::Job,
                entity_id: id,
                change: Change::Update,
            };
            audit(
                conn,
                ctx,
                event,
                Some(&JobView::from(before)),
                Some(&JobView::from(after.clone())),
            )
            .await?;
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(job.into())
}
