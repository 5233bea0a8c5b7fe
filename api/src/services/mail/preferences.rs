//! Which email notices a person receives: their own choice, kind by kind
//! (every kind on until turned off), and the one-click unsubscribe link
//! each message carries, whose signed token is its own authority.

use std::collections::HashMap;

use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{MailKind, MailLinks};
use crate::clock::Clock;
use crate::db::mail::{self as store, MailPreference};
use crate::db::{Conn, Pool};
use crate::domain::{Actor, Entity, permissions};
use crate::error::AppError;
use crate::services::audit::{Change, Event, audit};
use crate::services::context::{Ctx, authorize};

/// Whether each kind of notice is sent to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct MailPreferences {
    /// Before a reporting period ends: the actions one's organisation
    /// leads and has not reported on.
    pub update_due: bool,
    /// When a period closes: its exceptions (the chair and board members).
    pub period_closed: bool,
    /// When the chair challenges an action one's organisation leads.
    pub challenged: bool,
    /// When the young people's council raises a priority (the chair).
    pub priority_raised: bool,
}

impl MailPreferences {
    /// Whether `kind` is sent.
    pub fn get(&self, kind: MailKind) -> bool {
        match kind {
            MailKind::UpdateDue => self.update_due,
            MailKind::PeriodClosed => self.period_closed,
            MailKind::Challenged => self.challenged,
            MailKind::PriorityRaised => self.priority_raised,
        }
    }

    fn set(&mut self, kind: MailKind, on: bool) {
        match kind {
            MailKind::UpdateDue => self.update_due = on,
            MailKind::PeriodClosed => self.period_closed = on,
            MailKind::Challenged => self.challenged = on,
            MailKind::PriorityRaised => self.priority_raised = on,
        }
    }
}

/// The kinds to turn on (`true`) or off (`false`); kinds left out stay as
/// they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"update_due": false}))]
pub struct SetMailPreferences {
    pub(crate) update_due: Option<bool>,
    pub(crate) period_closed: Option<bool>,
    pub(crate) challenged: Option<bool>,
    pub(crate) priority_raised: Option<bool>,
}

impl SetMailPreferences {
    fn changes(&self) -> Vec<(MailKind, bool)> {
        [
            (MailKind::UpdateDue, self.update_due),
            (MailKind::PeriodClosed, self.period_closed),
            (MailKind::Challenged, self.challenged),
            (MailKind::PriorityRaised, self.priority_raised),
        ]
        .into_iter()
        .filter_map(|(kind, on)| on.map(|on| (kind, on)))
        .collect()
    }

    /// Every kind set as `on` says.
    pub fn all(on: impl Fn(MailKind) -> bool) -> SetMailPreferences {
        SetMailPreferences {
            update_due: Some(on(MailKind::UpdateDue)),
            period_closed: Some(on(MailKind::PeriodClosed)),
            challenged: Some(on(MailKind::Challenged)),
            priority_raised: Some(on(MailKind::PriorityRaised)),
        }
    }
}

const FORBIDDEN: &str = "email preferences belong to a signed-in person; system tokens have none";

async fn read(conn: &mut Conn, user: Uuid) -> Result<MailPreferences, AppError> {
    let stored: HashMap<String, bool> = store::preferences(conn, user)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.subscribed))
        .collect();
    let mut preferences = MailPreferences {
        update_due: true,
        period_closed: true,
        challenged: true,
        priority_raised: true,
    };
    for kind in MailKind::ALL {
        if let Some(on) = stored.get(kind.as_str()) {
            preferences.set(*kind, *on);
        }
    }
    Ok(preferences)
}

fn own(ctx: &Ctx) -> Result<Uuid, AppError> {
    let user = ctx.actor.user_id().unwrap_or_default();
    authorize(permissions::can_choose_mail(&ctx.actor, user), FORBIDDEN)?;
    Ok(user)
}

/// The caller's own choice of notices.
pub async fn mine(pool: &Pool, ctx: &Ctx) -> Result<MailPreferences, AppError> {
    let user = own(ctx)?;
    let mut conn = pool.get().await?;
    read(&mut conn, user).await
}

/// Sets the caller's own choice of notices; audited (outside the change
/// feed).
pub async fn set_mine(
    pool: &Pool,
    ctx: &Ctx,
    input: SetMailPreferences,
) -> Result<MailPreferences, AppError> {
    let user = own(ctx)?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let at = ctx.stamp(conn).await?;
        let (before, after) = change(conn, user, &input.changes(), at).await?;
        if before != after {
            let event = Event {
                entity: Entity::MailPreference,
                entity_id: user,
                change: Change::Update,
            };
            audit(conn, ctx, event, Some(&before), Some(&after)).await?;
        }
        Ok(after)
    })
    .await
}

async fn change(
    conn: &mut Conn,
    user: Uuid,
    changes: &[(MailKind, bool)],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(MailPreferences, MailPreferences), AppError> {
    let before = read(conn, user).await?;
    for (kind, on) in changes {
        if before.get(*kind) != *on {
            let row = MailPreference {
                user_id: user,
                kind: kind.as_str().to_owned(),
                subscribed: *on,
                updated_at: at,
            };
            store::set_preference(conn, &row).await?;
        }
    }
    let after = read(conn, user).await?;
    Ok((before, after))
}

/// What an unsubscribe link names.
#[derive(Debug, Clone, Copy)]
pub struct Unsubscribe {
    /// The kind of notice it stops.
    pub kind: MailKind,
}

/// Checks an unsubscribe token (404 when it is not genuine, or its account
/// is gone) without changing anything.
pub async fn check_token(
    pool: &Pool,
    links: &MailLinks,
    token: &str,
) -> Result<Unsubscribe, AppError> {
    let (user, kind) = verify(links, token)?;
    let mut conn = pool.get().await?;
    exists(&mut conn, user).await?;
    Ok(Unsubscribe { kind })
}

fn verify(links: &MailLinks, token: &str) -> Result<(Uuid, MailKind), AppError> {
    links.verify(token).ok_or_else(|| {
        AppError::NotFound(
            "this unsubscribe link is not one the service sent, or it was changed".into(),
        )
    })
}

async fn exists(conn: &mut Conn, user: Uuid) -> Result<(), AppError> {
    crate::db::users::find(conn, user)
        .await
        .map(|_| ())
        .map_err(|_| {
            AppError::NotFound("the account this link was sent to no longer exists".into())
        })
}

/// Turns off the kind an unsubscribe token names, for the account it
/// names: the token is the authority (no session). Audited as that person.
pub async fn unsubscribe(
    pool: &Pool,
    clock: &Clock,
    request_id: Option<String>,
    links: &MailLinks,
    token: &str,
) -> Result<Unsubscribe, AppError> {
    let (user, kind) = verify(links, token)?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let account = crate::db::users::find(conn, user).await.map_err(|_| {
            AppError::NotFound("the account this link was sent to no longer exists".into())
        })?;
        let ctx = Ctx {
            actor: Actor::User {
                id: account.id,
                role: account.role,
                organisation_id: account.organisation_id,
            },
            request_id,
            clock: clock.clone(),
            mail: None,
        };
        let at = ctx.stamp(conn).await?;
        let (before, after) = change(conn, user, &[(kind, false)], at).await?;
        if before != after {
            let event = Event {
                entity: Entity::MailPreference,
                entity_id: user,
                change: Change::Update,
            };
            audit(conn, &ctx, event, Some(&before), Some(&after)).await?;
        }
        Ok(Unsubscribe { kind })
    })
    .await
}
