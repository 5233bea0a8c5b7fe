//! Signing in and out: passwords, access tokens, rotating refresh tokens.

use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::{Change, Event, record};
use super::context::{Ctx, missing};
use super::input::validate;
use super::locked::{Target, Written};
use super::users::{UserView, view};
use crate::auth::throttle::Policy;
use crate::auth::{Identity, opaque, password};
use crate::db::browser_sessions;
use crate::db::refresh_tokens::{self, NewRefreshToken};
use crate::db::sign_in_failures::{self, Scope};
use crate::db::users::{self, User, UserChanges};
use crate::db::{Conn, Pool};
use crate::domain::Entity;
use crate::domain::validation::{PASSWORD_MAX, normalise_email, password_policy};
use crate::error::AppError;

/// Prefix that makes a leaked refresh token recognisable to secret scanners.
const REFRESH_PREFIX: &str = "dtr_";

const BAD_CREDENTIALS: &str = "the email or password is incorrect";
const BAD_REFRESH: &str = "the refresh token is invalid, expired or already used; sign in again";

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "chair@example.org")]
    pub(crate) email: String,
    #[schema(value_type = String, format = Password)]
    pub(crate) password: SecretString,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "dtr_Qm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"}))]
pub struct RefreshRequest {
    #[schema(value_type = String, format = Password)]
    pub(crate) refresh_token: SecretString,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "correct-horse-battery-staple", "new_password": "a-longer-and-newer-passphrase"}))]
pub struct ChangePassword {
    #[garde(skip)]
    #[schema(value_type = String, format = Password)]
    pub(crate) current_password: SecretString,
    /// 12 to 128 characters.
    #[garde(custom(password_policy))]
    #[schema(value_type = String, format = Password)]
    pub(crate) new_password: SecretString,
}

/// Tokens for a signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub(crate) access_token: String,
    #[schema(example = "Bearer")]
    pub(crate) token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub(crate) expires_in: i64,
    /// Use once with `POST /api/v1/auth/refresh` for new tokens.
    pub(crate) refresh_token: String,
    /// The password was set by an administrator and must be changed first:
    /// until then these tokens may only read `GET /api/v1/me` and change
    /// the password with `POST /api/v1/me/password` (anything else answers
    /// 403).
    pub(crate) must_change_password: bool,
}

/// Issues an access token and a refresh token in `family` (a new family for
/// a fresh sign-in).
async fn issue(
    conn: &mut Conn,
    identity: &Identity,
    user: &User,
    family_id: Uuid,
) -> Result<TokenResponse, AppError> {
    let mut claims = identity
        .jwt
        .claims_for(user.id, user.role, user.organisation_id);
    claims.must_change_password = user.must_change_password;
    let access_token = identity.jwt.sign(&claims).map_err(AppError::internal)?;
    let (refresh_token, token_hash) = opaque::generate(REFRESH_PREFIX);
    refresh_tokens::insert(
        conn,
        &NewRefreshToken {
            id: Uuid::now_v7(),
            family_id,
            user_id: user.id,
            token_hash,
            expires_at: Utc::now() + Duration::seconds(identity.refresh_ttl_secs),
        },
    )
    .await?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: identity.jwt.ttl_secs,
        refresh_token,
        must_change_password: user.must_change_password,
    })
}

/// Signs in with email and password. An unknown email, a wrong password and
/// a deactivated account get the same answer after the same work. Too many
/// failures lock the email tried, and the client address, for a while
/// (`auth::throttle`); a lock on an existing account is audited.
pub async fn login(
    pool: &Pool,
    identity: &Identity,
    client: &str,
    input: LoginRequest,
) -> Result<TokenResponse, AppError> {
    let mut conn = pool.get().await?;
    let user = check_credentials(&mut conn, identity, client, input).await?;
    issue(&mut conn, identity, &user, Uuid::now_v7()).await
}

/// The active account these credentials sign in, by the rules of
/// [`login`]; both doors sign in through it.
pub(crate) async fn check_credentials(
    conn: &mut Conn,
    identity: &Identity,
    client: &str,
    input: LoginRequest,
) -> Result<User, AppError> {
    use secrecy::ExposeSecret;
    // Refuse absurd input before hashing it, so it cannot be used to burn CPU.
    if input.password.expose_secret().len() > PASSWORD_MAX * 4 || input.email.len() > 254 {
        return Err(AppError::Unauthorized(BAD_CREDENTIALS.into()));
    }
    let email = normalise_email(&input.email);
    let throttle = identity.login_throttle;
    let locked = [
        sign_in_failures::locked_until(conn, Scope::Account, &email).await?,
        sign_in_failures::locked_until(conn, Scope::Address, client).await?,
    ];
    if let Some(until) = locked.into_iter().flatten().max() {
        let wait = (until - Utc::now()).num_seconds();
        return Err(AppError::TooManyRequests {
            retry_after_secs: u64::try_from(wait).unwrap_or(0).max(1),
        });
    }
    let user = users::find_by_email(conn, &email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(stored, input.password).await?;
    match user {
        Some(user) if matches && user.active => {
            sign_in_failures::succeed(conn, Scope::Account, &email).await?;
            Ok(user)
        }
        user => {
            let account = count_failure(conn, throttle.accounts, Scope::Account, &email).await?;
            if let (Some(until), Some(user)) = (account, user) {
                record_lockout(conn, &user, until).await?;
            }
            if count_failure(conn, throttle.addresses, Scope::Address, client)
                .await?
                .is_some()
            {
                tracing::warn!(
                    client,
                    "sign-in locked for a client address after repeated failures"
                );
            }
            Err(AppError::Unauthorized(BAD_CREDENTIALS.into()))
        }
    }
}

/// Counts a failed sign-in against `key` under `policy`; the end of the
/// lock it set, if it set one.
async fn count_failure(
    conn: &mut Conn,
    policy: Policy,
    scope: Scope,
    key: &str,
) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    Ok(sign_in_failures::fail(
        conn,
        scope,
        key,
        policy.max_failures_count(),
        policy.window,
        policy.lockout,
    )
    .await?)
}

