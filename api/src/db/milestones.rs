//! Milestones of actions, with the history of their due dates.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::schema::{milestone_reschedules, milestones};
use super::{Conn, group};

/// A dated step of an action, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = milestones, check_for_backend(diesel::pg::Pg))]
pub struct Milestone {
    pub(crate) id: Uuid,
    pub(crate) action_id: Uuid,
    pub(crate) title: String,
    pub(crate) baseline_due: NaiveDate,
    pub(crate) due_date: NaiveDate,
    pub(crate) completed_on: Option<NaiveDate>,
    pub(crate) note: String,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A new milestone to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = milestones)]
pub struct NewMilestone {
    pub(crate) id: Uuid,
    pub(crate) action_id: Uuid,
    pub(crate) title: String,
    pub(crate) baseline_due: NaiveDate,
    pub(crate) due_date: NaiveDate,
    pub(crate) completed_on: Option<NaiveDate>,
    pub(crate) note: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// The columns of a milestone to change; `None` leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = milestones)]
pub struct MilestoneChanges {
    pub(crate) title: Option<String>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) completed_on: Option<Option<NaiveDate>>,
    pub(crate) note: Option<String>,
}

impl MilestoneChanges {
    /// Whether the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.due_date.is_none()
            && self.completed_on.is_none()
            && self.note.is_none()
    }
}

/// One move of a due date.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = milestone_reschedules, check_for_backend(diesel::pg::Pg))]
pub struct Reschedule {
    #[serde(skip)]
    pub(crate) milestone_id: Uuid,
    pub(crate) from_date: NaiveDate,
    pub(crate) to_date: NaiveDate,
    pub(crate) reason: String,
    pub(crate) changed_by: Option<Uuid>,
    pub(crate) changed_at: DateTime<Utc>,
}

/// A move of a milestone's due date to record.
#[derive(Debug, Insertable)]
#[diesel(table_name = milestone_reschedules)]
pub struct NewReschedule {
    pub(crate) milestone_id: Uuid,
    pub(crate) from_date: NaiveDate,
    pub(crate) to_date: NaiveDate,
    pub(crate) reason: String,
    pub(crate) changed_by: Option<Uuid>,
    pub(crate) changed_at: DateTime<Utc>,
}

/// Milestones of each of the given actions, by due date.
pub async fn for_actions(
    conn: &mut Conn,
    action_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Milestone>>> {
    let rows: Vec<Milestone> = milestones::table
        .filter(milestones::action_id.eq_any(action_ids))
        .order((milestones::action_id, milestones::due_date, milestones::id))
        .select(Milestone::as_select())
        .load(conn)
        .await?;
    Ok(group(rows.into_iter().map(|m| (m.action_id, m)).collect()))
}

/// The due-date history of each of the given milestones, oldest first.
pub async fn reschedules(
    conn: &mut Conn,
    milestone_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Reschedule>>> {
    let rows: Vec<Reschedule> = milestone_reschedules::table
        .filter(milestone_reschedules::milestone_id.eq_any(milestone_ids))
        .order(milestone_reschedules::id)
        .select(Reschedule::as_select())
        .load(conn)
        .await?;
    Ok(group(
        rows.into_iter().map(|r| (r.milestone_id, r)).collect(),
    ))
}

find_queries!(milestones, Milestone);
insert_query!(milestones, Milestone, NewMilestone);
update_query!(milestones, Milestone, MilestoneChanges);
delete_query!(milestones);

/// Records a move of a milestone's due date.
pub async fn insert_reschedule(conn: &mut Conn, new: &NewReschedule) -> QueryResult<usize> {
    diesel::insert_into(milestone_reschedules::table)
        .values(new)
        .execute(conn)
        .await
}
