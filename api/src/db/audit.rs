//! The audit trail: one row per change, written in the changing transaction.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::audit_events;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub actor_user_id: Option<Uuid>,
    pub entity: &'a str,
    pub entity_id: Uuid,
    pub action: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
}

pub async fn insert(conn: &mut Conn, event: &NewAuditEvent<'_>) -> QueryResult<usize> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .await
}

/// A row's state for the audit record.
pub fn snapshot<T: Serialize>(row: &T) -> Option<serde_json::Value> {
    serde_json::to_value(row).ok()
}
