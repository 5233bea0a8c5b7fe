//! A priority as callers read it: the council that raised it, what it
//! touches, the actions that answer it, and the board's answers in order.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::Conn;
use crate::db::organisations::{self, OrganisationRef};
use crate::db::priorities::{self as store, ActionBrief, Priority, PriorityStep};
use crate::db::statements::{self, StatementRef};
use crate::db::users::{self, UserRef};
use crate::domain::priorities as rules;
use crate::domain::{AllowedAction, PriorityStatus, Rag, StatementKind, allowed};
use crate::error::AppError;
use crate::services::context::Ctx;

/// An action answering a priority, with its rating now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriorityAction {
    pub(crate) id: Uuid,
    #[schema(example = "A2.3")]
    pub(crate) reference: String,
    pub(crate) title: String,
    /// The "We will ..." line.
    pub(crate) description: String,
    pub(crate) rag: Rag,
    /// Taken out of the live plan.
    pub(crate) archived: bool,
}

/// One answer of the board, as young people read it in the history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriorityAnswerView {
    pub(crate) status: PriorityStatus,
    /// The message to young people.
    pub(crate) message: String,
    pub(crate) response: Option<String>,
    pub(crate) owner_organisation: Option<OrganisationRef>,
    pub(crate) deliver_by: Option<NaiveDate>,
    pub(crate) decline_reason: Option<String>,
    pub(crate) outcome: Option<String>,
    /// The actions linked to the priority by then.
    pub(crate) action_ids: Vec<Uuid>,
    pub(crate) answered_by: Option<UserRef>,
    pub(crate) answered_at: DateTime<Utc>,
}

/// A priority of the young people's council, with the board's answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PriorityView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    /// The young people's council that raised it.
    pub(crate) organisation: OrganisationRef,
    #[schema(example = "Mental health support when you live outside Nottinghamshire")]
    pub(crate) title: String,
    /// What young people said, in their own words.
    pub(crate) said: String,
    pub(crate) why_it_matters: String,
    /// The day it was raised.
    pub(crate) raised_on: NaiveDate,
    /// Where it was raised.
    #[schema(example = "No Labels meeting")]
    pub(crate) raised_at: String,
    /// The board answers by this day.
    pub(crate) response_due_on: NaiveDate,
    /// Still waiting for an answer after its due day.
    pub(crate) overdue: bool,
    pub(crate) status: PriorityStatus,
    pub(crate) ambitions: Vec<StatementRef>,
    pub(crate) commitments: Vec<StatementRef>,
    /// Accepted: what will be done.
    pub(crate) response: Option<String>,
    /// Accepted: the partner that will do it.
    pub(crate) owner_organisation: Option<OrganisationRef>,
    /// Accepted: by when.
    pub(crate) deliver_by: Option<NaiveDate>,
    /// Declined: why.
    pub(crate) decline_reason: Option<String>,
    /// Done: what changed.
    pub(crate) outcome: Option<String>,
    /// The actions that answer it.
    pub(crate) actions: Vec<PriorityAction>,
    /// The board's answers, oldest first.
    pub(crate) answers: Vec<PriorityAnswerView>,
    pub(crate) raised_by: Option<UserRef>,
    pub(crate) answered_at: Option<DateTime<Utc>>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// The statuses the board may move it to next.
    pub(crate) next_statuses: Vec<PriorityStatus>,
    #[schema(example = json!(["answer"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

/// What the views of a set of priorities name, read with one query each.
struct Named {
    statement_ids: HashMap<Uuid, Vec<Uuid>>,
    action_ids: HashMap<Uuid, Vec<Uuid>>,
    steps: HashMap<Uuid, Vec<PriorityStep>>,
    statements: HashMap<Uuid, StatementRef>,
    actions: HashMap<Uuid, ActionBrief>,
    orgs: HashMap<Uuid, OrganisationRef>,
    names: HashMap<Uuid, UserRef>,
}

impl Named {
    async fn load(conn: &mut Conn, rows: &[Priority]) -> Result<Named, AppError> {
        let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
        let statement_ids = store::statement_ids(conn, &ids).await?;
        let action_ids = store::action_ids(conn, &ids).await?;
        let steps = store::steps(conn, &ids).await?;
        let all_statements: Vec<Uuid> = statement_ids.values().flatten().copied().collect();
        let statements = statements::refs(conn, &all_statements)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let all_actions: Vec<Uuid> = action_ids.values().flatten().copied().collect();
        let actions = store::action_briefs(conn, &all_actions).await?;
        let mut org_ids: Vec<Uuid> = rows.iter().map(|p| p.organisation_id).collect();
        org_ids.extend(
            steps
                .values()
                .flatten()
                .filter_map(|s| s.owner_organisation_id),
        );
        let orgs = organisations::refs(conn, &org_ids).await?;
        let mut user_ids: Vec<Uuid> = rows.iter().filter_map(|p| p.raised_by).collect();
        user_ids.extend(steps.values().flatten().filter_map(|s| s.author_id));
        let names = users::refs(conn, &user_ids).await?;
        Ok(Named {
            statement_ids,
            action_ids,
            steps,
            statements,
            actions,
            orgs,
            names,
        })
    }

