//! Priorities the young people's council raises for the board, and the
//! board's answers: accepted (what, by whom, by when, and the actions that
//! will do it), declined (why), started, done (what changed). Each answer
//! carries a message to young people and is kept in the priority's
//! history.

mod checks;
mod past;
mod requests;
pub mod sheet;
mod view;

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use uuid::Uuid;

pub(crate) use self::checks::check_statements;
use self::checks::{blank_to_none, check_answer_links, raiser};
pub use self::past::as_at;
pub use self::requests::{AnswerPriority, PriorityQuery, RaisePriority};
pub use self::view::{PriorityAction, PriorityAnswerView, PriorityView};
use self::view::{view, views};
use super::audit::created;
use super::context::{Ctx, authorize, missing, scoped, visible};
use super::input::{trimmed, valid, validate, values};
use super::locked::{Target, Written};
use crate::concurrency::Precondition;
use crate::db::organisations::{self, OrganisationRef};
use crate::db::priorities::{
    self as store, Priority, PriorityFilter, PriorityRecord, PriorityStep,
};
use crate::db::{Conn, Pool, strategies};
use crate::domain::priorities::{self as rules, Answer, AnswerRefusal, PriorityState};
use crate::domain::validation::{FieldError, implausible_dates};
use crate::domain::{
    Entity, OrganisationKind, PriorityStatus, StatementKind, StrategyStatus, permissions,
};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::Priority;

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
        statuses: values(query.status.as_deref(), "status")?,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |p| p.id, |p| p);
    Ok(Page {
        items: views(&mut conn, next.items, ctx).await?,
        next_cursor: next.next_cursor,
    })
}

/// Every priority of a strategy as a spreadsheet, oldest first.
pub async fn export(pool: &Pool, ctx: &Ctx, strategy_id: Uuid) -> Result<Vec<u8>, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let rows = store::for_strategy(&mut conn, strategy_id, ctx.clock.now()).await?;
    let priorities = views(&mut conn, rows, ctx).await?;
    sheet::render(&priorities, |at| ctx.clock.local_date(at))
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
            announce(conn, ctx, &record).await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    view(&mut conn, row, ctx).await
}

/// Records a new priority in the audit trail and tells the chair, in the
/// caller's transaction.
async fn announce(conn: &mut Conn, ctx: &Ctx, record: &PriorityRecord) -> Result<(), AppError> {
    let row = &record.priority;
    created(conn, ctx, ENTITY, row.id, record).await?;
    crate::services::mail::notices::priority_raised(conn, ctx, row).await?;
    Ok(())
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
                    admit_answer(conn, ctx, &before, &input).await?;
                    write_answer(conn, ctx, before, &input).await
                })
                .await
        })
        .await?;
    view(&mut conn, row, ctx).await
}

/// Checks an answer against the priority as it stands.
async fn admit_answer(
    conn: &mut Conn,
    ctx: &Ctx,
    before: &Priority,
    input: &AnswerPriority,
) -> Result<(), AppError> {
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
        Err(AnswerRefusal::Fields(errors)) => return Err(AppError::Validation(errors)),
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
    .await
}

/// Moves the priority on, links its actions and keeps the answer; the
/// record before and after, each with the answer that brought it there,
/// goes to the audit trail.
async fn write_answer(
    conn: &mut Conn,
    ctx: &Ctx,
    before: Priority,
    input: &AnswerPriority,
) -> Result<Written<PriorityRecord, Priority>, AppError> {
    let id = before.id;
    let at = ctx.stamp(conn).await?;
    let statement_ids = store::statement_ids(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let before_actions = store::action_ids(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let last_answer = store::steps(conn, &[id])
        .await?
        .remove(&id)
        .and_then(|mut steps| steps.pop());
    let mut after_actions = input
        .action_ids
        .clone()
        .unwrap_or_else(|| before_actions.clone());
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
            statement_ids: statement_ids.clone(),
            action_ids: before_actions,
            answer: last_answer,
        },
        after: PriorityRecord {
            priority: after.clone(),
            statement_ids,
            action_ids: after_actions,
            answer: Some(step),
        },
        answer: after,
    })
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
