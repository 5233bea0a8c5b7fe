#![warn(missing_docs)]
//! PostgreSQL access: the connection pool, embedded migrations, and one
//! module per stored entity (row types and their queries).

#[macro_use]
mod record;

pub mod achievements;
pub mod actions;
pub mod api_tokens;
pub mod audit;
pub mod backup;
pub mod browser_sessions;
pub mod changes;
mod checkout;
pub mod indicators;
pub mod jobs;
pub mod mail;
pub mod milestones;
pub mod organisations;
pub mod periods;
pub mod pledges;
pub mod prepared;
pub mod priorities;
pub mod progress_updates;
pub mod reads;
pub mod refresh_tokens;
pub mod review;
pub(crate) mod schema;
pub mod sign_in_failures;
pub mod statements;
pub mod strategies;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use diesel::{Connection, QueryResult};
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use checkout::{Pool, WAIT_SECONDS};
/// One database connection.
pub type Conn = AsyncPgConnection;

/// The migrations, embedded in the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A pool that gives up waiting for, or opening, a connection after
/// `timeout`, so that a database outage turns into quick 503s, not hangs.
pub fn pool(url: &str, size: usize, timeout: Duration) -> Result<Pool, BoxError> {
    let mut config = ManagerConfig::default();
    config.custom_setup = Box::new(|url| Box::pin(connect(url.to_owned())));
    // A connection whose server has gone is known to be closed, and is
    // dropped, without a probe query before every use (a round trip a
    // request; the outage scenario in docs/reliability.md shows recovery
    // without it).
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    let inner = checkout::Inner::builder(manager)
        .max_size(size)
        .wait_timeout(Some(timeout))
        .create_timeout(Some(timeout))
        .recycle_timeout(Some(timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()?;
    Ok(Pool::new(inner))
}

/// Opens a connection for the pool.
///
/// JIT compilation is turned off: it costs more than it saves on this
/// service's queries (the dashboard's action query over 10,000 actions took
/// 194 ms with it, 115 ms without).
///
/// Prepared statements keep one generic plan: by default PostgreSQL plans
/// a statement with array parameters (`= ANY($1)`) anew at every execution,
/// and under load that planning was a fifth of the database's work (GET one
/// action: 5,100 requests/s with re-planning, 6,300 without, on the same
/// data in one run; docs/performance.md).
async fn connect(url: String) -> diesel::ConnectionResult<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(&url).await?;
    diesel::sql_query("SET jit = off")
        .execute(&mut conn)
        .await
        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
    diesel::sql_query("SET plan_cache_mode = force_generic_plan")
        .execute(&mut conn)
        .await
        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
    Ok(conn)
}

/// Applies pending migrations, returning the versions applied.
///
/// Diesel's migration harness is synchronous, so it runs on a blocking thread
/// over a wrapped async connection.
pub async fn migrate(url: &str) -> Result<Vec<String>, BoxError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || -> Result<Vec<String>, BoxError> {
        let mut conn = <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url)?;
        let applied = conn.run_pending_migrations(MIGRATIONS)?;
        Ok(applied.iter().map(ToString::to_string).collect())
    })
    .await?
}

/// Splits a connection URL into the URL of the server's `postgres`
/// maintenance database and the name of the database it points at.
pub fn split_database_url(url: &str) -> Option<(String, String)> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://")? + 3;
    let path_start = authority_start + base[authority_start..].find('/')?;
    let name = &base[path_start + 1..];
    if name.is_empty() {
        return None;
    }
    let mut admin = format!("{}/postgres", &base[..path_start]);
    if let Some(query) = query {
        admin.push('?');
        admin.push_str(query);
    }
    Some((admin, name.to_owned()))
}

