//! Milestones: dated steps of an action. The first agreed due date is kept
//! as the baseline; moving the due date needs a reason, which is recorded.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::actions::live::ensure_live;
use super::audit::insert_audited;
use super::context::{Ctx, authorize, missing, visible};
use super::input::{nullable, trimmed, valid, validate};
use super::locked::{self, Target, Written};
use crate::concurrency::Precondition;
use crate::db::actions::{self, Action};
use crate::db::milestones::{
    self as store, Milestone, MilestoneChanges, NewMilestone, NewReschedule,
};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool};
use crate::domain::delivery::{milestone_overdue, reschedule};
use crate::domain::validation::{TEXT_MAX, TITLE_MAX, implausible_dates, not_blank, printable};
use crate::domain::{Actor, AllowedAction, Entity, allowed, permissions};
use crate::error::AppError;

const ENTITY: Entity = Entity::Milestone;
const FORBIDDEN: &str = "only the action's lead organisation can change its milestones";

/// A dated step of an action.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneView {
    pub(crate) id: Uuid,
    pub(crate) action_id: Uuid,
    pub(crate) title: String,
    /// The due date first agreed.
    pub(crate) baseline_due: NaiveDate,
    /// The current due date.
    pub(crate) due_date: NaiveDate,
    pub(crate) completed_on: Option<NaiveDate>,
    pub(crate) note: String,
    /// Past due and not completed.
    pub(crate) overdue: bool,
    /// Days between the baseline and the current due date.
    pub(crate) slipped_days: i64,
    /// Each move of the due date, oldest first.
    pub(crate) reschedules: Vec<RescheduleView>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[schema(example = json!(["update", "delete"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

/// One move of a milestone's due date.
#[derive(Debug, Serialize, ToSchema)]
pub struct RescheduleView {
    pub(crate) from_date: NaiveDate,
    pub(crate) to_date: NaiveDate,
    pub(crate) reason: String,
    pub(crate) changed_by: Option<UserRef>,
    pub(crate) changed_at: DateTime<Utc>,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Publish the care leavers' local offer", "due_date": "2025-03-31", "note": "Co-produced with the Children in Care Council."}))]
pub struct CreateMilestone {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    /// Becomes the baseline due date too.
    #[garde(skip)]
    pub(crate) due_date: NaiveDate,
    #[garde(skip)]
    pub(crate) completed_on: Option<NaiveDate>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) note: Option<String>,
}

/// Fields to change; absent fields stay as they are. A new `due_date` needs
/// a `due_date_reason`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"due_date": "2025-06-30", "due_date_reason": "Awaiting national guidance"}))]
pub struct UpdateMilestone {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: Option<String>,
    #[garde(skip)]
    pub(crate) due_date: Option<NaiveDate>,
    /// Why the due date moves (required when it does).
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) due_date_reason: Option<String>,
    /// `null` reopens the milestone.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub(crate) completed_on: Option<Option<NaiveDate>>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) note: Option<String>,
}

/// What may be done with a milestone depends on its action: who leads it,
/// and whether it is archived.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Parent {
    lead: Uuid,
    archived_at: Option<DateTime<Utc>>,
}

impl Parent {
    pub(crate) fn of(action: &Action) -> Parent {
        Parent {
            lead: action.lead_organisation_id,
            archived_at: action.archived_at,
        }
    }
}

/// Builds views for milestones, grouped by action, with their reschedules
/// and who made them, in a fixed number of queries.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<Milestone>,
    parents: &HashMap<Uuid, Parent>,
    actor: &Actor,
    today: NaiveDate,
) -> Result<HashMap<Uuid, Vec<MilestoneView>>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut moves = store::reschedules(conn, &ids).await?;
    let user_ids: Vec<Uuid> = moves
        .values()
        .flatten()
        .filter_map(|r| r.changed_by)
        .collect();
    let names = users::refs(conn, &user_ids).await?;
    let mut by_action: HashMap<Uuid, Vec<MilestoneView>> = HashMap::new();
    for m in rows {
        let reschedules = moves
            .remove(&m.id)
            .unwrap_or_default()
            .into_iter()
            .map(|r| RescheduleView {
                from_date: r.from_date,
                to_date: r.to_date,
                reason: r.reason,
                changed_by: r.changed_by.and_then(|id| names.get(&id).cloned()),
                changed_at: r.changed_at,
            })
            .collect();
        let parent = parents.get(&m.action_id).copied().unwrap_or_default();
        by_action
            .entry(m.action_id)
            .or_default()
            .push(MilestoneView {
                overdue: milestone_overdue(m.due_date, m.completed_on, today),
                slipped_days: (m.due_date - m.baseline_due).num_days(),
                reschedules,
                allowed_actions: allowed::for_milestone(
                    actor,
                    parent.lead,
                    parent.archived_at.is_some(),
                ),
                id: m.id,
                action_id: m.action_id,
                title: m.title,
                baseline_due: m.baseline_due,
                due_date: m.due_date,
                completed_on: m.completed_on,
                note: m.note,
                version: m.version,
                created_at: m.created_at,
                updated_at: m.updated_at,
            });
    }
    Ok(by_action)
}

async fn view(
    conn: &mut Conn,
    row: Milestone,
    parent: Parent,
    ctx: &Ctx,
) -> Result<MilestoneView, AppError> {
    let action_id = row.action_id;
    let parents = HashMap::from([(action_id, parent)]);
    let mut views = views(conn, vec![row], &parents, &ctx.actor, ctx.clock.today()).await?;
    Ok(views
        .remove(&action_id)
        .and_then(|mut v| v.pop())
        .expect("one view"))
}

