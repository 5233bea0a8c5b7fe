//! Failed sign-ins, counted where every instance sees them. Each count is
//! one statement on one row, so failures arriving at several instances at
//! once are all counted, and exactly one of them sets the lock.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Integer, Interval, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;

use super::Conn;

/// What is counted: the account tried or the client's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The email tried, whether or not an account has it.
    Account,
    /// The client's address.
    Address,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
        }
    }
}

/// What is stored for a key: its SHA-256, so the table holds no email or
/// client address as typed, only what recognises the same one again.
fn digest(key: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn interval(duration: std::time::Duration) -> diesel::data_types::PgInterval {
    diesel::data_types::PgInterval::from_microseconds(
        i64::try_from(duration.as_micros()).unwrap_or(i64::MAX),
    )
}

#[derive(QueryableByName)]
struct Until {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    locked_until: Option<DateTime<Utc>>,
}

/// Until when the key is locked, if it is now.
pub async fn locked_until(
    conn: &mut Conn,
    scope: Scope,
    key: &str,
) -> diesel::QueryResult<Option<DateTime<Utc>>> {
    let rows = diesel::sql_query(
        "SELECT locked_until FROM sign_in_failures
          WHERE scope = $1 AND key = $2 AND locked_until > now()",
    )
    .bind::<Text, _>(scope.as_str())
    .bind::<Text, _>(digest(key))
    .load::<Until>(conn)
    .await?;
    Ok(rows.into_iter().next().and_then(|r| r.locked_until))
}

#[derive(QueryableByName)]
struct Failures {
    #[diesel(sql_type = Integer)]
    failures: i32,
}

/// Counts a failure of `key`: a count whose window began more than
/// `window` ago starts again, and the `max_failures`th failure within it
/// locks the key for `lockout` and starts the count again. The end of the
/// lock, when this failure set it.
pub async fn fail(
    conn: &mut Conn,
    scope: Scope,
    key: &str,
    max_failures: i32,
    window: std::time::Duration,
    lockout: std::time::Duration,
) -> diesel::QueryResult<Option<DateTime<Utc>>> {
    let counted = diesel::sql_query(
        "INSERT INTO sign_in_failures AS f (scope, key, failures, window_began_at)
         VALUES ($1, $2, 1, now())
         ON CONFLICT (scope, key) DO UPDATE SET
             failures = CASE WHEN f.window_began_at <= now() - $3 THEN 1 ELSE f.failures + 1 END,
             window_began_at = CASE WHEN f.window_began_at <= now() - $3 THEN now()
                                    ELSE f.window_began_at END
         RETURNING failures",
    )
    .bind::<Text, _>(scope.as_str())
    .bind::<Text, _>(digest(key))
    .bind::<Interval, _>(interval(window))
    .get_result::<Failures>(conn)
    .await?;
    if counted.failures < max_failures {
        return Ok(None);
    }
    // Of failures counted at once on several instances, the first to get
    // here locks; the row lock makes the others see the count started again.
    let locked = diesel::sql_query(
        "UPDATE sign_in_failures
            SET failures = 0, window_began_at = now(), locked_until = now() + $4
          WHERE scope = $1 AND key = $2 AND failures >= $3
      RETURNING locked_until",
    )
    .bind::<Text, _>(scope.as_str())
    .bind::<Text, _>(digest(key))
    .bind::<Integer, _>(max_failures)
    .bind::<Interval, _>(interval(lockout))
    .load::<Until>(conn)
    .await?;
    Ok(locked.into_iter().next().and_then(|r| r.locked_until))
}

/// Forgets the key's failures after a successful sign-in (not its lock:
/// a locked key never gets as far as a success).
pub async fn succeed(conn: &mut Conn, scope: Scope, key: &str) -> diesel::QueryResult<usize> {
    diesel::sql_query("DELETE FROM sign_in_failures WHERE scope = $1 AND key = $2")
        .bind::<Text, _>(scope.as_str())
        .bind::<Text, _>(digest(key))
        .execute(conn)
        .await
}

/// Forgets keys whose window began more than `keep` ago and that are not
/// locked; how many.
pub async fn forget_older_than(
    conn: &mut Conn,
    keep: std::time::Duration,
) -> diesel::QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM sign_in_failures
          WHERE window_began_at < now() - $1
            AND (locked_until IS NULL OR locked_until < now())",
    )
    .bind::<Interval, _>(interval(keep))
    .execute(conn)
    .await
}
