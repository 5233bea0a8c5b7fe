//! Whether the service can do its work: the readiness probe's question.

use crate::db::{self, Pool};

/// Whether the database answers a trivial query.
pub async fn database_ready(pool: &Pool) -> bool {
    db::ping(pool).await
}
