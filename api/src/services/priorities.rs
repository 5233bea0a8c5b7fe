//! Priorities the young people's council raises for the board, and the
//! board's answers: accepted (what, by whom, by when, and the actions that
//! will do it), declined (why), started, done (what changed). Each answer
//! carries a message to young people and is kept in the priority's
//! history.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::audit::created;
use super::context::{Ctx, authorize, missing, scoped, visible};
use super::input::{trimmed, valid, validate};
use super::locked::{Target, Written};
use crate::concurrency::Precondition;
use crate::db::organisations::{self, OrganisationRef};
use crate::db::priorities::{
    self as store, ActionBrief, Priority, PriorityFilter, PriorityRecord, PriorityStep,
};
use crate::db::statements::{self, StatementRef};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool, strategies};
use crate::domain::priorities::{self as rules, Answer, AnswerRefusal, PriorityState};
use crate::domain::validation::{
    FieldError, NAME_MAX, TEXT_MAX, implausible_dates, not_blank, printable,
};
use crate::domain::{
    Actor, AllowedAction, Entity, OrganisationKind, PriorityStatus, Rag, Role, StatementKind,
    StrategyStatus, allowed, permissions,
};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::Priority;

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

/// A priority to raise.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "strategy_id": "0190a0a0-0000-7000-8000-000000000001",
    "title": "Mental health support when you live outside Nottinghamshire",
    "said": "When I moved to Derby I had to start again on a waiting list.",
    "why_it_matters": "A third of us live outside the county.",
    "raised_on": "2024-03-12",
    "raised_at": "No Labels meeting",
    "ambition_ids": [],
    "commitment_ids": []
}))]
pub struct RaisePriority {
    #[garde(skip)]
    pub(crate) strategy_id: Uuid,
    /// The young people's council raising it: required from an
    /// administrator recording it on the council's behalf; a member raises
    /// it for their own organisation.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) organisation_id: Option<Uuid>,
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    /// What young people said, in their own words.
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) said: String,
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) why_it_matters: String,
    /// The day it was raised (not in the future).
    #[garde(skip)]
    pub(crate) raised_on: NaiveDate,
    /// Where it was raised ("No Labels meeting").
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) raised_at: String,
    /// Ambitions of the strategy it touches.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) ambition_ids: Vec<Uuid>,
    /// Commitments of the strategy it touches.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) commitment_ids: Vec<Uuid>,
}

/// An answer of the board. Accepting says what will be done, by whom and
/// by when; declining says why; done says what changed; every answer has
/// a message to young people. Texts young people read keep each sentence
/// to 25 words or fewer.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "status": "accepted",
    "message": "Thank you. We agree and we will act on this.",
    "response": "The health trust will keep your worker when you move.",
    "owner_organisation_id": "0190a0a0-0000-7000-8000-000000000002",
    "deliver_by": "2025-03-31",
    "action_ids": ["0190a0a0-0000-7000-8000-000000000003"]
}))]
pub struct AnswerPriority {
    #[garde(skip)]
    pub(crate) status: PriorityStatus,
    /// The message to young people.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) message: String,
    /// Accepting: what will be done.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    #[serde(default)]
    pub(crate) response: Option<String>,
    /// Accepting: the partner of the strategy that will do it.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) owner_organisation_id: Option<Uuid>,
    /// Accepting: by when.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) deliver_by: Option<NaiveDate>,
    /// Declining: why, in plain words.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    #[serde(default)]
    pub(crate) decline_reason: Option<String>,
    /// Done: what changed, in plain words.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    #[serde(default)]
    pub(crate) outcome: Option<String>,
    /// The actions of the strategy that answer it (replacing those linked
    /// before); absent keeps them. Not with a decline.
    #[garde(inner(length(max = 100)))]
    #[serde(default)]
    pub(crate) action_ids: Option<Vec<Uuid>>,
}

/// Which priorities a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriorityQuery {
    pub(crate) strategy_id: Option<Uuid>,
    /// Raised by this organisation.
    pub(crate) organisation_id: Option<Uuid>,
    /// Only these statuses, comma-separated (`raised,accepted`).
    pub(crate) status: Option<String>,
}

fn statuses(text: Option<&str>) -> Result<Vec<PriorityStatus>, AppError> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<PriorityStatus>()
                .map_err(|e| AppError::BadRequest(format!("status: {e}")))
        })
        .collect()
}

