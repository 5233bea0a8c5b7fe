//! Webhook endpoints (other systems' URLs, each with its cursor in the
//! change feed) and their delivery log.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::{webhook_deliveries, webhook_endpoints};
use crate::domain::Entity;
use crate::paging::PageRequest;

/// An endpoint, as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Serialize)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub struct Endpoint {
    pub(crate) id: Uuid,
    pub(crate) url: String,
    pub(crate) description: String,
    pub(crate) entities: Vec<String>,
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) secret: String,
    pub(crate) position: i64,
    pub(crate) event_id: i64,
    pub(crate) enabled: bool,
    pub(crate) failing_since: Option<DateTime<Utc>>,
    pub(crate) disabled_at: Option<DateTime<Utc>>,
    pub(crate) disabled_reason: Option<String>,
    pub(crate) created_by: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) version: i32,
}

/// A new endpoint to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewEndpoint {
    pub(crate) id: Uuid,
    pub(crate) url: String,
    pub(crate) description: String,
    pub(crate) entities: Vec<String>,
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) secret: String,
    pub(crate) position: i64,
    pub(crate) event_id: i64,
    pub(crate) created_by: Option<Uuid>,
}

/// The columns of an endpoint to change; `None` leaves one as it is.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointChanges {
    pub(crate) url: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) entities: Option<Vec<String>>,
    pub(crate) strategy_id: Option<Option<Uuid>>,
    pub(crate) secret: Option<String>,
    pub(crate) enabled: Option<bool>,
    pub(crate) failing_since: Option<Option<DateTime<Utc>>>,
    pub(crate) disabled_at: Option<Option<DateTime<Utc>>>,
    pub(crate) disabled_reason: Option<Option<String>>,
}

find_queries!(webhook_endpoints, Endpoint);
insert_query!(webhook_endpoints, Endpoint, NewEndpoint);
update_query!(webhook_endpoints, Endpoint, EndpointChanges);
delete_query!(webhook_endpoints);

/// Lists are ordered by id (creation order).
pub type EndpointKey = Uuid;

/// A page of endpoints, oldest first.
pub async fn list(conn: &mut Conn, page: &PageRequest<EndpointKey>) -> QueryResult<Vec<Endpoint>> {
    let mut query = webhook_endpoints::table
        .select(Endpoint::as_select())
        .order(webhook_endpoints::id)
        .limit(page.fetch())
        .into_boxed();
    if let Some(since) = page.updated_since {
        query = query.filter(webhook_endpoints::updated_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(webhook_endpoints::id.gt(after));
    }
    query.load(conn).await
}

#[derive(QueryableByName)]
struct Cursor {
    #[diesel(sql_type = BigInt)]
    position: i64,
    #[diesel(sql_type = BigInt)]
    event_id: i64,
}

/// The feed's head: the last committed position and its last event, where
/// a new endpoint starts (it receives what happens from now on).
pub async fn feed_head(conn: &mut Conn) -> QueryResult<(i64, i64)> {
    let head = diesel::sql_query(
        "SELECT c.position,
                coalesce((SELECT max(e.id) FROM change_transactions t
                            JOIN audit_events e ON e.change_id = t.change_id
                           WHERE t.position = c.position), 0) AS event_id
           FROM change_clock c",
    )
    .get_result::<Cursor>(conn)
    .await?;
    Ok((head.position, head.event_id))
}

/// Enabled endpoints with feed events after their cursor and no webhook
/// job queued or running for them: each with its cursor.
pub async fn behind(conn: &mut Conn, private: &[Entity]) -> QueryResult<Vec<(Uuid, i64, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
        #[diesel(sql_type = BigInt)]
        position: i64,
        #[diesel(sql_type = BigInt)]
        event_id: i64,
    }
    let rows = diesel::sql_query(
        "SELECT w.id, w.position, w.event_id FROM webhook_endpoints w
          WHERE w.enabled
            AND EXISTS (SELECT 1 FROM change_transactions t
                          JOIN audit_events e ON e.change_id = t.change_id
                         WHERE t.position >= w.position
                           AND (t.position > w.position OR e.id > w.event_id)
                           AND e.entity <> ALL ($1))
            AND NOT EXISTS (SELECT 1 FROM jobs j
                             WHERE j.kind = 'webhook' AND j.state IN ('queued', 'running')
                               AND j.payload ->> 'endpoint_id' = w.id::text)
          ORDER BY w.id",
    )
    .bind::<Array<Text>, _>(private)
    .load::<Row>(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.position, r.event_id))
        .collect())
}

/// Forgets a finished (done or dead) job with this key, so the same work
/// can be queued again: an endpoint re-enabled at the cursor where it was
/// disabled resumes from there.
pub async fn forget_finished_job(conn: &mut Conn, key: &str) -> QueryResult<usize> {
    diesel::sql_query("DELETE FROM jobs WHERE idempotency_key = $1 AND state IN ('done', 'dead')")
        .bind::<Text, _>(key)
        .execute(conn)
        .await
}