/// Quotes a database name for use as an SQL identifier.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates the database `url` points at, if it does not exist yet. Returns
/// whether it was created.
pub async fn create_database_if_missing(url: &str) -> Result<bool, BoxError> {
    let (admin_url, name) = split_database_url(url).ok_or("DATABASE_URL must name a database")?;
    let mut conn = AsyncPgConnection::establish(&admin_url).await?;
    if database_exists(&mut conn, &name).await? {
        return Ok(false);
    }
    match diesel::sql_query(format!("CREATE DATABASE {}", quote_identifier(&name)))
        .execute(&mut conn)
        .await
    {
        Ok(_) => Ok(true),
        // Another process created it meanwhile.
        Err(_) if database_exists(&mut conn, &name).await? => Ok(false),
        Err(error) => Err(error.into()),
    }
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<bool> {
    let found =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result::<Exists>(conn)
            .await?;
    Ok(found.exists)
}

/// The database server's current time (not the transaction's start time).
pub async fn clock(conn: &mut Conn) -> QueryResult<chrono::DateTime<chrono::Utc>> {
    prepared::Prepared(diesel::select(diesel::dsl::sql::<
        diesel::sql_types::Timestamptz,
    >("clock_timestamp()")))
    .get_result(conn)
    .await
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &Pool) -> bool {
    let Ok(mut conn) = pool.get().await else {
        return false;
    };
    diesel::sql_query("SELECT 1")
        .execute(&mut conn)
        .await
        .is_ok()
}

/// A table that links a row to a set of other rows by their ids.
pub struct LinkTable {
    table: &'static str,
    parent: &'static str,
    child: &'static str,
}

/// The organisations that are partners of a strategy.
pub const STRATEGY_PARTNERS: LinkTable = LinkTable {
    table: "strategy_partners",
    parent: "strategy_id",
    child: "organisation_id",
};
/// The organisations supporting an action.
pub const ACTION_SUPPORTERS: LinkTable = LinkTable {
    table: "action_supporters",
    parent: "action_id",
    child: "organisation_id",
};
/// The ambitions and commitments an action serves.
pub const ACTION_STATEMENTS: LinkTable = LinkTable {
    table: "action_statements",
    parent: "action_id",
    child: "statement_id",
};

/// The ambitions and commitments a priority touches.
pub const PRIORITY_STATEMENTS: LinkTable = LinkTable {
    table: "priority_statements",
    parent: "priority_id",
    child: "statement_id",
};
/// The actions that answer a priority.
pub const PRIORITY_ACTIONS: LinkTable = LinkTable {
    table: "priority_actions",
    parent: "priority_id",
    child: "action_id",
};

/// The ambitions and commitments an achievement serves.
pub const ACHIEVEMENT_STATEMENTS: LinkTable = LinkTable {
    table: "achievement_statements",
    parent: "achievement_id",
    child: "statement_id",
};
/// The actions that produced an achievement.
pub const ACHIEVEMENT_ACTIONS: LinkTable = LinkTable {
    table: "achievement_actions",
    parent: "achievement_id",
    child: "action_id",
};

/// Replaces the rows linked to `parent` with exactly `children`. The table
/// and column names are the constants above, never request data.
pub async fn replace_links(
    conn: &mut Conn,
    link: &LinkTable,
    parent: uuid::Uuid,
    children: &[uuid::Uuid],
) -> QueryResult<()> {
    let LinkTable {
        table,
        parent: p,
        child: c,
    } = link;
    diesel::sql_query(format!("DELETE FROM {table} WHERE {p} = $1"))
        .bind::<diesel::sql_types::Uuid, _>(parent)
        .execute(conn)
        .await?;
    diesel::sql_query(format!(
        "INSERT INTO {table} ({p}, {c}) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING"
    ))
    .bind::<diesel::sql_types::Uuid, _>(parent)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(children)
    .execute(conn)
    .await?;
    Ok(())
}

/// Groups `(key, value)` rows by key, keeping their order within a key.
pub fn group<T>(rows: Vec<(uuid::Uuid, T)>) -> std::collections::HashMap<uuid::Uuid, Vec<T>> {
    let mut grouped: std::collections::HashMap<uuid::Uuid, Vec<T>> = Default::default();
    for (key, value) in rows {
        grouped.entry(key).or_default().push(value);
    }
    grouped
}

/// An ILIKE pattern matching `text` anywhere, with its wildcards escaped.
pub fn like_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

/// `text` with the wildcards of a LIKE pattern escaped.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_split_into_server_and_name() {
        assert_eq!(
            split_database_url("postgres://postgres@127.0.0.1:5432/delivery_tracker"),
            Some((
                "postgres://postgres@127.0.0.1:5432/postgres".into(),
                "delivery_tracker".into()
            ))
        );
        assert_eq!(
            split_database_url("postgres://u:p@db/dt?sslmode=disable"),
            Some((
                "postgres://u:p@db/postgres?sslmode=disable".into(),
                "dt".into()
            ))
        );
        assert_eq!(split_database_url("postgres://db"), None);
        assert_eq!(split_database_url("postgres://db/"), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_identifier(r#"a"b"#), r#""a""b""#);
    }
}
