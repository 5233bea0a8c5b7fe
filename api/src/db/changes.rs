//! The change feed: audit events in the order their transactions committed
//! (see the migration that made `change_transactions`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::Conn;
use super::prepared::Prepared;
use crate::domain::Entity;

/// One change, with the position of the transaction that made it.
#[derive(Debug, QueryableByName)]
pub struct ChangeRow {
    #[diesel(sql_type = BigInt)]
    pub(crate) position: i64,
    #[diesel(sql_type = Timestamptz)]
    pub(crate) committed_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub(crate) event_id: i64,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub(crate) actor_user_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    pub(crate) entity: Entity,
    #[diesel(sql_type = SqlUuid)]
    pub(crate) entity_id: Uuid,
    #[diesel(sql_type = Text)]
    pub(crate) action: String,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub(crate) before: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub(crate) after: Option<serde_json::Value>,
}

/// The changes after `(position, event_id)`, leaving out the given kinds of
/// record, in commit order and then in the order each transaction made them.
pub async fn after(
    conn: &mut Conn,
    position: i64,
    event_id: i64,
    excluded: &[Entity],
    limit: i64,
) -> QueryResult<Vec<ChangeRow>> {
    Prepared(
        diesel::sql_query(
            "SELECT t.position, t.committed_at, e.id AS event_id, e.actor_user_id,
                e.entity, e.entity_id, e.action, e.before, e.after
           FROM change_transactions t
           JOIN audit_events e ON e.change_id = t.change_id
          WHERE t.position >= $1
            AND (t.position > $1 OR e.id > $2)
            AND e.entity <> ALL ($3)
          ORDER BY t.position, e.id
          LIMIT $4",
        )
        .bind::<BigInt, _>(position)
        .bind::<BigInt, _>(event_id)
        .bind::<Array<Text>, _>(excluded)
        .bind::<BigInt, _>(limit),
    )
    .load(conn)
    .await
}

/// The position of the last committed change.
pub async fn position(conn: &mut Conn) -> QueryResult<i64> {
    use diesel::dsl::sql;
    Prepared(diesel::select(sql::<BigInt>(
        "(SELECT position FROM change_clock)",
    )))
    .get_result(conn)
    .await
}