/// Moves an endpoint's cursor forward to `(position, event_id)` (never
/// back), and clears its failure: it has answered, or had nothing to send.
pub async fn advance(
    conn: &mut Conn,
    id: Uuid,
    position: i64,
    event_id: i64,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE webhook_endpoints SET position = $2, event_id = $3
          WHERE id = $1 AND (position, event_id) < ($2, $3)",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<BigInt, _>(position)
    .bind::<BigInt, _>(event_id)
    .execute(conn)
    .await
}

/// Marks an endpoint as answering again (or failing since `since`),
/// without changing its version.
pub async fn set_failing_since(
    conn: &mut Conn,
    id: Uuid,
    since: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(webhook_endpoints::table.find(id))
        .set(webhook_endpoints::failing_since.eq(since))
        .execute(conn)
        .await
}

/// The strategy of an action or an indicator; none when it was removed.
pub async fn strategy_of(conn: &mut Conn, table: Owner, id: Uuid) -> QueryResult<Option<Uuid>> {
    use super::schema::{actions, indicators};
    match table {
        Owner::Action => actions::table
            .find(id)
            .select(actions::strategy_id)
            .first(conn)
            .await
            .optional(),
        Owner::Indicator => indicators::table
            .find(id)
            .select(indicators::strategy_id)
            .first(conn)
            .await
            .optional(),
    }
}

/// Which kind of record an event belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// An action.
    Action,
    /// An indicator.
    Indicator,
}

/// One event sent (or tried) to one endpoint.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct Delivery {
    pub(crate) id: Uuid,
    pub(crate) endpoint_id: Uuid,
    pub(crate) position: i64,
    pub(crate) event_id: i64,
    pub(crate) webhook_id: String,
    pub(crate) attempts: i32,
    pub(crate) last_status: Option<i32>,
    pub(crate) last_error: Option<String>,
    pub(crate) state: String,
    pub(crate) first_attempt_at: DateTime<Utc>,
    pub(crate) last_attempt_at: DateTime<Utc>,
    pub(crate) delivered_at: Option<DateTime<Utc>>,
}

/// An attempt to record in the log.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub(crate) endpoint_id: Uuid,
    pub(crate) position: i64,
    pub(crate) event_id: i64,
    pub(crate) webhook_id: &'a str,
    pub(crate) status: Option<i32>,
    pub(crate) error: Option<&'a str>,
    /// `delivered`, `pending` (to retry) or `failed` (given up).
    pub(crate) state: &'a str,
}

/// Records an attempt: the log row of the event is made on the first and
/// counts every one after.
pub async fn record_attempt(conn: &mut Conn, attempt: &Attempt<'_>) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO webhook_deliveries AS d
                (id, endpoint_id, position, event_id, webhook_id, attempts, last_status,
                 last_error, state, delivered_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8,
                 CASE WHEN $8 = 'delivered' THEN now() END)
         ON CONFLICT (endpoint_id, event_id) DO UPDATE
            SET attempts = d.attempts + 1, last_status = $6, last_error = $7, state = $8,
                last_attempt_at = now(),
                delivered_at = CASE WHEN $8 = 'delivered' THEN now() END",
    )
    .bind::<diesel::sql_types::Uuid, _>(Uuid::now_v7())
    .bind::<diesel::sql_types::Uuid, _>(attempt.endpoint_id)
    .bind::<BigInt, _>(attempt.position)
    .bind::<BigInt, _>(attempt.event_id)
    .bind::<Text, _>(attempt.webhook_id)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Integer>, _>(attempt.status)
    .bind::<diesel::sql_types::Nullable<Text>, _>(attempt.error)
    .bind::<Text, _>(attempt.state)
    .execute(conn)
    .await
}

/// The log is read newest event first.
pub type DeliveryKey = (i64, i64);

/// A page of an endpoint's delivery log, newest event first.
pub async fn deliveries(
    conn: &mut Conn,
    endpoint_id: Uuid,
    page: &PageRequest<DeliveryKey>,
) -> QueryResult<Vec<Delivery>> {
    use webhook_deliveries as d;
    let mut query = d::table
        .filter(d::endpoint_id.eq(endpoint_id))
        .select(Delivery::as_select())
        .order((d::position.desc(), d::event_id.desc()))
        .limit(page.fetch())
        .into_boxed();
    if let Some(since) = page.updated_since {
        query = query.filter(d::last_attempt_at.ge(since));
    }
    if let Some((position, event_id)) = page.after {
        query = query.filter(
            d::position
                .lt(position)
                .or(d::position.eq(position).and(d::event_id.lt(event_id))),
        );
    }
    query.load(conn).await
}
