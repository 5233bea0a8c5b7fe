//! The queue of work to deliver: enqueued inside the transaction of the
//! change that causes it, claimed by workers with `FOR UPDATE SKIP LOCKED`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Interval, Text};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::jobs;
use crate::domain::JobState;
use crate::paging::PageRequest;

/// A job as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Serialize)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
pub struct Job {
    pub(crate) id: Uuid,
    pub(crate) kind: String,
    pub(crate) payload: serde_json::Value,
    pub(crate) idempotency_key: String,
    pub(crate) state: JobState,
    pub(crate) run_at: DateTime<Utc>,
    pub(crate) attempts: i32,
    pub(crate) max_attempts: i32,
    pub(crate) locked_by: Option<String>,
    pub(crate) locked_until: Option<DateTime<Utc>>,
    pub(crate) last_error: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) finished_at: Option<DateTime<Utc>>,
}

impl Job {
    /// The id, which receivers see as the delivery's id.
    pub fn id(&self) -> Uuid {
        self.id
    }
    /// What kind of work it is (`mail`, `webhook`, ...).
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// What the work needs.
    pub fn payload(&self) -> &serde_json::Value {
        &self.payload
    }
    /// The key that names the work, sent with it so a receiver can drop a
    /// repeat.
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }
    /// Attempts made, this one included while it runs.
    pub fn attempts(&self) -> i32 {
        self.attempts
    }
}

/// Work to enqueue.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob {
    pub(crate) id: Uuid,
    pub(crate) kind: String,
    pub(crate) payload: serde_json::Value,
    pub(crate) idempotency_key: String,
    pub(crate) run_at: DateTime<Utc>,
    pub(crate) max_attempts: i32,
}

/// Stores a job unless one with its idempotency key exists; whether it
/// was stored.
pub async fn enqueue(conn: &mut Conn, job: &NewJob) -> QueryResult<bool> {
    let stored = diesel::insert_into(jobs::table)
        .values(job)
        .on_conflict(jobs::idempotency_key)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(stored == 1)
}

/// Claims up to `limit` jobs that are due, or running under a lease that
/// ran out, for `worker` until `lease` from now; each claim counts as an
/// attempt. Rows another worker is claiming are skipped, not waited for.
/// Only jobs of `kinds` are claimed: work this worker cannot do (mail
/// while no mail server is set) stays queued for one that can.
pub async fn claim(
    conn: &mut Conn,
    worker: &str,
    kinds: &[&str],
    lease: std::time::Duration,
    limit: i64,
) -> QueryResult<Vec<Job>> {
    let lease = diesel::data_types::PgInterval::from_microseconds(
        i64::try_from(lease.as_micros()).unwrap_or(i64::MAX),
    );
    diesel::sql_query(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1,
                locked_by = $1, locked_until = now() + $2
          WHERE id IN (
                SELECT id FROM jobs
                 WHERE ((state = 'queued' AND run_at <= now())
                        OR (state = 'running' AND locked_until < now()))
                   AND kind = ANY ($4)
                 ORDER BY run_at, id
                 LIMIT $3
                   FOR UPDATE SKIP LOCKED)
      RETURNING *",
    )
    .bind::<Text, _>(worker)
    .bind::<Interval, _>(lease)
    .bind::<BigInt, _>(limit)
    .bind::<Array<Text>, _>(kinds)
    .load::<Job>(conn)
    .await
    .map(|mut claimed| {
        // RETURNING keeps no order: work them in the order they fell due.
        claimed.sort_by_key(|j| (j.run_at, j.id));
        claimed
    })
}