/// Builds views with one query per kind of thing they name.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<Priority>,
    ctx: &Ctx,
) -> Result<Vec<PriorityView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let mut statement_ids = store::statement_ids(conn, &ids).await?;
    let mut action_ids = store::action_ids(conn, &ids).await?;
    let mut steps = store::steps(conn, &ids).await?;
    let all_statements: Vec<Uuid> = statement_ids.values().flatten().copied().collect();
    let statements: HashMap<Uuid, StatementRef> = statements::refs(conn, &all_statements)
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
    let today = ctx.clock.today();
    rows.into_iter()
        .map(|p| {
            let organisation = orgs
                .get(&p.organisation_id)
                .cloned()
                .ok_or_else(|| AppError::internal("priority refers to a missing organisation"))?;
            let mut linked: Vec<StatementRef> = statement_ids
                .remove(&p.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| statements.get(id).cloned())
                .collect();
            linked.sort_by_key(|s| (s.kind, s.number));
            let (ambitions, commitments) = linked
                .into_iter()
                .partition(|s| s.kind == StatementKind::Ambition);
            let mut answering: Vec<PriorityAction> = action_ids
                .remove(&p.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| actions.get(id).map(action_view))
                .collect();
            answering.sort_by(|a, b| a.reference.cmp(&b.reference));
            let history = steps.remove(&p.id).unwrap_or_default();
            let current = Current::of(&history);
            let answered_at = history.first().map(|s| s.created_at);
            let answers = history
                .into_iter()
                .map(|s| PriorityAnswerView {
                    owner_organisation: s
                        .owner_organisation_id
                        .and_then(|id| orgs.get(&id).cloned()),
                    answered_by: s.author_id.and_then(|id| names.get(&id).cloned()),
                    status: s.status,
                    message: s.message,
                    response: s.response,
                    deliver_by: s.deliver_by,
                    decline_reason: s.decline_reason,
                    outcome: s.outcome,
                    action_ids: s.action_ids,
                    answered_at: s.created_at,
                })
                .collect();
            Ok(PriorityView {
                overdue: rules::overdue(p.status, p.response_due_on, today),
                next_statuses: rules::next_statuses(p.status).to_vec(),
                allowed_actions: allowed::for_priority(&ctx.actor, p.status),
                owner_organisation: current
                    .owner_organisation_id
                    .and_then(|id| orgs.get(&id).cloned()),
                response: current.response,
                deliver_by: current.deliver_by,
                decline_reason: current.decline_reason,
                outcome: current.outcome,
                answered_at,
                raised_by: p.raised_by.and_then(|id| names.get(&id).cloned()),
                organisation,
                ambitions,
                commitments,
                actions: answering,
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

async fn view(conn: &mut Conn, row: Priority, ctx: &Ctx) -> Result<PriorityView, AppError> {
    Ok(views(conn, vec![row], ctx).await?.remove(0))
}

/// A page of priorities.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: PriorityQuery,
    page: &PageParams,
) -> Result<Page<PriorityView>, AppError> {
    let page = page.request()?;
    let filter = PriorityFilter {
        strategy_id: scoped(&ctx.actor, query.strategy_id)?,
        organisation_id: query.organisation_id,
        statuses: statuses(query.status.as_deref())?,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |p| p.id, |p| p);
    Ok(Page {
        items: views(&mut conn, next.items, ctx).await?,
        next_cursor: next.next_cursor,
    })
}

/// One priority with its answers.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<PriorityView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing("priority"))?;
    visible(&ctx.actor, row.strategy_id, "priority")?;
    view(&mut conn, row, ctx).await
}

/// The young people's council the caller speaks for, when the caller may
/// raise priorities for it; administrators name one when they raise.
pub async fn voice_of(pool: &Pool, ctx: &Ctx) -> Result<Option<OrganisationRef>, AppError> {
    let Some(id) = ctx.actor.organisation_id() else {
        return Ok(None);
    };
    let mut conn = pool.get().await?;
    let organisation = organisations::find(&mut conn, id).await?;
    let speaks = organisation.kind == OrganisationKind::YoungPeoplesVoice;
    Ok(
        (speaks && permissions::can_raise_priority(&ctx.actor, speaks)).then_some(
            OrganisationRef {
                id: organisation.id,
                name: organisation.name,
                short_name: organisation.short_name,
            },
        ),
    )
}

/// The organisation a priority is raised for: the caller's own young
/// people's council, or the one an administrator names.
async fn raiser(conn: &mut Conn, actor: &Actor, named: Option<Uuid>) -> Result<Uuid, AppError> {
    const FORBIDDEN: &str = "only the young people's council (and administrators) raise priorities";
    let own = match actor.organisation_id() {
        Some(id) => Some(
            organisations::find(conn, id)
                .await
                .map_err(missing("organisation"))?,
        ),
        None => None,
    };
    let speaks = own
        .as_ref()
        .is_some_and(|o| o.kind == OrganisationKind::YoungPeoplesVoice);
    authorize(permissions::can_raise_priority(actor, speaks), FORBIDDEN)?;
    if actor.role() != Some(Role::Admin) {
        let own = own
            .map(|o| o.id)
            .ok_or_else(|| AppError::Forbidden(FORBIDDEN.into()))?;
        return match named {
            Some(id) if id != own => Err(AppError::Forbidden(
                "a priority is raised for your own organisation only".into(),
            )),
            _ => Ok(own),
        };
    }
    let id = named.ok_or_else(|| {
        AppError::validation(
            "organisation_id",
            "is required: the young people's council this priority comes from",
        )
    })?;
    match organisations::find(conn, id).await {
        Ok(o) if o.kind == OrganisationKind::YoungPeoplesVoice => Ok(id),
        Ok(_) => Err(AppError::validation(
            "organisation_id",
            "must be an organisation of kind young_peoples_voice",
        )),
        Err(diesel::result::Error::NotFound) => Err(AppError::validation(
            "organisation_id",
            "no organisation has this id",
        )),
        Err(other) => Err(other.into()),
    }
}

/// Every id must name a statement of `kind` in the strategy.
async fn check_statements(
    conn: &mut Conn,
    strategy_id: Uuid,
    field: &str,
    kind: StatementKind,
    ids: &[Uuid],
) -> Result<Vec<FieldError>, AppError> {
    let found: HashMap<Uuid, StatementRef> = statements::refs(conn, ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| {
            !found
                .get(id)
                .is_some_and(|s| s.kind == kind && s.strategy_id == strategy_id)
        })
        .map(|(i, _)| {
            let what = match kind {
                StatementKind::Ambition => "an ambition",
                StatementKind::Commitment => "a commitment",
            };
            FieldError::new(
                format!("{field}[{i}]"),
                format!("is not {what} of this strategy"),
            )
        })
        .collect())
}

/// Raises a priority, due for an answer `response_days` after the day it
/// was raised.
pub async fn raise(
    pool: &Pool,
    ctx: &Ctx,
    input: RaisePriority,
    response_days: u32,
) -> Result<PriorityView, AppError> {
    validate(&input)?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            let organisation_id = raiser(conn, &ctx.actor, input.organisation_id).await?;
            visible(&ctx.actor, input.strategy_id, "strategy")?;
            let strategy = strategies::find(conn, input.strategy_id)
                .await
                .map_err(missing("strategy"))?;
            if strategy.status == StrategyStatus::Archived {
                return Err(AppError::Conflict(
                    "this strategy is archived: it takes no new priorities".into(),
                ));
            }
            let mut errors = implausible_dates(&[("raised_on", Some(input.raised_on))]);
            if input.raised_on > ctx.clock.today() {
                errors.push(FieldError::new("raised_on", "must not be in the future"));
            }
            errors.extend(
                check_statements(
                    conn,
                    strategy.id,
                    "ambition_ids",
                    StatementKind::Ambition,
                    &input.ambition_ids,
                )
                .await?,
            );
            errors.extend(
                check_statements(
                    conn,
                    strategy.id,
                    "commitment_ids",
                    StatementKind::Commitment,
                    &input.commitment_ids,
                )
                .await?,
            );
            valid(errors)?;
            let at = ctx.stamp(conn).await?;
            let new = Priority {
                id: Uuid::now_v7(),
                strategy_id: strategy.id,
                organisation_id,
                title: trimmed(&input.title),
                said: trimmed(&input.said),
                why_it_matters: trimmed(&input.why_it_matters),
                raised_on: input.raised_on,
                raised_at: trimmed(&input.raised_at),
                response_due_on: rules::response_due(input.raised_on, response_days),
                status: PriorityStatus::Raised,
                raised_by: ctx.actor.user_id(),
                version: 1,
                created_at: at,
                updated_at: at,
            };
            let row = store::insert(conn, &new).await?;
            let mut linked = input.ambition_ids.clone();
            linked.extend(&input.commitment_ids);
            linked.sort_unstable();
            linked.dedup();
            store::set_statements(conn, row.id, &linked).await?;
            let record = PriorityRecord {
                priority: row.clone(),
                statement_ids: linked,
                action_ids: Vec::new(),
                answer: None,
            };
            created(conn, ctx, ENTITY, row.id, &record).await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    view(&mut conn, row, ctx).await
}

/// The organisation must be a partner of the strategy and each action one
/// of its live actions.
async fn check_answer_links(
    conn: &mut Conn,
    strategy_id: Uuid,
    owner: Option<Uuid>,
    action_ids: Option<&[Uuid]>,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(owner) = owner {
        let partners = strategies::partners(conn, &[strategy_id])
            .await?
            .remove(&strategy_id)
            .unwrap_or_default();
        if !partners.iter().any(|p| p.id == owner) {
            errors.push(FieldError::new(
                "owner_organisation_id",
                "must be a partner organisation of the strategy",
            ));
        }
    }
    if let Some(ids) = action_ids {
        let found = store::action_briefs(conn, ids).await?;
        for (i, id) in ids.iter().enumerate() {
            match found.get(id) {
                Some(a) if a.strategy_id == strategy_id && a.archived_at.is_none() => {}
                Some(a) if a.strategy_id == strategy_id => errors.push(FieldError::new(
                    format!("action_ids[{i}]"),
                    "is archived: link an action of the live plan",
                )),
                _ => errors.push(FieldError::new(
                    format!("action_ids[{i}]"),
                    "is not an action of this strategy",
                )),
            }
        }
    }
    valid(errors)
}

fn blank_to_none(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Gives the board's answer: moves the priority on, keeps the answer in
/// its history. Needs the version read (If-Match).
pub async fn answer(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: AnswerPriority,
) -> Result<PriorityView, AppError> {
    authorize(
        permissions::can_answer_priority(&ctx.actor),
        "only the chair and administrators answer priorities",
    )?;
    validate(&input)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(ENTITY, id)
                .admitted(ctx, Some(expected))
                .write(conn, store::find_for_update, async |conn, before| {
                    visible(&ctx.actor, before.strategy_id, "priority")?;
                    let given = Answer {
                        status: input.status,
                        message: &input.message,
                        response: input.response.as_deref(),
                        owner_organisation_id: input.owner_organisation_id,
                        deliver_by: input.deliver_by,
                        decline_reason: input.decline_reason.as_deref(),
                        outcome: input.outcome.as_deref(),
                    };
                    match rules::check_answer(before.status, &given) {
                        Ok(()) => {}
                        Err(AnswerRefusal::Step(why)) => return Err(AppError::Conflict(why)),
                        Err(AnswerRefusal::Fields(errors)) => {
                            return Err(AppError::Validation(errors));
                        }
                    }
                    if input.status == PriorityStatus::Declined && input.action_ids.is_some() {
                        return Err(AppError::validation(
                            "action_ids",
                            "is given only when accepting, starting or finishing the work",
                        ));
                    }
                    check_answer_links(
                        conn,
                        before.strategy_id,
                        input.owner_organisation_id,
                        input.action_ids.as_deref(),
                    )
                    .await?;
                    let at = ctx.stamp(conn).await?;
                    let before_links = store::action_ids(conn, &[id]).await?.remove(&id);
                    let before_statements = store::statement_ids(conn, &[id])
                        .await?
                        .remove(&id)
                        .unwrap_or_default();
                    let before_actions = before_links.unwrap_or_default();
                    let mut after_actions = match &input.action_ids {
                        Some(ids) => ids.clone(),
                        None => before_actions.clone(),
                    };
                    after_actions.sort_unstable();
                    after_actions.dedup();
                    let after = store::answer(conn, id, input.status, at).await?;
                    if input.action_ids.is_some() {
                        store::set_actions(conn, id, &after_actions).await?;
                    }
                    let step = PriorityStep {
                        id: Uuid::now_v7(),
                        priority_id: id,
                        status: input.status,
                        message: trimmed(&input.message),
                        response: blank_to_none(&input.response),
                        owner_organisation_id: input.owner_organisation_id,
                        deliver_by: input.deliver_by,
                        decline_reason: blank_to_none(&input.decline_reason),
                        outcome: blank_to_none(&input.outcome),
                        action_ids: after_actions.clone(),
                        author_id: ctx.actor.user_id(),
                        created_at: at,
                    };
                    store::insert_step(conn, &step).await?;
                    Ok(Written::Changed {
                        before: PriorityRecord {
                            priority: before,
                            statement_ids: before_statements.clone(),
                            action_ids: before_actions,
                            answer: None,
                        },
                        after: PriorityRecord {
                            priority: after.clone(),
                            statement_ids: before_statements,
                            action_ids: after_actions,
                            answer: Some(step),
                        },
                        answer: after,
                    })
                })
                .await
        })
        .await?;
    view(&mut conn, row, ctx).await
}

/// The strategy's priorities as they stood at `at`, for the chair's
/// review: each one's status then (from its answers up to that moment)
/// and the actions linked to it.
pub(crate) async fn states_at(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<PriorityState>, AppError> {
    let rows = store::for_strategy(conn, strategy_id, at).await?;
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let mut steps = store::steps(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let answered: Vec<PriorityStep> = steps
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|s| s.created_at <= at)
                .collect();
            let last = answered.last();
            PriorityState {
                id: p.id,
                title: p.title,
                status: last.map_or(PriorityStatus::Raised, |s| s.status),
                raised_on: p.raised_on,
                response_due_on: p.response_due_on,
                action_ids: last.map(|s| s.action_ids.clone()).unwrap_or_default(),
            }
        })
        .collect())
}