fn check_dates(dates: &[(&str, Option<NaiveDate>)]) -> Result<(), AppError> {
    valid(implausible_dates(dates))
}

/// An action's milestones, by due date.
pub async fn list(pool: &Pool, ctx: &Ctx, action_id: Uuid) -> Result<Vec<MilestoneView>, AppError> {
    let mut conn = pool.get().await?;
    let action = actions::find(&mut conn, action_id)
        .await
        .map_err(missing("action"))?;
    visible(&ctx.actor, action.strategy_id, "action")?;
    let rows = store::for_actions(&mut conn, &[action_id])
        .await?
        .remove(&action_id)
        .unwrap_or_default();
    let parents = HashMap::from([(action_id, Parent::of(&action))]);
    Ok(
        views(&mut conn, rows, &parents, &ctx.actor, ctx.clock.today())
            .await?
            .remove(&action_id)
            .unwrap_or_default(),
    )
}

/// One milestone.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<MilestoneView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing(ENTITY.noun()))?;
    let action = actions::find(&mut conn, row.action_id).await?;
    visible(&ctx.actor, action.strategy_id, ENTITY.noun())?;
    view(&mut conn, row, Parent::of(&action), ctx).await
}

/// Adds a milestone to an action (its lead organisation); its due date is also
/// its baseline.
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    action_id: Uuid,
    input: CreateMilestone,
) -> Result<MilestoneView, AppError> {
    let mut conn = pool.get().await?;
    let action = actions::find(&mut conn, action_id)
        .await
        .map_err(missing("action"))?;
    authorize(
        permissions::can_edit_action(&ctx.actor, action.lead_organisation_id),
        FORBIDDEN,
    )?;
    ensure_live(action.archived_at)?;
    validate(&input)?;
    check_dates(&[
        ("due_date", Some(input.due_date)),
        ("completed_on", input.completed_on),
    ])?;
    let new = NewMilestone {
        id: Uuid::now_v7(),
        action_id,
        title: trimmed(&input.title),
        baseline_due: input.due_date,
        due_date: input.due_date,
        completed_on: input.completed_on,
        note: input.note.as_deref().map(trimmed).unwrap_or_default(),
        created_at: ctx.clock.now(),
        updated_at: ctx.clock.now(),
    };
    let row = conn
        .transaction(async |conn| {
            insert_audited(conn, ctx, ENTITY, new.id, &new, store::insert).await
        })
        .await?;
    view(&mut conn, row, Parent::of(&action), ctx).await
}

/// Changes a milestone (its action's lead organisation; needs the version
/// read). Moving the due date needs a reason, which is recorded with who
/// moved it and when.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateMilestone,
) -> Result<MilestoneView, AppError> {
    let mut conn = pool.get().await?;
    let (row, parent) = conn
        .transaction(async |conn| {
            locked::change(
                conn,
                ctx,
                Target::new(ENTITY, id),
                async |conn| lock(conn, id).await,
                async |_, (_, parent)| {
                    authorize(
                        permissions::can_edit_action(&ctx.actor, parent.lead),
                        FORBIDDEN,
                    )?;
                    ensure_live(parent.archived_at)?;
                    let expected = precondition.version()?;
                    validate(&input)?;
                    check_dates(&[
                        ("due_date", input.due_date),
                        ("completed_on", input.completed_on.flatten()),
                    ])?;
                    Ok(Some(expected))
                },
                async |conn, (before, parent)| {
                    let moved = reschedule(
                        before.due_date,
                        input.due_date,
                        input.due_date_reason.as_deref(),
                    )
                    .map_err(|e| AppError::Validation(vec![e]))?;
                    let changes = MilestoneChanges {
                        title: input.title.as_deref().map(trimmed),
                        due_date: moved.as_ref().map(|m| m.to),
                        completed_on: input.completed_on,
                        note: input.note.as_deref().map(trimmed),
                    };
                    if changes.is_empty() {
                        return Ok(Written::Unchanged((before, parent)));
                    }
                    let after = store::update(conn, id, &changes).await?;
                    if let Some(moved) = moved {
                        let reschedule = NewReschedule {
                            milestone_id: id,
                            from_date: moved.from,
                            to_date: moved.to,
                            reason: moved.reason,
                            changed_by: ctx.actor.user_id(),
                            changed_at: ctx.clock.now(),
                        };
                        store::insert_reschedule(conn, &reschedule).await?;
                    }
                    Ok(Written::Changed {
                        before,
                        answer: (after.clone(), parent),
                        after,
                    })
                },
            )
            .await
        })
        .await?;
    view(&mut conn, row, parent, ctx).await
}

/// Deletes a milestone (its action's lead organisation; needs the version
/// read).
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        locked::change(
            conn,
            ctx,
            Target::new(ENTITY, id),
            async |conn| lock(conn, id).await,
            async |_, (_, parent)| {
                authorize(
                    permissions::can_edit_action(&ctx.actor, parent.lead),
                    FORBIDDEN,
                )?;
                ensure_live(parent.archived_at)?;
                Ok(Some(precondition.version()?))
            },
            async |conn, (before, _)| {
                store::delete(conn, id).await?;
                Ok(Written::Deleted { before, answer: () })
            },
        )
        .await
    })
    .await
}

/// Locks a milestone, with what its action decides about it.
async fn lock(conn: &mut Conn, id: Uuid) -> diesel::QueryResult<(Milestone, Parent)> {
    let milestone = store::find_for_update(conn, id).await?;
    let action = actions::find(conn, milestone.action_id).await?;
    Ok((milestone, Parent::of(&action)))
}