    /// The ambitions and the commitments a priority touches, by number.
    fn statements_of(&mut self, id: Uuid) -> (Vec<StatementRef>, Vec<StatementRef>) {
        let mut linked: Vec<StatementRef> = self
            .statement_ids
            .remove(&id)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| self.statements.get(s).cloned())
            .collect();
        linked.sort_by_key(|s| (s.kind, s.number));
        linked
            .into_iter()
            .partition(|s| s.kind == StatementKind::Ambition)
    }

    /// The actions answering a priority, by reference.
    fn actions_of(&mut self, id: Uuid) -> Vec<PriorityAction> {
        let mut answering: Vec<PriorityAction> = self
            .action_ids
            .remove(&id)
            .unwrap_or_default()
            .iter()
            .filter_map(|a| self.actions.get(a).map(action_view))
            .collect();
        answering.sort_by(|a, b| a.reference.cmp(&b.reference));
        answering
    }

    fn answer_view(&self, s: PriorityStep) -> PriorityAnswerView {
        PriorityAnswerView {
            owner_organisation: s
                .owner_organisation_id
                .and_then(|id| self.orgs.get(&id).cloned()),
            answered_by: s.author_id.and_then(|id| self.names.get(&id).cloned()),
            status: s.status,
            message: s.message,
            response: s.response,
            deliver_by: s.deliver_by,
            decline_reason: s.decline_reason,
            outcome: s.outcome,
            action_ids: s.action_ids,
            answered_at: s.created_at,
        }
    }
}

/// Builds views with one query per kind of thing they name.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<Priority>,
    ctx: &Ctx,
) -> Result<Vec<PriorityView>, AppError> {
    let mut named = Named::load(conn, &rows).await?;
    let today = ctx.clock.today();
    rows.into_iter()
        .map(|p| {
            let organisation =
                named.orgs.get(&p.organisation_id).cloned().ok_or_else(|| {
                    AppError::internal("priority refers to a missing organisation")
                })?;
            let (ambitions, commitments) = named.statements_of(p.id);
            let actions = named.actions_of(p.id);
            let history = named.steps.remove(&p.id).unwrap_or_default();
            let current = Current::of(&history);
            let answered_at = history.first().map(|s| s.created_at);
            let answers = history.into_iter().map(|s| named.answer_view(s)).collect();
            Ok(PriorityView {
                overdue: rules::overdue(p.status, p.response_due_on, today),
                next_statuses: rules::next_statuses(p.status).to_vec(),
                allowed_actions: allowed::for_priority(&ctx.actor, p.status),
                owner_organisation: current
                    .owner_organisation_id
                    .and_then(|id| named.orgs.get(&id).cloned()),
                response: current.response,
                deliver_by: current.deliver_by,
                decline_reason: current.decline_reason,
                outcome: current.outcome,
                answered_at,
                raised_by: p.raised_by.and_then(|id| named.names.get(&id).cloned()),
                organisation,
                ambitions,
                commitments,
                actions,
                answers,
                id: p.id,
                strategy_id: p.strategy_id,
                title: p.title,
                said: p.said,
                why_it_matters: p.why_it_matters,
                raised_on: p.raised_on,
                raised_at: p.raised_at,
                response_due_on: p.response_due_on,
                status: p.status,
                version: p.version,
                created_at: p.created_at,
                updated_at: p.updated_at,
            })
        })
        .collect()
}

/// The board's answer as it stands after its steps: what it said when it
/// last accepted, declined or finished the priority.
#[derive(Debug, Default)]
struct Current {
    response: Option<String>,
    owner_organisation_id: Option<Uuid>,
    deliver_by: Option<NaiveDate>,
    decline_reason: Option<String>,
    outcome: Option<String>,
}

impl Current {
    fn of(steps: &[PriorityStep]) -> Current {
        let mut current = Current::default();
        for step in steps {
            match step.status {
                PriorityStatus::Accepted => {
                    current.response.clone_from(&step.response);
                    current.owner_organisation_id = step.owner_organisation_id;
                    current.deliver_by = step.deliver_by;
                }
                PriorityStatus::Declined => current.decline_reason.clone_from(&step.decline_reason),
                PriorityStatus::Done => current.outcome.clone_from(&step.outcome),
                PriorityStatus::Raised | PriorityStatus::InProgress => {}
            }
        }
        current
    }
}

fn action_view(a: &ActionBrief) -> PriorityAction {
    PriorityAction {
        id: a.id,
        reference: a.reference.clone(),
        title: a.title.clone(),
        description: a.description.clone(),
        rag: a.rag,
        archived: a.archived_at.is_some(),
    }
}

pub(super) async fn view(
    conn: &mut Conn,
    row: Priority,
    ctx: &Ctx,
) -> Result<PriorityView, AppError> {
    Ok(views(conn, vec![row], ctx).await?.remove(0))
}
