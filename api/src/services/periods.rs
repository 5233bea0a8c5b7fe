//! Reporting periods: named spans of a strategy (a quarter, the run-up to a
//! board meeting). Closing one snapshots every action, pledge and indicator, so the
//! period's reports stay exactly as they were whatever changes later.

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::insert_audited;
use super::context::{Ctx, authorize, missing, visible};
use super::indicators::summaries;
use super::input::{trimmed, valid, validate};
use super::locked::{Target, Written};
use super::mail;
use crate::concurrency::Precondition;
use crate::db::indicators as indicator_store;
use crate::db::periods::{self as store, NewPeriod, Period, PeriodChanges};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool, review, strategies};
use crate::domain::review::ActionState;
use crate::domain::validation::{NAME_MAX, not_blank, printable, span_errors};
use crate::domain::{Actor, AllowedAction, Entity, allowed, permissions};
use crate::error::AppError;

const ENTITY: Entity = Entity::ReportingPeriod;
const FORBIDDEN: &str = "only administrators and the chair can manage reporting periods";

// Described by its values in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodStatus {
    /// Updates may still be posted in it, and it may change.
    Open,
    /// Its state was kept when it closed; it no longer changes.
    Closed,
}

/// A reporting period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    #[schema(example = "2024-25 Q2")]
    pub(crate) name: String,
    pub(crate) starts_on: NaiveDate,
    pub(crate) ends_on: NaiveDate,
    pub(crate) status: PeriodStatus,
    pub(crate) closed_at: Option<DateTime<Utc>>,
    pub(crate) closed_by: Option<UserRef>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[schema(example = json!(["update", "close"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePeriod {
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    #[schema(example = "2024-25 Q2")]
    pub(crate) name: String,
    #[garde(skip)]
    pub(crate) starts_on: NaiveDate,
    #[garde(skip)]
    pub(crate) ends_on: NaiveDate,
}

/// Fields to change while the period is open.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "2024-25 Q3 (board of 12 February)"}))]
pub struct UpdatePeriod {
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) name: Option<String>,
    #[garde(skip)]
    pub(crate) starts_on: Option<NaiveDate>,
    #[garde(skip)]
    pub(crate) ends_on: Option<NaiveDate>,
}

async fn views(
    conn: &mut Conn,
    rows: Vec<Period>,
    actor: &Actor,
) -> Result<Vec<PeriodView>, AppError> {
    let closers: Vec<Uuid> = rows.iter().filter_map(|p| p.closed_by).collect();
    let names = users::refs(conn, &closers).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let open = p.closed_at.is_none();
            PeriodView {
                allowed_actions: allowed::for_period(actor, open),
                status: if open {
                    PeriodStatus::Open
                } else {
                    PeriodStatus::Closed
                },
                closed_by: p.closed_by.and_then(|id| names.get(&id).cloned()),
                id: p.id,
                strategy_id: p.strategy_id,
                name: p.name,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                closed_at: p.closed_at,
                version: p.version,
                created_at: p.created_at,
                updated_at: p.updated_at,
            }
        })
        .collect())
}

async fn view(conn: &mut Conn, row: Period, actor: &Actor) -> Result<PeriodView, AppError> {
    Ok(views(conn, vec![row], actor).await?.remove(0))
}

/// Dates in a plausible range, ending after they start, not overlapping the
/// strategy's other periods.
async fn check_span(
    conn: &mut Conn,
    strategy_id: Uuid,
    except: Option<Uuid>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), AppError> {
    valid(span_errors(
        ("starts_on", Some(starts_on)),
        ("ends_on", Some(ends_on)),
    ))?;
    let clash = store::for_strategy(conn, strategy_id)
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != except)
        .find(|p| p.starts_on <= ends_on && starts_on <= p.ends_on);
    match clash {
        Some(p) => Err(AppError::Conflict(format!(
            "the period overlaps {} ({} to {})",
            p.name, p.starts_on, p.ends_on
        ))),
        None => Ok(()),
    }
}

/// A strategy's reporting periods, earliest first.
pub async fn list(pool: &Pool, ctx: &Ctx, strategy_id: Uuid) -> Result<Vec<PeriodView>, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let rows = store::for_strategy(&mut conn, strategy_id).await?;
    views(&mut conn, rows, &ctx.actor).await
}

/// One reporting period.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<PeriodView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing("reporting period"))?;
    visible(&ctx.actor, row.strategy_id, "reporting period")?;
    view(&mut conn, row, &ctx.actor).await
}

