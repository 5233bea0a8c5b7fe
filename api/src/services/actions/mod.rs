//! Actions of the delivery plan: "We will ..." lines with an owning
//! organisation, supporters, links to ambitions and commitments, dates and
//! a current RAG.

pub mod links;
pub mod live;
pub mod snapshot;
pub mod view;

use chrono::NaiveDate;
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub use view::{ActionView, Include, view, views};

use self::links::{MAX_LINKS, check_dates, check_request, dedup, named_links, named_organisations};
use self::live::ensure_live;
use self::snapshot::{Snapshot, snapshot};
use super::audit::created;
use super::context::{Ctx, authorize, missing, scoped, visible};
use super::input::{nullable, rags, trimmed, validate};
use super::locked::{self, Target, Written};
use crate::concurrency::Precondition;
use crate::db::actions::{self as store, Action, ActionChanges, ActionFilter, NewAction};
use crate::db::statements::StatementRef;
use crate::db::{Conn, Pool, strategies};
use crate::domain::validation::{TEXT_MAX, TITLE_MAX, not_blank, printable};
use crate::domain::{Entity, StatementKind, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::Action;

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAction {
    #[garde(skip)]
    pub(crate) strategy_id: Uuid,
    #[garde(length(chars, min = 1, max = 20), custom(not_blank), custom(printable))]
    #[schema(example = "A1.3")]
    pub(crate) reference: String,
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) description: Option<String>,
    #[garde(skip)]
    pub(crate) lead_organisation_id: Uuid,
    #[garde(length(max = MAX_LINKS))]
    pub(crate) supporting_organisation_ids: Option<Vec<Uuid>>,
    /// At least one ambition of the same strategy.
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub(crate) ambition_ids: Vec<Uuid>,
    #[garde(length(max = MAX_LINKS))]
    pub(crate) commitment_ids: Option<Vec<Uuid>>,
    #[garde(skip)]
    pub(crate) start_date: Option<NaiveDate>,
    #[garde(skip)]
    pub(crate) target_date: Option<NaiveDate>,
}

/// Fields to change; absent fields stay as they are. `reference`, the lead,
/// the supporters and `archived` are changed by administrators and the
/// chair; the rest by administrators and the lead organisation's members.
/// An archived action changes only to be restored (`archived: false`).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Reduce the criminalisation of looked after children", "target_date": "2025-09-30"}))]
pub struct UpdateAction {
    #[garde(length(chars, min = 1, max = 20), custom(not_blank), custom(printable))]
    pub(crate) reference: Option<String>,
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) description: Option<String>,
    #[garde(skip)]
    pub(crate) lead_organisation_id: Option<Uuid>,
    #[garde(length(max = MAX_LINKS))]
    pub(crate) supporting_organisation_ids: Option<Vec<Uuid>>,
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub(crate) ambition_ids: Option<Vec<Uuid>>,
    #[garde(length(max = MAX_LINKS))]
    pub(crate) commitment_ids: Option<Vec<Uuid>>,
    /// `null` clears the date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub(crate) start_date: Option<Option<NaiveDate>>,
    /// `null` clears the date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub(crate) target_date: Option<Option<NaiveDate>>,
    /// `true` takes the action out of the live plan (lists, the dashboard,
    /// reports of later moments, periods closed later) keeping its history;
    /// `false` restores it.
    #[garde(skip)]
    pub(crate) archived: Option<bool>,
}

impl UpdateAction {
    /// Whether it changes nothing at all.
    pub fn is_empty(&self) -> bool {
        !self.manages() && !self.edits_details()
    }

    /// Whether it changes what only administrators and the chair change.
    fn manages(&self) -> bool {
        self.reassigns() || self.archived.is_some()
    }

    fn reassigns(&self) -> bool {
        self.reference.is_some()
            || self.lead_organisation_id.is_some()
            || self.supporting_organisation_ids.is_some()
    }

    fn edits_details(&self) -> bool {
        self.title.is_some()
            || self.description.is_some()
            || self.ambition_ids.is_some()
            || self.commitment_ids.is_some()
            || self.start_date.is_some()
            || self.target_date.is_some()
    }
}

