//! Writing the audit trail: every change, in the transaction that makes it.

use serde::Serialize;
use uuid::Uuid;

use super::context::Ctx;
use crate::db::{self, Conn};
use crate::domain::Entity;
use crate::error::AppError;

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It was made.
    Create,
    /// It was changed.
    Update,
    /// It was removed.
    Delete,
    /// Sign-in to it was locked after repeated failures.
    Lock,
    /// Its holder's personal data was erased.
    Erase,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::Update => "update",
            Change::Delete => "delete",
            Change::Lock => "lock",
            Change::Erase => "erase",
        }
    }
}

/// What an audit record is about.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// The kind of record.
    pub(crate) entity: Entity,
    /// Which one.
    pub(crate) entity_id: Uuid,
    /// What happened to it.
    pub(crate) change: Change,
}

/// Records a change by the caller of `ctx`, inside the caller's transaction.
pub async fn audit<T: Serialize>(
    conn: &mut Conn,
    ctx: &Ctx,
    event: Event,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    let actor = ctx.actor.user_id();
    record(conn, actor, ctx.request_id.as_deref(), event, before, after).await
}

/// Records a change made by `actor_user_id`, or from the command line when
/// there is no signed-in actor.
pub async fn record<T: Serialize>(
    conn: &mut Conn,
    actor_user_id: Option<Uuid>,
    request_id: Option<&str>,
    event: Event,
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

impl Event {
    /// A record of `entity` made.
    pub fn created(entity: Entity, entity_id: Uuid) -> Event {
        Event {
            entity,
            entity_id,
            change: Change::Create,
        }
    }
}

/// Records the creation of a record, inside the caller's transaction.
pub async fn created<T: Serialize>(
    conn: &mut Conn,
    ctx: &Ctx,
    entity: Entity,
    entity_id: Uuid,
    after: &T,
) -> Result<(), AppError> {
    audit(
        conn,
        ctx,
        Event::created(entity, entity_id),
        None,
        Some(after),
    )
    .await
}

/// Stores a new record with `insert` and records its creation, inside the
/// caller's transaction; answers with the record as stored.
pub async fn insert_audited<N, R: Serialize>(
    conn: &mut Conn,
    ctx: &Ctx,
    entity: Entity,
    id: Uuid,
    new: &N,
    insert: impl AsyncFnOnce(&mut Conn, &N) -> diesel::QueryResult<R>,
) -> Result<R, AppError> {
    let row = insert(conn, new).await?;
    created(conn, ctx, entity, id, &row).await?;
    Ok(row)
}