/// Adds a reporting period to a strategy (administrators and the chair);
/// periods of a strategy do not overlap.
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    input: CreatePeriod,
) -> Result<PeriodView, AppError> {
    authorize(permissions::can_close_period(&ctx.actor), FORBIDDEN)?;
    validate(&input)?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            // Locking the strategy serialises overlap checks within it.
            strategies::find_for_update(conn, strategy_id)
                .await
                .map_err(missing("strategy"))?;
            check_span(conn, strategy_id, None, input.starts_on, input.ends_on).await?;
            let new = NewPeriod {
                id: Uuid::now_v7(),
                strategy_id,
                name: trimmed(&input.name),
                starts_on: input.starts_on,
                ends_on: input.ends_on,
            };
            insert_audited(conn, ctx, ENTITY, new.id, &new, store::insert).await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Renames an open period or moves its dates (administrators and the
/// chair; needs the version read). Periods of a strategy do not overlap.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdatePeriod,
) -> Result<PeriodView, AppError> {
    authorize(permissions::can_close_period(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    validate(&input)?;
    let changes = PeriodChanges {
        name: input.name.as_deref().map(trimmed),
        starts_on: input.starts_on,
        ends_on: input.ends_on,
    };
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(ENTITY, id)
                .admitted(ctx, Some(expected))
                .write(conn, lock, async |conn, before| {
                    if before.closed_at.is_some() {
                        return Err(AppError::Conflict(
                            "a closed period cannot be changed".into(),
                        ));
                    }
                    if changes.is_empty() {
                        return Ok(Written::Unchanged(before));
                    }
                    let starts_on = changes.starts_on.unwrap_or(before.starts_on);
                    let ends_on = changes.ends_on.unwrap_or(before.ends_on);
                    check_span(conn, before.strategy_id, Some(id), starts_on, ends_on).await?;
                    let after = store::update(conn, id, &changes).await?;
                    Ok(Written::changed(before, after))
                })
                .await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Locks a period, after its strategy: locking the strategy first
/// serialises the overlap checks of its periods.
async fn lock(conn: &mut Conn, id: Uuid) -> diesel::QueryResult<Period> {
    let period = store::find(conn, id).await?;
    strategies::find_for_update(conn, period.strategy_id).await?;
    store::find_for_update(conn, id).await
}

/// Every action of a strategy at `at` (now when `None`), with its newest
/// report and its milestones: what a closed period keeps, and what a report
/// shows.
pub(crate) async fn full_states(
    conn: &mut Conn,
    strategy_id: Uuid,
    at: Option<DateTime<Utc>>,
    moment: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<ActionState>, AppError> {
    let mut states = review::action_states(conn, strategy_id, at).await?;
    let ids: Vec<Uuid> = states.iter().map(|a| a.id).collect();
    let mut latest = review::latest_reports(conn, &ids, moment).await?;
    let mut milestones = review::milestones(conn, strategy_id, at, today, false).await?;
    for state in &mut states {
        state.latest = latest.remove(&state.id);
        state.milestones = milestones.remove(&state.id).unwrap_or_default();
    }
    Ok(states)
}

/// Closes a period as of the caller's clock: keeps every action's,
/// pledge's and indicator's state then, so the period's reports never
/// change (administrators and the chair; the version read is optional). The
/// demo closes its past quarters with the clock at the board meeting after
/// each.
pub async fn close(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<PeriodView, AppError> {
    authorize(permissions::can_close_period(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.optional()?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(ENTITY, id)
                .admitted(ctx, expected)
                .write(conn, store::find_for_update, async |conn, before| {
                    if before.closed_at.is_some() {
                        return Err(AppError::Conflict("this period is already closed".into()));
                    }
                    let moment = ctx.stamp(conn).await?;
                    let states = keep_states(conn, ctx, &before, moment).await?;
                    let after = store::close(conn, id, moment, ctx.actor.user_id()).await?;
                    let reported = review::reported_in(conn, after.strategy_id, id, moment).await?;
                    mail::notices::period_closed(conn, ctx, &after, &states, &reported).await?;
                    Ok(Written::changed(before, after))
                })
                .await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Keeps the state of every action, pledge and indicator of the period's
/// strategy at `moment`, and answers the actions' states. A clock set to
/// the past reconstructs the state then; the real clock reads the state
/// as it stands.
async fn keep_states(
    conn: &mut Conn,
    ctx: &Ctx,
    period: &Period,
    moment: DateTime<Utc>,
) -> Result<Vec<ActionState>, AppError> {
    let strategy_id = period.strategy_id;
    let at = ctx.clock.set_moment();
    let today = ctx.clock.local_date(moment);
    let states = full_states(conn, strategy_id, at, moment, today).await?;
    let action_rows: Vec<_> = states
        .iter()
        .map(|s| (s.id, s.rag, serde_json::to_value(s).unwrap_or_default()))
        .collect();
    store::insert_action_snapshots(conn, period.id, &action_rows).await?;
    let pledges = review::pledge_states(conn, strategy_id, moment).await?;
    let pledge_rows: Vec<_> = pledges
        .iter()
        .map(|p| {
            let json = serde_json::to_value(p).unwrap_or_default();
            (p.organisation_id, p.commitment_id, p.rag, json)
        })
        .collect();
    store::insert_pledge_snapshots(conn, period.id, &pledge_rows).await?;
    let indicators = summaries(conn, strategy_id, today, at).await?;
    let indicator_rows: Vec<_> = indicators
        .iter()
        .map(|i| (i.id, serde_json::to_value(i).unwrap_or_default()))
        .collect();
    indicator_store::insert_snapshots(conn, period.id, &indicator_rows).await?;
    Ok(states)
}
