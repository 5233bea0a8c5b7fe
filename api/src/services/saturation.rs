//! How full the service's queues are, read when metrics are scraped: the
//! connection pool (from the pool itself) and the job queue (one query).
//! Counting these as they change would touch every request and job; a
//! scrape every few seconds reads the same figures for nearly nothing.

use std::collections::BTreeSet;
use std::sync::Mutex;

use metrics::gauge;

use crate::db::{Pool, jobs};

/// Reads the pool's and the queue's state into gauges.
pub struct Saturation {
    pool: Pool,
    /// Every kind of job seen (and those the instance works), so a kind
    /// whose jobs are all gone reads 0 rather than its last figure.
    kinds: Mutex<BTreeSet<String>>,
}

impl Saturation {
    /// Reads `pool`, and the queue through it; `kinds` are reported even
    /// before any job of theirs exists.
    pub fn new(pool: Pool, kinds: &[&str]) -> Saturation {
        Saturation {
            pool,
            kinds: Mutex::new(kinds.iter().map(|k| (*k).to_owned()).collect()),
        }
    }

    /// Sets the gauges. The pool is read first, so that the connection
    /// the queue's query takes is not counted as in use.
    pub async fn record(&self) {
        let status = self.pool.status();
        gauge!("db_pool_connections_in_use")
            .set(status.size.saturating_sub(status.available) as f64);
        gauge!("db_pool_connections_idle").set(status.available as f64);
        gauge!("db_pool_connections_max").set(status.max_size as f64);
        gauge!("db_pool_waiters").set(status.waiting as f64);
        match self.queue().await {
            Ok(loads) => self.record_queue(loads),
            Err(error) => tracing::warn!(%error, "could not read the job queue for metrics"),
        }
    }

    async fn queue(&self) -> Result<Vec<jobs::KindLoad>, crate::error::AppError> {
        let mut conn = self.pool.get().await?;
        Ok(jobs::load_by_kind(&mut conn).await?)
    }

    fn record_queue(&self, loads: Vec<jobs::KindLoad>) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        let absent: Vec<String> = kinds
            .iter()
            .filter(|k| !loads.iter().any(|l| &l.kind == *k))
            .cloned()
            .collect();
        let zeros = absent.into_iter().map(|kind| jobs::KindLoad {
            kind,
            queued: 0,
            oldest_due_seconds: 0.0,
            running: 0,
            dead: 0,
        });
        for load in loads.into_iter().chain(zeros) {
            let kind = load.kind.clone();
            gauge!("jobs_queued", "kind" => kind.clone()).set(load.queued as f64);
            gauge!("jobs_oldest_due_age_seconds", "kind" => kind.clone())
                .set(load.oldest_due_seconds);
            gauge!("jobs_running", "kind" => kind.clone()).set(load.running as f64);
            gauge!("jobs_dead", "kind" => kind.clone()).set(load.dead as f64);
            kinds.insert(kind);
        }
    }
}
