//! System tokens: named, read-only credentials with an expiry, optionally
//! limited to one strategy. The secret is shown once, when the token is made.

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::insert_audited;
use super::context::{Ctx, authorize, missing};
use super::input::{trimmed, validate};
use super::locked::{Target, Written};
use crate::auth::opaque;
use crate::db::api_tokens::{self as store, ApiToken, NewApiToken};
use crate::db::users::{self, UserRef};
use crate::db::{self, Conn, Pool, strategies};
use crate::domain::validation::{NAME_MAX, not_blank, printable};
use crate::domain::{Entity, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::ApiToken;

/// The prefix of system tokens, which tells them from user access tokens
/// (JWTs) at a glance.
pub const SYSTEM_TOKEN_PREFIX: &str = "dts_";
const FORBIDDEN: &str = "only administrators can manage system tokens";
/// A token lives a year unless its maker says otherwise, and two at most.
pub const DEFAULT_LIFETIME_DAYS: i64 = 365;
/// The longest a token may live, in days.
pub const MAX_LIFETIME_DAYS: i64 = 730;

/// Whether a token can be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    /// It may be used.
    Active,
    /// Its lifetime has passed.
    Expired,
    /// An administrator revoked it.
    Revoked,
}

/// A system token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub(crate) id: Uuid,
    #[schema(example = "County BI dashboard")]
    pub(crate) name: String,
    /// The one strategy the token may read; absent when it may read all.
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) created_by: Option<UserRef>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    /// When the token was last used (to the minute).
    pub(crate) last_used_at: Option<DateTime<Utc>>,
    pub(crate) revoked_at: Option<DateTime<Utc>>,
    pub(crate) state: TokenState,
}

/// A new token, with the secret to hand to the other system.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub(crate) token: TokenView,
    /// The bearer secret. It is shown only now; only a digest is kept.
    #[schema(example = "dts_q3v9l3JrYFQ0mN5x2hA7cW8eK1tU4pZ6bD0sG9fH2jE")]
    pub(crate) secret: String,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What the token is for, so it can be recognised in the list.
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    #[schema(example = "County BI dashboard")]
    pub(crate) name: String,
    /// When the token stops working (at most two years ahead; a year by
    /// default).
    #[garde(skip)]
    pub(crate) expires_at: Option<DateTime<Utc>>,
    /// Limit the token to this strategy.
    #[garde(skip)]
    pub(crate) strategy_id: Option<Uuid>,
}

fn state(row: &ApiToken, now: DateTime<Utc>) -> TokenState {
    if row.revoked_at.is_some() {
        TokenState::Revoked
    } else if row.expires_at <= now {
        TokenState::Expired
    } else {
        TokenState::Active
    }
}

async fn views(conn: &mut Conn, rows: Vec<ApiToken>) -> Result<Vec<TokenView>, AppError> {
    let makers: Vec<Uuid> = rows.iter().filter_map(|r| r.created_by).collect();
    let names = users::refs(conn, &makers).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|row| TokenView {
            state: state(&row, now),
            created_by: row.created_by.and_then(|id| names.get(&id).cloned()),
            id: row.id,
            name: row.name,
            strategy_id: row.strategy_id,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
        .collect())
}

async fn view(conn: &mut Conn, row: ApiToken) -> Result<TokenView, AppError> {
    Ok(views(conn, vec![row]).await?.remove(0))
}

/// The expiry asked for, checked against the allowed lifetime.
fn expiry(asked: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
    let Some(at) = asked else {
        return Ok(now + Duration::days(DEFAULT_LIFETIME_DAYS));
    };
    if at <= now {
        return Err(AppError::validation("expires_at", "must be in the future"));
    }
    if at > now + Duration::days(MAX_LIFETIME_DAYS) {
        return Err(AppError::validation(
            "expires_at",
            format!("must be within {MAX_LIFETIME_DAYS} days"),
        ));
    }
    Ok(at)
}

