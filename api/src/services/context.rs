//! Who calls an operation and by which clock, and the checks every
//! operation starts with: may this caller do this, and may it see that.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::{self, Conn};
use crate::domain::Actor;
use crate::domain::mail::MailLinks;
use crate::domain::permissions;
use crate::error::AppError;

/// The caller of an operation, and the clock it runs by. Both doors build
/// one per request; the demo builds one per person and moment of its
/// history.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Who is asking.
    pub(crate) actor: Actor,
    /// Correlates the audit trail with the request log.
    pub(crate) request_id: Option<String>,
    /// The time the operation runs at, in the board's time zone.
    pub(crate) clock: Clock,
    /// How mail addresses people; absent, the operation queues no mail (the
    /// demo's history, the command line).
    pub(crate) mail: Option<Arc<MailLinks>>,
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
    if permissions::can_read_strategy(actor, strategy_id) {
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
        None => Ok(permissions::strategy_scope(actor)),
    }
}

/// Maps "no row" to a 404 naming what was missing; other errors as usual.
pub fn missing(what: &'static str) -> impl Fn(diesel::result::Error) -> AppError {
    move |error| match error {
        diesel::result::Error::NotFound => AppError::NotFound(format!("no such {what}")),
        other => other.into(),
    }
}
