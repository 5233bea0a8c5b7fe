//! Changing one versioned record: the one way every update and deletion is
//! written. The record is locked, the caller is admitted against it, the
//! version the caller read is compared with the stored one, the change is
//! written, and the record before and after goes to the audit trail, all in
//! the caller's transaction.

use serde::Serialize;
use uuid::Uuid;

use super::audit::{Change, Event, audit};
use super::context::Ctx;
use crate::concurrency::check_version;
use crate::db::Conn;
use crate::domain::Entity;
use crate::error::AppError;

/// A stored record that changes under a row lock.
pub trait Lockable {
    /// The stored version, bumped by every change, for records that carry
    /// one.
    fn version(&self) -> Option<i32>;
}

/// What a change wrote: the record as the audit trail keeps it before and
/// after (`S`), and what the operation answers (`T`).
#[derive(Debug)]
pub enum Written<S, T> {
    /// Nothing needed changing: no audit event.
    Unchanged(T),
    /// The record changed.
    Changed {
        /// As it was.
        before: S,
        /// As it is now.
        after: S,
        /// What the operation answers.
        answer: T,
    },
    /// The personal data the record held was erased (audited as `erase`;
    /// `before` must not hold that data either).
    Erased {
        /// As it was, less what was erased.
        before: S,
        /// As it is now.
        after: S,
        /// What the operation answers.
        answer: T,
    },
    /// The record is gone.
    Deleted {
        /// As it was.
        before: S,
        /// What the operation answers.
        answer: T,
    },
}

impl<S: Clone> Written<S, S> {
    /// The record changed, and the operation answers with it as it is now.
    pub fn changed(before: S, after: S) -> Self {
        Written::Changed {
            before,
            answer: after.clone(),
            after,
        }
    }
}

/// The record a change is about.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Its kind, as the audit trail names it.
    pub(crate) entity: Entity,
    /// Its id.
    pub(crate) id: Uuid,
}

impl Target {
    /// The record `id` of kind `entity`.
    pub fn new(entity: Entity, id: Uuid) -> Target {
        Target { entity, id }
    }
}

/// A change to one record whose caller was admitted before the record was
/// locked (the usual case: permission depends on the caller alone), based
/// on the version `expected` (`None` when the caller need not name one).
#[derive(Debug, Clone, Copy)]
pub struct Admitted<'a> {
    ctx: &'a Ctx,
    target: Target,
    expected: Option<i32>,
}

/// A set of changes to a record's columns, which may change nothing.
pub trait ChangeSet {
    /// Whether applying it would change nothing.
    fn is_empty(&self) -> bool;
}

impl Target {
    /// The change `ctx`'s caller was admitted to, based on `expected`.
    pub fn admitted(self, ctx: &Ctx, expected: Option<i32>) -> Admitted<'_> {
        Admitted {
            ctx,
            target: self,
            expected,
        }
    }
}

impl Admitted<'_> {
    /// Writes the change with `write`, inside the caller's transaction, as
    /// `change` does.
    pub async fn write<R, S, T>(
        self,
        conn: &mut Conn,
        lock: impl AsyncFnOnce(&mut Conn, Uuid) -> diesel::QueryResult<R>,
        write: impl AsyncFnOnce(&mut Conn, R) -> Result<Written<S, T>, AppError>,
    ) -> Result<T, AppError>
    where
        R: Lockable,
        S: Serialize,
    {
        let Admitted {
            ctx,
            target,
            expected,
        } = self;
        let lock = async |conn: &mut Conn| lock(conn, target.id).await;
        change(conn, ctx, target, lock, async |_, _| Ok(expected), write).await
    }

    /// Applies a change set with `update`, unless it changes nothing, and
    /// answers with the record as it is then.
    pub async fn update<R, C>(
        self,
        conn: &mut Conn,
        lock: impl AsyncFnOnce(&mut Conn, Uuid) -> diesel::QueryResult<R>,
        changes: &C,
        update: impl AsyncFnOnce(&mut Conn, Uuid, &C) -> diesel::QueryResult<R>,
    ) -> Result<R, AppError>
    where
        R: Lockable + Serialize + Clone,
        C: ChangeSet,
    {
        let id = self.target.id;
        self.write(conn, lock, async |conn, before| {
            if changes.is_empty() {
                return Ok(Written::Unchanged(before));
            }
            let after = update(conn, id, changes).await?;
            Ok(Written::changed(before, after))
        })
        .await
    }
}

