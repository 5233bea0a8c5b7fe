//! The audit trail: one row per change, written in the changing transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::audit_events;
use crate::domain::Entity;
use crate::paging::PageRequest;

/// A change to record in the audit trail.
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub(crate) actor_user_id: Option<Uuid>,
    pub(crate) entity: Entity,
    pub(crate) entity_id: Uuid,
    pub(crate) action: &'a str,
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
    pub(crate) request_id: Option<&'a str>,
}

/// Appends an event to the audit trail.
pub async fn insert(conn: &mut Conn, event: &NewAuditEvent<'_>) -> QueryResult<usize> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .await
}

/// A record's state for the audit trail. What the caller may do next is
/// not part of the record, so views that carry it are recorded without it.
pub fn snapshot<T: Serialize>(row: &T) -> Option<serde_json::Value> {
    let mut value = serde_json::to_value(row).ok()?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("allowed_actions");
    }
    Some(value)
}

/// A recorded change.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_events, check_for_backend(diesel::pg::Pg))]
pub struct AuditEvent {
    pub(crate) id: i64,
    pub(crate) occurred_at: DateTime<Utc>,
    pub(crate) actor_user_id: Option<Uuid>,
    pub(crate) entity: Entity,
    pub(crate) entity_id: Uuid,
    pub(crate) action: String,
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
    pub(crate) request_id: Option<String>,
}

/// Which audit events a list holds.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub(crate) entity: Option<Entity>,
    pub(crate) entity_id: Option<Uuid>,
    pub(crate) actor_id: Option<Uuid>,
    pub(crate) since: Option<DateTime<Utc>>,
    pub(crate) until: Option<DateTime<Utc>>,
}

/// Newest first; the cursor is the last id seen.
pub async fn list(
    conn: &mut Conn,
    filter: &AuditFilter,
    page: &PageRequest<i64>,
) -> QueryResult<Vec<AuditEvent>> {
    let mut query = audit_events::table
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .limit(page.fetch())
        .into_boxed();
    if let Some(entity) = filter.entity {
        query = query.filter(audit_events::entity.eq(entity));
    }
    if let Some(id) = filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(id));
    }
    if let Some(id) = filter.actor_id {
        query = query.filter(audit_events::actor_user_id.eq(id));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_events::occurred_at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::occurred_at.lt(until));
    }
    if let Some(after) = page.after {
        query = query.filter(audit_events::id.lt(after));
    }
    query.load(conn).await
}

/// The recorded states of one record, for rewriting them.
#[derive(Debug, Queryable)]
pub struct RecordedStates {
    pub(crate) id: i64,
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
}

/// Every event about one record, oldest first.
pub async fn states_of(
    conn: &mut Conn,
    entity: Entity,
    entity_id: Uuid,
) -> QueryResult<Vec<RecordedStates>> {
    audit_events::table
        .filter(audit_events::entity.eq(entity))
        .filter(audit_events::entity_id.eq(entity_id))
        .order(audit_events::id)
        .select((audit_events::id, audit_events::before, audit_events::after))
        .load(conn)
        .await
}

/// Lets this transaction rewrite the recorded states of `user_id`'s
/// account, the one change the append-only trigger allows (see the
/// erasure migration).
pub async fn allow_erasure_of(conn: &mut Conn, user_id: Uuid) -> QueryResult<()> {
    diesel::sql_query("SELECT set_config('delivery_tracker.erasure', $1, true)")
        .bind::<diesel::sql_types::Text, _>(user_id.to_string())
        .execute(conn)
        .await
        .map(|_| ())
}

/// Replaces the recorded states of one event.
pub async fn rewrite_states(conn: &mut Conn, states: &RecordedStates) -> QueryResult<usize> {
    diesel::update(audit_events::table.find(states.id))
        .set((
            audit_events::before.eq(&states.before),
            audit_events::after.eq(&states.after),
        ))
        .execute(conn)
        .await
}
