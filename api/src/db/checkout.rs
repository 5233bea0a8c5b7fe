//! The pool of connections, timing each wait for a connection: every
//! operation takes its connection with `pool.get()`, so this one place
//! measures how long requests queue for the database.

use std::time::Instant;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool as pooled;

/// What the pool is built from.
pub type Inner = pooled::Pool<AsyncPgConnection>;

/// The name of the histogram of waits for a connection, in seconds.
pub const WAIT_SECONDS: &str = "db_pool_wait_seconds";

/// The pool of database connections. Everything but `get` is the pool's
/// own (`status`, `close`, ...), through `Deref`.
#[derive(Clone)]
pub struct Pool(Inner);

impl Pool {
    /// Wraps a built pool.
    pub fn new(inner: Inner) -> Pool {
        Pool(inner)
    }

    /// A connection, once one is free (or the pool's wait timeout); the
    /// wait is recorded whether or not one came.
    pub async fn get(&self) -> Result<pooled::Object<AsyncPgConnection>, pooled::PoolError> {
        let started = Instant::now();
        let conn = self.0.get().await;
        metrics::histogram!(WAIT_SECONDS).record(started.elapsed().as_secs_f64());
        conn
    }
}

impl std::ops::Deref for Pool {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
