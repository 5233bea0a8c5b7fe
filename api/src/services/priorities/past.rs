//! The priorities as they stood at a past moment: the answers given by
//! then, and the status, answer and actions those answers left. A report
//! of a past half-year reads them so that it says the same whenever it
//! is made.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::view::{PriorityAction, PriorityView, action_view, views};
use crate::db::Conn;
use crate::db::priorities::{self as store, ActionBrief};
use crate::domain::priorities as rules;
use crate::domain::{Actor, PriorityStatus, allowed};
use crate::error::AppError;
use crate::services::context::{Ctx, visible};

/// The strategy's priorities recorded by `at`, oldest raised first, each
/// as it stood then. Whoever may read the strategy may read them.
pub async fn as_at(
    conn: &mut Conn,
    ctx: &Ctx,
    strategy_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<PriorityView>, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let rows = store::for_strategy(conn, strategy_id, at).await?;
    let mut list = views(conn, rows, ctx).await?;
    for view in &mut list {
        view.answers.retain(|a| a.answered_at <= at);
    }
    // The actions the last answer by then linked, which may since have
    // been replaced.
    let linked: Vec<Uuid> = list
        .iter()
        .filter_map(|v| v.answers.last())
        .flat_map(|a| a.action_ids.iter().copied())
        .collect();
    let briefs = store::action_briefs(conn, &linked).await?;
    let today = ctx.clock.local_date(at);
    Ok(list
        .into_iter()
        .map(|view| as_it_stood(view, &briefs, today, &ctx.actor))
        .collect())
}

/// A view whose answers are those given by a moment, made to say what
/// they said then.
fn as_it_stood(
    mut view: PriorityView,
    briefs: &HashMap<Uuid, ActionBrief>,
    today: NaiveDate,
    actor: &Actor,
) -> PriorityView {
    let mut actions: Vec<PriorityAction> = view
        .answers
        .last()
        .map(|a| {
            a.action_ids
                .iter()
                .filter_map(|id| briefs.get(id))
                .map(action_view)
                .collect()
        })
        .unwrap_or_default();
    actions.sort_by(|a, b| a.reference.cmp(&b.reference));
    view.actions = actions;
    view.status = view
        .answers
        .last()
        .map_or(PriorityStatus::Raised, |a| a.status);
    // What the board said when it last accepted, declined or finished it.
    (view.response, view.owner_organisation, view.deliver_by) = (None, None, None);
    (view.decline_reason, view.outcome) = (None, None);
    for answer in &view.answers {
        match answer.status {
            PriorityStatus::Accepted => {
                view.response.clone_from(&answer.response);
                view.owner_organisation
                    .clone_from(&answer.owner_organisation);
                view.deliver_by = answer.deliver_by;
            }
            PriorityStatus::Declined => view.decline_reason.clone_from(&answer.decline_reason),
            PriorityStatus::Done => view.outcome.clone_from(&answer.outcome),
            PriorityStatus::Raised | PriorityStatus::InProgress => {}
        }
    }
    view.answered_at = view.answers.first().map(|a| a.answered_at);
    view.overdue = rules::overdue(view.status, view.response_due_on, today);
    view.next_statuses = rules::next_statuses(view.status).to_vec();
    view.allowed_actions = allowed::for_priority(actor, view.status);
    view
}
