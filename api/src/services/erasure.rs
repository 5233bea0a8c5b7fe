//! Erasing a user's personal data (UK GDPR, right to erasure). The account
//! stays, under a pseudonym, so that every update its holder wrote stays in
//! the history; their name and email go from every place they were kept:
//! the account, the audit trail's records of it (the one rewrite the
//! append-only audit trail allows) and the closed periods' snapshots. Every
//! other record names people by id, so it shows the pseudonym from then on.

use std::collections::HashSet;

use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::context::{Ctx, authorize};
use super::locked::{Target, Written};
use super::users::{ERASED, UserView, check_admin_remains, view};
use crate::concurrency::Precondition;
use crate::db::users::{self as store, Erasure, User};
use crate::db::{Conn, Pool, audit, browser_sessions, organisations, periods};
use crate::domain::erasure::{PSEUDONYM_PREFIX, placeholder_email, pseudonym, pseudonymise_record};
use crate::domain::{Entity, permissions};
use crate::error::AppError;

const FORBIDDEN: &str = "only administrators can erase a user's personal data";
const OWN_ACCOUNT: &str =
    "administrators cannot erase their own account; another administrator must";

/// Erases the name and email of an account's holder (administrators, not
/// their own account; needs the version read). The account is deactivated,
/// loses its password and every session, and goes by a pseudonym such as
/// "Former member, Nottinghamshire Police". The erasure is audited as
/// `erase`, without the data erased.
pub async fn erase(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<UserView, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    authorize(permissions::can_erase_user(&ctx.actor, id), OWN_ACCOUNT)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(Entity::User, id)
                .admitted(ctx, Some(expected))
                .write(conn, lock, async |conn, before| {
                    if before.erased_at.is_some() {
                        return Err(AppError::Conflict(ERASED.into()));
                    }
                    check_admin_remains(conn, &before, false).await?;
                    let name = choose_pseudonym(conn, &before).await?;
                    let email = placeholder_email(id);
                    erase_copies(conn, id, &name, &email).await?;
                    let at = ctx.stamp(conn).await?;
                    let erasure = Erasure {
                        name: &name,
                        email: &email,
                        at,
                    };
                    let after = store::erase(conn, id, &erasure).await?;
                    browser_sessions::sign_out_everywhere(conn, id).await?;
                    // Mail to the person holds their name and address.
                    crate::db::mail::forget_mail_to(conn, id).await?;
                    // The erasure's own audit event must not hold what it erased.
                    let before = User {
                        name,
                        email,
                        ..before
                    };
                    Ok(Written::Erased {
                        before,
                        answer: after.clone(),
                        after,
                    })
                })
                .await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Locks the account, after any erasure under way has finished, so that two
/// erasures never choose the same pseudonym.
async fn lock(conn: &mut Conn, id: Uuid) -> diesel::QueryResult<User> {
    store::lock_erasures(conn).await?;
    store::find_for_update(conn, id).await
}

/// "Former member, <organisation>", numbered if another account has it.
async fn choose_pseudonym(conn: &mut Conn, account: &User) -> Result<String, AppError> {
    let organisation = match account.organisation_id {
        Some(id) => Some(organisations::find(conn, id).await?.name),
        None => None,
    };
    let taken: HashSet<String> = store::names_starting(conn, PSEUDONYM_PREFIX)
        .await?
        .into_iter()
        .collect();
    Ok(pseudonym(organisation.as_deref(), |name| {
        taken.contains(name)
    }))
}

/// Rewrites the copies of the account's name and email kept outside it.
async fn erase_copies(conn: &mut Conn, id: Uuid, name: &str, email: &str) -> Result<(), AppError> {
    audit::allow_erasure_of(conn, id).await?;
    for mut event in audit::states_of(conn, Entity::User, id).await? {
        let mut changed = false;
        for state in [&mut event.before, &mut event.after].into_iter().flatten() {
            changed |= pseudonymise_record(state, name, email);
        }
        if changed {
            audit::rewrite_states(conn, &event).await?;
        }
    }
    periods::rename_author_in_snapshots(conn, id, name).await?;
    Ok(())
}