impl Admitted<'_> {
    /// Deletes the record with `delete`, after `check` has let it go.
    pub async fn delete<R>(
        self,
        conn: &mut Conn,
        lock: impl AsyncFnOnce(&mut Conn, Uuid) -> diesel::QueryResult<R>,
        check: impl AsyncFnOnce(&mut Conn, &R) -> Result<(), AppError>,
        delete: impl AsyncFnOnce(&mut Conn, Uuid) -> diesel::QueryResult<usize>,
    ) -> Result<(), AppError>
    where
        R: Lockable + Serialize,
    {
        let id = self.target.id;
        self.write(conn, lock, async |conn, before| {
            check(conn, &before).await?;
            delete(conn, id).await?;
            Ok(Written::Deleted { before, answer: () })
        })
        .await
    }
}

/// Lets any deletion of a record go.
pub async fn always<R>(_: &mut Conn, _: &R) -> Result<(), AppError> {
    Ok(())
}

/// Writes one change to a versioned record inside the caller's transaction.
///
/// `lock` reads the record under a row lock (a missing one is 404).
/// `admit` authorises the caller against the locked record, checks the
/// input, and names the version the change is based on (`None` when the
/// caller need not name one), in the order the operation's errors should be
/// reported. A version that is not the stored one fails with 412. `write`
/// makes the change; what it says it wrote is audited.
pub async fn change<R, S, T>(
    conn: &mut Conn,
    ctx: &Ctx,
    target: Target,
    lock: impl AsyncFnOnce(&mut Conn) -> diesel::QueryResult<R>,
    admit: impl AsyncFnOnce(&mut Conn, &R) -> Result<Option<i32>, AppError>,
    write: impl AsyncFnOnce(&mut Conn, R) -> Result<Written<S, T>, AppError>,
) -> Result<T, AppError>
where
    R: Lockable,
    S: Serialize,
{
    let row = lock(conn).await.map_err(|error| match error {
        diesel::result::Error::NotFound => {
            AppError::NotFound(format!("no such {}", target.entity.noun()))
        }
        other => other.into(),
    })?;
    if let Some(expected) = admit(conn, &row).await? {
        // A record without a version matches no version named.
        check_version(expected, row.version().unwrap_or(-1))?;
    }
    let (change, before, after, answer) = match write(conn, row).await? {
        Written::Unchanged(answer) => return Ok(answer),
        Written::Changed {
            before,
            after,
            answer,
        } => (Change::Update, before, Some(after), answer),
        Written::Erased {
            before,
            after,
            answer,
        } => (Change::Erase, before, Some(after), answer),
        Written::Deleted { before, answer } => (Change::Delete, before, None, answer),
    };
    let event = Event {
        entity: target.entity,
        entity_id: target.id,
        change,
    };
    audit(conn, ctx, event, Some(&before), after.as_ref()).await?;
    Ok(answer)
}

/// A record locked together with what the checks of a change need of its
/// neighbours (an action's lead organisation for a milestone, say).
impl<R: Lockable, X> Lockable for (R, X) {
    fn version(&self) -> Option<i32> {
        self.0.version()
    }
}

/// Implements `Lockable` for stored rows with a `version` column.
macro_rules! versioned {
    ($($row:ty),+ $(,)?) => {
        $(impl Lockable for $row {
            fn version(&self) -> Option<i32> {
                Some(self.version)
            }
        })+
    };
}

versioned!(
    crate::db::achievements::Achievement,
    crate::db::actions::Action,
    crate::db::indicators::Indicator,
    crate::db::indicators::IndicatorValue,
    crate::db::milestones::Milestone,
    crate::db::organisations::Organisation,
    crate::db::periods::Period,
    crate::db::pledges::Pledge,
    crate::db::priorities::Priority,
    crate::db::statements::Statement,
    crate::db::strategies::Strategy,
    crate::db::users::User,
);

/// A system token has no version: it is only ever revoked.
impl Lockable for crate::db::api_tokens::ApiToken {
    fn version(&self) -> Option<i32> {
        None
    }
}

/// Implements `ChangeSet` for the change sets of the stored tables.
macro_rules! change_sets {
    ($($changes:ty),+ $(,)?) => {
        $(impl ChangeSet for $changes {
            fn is_empty(&self) -> bool {
                <$changes>::is_empty(self)
            }
        })+
    };
}

change_sets!(
    crate::db::milestones::MilestoneChanges,
    crate::db::organisations::OrganisationChanges,
    crate::db::periods::PeriodChanges,
    crate::db::statements::StatementChanges,
    crate::db::strategies::StrategyChanges,
    crate::db::users::UserChanges,
);
