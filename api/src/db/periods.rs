//! Reporting periods and the snapshots taken when they close.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::{period_action_snapshots, period_pledge_snapshots, reporting_periods};
use crate::domain::Rag;

/// A reporting period, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = reporting_periods, check_for_backend(diesel::pg::Pg))]
pub struct Period {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) name: String,
    pub(crate) starts_on: NaiveDate,
    pub(crate) ends_on: NaiveDate,
    pub(crate) closed_at: Option<DateTime<Utc>>,
    pub(crate) closed_by: Option<Uuid>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A new reporting period to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = reporting_periods)]
pub struct NewPeriod {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) name: String,
    pub(crate) starts_on: NaiveDate,
    pub(crate) ends_on: NaiveDate,
}

/// The columns of a period to change; `None` leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = reporting_periods)]
pub struct PeriodChanges {
    pub(crate) name: Option<String>,
    pub(crate) starts_on: Option<NaiveDate>,
    pub(crate) ends_on: Option<NaiveDate>,
}

impl PeriodChanges {
    /// Whether the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.starts_on.is_none() && self.ends_on.is_none()
    }
}

/// A strategy's periods, earliest first.
pub async fn for_strategy(conn: &mut Conn, strategy_id: Uuid) -> QueryResult<Vec<Period>> {
    reporting_periods::table
        .filter(reporting_periods::strategy_id.eq(strategy_id))
        .order((reporting_periods::starts_on, reporting_periods::id))
        .select(Period::as_select())
        .load(conn)
        .await
}

find_queries!(reporting_periods, Period);
insert_query!(reporting_periods, Period, NewPeriod);
update_query!(reporting_periods, Period, PeriodChanges);

/// The open period an update made on `date` reports on: the one containing
/// the date or, when none does, the latest open one already started.
pub async fn current(
    conn: &mut Conn,
    strategy_id: Uuid,
    date: NaiveDate,
) -> QueryResult<Option<Period>> {
    reporting_periods::table
        .filter(reporting_periods::strategy_id.eq(strategy_id))
        .filter(reporting_periods::closed_at.is_null())
        .filter(reporting_periods::starts_on.le(date))
        .order((
            reporting_periods::ends_on.ge(date).desc(),
            reporting_periods::starts_on.desc(),
        ))
        .select(Period::as_select())
        .first(conn)
        .await
        .optional()
}

/// Closes a period as of `at`, by `closed_by`, bumping its version.
pub async fn close(
    conn: &mut Conn,
    id: Uuid,
    at: DateTime<Utc>,
    by: Option<Uuid>,
) -> QueryResult<Period> {
    diesel::update(reporting_periods::table.find(id))
        .set((
            reporting_periods::closed_at.eq(at),
            reporting_periods::closed_by.eq(by),
            reporting_periods::version.eq(reporting_periods::version + 1),
            reporting_periods::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Period::as_returning())
        .get_result(conn)
        .await
}

/// Stores each action's state at close.
pub async fn insert_action_snapshots(
    conn: &mut Conn,
    period_id: Uuid,
    rows: &[(Uuid, Rag, serde_json::Value)],
) -> QueryResult<usize> {
    let values: Vec<_> = rows
        .iter()
        .map(|(action_id, rag, state)| {
            (
                period_action_snapshots::period_id.eq(period_id),
                period_action_snapshots::action_id.eq(*action_id),
                period_action_snapshots::rag.eq(rag.as_str()),
                period_action_snapshots::state.eq(state),
            )
        })
        .collect();
    let mut inserted = 0;
    // PostgreSQL accepts at most 65,535 bind parameters per statement.
    for chunk in values.chunks(10_000) {
        inserted += diesel::insert_into(period_action_snapshots::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(inserted)
}

/// Renames the author of the latest report kept in closed periods'
/// snapshots, where `author_id` wrote that report. A snapshot keeps the
/// author's name as it was then, not their id, so the report is found by
/// its action and the moment it was made: a namesake's reports keep their
/// name, and a name the author had before a rename is replaced too.
pub async fn rename_author_in_snapshots(
    conn: &mut Conn,
    author_id: Uuid,
    new_name: &str,
) -> QueryResult<usize> {
    use diesel::sql_types::{Text, Uuid as SqlUuid};
    diesel::sql_query(
        "UPDATE period_action_snapshots s
            SET state = jsonb_set(s.state, '{latest,author}', to_jsonb($2::text))
           FROM progress_updates p
          WHERE p.author_id = $1
            AND s.action_id = p.action_id
            AND (s.state->'latest'->>'created_at')::timestamptz = p.created_at",
    )
    .bind::<SqlUuid, _>(author_id)
    .bind::<Text, _>(new_name)
    .execute(conn)
    .await
}

/// Stores each pledge's state at close.
pub async fn insert_pledge_snapshots(
    conn: &mut Conn,
    period_id: Uuid,
    rows: &[(Uuid, Uuid, Rag, serde_json::Value)],
) -> QueryResult<usize> {
    let values: Vec<_> = rows
        .iter()
        .map(|(organisation_id, commitment_id, rag, state)| {
            (
                period_pledge_snapshots::period_id.eq(period_id),
                period_pledge_snapshots::organisation_id.eq(*organisation_id),
                period_pledge_snapshots::commitment_id.eq(*commitment_id),
                period_pledge_snapshots::rag.eq(rag.as_str()),
                period_pledge_snapshots::state.eq(state),
            )
        })
        .collect();
    let mut inserted = 0;
    for chunk in values.chunks(10_000) {
        inserted += diesel::insert_into(period_pledge_snapshots::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(inserted)
}

/// The action states stored when a period closed.
pub async fn action_snapshots(
    conn: &mut Conn,
    period_id: Uuid,
) -> QueryResult<Vec<serde_json::Value>> {
    period_action_snapshots::table
        .filter(period_action_snapshots::period_id.eq(period_id))
        .select(period_action_snapshots::state)
        .load(conn)
        .await
}

/// The pledge states stored when a period closed.
pub async fn pledge_snapshots(
    conn: &mut Conn,
    period_id: Uuid,
) -> QueryResult<Vec<serde_json::Value>> {
    period_pledge_snapshots::table
        .filter(period_pledge_snapshots::period_id.eq(period_id))
        .select(period_pledge_snapshots::state)
        .load(conn)
        .await
}

/// Each action's rating in each closed period of a strategy, by period.
pub async fn ratings(conn: &mut Conn, strategy_id: Uuid) -> QueryResult<Vec<(Uuid, Uuid, String)>> {
    period_action_snapshots::table
        .inner_join(reporting_periods::table)
        .filter(reporting_periods::strategy_id.eq(strategy_id))
        .filter(reporting_periods::closed_at.is_not_null())
        .order((
            reporting_periods::starts_on,
            period_action_snapshots::action_id,
        ))
        .select((
            period_action_snapshots::period_id,
            period_action_snapshots::action_id,
            period_action_snapshots::rag,
        ))
        .load(conn)
        .await
}

/// The period of a strategy containing `date`, open or closed.
pub async fn containing(
    conn: &mut Conn,
    strategy_id: Uuid,
    date: NaiveDate,
) -> QueryResult<Option<Period>> {
    reporting_periods::table
        .filter(reporting_periods::strategy_id.eq(strategy_id))
        .filter(reporting_periods::starts_on.le(date))
        .filter(reporting_periods::ends_on.ge(date))
        .order(reporting_periods::starts_on.desc())
        .select(Period::as_select())
        .first(conn)
        .await
        .optional()
}