/// Which actions a list holds, and what each carries.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    pub(crate) strategy_id: Option<Uuid>,
    /// Only actions serving this ambition.
    pub(crate) ambition_id: Option<Uuid>,
    /// Only actions serving this commitment.
    pub(crate) commitment_id: Option<Uuid>,
    /// Only actions this organisation leads or supports.
    pub(crate) organisation_id: Option<Uuid>,
    /// Only actions this organisation leads.
    pub(crate) lead_organisation_id: Option<Uuid>,
    /// Only these ratings, comma-separated (`red,amber`).
    pub(crate) rag: Option<String>,
    /// `true`: only actions past their target date and not complete, or with
    /// a milestone past due.
    pub(crate) overdue: Option<bool>,
    /// Only actions whose reference, title or description contains this text.
    pub(crate) q: Option<String>,
    /// Parts to include, comma-separated: `latest_update`, `milestones`.
    pub(crate) include: Option<String>,
    /// `true`: only archived actions, which the list otherwise leaves out.
    pub(crate) archived: Option<bool>,
}

/// A page of actions, by strategy and reference.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: ActionQuery,
    page: &PageParams,
) -> Result<Page<ActionView>, AppError> {
    let page = page.request()?;
    let include = Include::parse(query.include.as_deref())?;
    let filter = ActionFilter {
        strategy_id: scoped(&ctx.actor, query.strategy_id)?,
        statement_id: query
            .ambition_id
            .into_iter()
            .chain(query.commitment_id)
            .collect(),
        organisation_id: query.organisation_id,
        lead_organisation_id: query.lead_organisation_id,
        rags: rags(query.rag.as_deref())?,
        overdue_on: query.overdue.filter(|o| *o).map(|_| ctx.clock.today()),
        q: query.q,
        archived: query.archived.unwrap_or(false),
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |a| (a.strategy_id, a.reference.clone()), |a| a);
    Ok(Page {
        items: views(&mut conn, next.items, ctx, include).await?,
        next_cursor: next.next_cursor,
    })
}

/// One action.
pub async fn get(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    include: Include,
) -> Result<ActionView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing(ENTITY.noun()))?;
    visible(&ctx.actor, row.strategy_id, ENTITY.noun())?;
    view(&mut conn, row, ctx, include).await
}

/// Adds an action to a strategy's delivery plan (administrators and the
/// chair).
pub async fn create(pool: &Pool, ctx: &Ctx, input: CreateAction) -> Result<ActionView, AppError> {
    authorize(
        permissions::can_manage_actions(&ctx.actor),
        "only administrators and the chair can create actions",
    )?;
    validate(&input)?;
    check_dates(input.start_date, input.target_date)?;
    let supporting = dedup(
        input.supporting_organisation_ids.unwrap_or_default(),
        input.lead_organisation_id,
    );
    let statement_ids: Vec<Uuid> = input
        .ambition_ids
        .iter()
        .chain(input.commitment_ids.iter().flatten())
        .copied()
        .collect();
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, input.strategy_id)
        .await
        .map_err(|_| AppError::validation("strategy_id", "no strategy has this id"))?;
    check_request(
        &mut conn,
        input.strategy_id,
        &named_organisations(Some(input.lead_organisation_id), Some(&supporting)),
        &named_links(Some(&input.ambition_ids), input.commitment_ids.as_deref()),
    )
    .await?;
    let new = NewAction {
        id: Uuid::now_v7(),
        strategy_id: input.strategy_id,
        reference: trimmed(&input.reference),
        title: trimmed(&input.title),
        description: input
            .description
            .as_deref()
            .map(trimmed)
            .unwrap_or_default(),
        lead_organisation_id: input.lead_organisation_id,
        start_date: input.start_date,
        target_date: input.target_date,
        created_at: ctx.clock.now(),
        updated_at: ctx.clock.now(),
    };
    let row = conn
        .transaction(async |conn| insert(conn, ctx, &new, &supporting, &statement_ids).await)
        .await?;
    view(&mut conn, row, ctx, Include::default()).await
}

/// Stores a checked new action with its supporters and links, and audits
/// it, inside the caller's transaction.
pub async fn insert(
    conn: &mut Conn,
    ctx: &Ctx,
    new: &NewAction,
    supporting: &[Uuid],
    statement_ids: &[Uuid],
) -> Result<Action, AppError> {
    let row = store::insert(conn, new).await?;
    store::set_supporters(conn, row.id, supporting).await?;
    store::set_links(conn, row.id, statement_ids).await?;
    let after = snapshot(conn, row.clone()).await?;
    created(conn, ctx, ENTITY, row.id, &after).await?;
    Ok(row)
}