/// Audits the lock of an account after repeated failed sign-ins.
async fn record_lockout(
    conn: &mut Conn,
    user: &User,
    until: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    tracing::warn!(user_id = %user.id, %until, "sign-in locked for an account after repeated failures");
    let event = Event {
        entity: Entity::User,
        entity_id: user.id,
        change: Change::Lock,
    };
    let after = serde_json::json!({ "sign_in_locked_until": until });
    record(conn, None, Some("sign-in"), event, None, Some(&after)).await
}

/// Exchanges a refresh token for new tokens. Each refresh token works once;
/// presenting one that was already used revokes every token of its family,
/// since either the client or a thief is replaying it.
pub async fn refresh(
    pool: &Pool,
    identity: &Identity,
    input: RefreshRequest,
) -> Result<TokenResponse, AppError> {
    use secrecy::ExposeSecret;
    let hash = opaque::digest(input.refresh_token.expose_secret());
    let mut conn = pool.get().await?;
    let outcome = conn
        .transaction(async |conn| {
            let Some(token) = refresh_tokens::find_by_hash_for_update(conn, &hash).await? else {
                return Ok(Err(BAD_REFRESH));
            };
            if token.rotated_at.is_some() {
                refresh_tokens::revoke_family(conn, token.family_id).await?;
                return Ok(Err(BAD_REFRESH));
            }
            if token.revoked_at.is_some() || token.expires_at <= Utc::now() {
                return Ok(Err(BAD_REFRESH));
            }
            let user = users::find(conn, token.user_id).await?;
            if !user.active {
                return Ok(Err(BAD_REFRESH));
            }
            refresh_tokens::mark_rotated(conn, token.id).await?;
            Ok::<_, AppError>(Ok(issue(conn, identity, &user, token.family_id).await?))
        })
        .await?;
    // The family revocation above must commit, so the refusal is returned
    // only after the transaction.
    outcome.map_err(|message| AppError::Unauthorized(message.into()))
}

/// Signs out: revokes the refresh token's whole family. Unknown tokens are
/// ignored, so the answer does not reveal whether a token was valid.
pub async fn logout(pool: &Pool, input: RefreshRequest) -> Result<(), AppError> {
    use secrecy::ExposeSecret;
    let hash = opaque::digest(input.refresh_token.expose_secret());
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        if let Some(token) = refresh_tokens::find_by_hash_for_update(conn, &hash).await? {
            refresh_tokens::revoke_family(conn, token.family_id).await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// The signed-in user's own account.
pub async fn me(pool: &Pool, ctx: &Ctx) -> Result<UserView, AppError> {
    let id = ctx
        .actor
        .user_id()
        .ok_or_else(|| AppError::NotFound("system tokens have no user account".into()))?;
    let mut conn = pool.get().await?;
    let row = users::find(&mut conn, id).await.map_err(missing("user"))?;
    view(&mut conn, row, &ctx.actor).await
}

/// Changes the signed-in user's password and ends all their sessions. A
/// password that had to be changed no longer has to; it cannot be replaced
/// by itself.
pub async fn change_password(
    pool: &Pool,
    ctx: &Ctx,
    input: ChangePassword,
) -> Result<(), AppError> {
    validate(&input)?;
    let id = ctx
        .actor
        .user_id()
        .ok_or_else(|| AppError::Forbidden("system tokens have no password".into()))?;
    let mut conn = pool.get().await?;
    let user = users::find(&mut conn, id).await.map_err(missing("user"))?;
    if !password::verify(user.password_hash.clone(), input.current_password).await? {
        return Err(AppError::validation("current_password", "is incorrect"));
    }
    if user.must_change_password
        && password::verify(user.password_hash.clone(), input.new_password.clone()).await?
    {
        return Err(AppError::validation(
            "new_password",
            "must differ from the password you were given",
        ));
    }
    let changes = UserChanges {
        password_hash: Some(password::hash(input.new_password).await?),
        must_change_password: Some(false),
        ..Default::default()
    };
    conn.transaction(async |conn| {
        Target::new(Entity::User, id)
            .admitted(ctx, None)
            .write(conn, users::find_for_update, async |conn, before| {
                let after = users::update(conn, id, &changes).await?;
                browser_sessions::sign_out_everywhere(conn, id).await?;
                Ok(Written::Changed {
                    before,
                    after,
                    answer: (),
                })
            })
            .await
    })
    .await
}

/// Forgets failed sign-ins that no longer count (their window and any lock
/// over), every so often on every instance's worker; deleting the same
/// rows twice is harmless.
pub struct ForgetSignInFailures {
    keep: std::time::Duration,
}

impl ForgetSignInFailures {
    /// Forgets what is older than the throttle remembers.
    pub fn new(throttle: &crate::auth::throttle::LoginThrottle) -> std::sync::Arc<Self> {
        std::sync::Arc::new(ForgetSignInFailures {
            keep: throttle.memory(),
        })
    }
}

impl super::jobs::Periodic for ForgetSignInFailures {
    fn name(&self) -> &'static str {
        "forget old failed sign-ins"
    }

    fn every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(600)
    }

    fn run<'a>(
        &'a self,
        pool: &'a Pool,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>> {
        Box::pin(async move {
            let mut conn = pool.get().await?;
            sign_in_failures::forget_older_than(&mut conn, self.keep).await?;
            Ok(())
        })
    }
}