/// Extends the lease of a job `worker` is still running, so that only a
/// worker that stopped loses its jobs; whether it still held the job.
pub async fn extend(
    conn: &mut Conn,
    id: Uuid,
    worker: &str,
    lease: std::time::Duration,
) -> QueryResult<bool> {
    let lease = diesel::data_types::PgInterval::from_microseconds(
        i64::try_from(lease.as_micros()).unwrap_or(i64::MAX),
    );
    let held = diesel::sql_query(
        "UPDATE jobs SET locked_until = now() + $3
          WHERE id = $1 AND state = 'running' AND locked_by = $2",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<Text, _>(worker)
    .bind::<Interval, _>(lease)
    .execute(conn)
    .await?;
    Ok(held == 1)
}

/// Marks a job its worker finished as done.
pub async fn complete(conn: &mut Conn, id: Uuid, worker: &str) -> QueryResult<bool> {
    let done = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::state.eq(JobState::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set((
        jobs::state.eq(JobState::Done),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_until.eq(None::<DateTime<Utc>>),
        jobs::finished_at.eq(diesel::dsl::now),
        jobs::last_error.eq(None::<String>),
    ))
    .execute(conn)
    .await?;
    Ok(done == 1)
}

/// Puts a job that failed back in the queue, due at `run_at`.
pub async fn retry_at(
    conn: &mut Conn,
    id: Uuid,
    worker: &str,
    run_at: DateTime<Utc>,
    error: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::state.eq(JobState::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set((
        jobs::state.eq(JobState::Queued),
        jobs::run_at.eq(run_at),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_until.eq(None::<DateTime<Utc>>),
        jobs::last_error.eq(error),
    ))
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// Parks a job whose attempts are spent, with its last error.
pub async fn bury(conn: &mut Conn, id: Uuid, worker: &str, error: &str) -> QueryResult<bool> {
    let changed = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::state.eq(JobState::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set((
        jobs::state.eq(JobState::Dead),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_until.eq(None::<DateTime<Utc>>),
        jobs::last_error.eq(error),
        jobs::finished_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// Hands back a worker's unfinished jobs when it stops, without counting
/// the attempt it could not finish.
pub async fn release(conn: &mut Conn, worker: &str) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0),
                locked_by = NULL, locked_until = NULL
          WHERE state = 'running' AND locked_by = $1",
    )
    .bind::<Text, _>(worker)
    .execute(conn)
    .await
}

/// One job.
pub async fn find(conn: &mut Conn, id: Uuid) -> QueryResult<Job> {
    jobs::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
        .await
}

/// One job, locked for a change until the transaction ends.
pub async fn find_for_update(conn: &mut Conn, id: Uuid) -> QueryResult<Job> {
    jobs::table
        .find(id)
        .select(Job::as_select())
        .for_update()
        .first(conn)
        .await
}

/// Queues a dead job again with its attempts restored.
pub async fn revive(conn: &mut Conn, id: Uuid) -> QueryResult<Job> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::state.eq(JobState::Queued),
            jobs::attempts.eq(0),
            jobs::run_at.eq(diesel::dsl::now),
            jobs::finished_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Job::as_returning())
        .get_result(conn)
        .await
}

/// Lists are ordered by id (creation order).
pub type JobKey = Uuid;

/// A page of jobs, of one state when given.
pub async fn list(
    conn: &mut Conn,
    state: Option<JobState>,
    page: &PageRequest<JobKey>,
) -> QueryResult<Vec<Job>> {
    let mut query = jobs::table
        .select(Job::as_select())
        .order(jobs::id)
        .limit(page.fetch())
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(jobs::state.eq(state));
    }
    if let Some(since) = page.updated_since {
        query = query.filter(jobs::created_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(jobs::id.gt(after));
    }
    query.load(conn).await
}

/// How many jobs are queued, and how long the oldest due one has waited.
pub async fn depth(conn: &mut Conn) -> QueryResult<(i64, Option<DateTime<Utc>>)> {
    jobs::table
        .filter(jobs::state.eq(JobState::Queued))
        .select((diesel::dsl::count_star(), diesel::dsl::min(jobs::run_at)))
        .first(conn)
        .await
}

/// Forgets jobs done before `before`; how many.
pub async fn prune_done(conn: &mut Conn, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::state.eq(JobState::Done))
            .filter(jobs::finished_at.lt(before)),
    )
    .execute(conn)
    .await
}

/// The queue's state for one kind of work.
#[derive(Debug, Clone, QueryableByName)]
pub struct KindLoad {
    /// The kind of work.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// Jobs waiting, due or not.
    #[diesel(sql_type = BigInt)]
    pub queued: i64,
    /// Seconds the longest-waiting due job has waited since it fell due
    /// (0 when none is due).
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub oldest_due_seconds: f64,
    /// Jobs a worker holds now.
    #[diesel(sql_type = BigInt)]
    pub running: i64,
    /// Jobs that failed every attempt.
    #[diesel(sql_type = BigInt)]
    pub dead: i64,
}

/// The queue's state by kind, in one pass over the jobs not done.
pub async fn load_by_kind(conn: &mut Conn) -> QueryResult<Vec<KindLoad>> {
    diesel::sql_query(
        "SELECT kind,
                count(*) FILTER (WHERE state = 'queued') AS queued,
                coalesce(extract(epoch FROM now() - min(run_at)
                         FILTER (WHERE state = 'queued' AND run_at <= now())), 0)::float8
                    AS oldest_due_seconds,
                count(*) FILTER (WHERE state = 'running') AS running,
                count(*) FILTER (WHERE state = 'dead') AS dead
           FROM jobs
          WHERE state IN ('queued', 'running', 'dead')
          GROUP BY kind
          ORDER BY kind",
    )
    .load(conn)
    .await
}
