//! Domain operations. Each one authorises the caller first, validates its
//! input, then writes the change and its audit event in one transaction.

pub mod actions;
pub mod audit_log;
pub mod auth;
pub mod changes;
pub mod indicators;
pub mod milestones;
pub mod organisations;
pub mod periods;
pub mod plan_csv;
pub mod pledges;
pub mod portfolio;
pub mod progress;
pub mod review;
pub mod statements;
pub mod strategies;
pub mod tokens;
pub mod users;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::{self, Conn};
use crate::domain::Actor;
use crate::domain::validation::field_errors;
use crate::error::AppError;

/// The caller of an operation, and the clock it runs by.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Who is asking.
    pub actor: Actor,
    /// Correlates the audit trail with the request log.
    pub request_id: Option<String>,
    /// The time the operation runs at, in the board's time zone.
    pub clock: Clock,
}

impl Ctx {
    /// The same caller with the clock standing at `at`: for writing history
    /// after the fact (the demo's past quarters).
    pub fn at(&self, at: DateTime<Utc>) -> Ctx {
        Ctx {
            clock: self.clock.at(at),
            ..self.clone()
        }
    }

    /// The moment a write takes its place in history. Read after the
    /// write's locks are taken, from the database's clock, so that history
    /// is in commit order whichever instance wrote it; or the moment a
    /// clock that is not the real time stands at.
    pub async fn stamp(&self, conn: &mut Conn) -> Result<DateTime<Utc>, AppError> {
        match self.clock.set_moment() {
            Some(at) => Ok(at),
            None => Ok(db::clock(conn).await?),
        }
    }
}

/// Fails with 403 unless `allowed`.
pub fn authorize(allowed: bool, message: &str) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(message.to_owned()))
    }
}

/// Lets a read of one strategy's records through, or answers 404 as if
/// they did not exist to a system token limited to another strategy.
pub fn visible(actor: &Actor, strategy_id: Uuid, what: &str) -> Result<(), AppError> {
    if crate::domain::permissions::can_read_strategy(actor, strategy_id) {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no such {what}")))
    }
}

/// The strategy a list is limited to: the one asked for, which must be
/// visible, or else the caller's own scope.
pub fn scoped(actor: &Actor, asked: Option<Uuid>) -> Result<Option<Uuid>, AppError> {
    match asked {
        Some(id) => visible(actor, id, "strategy").map(|()| Some(id)),
        None => Ok(crate::domain::permissions::strategy_scope(actor)),
    }
}

/// Runs garde's rules on a request body.
pub fn validate<T: garde::Validate<Context = ()>>(input: &T) -> Result<(), AppError> {
    input
        .validate()
        .map_err(|report| AppError::Validation(field_errors(report)))
}

/// What happened to an entity, for the audit trail.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Create,
    Update,
    Delete,
    /// Sign-in locked after repeated failures.
    Lock,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::Update => "update",
            Change::Delete => "delete",
            Change::Lock => "lock",
        }
    }
}

/// Records a change in the audit trail, inside the caller's transaction.
pub async fn audit<T: Serialize>(
    conn: &mut Conn,
    ctx: &Ctx,
    entity: &str,
    entity_id: Uuid,
    change: Change,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    let actor = ctx.actor.user_id();
    let event = Event {
        entity,
        entity_id,
        change,
    };
    record(conn, actor, ctx.request_id.as_deref(), event, before, after).await
}

/// What an audit record is about.
pub struct Event<'a> {
    pub entity: &'a str,
    pub entity_id: Uuid,
    pub change: Change,
}

/// Records a change made by `actor_user_id`, or from the command line when
/// there is no signed-in actor.
pub async fn record<T: Serialize>(
    conn: &mut Conn,
    actor_user_id: Option<Uuid>,
    request_id: Option<&str>,
    event: Event<'_>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    db::audit::insert(
        conn,
        &db::audit::NewAuditEvent {
            actor_user_id,
            entity: event.entity,
            entity_id: event.entity_id,
            action: event.change.as_str(),
            before: before.and_then(db::audit::snapshot),
            after: after.and_then(db::audit::snapshot),
            request_id,
        },
    )
    .await?;
    Ok(())
}

/// Deserialises a field of a partial update that may be absent (leave as
/// is), `null` (clear) or a value (set): `None`, `Some(None)`, `Some(Some(v))`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Trims surrounding whitespace from text a client sent.
pub fn trimmed(text: &str) -> String {
    text.trim().to_owned()
}

/// Maps "no row" to a 404 naming what was missing; other errors as usual.
pub fn missing(what: &'static str) -> impl Fn(diesel::result::Error) -> AppError {
    move |error| match error {
        diesel::result::Error::NotFound => AppError::NotFound(format!("no such {what}")),
        other => other.into(),
    }
}
