//! Signed-in browsers, by the digest of their cookie's secret. See the
//! migration for when a session ends.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::Conn;
use super::schema::{browser_sessions, users};
use crate::domain::Role;

/// A new session to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = browser_sessions)]
pub struct NewSession {
    pub(crate) token_hash: Vec<u8>,
    pub(crate) user_id: Uuid,
    pub(crate) csrf_token: String,
    pub(crate) expires_at: DateTime<Utc>,
}

/// A live session and who it signs in, as stored now.
#[derive(Debug, Clone, Queryable)]
pub struct SessionUser {
    pub(crate) csrf_token: String,
    pub(crate) last_seen_at: DateTime<Utc>,
    pub(crate) user_id: Uuid,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) must_change_password: bool,
}

/// Stores a session.
pub async fn insert(conn: &mut Conn, new: &NewSession) -> QueryResult<usize> {
    diesel::insert_into(browser_sessions::table)
        .values(new)
        .execute(conn)
        .await
}

/// The session with this digest if it is live at `now`: not past its
/// absolute expiry, seen since `idle_since`, and its user still active.
pub async fn find_live(
    conn: &mut Conn,
    hash: &[u8],
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> QueryResult<Option<SessionUser>> {
    browser_sessions::table
        .inner_join(users::table)
        .filter(browser_sessions::token_hash.eq(hash))
        .filter(browser_sessions::expires_at.gt(now))
        .filter(browser_sessions::last_seen_at.gt(idle_since))
        .filter(users::active)
        .select((
            browser_sessions::csrf_token,
            browser_sessions::last_seen_at,
            users::id,
            users::name,
            users::role,
            users::organisation_id,
            users::must_change_password,
        ))
        .first(conn)
        .await
        .optional()
}

/// Records that the session was used at `now`, keeping it from idling out.
pub async fn touch(conn: &mut Conn, hash: &[u8], now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(browser_sessions::table.find(hash))
        .set(browser_sessions::last_seen_at.eq(now))
        .execute(conn)
        .await
}

/// Ends one session.
pub async fn delete(conn: &mut Conn, hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(browser_sessions::table.find(hash))
        .execute(conn)
        .await
}

/// Ends every session of a user.
pub async fn delete_for_user(conn: &mut Conn, user_id: Uuid) -> QueryResult<usize> {
    diesel::delete(browser_sessions::table.filter(browser_sessions::user_id.eq(user_id)))
        .execute(conn)
        .await
}

/// Ends every way a user is signed in, on every instance: their browser
/// sessions and their refresh tokens. Called in the transaction that
/// deactivates them or changes their password, role or organisation.
pub async fn sign_out_everywhere(conn: &mut Conn, user_id: Uuid) -> QueryResult<()> {
    delete_for_user(conn, user_id).await?;
    super::refresh_tokens::revoke_user(conn, user_id).await?;
    Ok(())
}

/// Forgets sessions that can no longer be used.
pub async fn delete_dead(
    conn: &mut Conn,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(
        browser_sessions::table.filter(
            browser_sessions::expires_at
                .le(now)
                .or(browser_sessions::last_seen_at.le(idle_since)),
        ),
    )
    .execute(conn)
    .await
}