/// Changes an action (needs the version read). Its reference, lead,
/// supporters and whether it is archived are changed by administrators and
/// the chair; the rest by administrators and the lead organisation's
/// members.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateAction,
) -> Result<ActionView, AppError> {
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            locked::change(
                conn,
                ctx,
                Target::new(ENTITY, id),
                async |conn| store::find_for_update(conn, id).await,
                async |_, before| {
                    if input.manages() {
                        authorize(
                            permissions::can_manage_actions(&ctx.actor),
                            "only administrators and the chair can change an action's reference, lead or supporters, or archive it",
                        )?;
                    }
                    if input.edits_details() || !input.manages() {
                        authorize(
                            permissions::can_edit_action(&ctx.actor, before.lead_organisation_id),
                            "only the lead organisation can edit this action's details",
                        )?;
                    }
                    let expected = precondition.version()?;
                    validate(&input)?;
                    Ok(Some(expected))
                },
                async |conn, before| apply(conn, ctx, before, &input).await,
            )
            .await
        })
        .await?;
    view(&mut conn, row, ctx, Include::default()).await
}

/// Writes a checked change to a locked action.
async fn apply(
    conn: &mut Conn,
    ctx: &Ctx,
    before: Action,
    input: &UpdateAction,
) -> Result<Written<Snapshot, Action>, AppError> {
    let archived_at = match (input.archived, before.archived_at) {
        (Some(true), None) => Some(Some(ctx.stamp(conn).await?)),
        (Some(false), Some(_)) => Some(None),
        _ => None,
    };
    if archived_at != Some(None) && (input.reassigns() || input.edits_details()) {
        ensure_live(before.archived_at)?;
    }
    if !input.reassigns() && !input.edits_details() && archived_at.is_none() {
        return Ok(Written::Unchanged(before));
    }
    let id = before.id;
    let lead = input
        .lead_organisation_id
        .unwrap_or(before.lead_organisation_id);
    let supporting = input
        .supporting_organisation_ids
        .clone()
        .map(|ids| dedup(ids, lead));
    check_dates(
        input.start_date.unwrap_or(before.start_date),
        input.target_date.unwrap_or(before.target_date),
    )?;
    check_request(
        conn,
        before.strategy_id,
        &named_organisations(input.lead_organisation_id, supporting.as_deref()),
        &named_links(
            input.ambition_ids.as_deref(),
            input.commitment_ids.as_deref(),
        ),
    )
    .await?;
    let before = snapshot(conn, before).await?;
    let changes = ActionChanges {
        reference: input.reference.as_deref().map(trimmed),
        title: input.title.as_deref().map(trimmed),
        description: input.description.as_deref().map(trimmed),
        lead_organisation_id: input.lead_organisation_id,
        start_date: input.start_date,
        target_date: input.target_date,
        archived_at,
        ..Default::default()
    };
    let row = store::update(conn, id, &changes).await?;
    match supporting {
        Some(supporting) => store::set_supporters(conn, id, &supporting).await?,
        // A new lead is no longer also a supporter.
        None if input.lead_organisation_id.is_some() => {
            let kept = dedup(before.supporting_organisation_ids().to_vec(), lead);
            store::set_supporters(conn, id, &kept).await?
        }
        None => {}
    }
    if input.ambition_ids.is_some() || input.commitment_ids.is_some() {
        relink(conn, id, input).await?;
    }
    let after = snapshot(conn, row.clone()).await?;
    Ok(Written::Changed {
        before,
        after,
        answer: row,
    })
}

/// Replaces the ambitions or the commitments an action serves, keeping the
/// kind not named.
async fn relink(conn: &mut Conn, id: Uuid, input: &UpdateAction) -> Result<(), AppError> {
    let current = store::links(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let keep = |kind| {
        current
            .iter()
            .filter(move |s: &&StatementRef| s.kind == kind)
            .map(|s| s.id)
    };
    let ambitions: Vec<Uuid> = input
        .ambition_ids
        .clone()
        .unwrap_or_else(|| keep(StatementKind::Ambition).collect());
    let commitments: Vec<Uuid> = input
        .commitment_ids
        .clone()
        .unwrap_or_else(|| keep(StatementKind::Commitment).collect());
    let all: Vec<Uuid> = ambitions.into_iter().chain(commitments).collect();
    store::set_links(conn, id, &all).await?;
    Ok(())
}

/// Deletes an action with its milestones and updates (administrators and
/// the chair; needs the version read). An action with a history is better
/// archived, which keeps it.
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    authorize(
        permissions::can_manage_actions(&ctx.actor),
        "only administrators and the chair can delete actions",
    )?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        Target::new(ENTITY, id)
            .admitted(ctx, Some(expected))
            .write(conn, store::find_for_update, async |conn, before| {
                let before = snapshot(conn, before).await?;
                store::delete(conn, id).await?;
                Ok(Written::Deleted { before, answer: () })
            })
            .await
    })
    .await
}
