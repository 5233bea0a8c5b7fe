//! The young people's council's priorities, the statements and actions
//! linked to them, and the board's answers.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::schema::{actions, priorities, priority_actions, priority_statements, priority_steps};
use super::{Conn, PRIORITY_ACTIONS, PRIORITY_STATEMENTS, group, replace_links};
use crate::domain::{PriorityStatus, Rag};
use crate::paging::PageRequest;

/// A priority as it stands.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize)]
#[diesel(table_name = priorities, check_for_backend(diesel::pg::Pg))]
pub struct Priority {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) organisation_id: Uuid,
    pub(crate) title: String,
    pub(crate) said: String,
    pub(crate) why_it_matters: String,
    pub(crate) raised_on: NaiveDate,
    pub(crate) raised_at: String,
    pub(crate) response_due_on: NaiveDate,
    pub(crate) status: PriorityStatus,
    pub(crate) raised_by: Option<Uuid>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A priority, with what it touches, what answers it and the answer that
/// changed it, as the audit trail and the change feed keep it.
#[derive(Debug, Clone, Serialize)]
pub struct PriorityRecord {
    #[serde(flatten)]
    pub(crate) priority: Priority,
    pub(crate) statement_ids: Vec<Uuid>,
    pub(crate) action_ids: Vec<Uuid>,
    /// The answer that brought it here (none while it is raised).
    pub(crate) answer: Option<PriorityStep>,
}

/// One answer of the board (append-only).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = priority_steps, check_for_backend(diesel::pg::Pg))]
pub struct PriorityStep {
    pub(crate) id: Uuid,
    pub(crate) priority_id: Uuid,
    pub(crate) status: PriorityStatus,
    pub(crate) message: String,
    pub(crate) response: Option<String>,
    pub(crate) owner_organisation_id: Option<Uuid>,
    pub(crate) deliver_by: Option<NaiveDate>,
    pub(crate) decline_reason: Option<String>,
    pub(crate) outcome: Option<String>,
    pub(crate) action_ids: Vec<Uuid>,
    pub(crate) author_id: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
}

/// Which priorities a list holds.
#[derive(Debug, Default)]
pub struct PriorityFilter {
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) statuses: Vec<PriorityStatus>,
}

/// Lists are ordered by id (the order they were recorded in).
pub type PriorityKey = Uuid;

/// A page of priorities matching `filter`.
pub async fn list(
    conn: &mut Conn,
    filter: &PriorityFilter,
    page: &PageRequest<PriorityKey>,
) -> QueryResult<Vec<Priority>> {
    let mut query = priorities::table
        .select(Priority::as_select())
        .order(priorities::id)
        .limit(page.fetch())
        .into_boxed();
    if let Some(id) = filter.strategy_id {
        query = query.filter(priorities::strategy_id.eq(id));
    }
    if let Some(id) = filter.organisation_id {
        query = query.filter(priorities::organisation_id.eq(id));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(priorities::status.eq_any(filter.statuses.clone()));
    }
    if let Some(since) = page.updated_since {
        query = query.filter(priorities::updated_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(priorities::id.gt(after));
    }
    query.load(conn).await
}

/// Every priority of a strategy recorded by `at`, oldest first.
pub async fn for_strategy(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<Vec<Priority>> {
    priorities::table
        .filter(priorities::strategy_id.eq(strategy_id))
        .filter(priorities::created_at.le(at))
        .order((priorities::raised_on, priorities::id))
        .select(Priority::as_select())
        .load(conn)
        .await
}

find_queries!(priorities, Priority);

/// Stores a new priority.
pub async fn insert(conn: &mut Conn, new: &Priority) -> QueryResult<Priority> {
    diesel::insert_into(priorities::table)
        .values(new)
        .returning(Priority::as_returning())
        .get_result(conn)
        .await
}

/// Moves the priority to `status` after an answer, bumping the version.
pub async fn answer(
    conn: &mut Conn,
    id: Uuid,
    status: PriorityStatus,
    at: DateTime<Utc>,
) -> QueryResult<Priority> {
    diesel::update(priorities::table.find(id))
        .set((
            priorities::status.eq(status),
            priorities::version.eq(priorities::version + 1),
            priorities::updated_at.eq(at),
        ))
        .returning(Priority::as_returning())
        .get_result(conn)
        .await
}

/// Keeps an answer in the priority's history.
pub async fn insert_step(conn: &mut Conn, step: &PriorityStep) -> QueryResult<usize> {
    diesel::insert_into(priority_steps::table)
        .values(step)
        .execute(conn)
        .await
}

/// The answers to each of these priorities, oldest first.
pub async fn steps(
    conn: &mut Conn,
    priority_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<PriorityStep>>> {
    let rows: Vec<PriorityStep> = priority_steps::table
        .filter(priority_steps::priority_id.eq_any(priority_ids))
        .order((priority_steps::created_at, priority_steps::id))
        .select(PriorityStep::as_select())
        .load(conn)
        .await?;
    Ok(group(
        rows.into_iter().map(|s| (s.priority_id, s)).collect(),
    ))
}

/// The ambitions and commitments each of these priorities touches.
pub async fn statement_ids(
    conn: &mut Conn,
    priority_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = priority_statements::table
        .filter(priority_statements::priority_id.eq_any(priority_ids))
        .select((
            priority_statements::priority_id,
            priority_statements::statement_id,
        ))
        .load(conn)
        .await?;
    Ok(group(rows))
}

/// The actions answering each of these priorities.
pub async fn action_ids(
    conn: &mut Conn,
    priority_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = priority_actions::table
        .filter(priority_actions::priority_id.eq_any(priority_ids))
        .select((priority_actions::priority_id, priority_actions::action_id))
        .load(conn)
        .await?;
    Ok(group(rows))
}

/// Makes `statement_ids` the ambitions and commitments the priority touches.
pub async fn set_statements(
    conn: &mut Conn,
    priority_id: Uuid,
    statement_ids: &[Uuid],
) -> QueryResult<()> {
    replace_links(conn, &PRIORITY_STATEMENTS, priority_id, statement_ids).await
}

/// Makes `action_ids` the actions that answer the priority.
pub async fn set_actions(
    conn: &mut Conn,
    priority_id: Uuid,
    action_ids: &[Uuid],
) -> QueryResult<()> {
    replace_links(conn, &PRIORITY_ACTIONS, priority_id, action_ids).await
}

/// An action as a priority names it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = actions, check_for_backend(diesel::pg::Pg))]
pub struct ActionBrief {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) reference: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) rag: Rag,
    pub(crate) archived_at: Option<DateTime<Utc>>,
}

/// These actions, by id.
pub async fn action_briefs(
    conn: &mut Conn,
    ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, ActionBrief>> {
    let rows: Vec<ActionBrief> = actions::table
        .filter(actions::id.eq_any(ids))
        .select(ActionBrief::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}
