//! Browser sessions: the web pages' way of being signed in. The cookie
//! holds a random secret; the database holds its digest, the form token
//! that guards the session's writes, and when it was last used, so every
//! instance sees the same sessions and a sign-out anywhere ends them all.

use chrono::{DateTime, Duration, Utc};

use super::auth::{LoginRequest, check_credentials};
use crate::auth::{Identity, opaque};
use crate::db::browser_sessions::{self as store, NewSession};
use crate::db::{Conn, Pool};
use crate::domain::Actor;
use crate::error::AppError;

/// Prefix that makes a leaked session secret recognisable.
const SESSION_PREFIX: &str = "dts_";

/// A session's `last_seen_at` is written at most this often, so reading
/// pages does not write a row per request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A new session: the secret for the cookie (shown once) and the token
/// its forms carry.
#[derive(Debug)]
pub struct Started {
    /// Goes in the cookie; only its digest is stored.
    pub secret: String,
    /// When the session ends, however used.
    pub expires_at: DateTime<Utc>,
    /// The user must change their password before anything else.
    pub must_change_password: bool,
}

/// A live session: who it signs in and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user, as stored now (not as at sign-in).
    pub actor: Actor,
    /// The user's name, for the page header.
    pub name: String,
    /// Every form of this session carries it.
    pub csrf_token: String,
    /// The password was set by an administrator: the user must change it
    /// before anything else.
    pub must_change_password: bool,
}

/// Signs in with email and password, by the same rules and throttle as
/// the API's sign-in, and starts a session.
pub async fn start(
    pool: &Pool,
    identity: &Identity,
    client: &str,
    input: LoginRequest,
) -> Result<Started, AppError> {
    let mut conn = pool.get().await?;
    let user = check_credentials(&mut conn, identity, client, input).await?;
    let (secret, token_hash) = opaque::generate(SESSION_PREFIX);
    let (csrf_token, _) = opaque::generate("");
    let expires_at = Utc::now() + identity.sessions.absolute;
    store::insert(
        &mut conn,
        &NewSession {
            token_hash,
            user_id: user.id,
            csrf_token,
            expires_at,
        },
    )
    .await?;
    forget_dead(&mut conn, identity).await?;
    Ok(Started {
        secret,
        expires_at,
        must_change_password: user.must_change_password,
    })
}

/// The live session this secret names, if any; using it keeps it from
/// idling out.
pub async fn resume(
    pool: &Pool,
    identity: &Identity,
    secret: &str,
) -> Result<Option<Session>, AppError> {
    if !secret.starts_with(SESSION_PREFIX) {
        return Ok(None);
    }
    let hash = opaque::digest(secret);
    let now = Utc::now();
    let mut conn = pool.get().await?;
    let Some(found) = store::find_live(&mut conn, &hash, now, now - identity.sessions.idle).await?
    else {
        return Ok(None);
    };
    if now - found.last_seen_at >= TOUCH_EVERY {
        store::touch(&mut conn, &hash, now).await?;
    }
    Ok(Some(Session {
        actor: Actor::User {
            id: found.user_id,
            role: found.role,
            organisation_id: found.organisation_id,
        },
        name: found.name,
        csrf_token: found.csrf_token,
        must_change_password: found.must_change_password,
    }))
}

/// Ends the session this secret names; an unknown secret is ignored.
pub async fn end(pool: &Pool, secret: &str) -> Result<(), AppError> {
    let mut conn = pool.get().await?;
    store::delete(&mut conn, &opaque::digest(secret)).await?;
    Ok(())
}

/// Sessions that can no longer be used are deleted at each sign-in, so the
/// table holds about as many rows as there are people signed in.
async fn forget_dead(conn: &mut Conn, identity: &Identity) -> Result<(), AppError> {
    let now = Utc::now();
    store::delete_dead(conn, now, now - identity.sessions.idle).await?;
    Ok(())
}