/// Creates a system token (administrators); its secret is shown this once.
pub async fn create(pool: &Pool, ctx: &Ctx, input: CreateToken) -> Result<CreatedToken, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    validate(&input)?;
    let mut conn = pool.get().await?;
    let now = db::clock(&mut conn).await?;
    let expires_at = expiry(input.expires_at, now)?;
    if let Some(id) = input.strategy_id {
        match strategies::find(&mut conn, id).await {
            Ok(_) => {}
            Err(diesel::result::Error::NotFound) => {
                return Err(AppError::validation(
                    "strategy_id",
                    "no strategy has this id",
                ));
            }
            Err(other) => return Err(other.into()),
        }
    }
    let (secret, token_hash) = opaque::generate(SYSTEM_TOKEN_PREFIX);
    let new = NewApiToken {
        id: Uuid::now_v7(),
        name: trimmed(&input.name),
        token_hash,
        strategy_id: input.strategy_id,
        created_by: ctx.actor.user_id(),
        created_at: now,
        expires_at,
    };
    let row = conn
        .transaction(async |conn| {
            insert_audited(conn, ctx, ENTITY, new.id, &new, store::insert).await
        })
        .await?;
    Ok(CreatedToken {
        token: view(&mut conn, row).await?,
        secret,
    })
}

/// Newest first.
pub async fn list(pool: &Pool, ctx: &Ctx, page: &PageParams) -> Result<Page<TokenView>, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let page = page.request::<Uuid>()?;
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &page).await?;
    let next = page.page(rows, |r| r.id, |r| r);
    Ok(Page {
        items: views(&mut conn, next.items).await?,
        next_cursor: next.next_cursor,
    })
}

/// One system token, without its secret.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<TokenView, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id).await.map_err(missing("token"))?;
    view(&mut conn, row).await
}

/// Revokes a token at once (administrators). Revoking a revoked token
/// changes nothing.
pub async fn revoke(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        Target::new(ENTITY, id)
            .admitted(ctx, None)
            .write(conn, store::find_for_update, async |conn, before| {
                if before.revoked_at.is_some() {
                    return Ok(Written::Unchanged(()));
                }
                // Credentials run by the real time, as the database's
                // checks of them do.
                let at = db::clock(conn).await?;
                let after = store::revoke(conn, id, at).await?;
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

/// The live token with this secret, noting its use.
pub async fn authenticate(pool: &Pool, secret: &str) -> Result<Option<ApiToken>, AppError> {
    let mut conn = pool.get().await?;
    let Some(token) = store::find_live_by_hash(&mut conn, &opaque::digest(secret)).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    // Noted to the minute, so most requests need no write at all.
    if token
        .last_used_at
        .is_none_or(|at| at < now - Duration::minutes(1))
    {
        store::touch(&mut conn, token.id, now).await?;
    }
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_defaults_to_a_year_and_is_bounded() {
        let now = Utc::now();
        assert_eq!(expiry(None, now).unwrap(), now + Duration::days(365));
        assert!(expiry(Some(now - Duration::seconds(1)), now).is_err());
        assert!(expiry(Some(now + Duration::days(731)), now).is_err());
        let at = now + Duration::days(30);
        assert_eq!(expiry(Some(at), now).unwrap(), at);
    }

    #[test]
    fn a_token_is_revoked_expired_or_active() {
        let now = Utc::now();
        let mut row = ApiToken {
            id: Uuid::nil(),
            name: "x".into(),
            strategy_id: None,
            created_by: None,
            created_at: now - Duration::days(2),
            expires_at: now + Duration::days(1),
            last_used_at: None,
            revoked_at: None,
        };
        assert_eq!(state(&row, now), TokenState::Active);
        row.expires_at = now;
        assert_eq!(state(&row, now), TokenState::Expired);
        row.revoked_at = Some(now);
        assert_eq!(state(&row, now), TokenState::Revoked);
    }
}
