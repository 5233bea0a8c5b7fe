//! Actions of the delivery plan: "We will ..." lines with an owning
//! organisation, supporters, links to ambitions and commitments, dates and
//! a current RAG.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::milestones::{MilestoneView, views as milestone_views};
use super::progress::{UpdateView, views as update_views};
use super::{Change, Ctx, audit, authorize, missing, nullable, scoped, trimmed, validate, visible};
use crate::concurrency::{Precondition, check_version};
use crate::db::actions::{self as store, Action, ActionChanges, ActionFilter, NewAction};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::statements::{self, StatementRef};
use crate::db::{Conn, Pool, milestones, progress_updates, strategies};
use crate::domain::delivery::action_overdue;
use crate::domain::validation::{FieldError, TEXT_MAX, TITLE_MAX, not_blank, printable};
use crate::domain::{Actor, Rag, StatementKind, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: &str = "action";
pub(crate) const MAX_LINKS: usize = 100;

/// An action of the delivery plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    pub id: Uuid,
    pub strategy_id: Uuid,
    /// Short reference, unique within the strategy.
    #[schema(example = "A1.3")]
    pub reference: String,
    pub title: String,
    pub description: String,
    pub lead_organisation: OrganisationRef,
    pub supporting_organisations: Vec<OrganisationRef>,
    pub ambitions: Vec<StatementRef>,
    pub commitments: Vec<StatementRef>,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    /// The current rating: that of the newest rated update.
    pub rag: Rag,
    /// When the action was given its current rating.
    pub rag_since: Option<DateTime<Utc>>,
    /// When the lead or a supporting organisation last reported.
    pub last_reported_at: Option<DateTime<Utc>>,
    /// Past its target date and not complete.
    pub overdue: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the caller may do with this action.
    #[schema(example = json!(["update", "post_update", "post_note", "create_milestone"]))]
    pub allowed_actions: Vec<&'static str>,
    /// The newest update (with `include=latest_update`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_update: Option<UpdateView>,
    /// The milestones, by due date (with `include=milestones`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones: Option<Vec<MilestoneView>>,
}

/// What the caller may do with an action.
pub fn allowed_actions(actor: &Actor, lead: Uuid, supporting: &[Uuid]) -> Vec<&'static str> {
    let mut allowed = Vec::new();
    if permissions::can_edit_action(actor, lead) {
        allowed.extend(["update", "post_update", "create_milestone"]);
    }
    if permissions::can_post_note(actor, lead, supporting) {
        allowed.push("post_note");
    }
    if permissions::can_manage_actions(actor) {
        allowed.extend(["reassign", "delete"]);
    }
    allowed
}

/// Optional parts of an action to include in a response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    pub latest_update: bool,
    pub milestones: bool,
}

impl Include {
    pub const ALL: Include = Include {
        latest_update: true,
        milestones: true,
    };

    /// Parses `include=latest_update,milestones`.
    pub fn parse(text: Option<&str>) -> Result<Include, AppError> {
        let mut include = Include::default();
        for part in text
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part {
                "latest_update" => include.latest_update = true,
                "milestones" => include.milestones = true,
                other => {
                    return Err(AppError::BadRequest(format!(
                        "include: unknown part {other:?}; expected latest_update or milestones"
                    )));
                }
            }
        }
        Ok(include)
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAction {
    #[garde(skip)]
    pub strategy_id: Uuid,
    #[garde(length(chars, min = 1, max = 20), custom(not_blank), custom(printable))]
    #[schema(example = "A1.3")]
    pub reference: String,
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub title: String,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub description: Option<String>,
    #[garde(skip)]
    pub lead_organisation_id: Uuid,
    #[garde(length(max = MAX_LINKS))]
    pub supporting_organisation_ids: Option<Vec<Uuid>>,
    /// At least one ambition of the same strategy.
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub ambition_ids: Vec<Uuid>,
    #[garde(length(max = MAX_LINKS))]
    pub commitment_ids: Option<Vec<Uuid>>,
    #[garde(skip)]
    pub start_date: Option<NaiveDate>,
    #[garde(skip)]
    pub target_date: Option<NaiveDate>,
}

/// Fields to change; absent fields stay as they are. `reference`, the lead
/// and the supporters are changed by administrators and the chair; the rest
/// by administrators and the lead organisation's members.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Reduce the criminalisation of looked after children", "target_date": "2025-09-30"}))]
pub struct UpdateAction {
    #[garde(length(chars, min = 1, max = 20), custom(not_blank), custom(printable))]
    pub reference: Option<String>,
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub title: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub description: Option<String>,
    #[garde(skip)]
    pub lead_organisation_id: Option<Uuid>,
    #[garde(length(max = MAX_LINKS))]
    pub supporting_organisation_ids: Option<Vec<Uuid>>,
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub ambition_ids: Option<Vec<Uuid>>,
    #[garde(length(max = MAX_LINKS))]
    pub commitment_ids: Option<Vec<Uuid>>,
    /// `null` clears the date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub start_date: Option<Option<NaiveDate>>,
    /// `null` clears the date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub target_date: Option<Option<NaiveDate>>,
}

impl UpdateAction {
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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    pub strategy_id: Option<Uuid>,
    /// Only actions serving this ambition.
    pub ambition_id: Option<Uuid>,
    /// Only actions serving this commitment.
    pub commitment_id: Option<Uuid>,
    /// Only actions this organisation leads or supports.
    pub organisation_id: Option<Uuid>,
    /// Only actions this organisation leads.
    pub lead_organisation_id: Option<Uuid>,
    /// Only these ratings, comma-separated (`red,amber`).
    pub rag: Option<String>,
    /// `true`: only actions past their target date and not complete, or with
    /// a milestone past due.
    pub overdue: Option<bool>,
    /// Only actions whose reference, title or description contains this text.
    pub q: Option<String>,
    /// Parts to include, comma-separated: `latest_update`, `milestones`.
    pub include: Option<String>,
}

/// Parses a comma-separated list of RAG values.
pub fn parse_rags(text: Option<&str>) -> Result<Vec<Rag>, AppError> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<Rag>()
                .map_err(|e| AppError::BadRequest(format!("rag: {e}")))
        })
        .collect()
}

/// Builds views for actions with a fixed number of queries, whatever the
/// number of actions.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<Action>,
    ctx: &Ctx,
    include: Include,
) -> Result<Vec<ActionView>, AppError> {
    let actor = &ctx.actor;
    let today = ctx.clock.today();
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let lead_ids: Vec<Uuid> = rows.iter().map(|a| a.lead_organisation_id).collect();
    let leads = organisations::refs(conn, &lead_ids).await?;
    let mut supporters = store::supporters(conn, &ids).await?;
    let mut links = store::links(conn, &ids).await?;
    let mut latest = if include.latest_update {
        let latest = progress_updates::latest(conn, &ids).await?;
        update_views(conn, latest.into_values().collect())
            .await?
            .into_iter()
            .map(|u| (u.action_id, u))
            .collect()
    } else {
        std::collections::HashMap::new()
    };
    let mut milestones_by_action = if include.milestones {
        let by_action = milestones::for_actions(conn, &ids).await?;
        let lead_of = rows
            .iter()
            .map(|a| (a.id, a.lead_organisation_id))
            .collect();
        milestone_views(
            conn,
            by_action.into_values().flatten().collect(),
            &lead_of,
            actor,
            today,
        )
        .await?
    } else {
        std::collections::HashMap::new()
    };
    Ok(rows
        .into_iter()
        .map(|a| {
            let supporting = supporters.remove(&a.id).unwrap_or_default();
            let (ambitions, commitments) = links
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .partition(|s| s.kind == StatementKind::Ambition);
            let supporting_ids: Vec<Uuid> = supporting.iter().map(|o| o.id).collect();
            ActionView {
                allowed_actions: allowed_actions(actor, a.lead_organisation_id, &supporting_ids),
                lead_organisation: leads.get(&a.lead_organisation_id).cloned().unwrap_or(
                    OrganisationRef {
                        id: a.lead_organisation_id,
                        name: String::new(),
                        short_name: None,
                    },
                ),
                supporting_organisations: supporting,
                ambitions,
                commitments,
                last_reported_at: a.last_reported_at,
                overdue: action_overdue(a.target_date, a.rag, today),
                latest_update: include
                    .latest_update
                    .then(|| latest.remove(&a.id))
                    .flatten(),
                milestones: include
                    .milestones
                    .then(|| milestones_by_action.remove(&a.id).unwrap_or_default()),
                id: a.id,
                strategy_id: a.strategy_id,
                reference: a.reference,
                title: a.title,
                description: a.description,
                start_date: a.start_date,
                target_date: a.target_date,
                rag: a.rag,
                rag_since: a.rag_since,
                version: a.version,
                created_at: a.created_at,
                updated_at: a.updated_at,
            }
        })
        .collect())
}

pub(crate) async fn view(
    conn: &mut Conn,
    row: Action,
    ctx: &Ctx,
    include: Include,
) -> Result<ActionView, AppError> {
    Ok(views(conn, vec![row], ctx, include).await?.remove(0))
}

/// The action's stored state, for the audit trail: the row with the ids of
/// its supporters and links.
#[derive(Debug, Serialize)]
pub(crate) struct Snapshot {
    #[serde(flatten)]
    action: Action,
    supporting_organisation_ids: Vec<Uuid>,
    statement_ids: Vec<Uuid>,
}

/// The snapshot of an action whose supporters and links are already known.
pub(crate) fn snapshot_of(
    action: Action,
    supporting_organisation_ids: Vec<Uuid>,
    statement_ids: Vec<Uuid>,
) -> Snapshot {
    Snapshot {
        action,
        supporting_organisation_ids,
        statement_ids,
    }
}

/// The ids of the statements an action serves, as the snapshot lists them.
pub(crate) async fn statement_ids(conn: &mut Conn, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(store::links(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect())
}

pub(crate) async fn snapshot(conn: &mut Conn, action: Action) -> Result<Snapshot, AppError> {
    let supporting_organisation_ids = store::supporters(conn, &[action.id])
        .await?
        .remove(&action.id)
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let statement_ids = store::links(conn, &[action.id])
        .await?
        .remove(&action.id)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok(Snapshot {
        action,
        supporting_organisation_ids,
        statement_ids,
    })
}

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
        rags: parse_rags(query.rag.as_deref())?,
        overdue_on: query.overdue.filter(|o| *o).map(|_| ctx.clock.today()),
        q: query.q,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |a| (a.strategy_id, a.reference.clone()), |a| a);
    Ok(Page {
        items: views(&mut conn, next.items, ctx, include).await?,
        next_cursor: next.next_cursor,
    })
}

pub async fn get(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    include: Include,
) -> Result<ActionView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id).await.map_err(missing(ENTITY))?;
    visible(&ctx.actor, row.strategy_id, ENTITY)?;
    view(&mut conn, row, ctx, include).await
}

/// Checks that organisations are partners of the strategy and statements
/// belong to it and are of the right kind.
async fn check_belongs(
    conn: &mut Conn,
    strategy_id: Uuid,
    organisations: &[(&str, Uuid)],
    links: &[(&str, StatementKind, Uuid)],
) -> Result<(), AppError> {
    let partners: HashSet<Uuid> = strategies::partners(conn, &[strategy_id])
        .await?
        .remove(&strategy_id)
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut errors = Vec::new();
    for (field, id) in organisations {
        if !partners.contains(id) {
            errors.push(FieldError::new(
                *field,
                "must be a partner organisation of the strategy",
            ));
        }
    }
    let ids: Vec<Uuid> = links.iter().map(|(_, _, id)| *id).collect();
    let found = statements::refs(conn, &ids).await?;
    for (field, kind, id) in links {
        let ok = found
            .iter()
            .any(|s| s.id == *id && s.kind == *kind && s.strategy_id == strategy_id);
        if !ok {
            errors.push(FieldError::new(
                *field,
                format!("must be {} of the strategy", kind_phrase(*kind)),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn kind_phrase(kind: StatementKind) -> &'static str {
    match kind {
        StatementKind::Ambition => "an ambition",
        StatementKind::Commitment => "a commitment",
    }
}

/// The (field, id) pairs of organisations named in a request.
fn named_organisations(lead: Option<Uuid>, supporting: Option<&[Uuid]>) -> Vec<(String, Uuid)> {
    let mut named: Vec<(String, Uuid)> = lead
        .map(|id| ("lead_organisation_id".to_owned(), id))
        .into_iter()
        .collect();
    for (i, id) in supporting.unwrap_or_default().iter().enumerate() {
        named.push((format!("supporting_organisation_ids[{i}]"), *id));
    }
    named
}

fn named_links(
    ambitions: Option<&[Uuid]>,
    commitments: Option<&[Uuid]>,
) -> Vec<(String, StatementKind, Uuid)> {
    let mut named = Vec::new();
    for (i, id) in ambitions.unwrap_or_default().iter().enumerate() {
        named.push((format!("ambition_ids[{i}]"), StatementKind::Ambition, *id));
    }
    for (i, id) in commitments.unwrap_or_default().iter().enumerate() {
        named.push((
            format!("commitment_ids[{i}]"),
            StatementKind::Commitment,
            *id,
        ));
    }
    named
}

pub(crate) async fn check_request(
    conn: &mut Conn,
    strategy_id: Uuid,
    organisations: &[(String, Uuid)],
    links: &[(String, StatementKind, Uuid)],
) -> Result<(), AppError> {
    let organisations: Vec<(&str, Uuid)> = organisations
        .iter()
        .map(|(f, id)| (f.as_str(), *id))
        .collect();
    let links: Vec<(&str, StatementKind, Uuid)> = links
        .iter()
        .map(|(f, k, id)| (f.as_str(), *k, *id))
        .collect();
    check_belongs(conn, strategy_id, &organisations, &links).await
}

pub(crate) fn check_dates(
    start: Option<NaiveDate>,
    target: Option<NaiveDate>,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    for (field, date) in [("start_date", start), ("target_date", target)] {
        if date.is_some_and(|d| !(1900..=2200).contains(&d.year())) {
            errors.push(FieldError::new(
                field,
                "must be a year between 1900 and 2200",
            ));
        }
    }
    if let (Some(start), Some(target)) = (start, target)
        && target < start
    {
        errors.push(FieldError::new(
            "target_date",
            "must not be before start_date",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

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
pub(crate) async fn insert(
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
    audit(
        conn,
        ctx,
        ENTITY,
        row.id,
        Change::Create,
        None,
        Some(&after),
    )
    .await?;
    Ok(row)
}

/// Removes duplicates and the lead from a list of supporters.
pub(crate) fn dedup(ids: Vec<Uuid>, lead: Uuid) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .filter(|id| *id != lead && seen.insert(*id))
        .collect()
}

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
            let before = store::find_for_update(conn, id).await.map_err(missing(ENTITY))?;
            if input.reassigns() {
                authorize(
                    permissions::can_manage_actions(&ctx.actor),
                    "only administrators and the chair can change an action's reference, lead or supporters",
                )?;
            }
            if input.edits_details() || !input.reassigns() {
                authorize(
                    permissions::can_edit_action(&ctx.actor, before.lead_organisation_id),
                    "only the lead organisation can edit this action's details",
                )?;
            }
            let expected_version = precondition.version()?;
            validate(&input)?;
            check_version(expected_version, before.version)?;
            if !input.reassigns() && !input.edits_details() {
                return Ok(before);
            }
            let lead = input.lead_organisation_id.unwrap_or(before.lead_organisation_id);
            let supporting = input.supporting_organisation_ids.clone().map(|ids| dedup(ids, lead));
            check_dates(
                input.start_date.unwrap_or(before.start_date),
                input.target_date.unwrap_or(before.target_date),
            )?;
            check_request(
                conn,
                before.strategy_id,
                &named_organisations(input.lead_organisation_id, supporting.as_deref()),
                &named_links(input.ambition_ids.as_deref(), input.commitment_ids.as_deref()),
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
                ..Default::default()
            };
            let row = store::update(conn, id, &changes).await?;
            if let Some(supporting) = &supporting {
                store::set_supporters(conn, id, supporting).await?;
            } else if input.lead_organisation_id.is_some() {
                // A new lead is no longer also a supporter.
                let kept = dedup(before.supporting_organisation_ids.clone(), lead);
                store::set_supporters(conn, id, &kept).await?;
            }
            if input.ambition_ids.is_some() || input.commitment_ids.is_some() {
                let current = store::links(conn, &[id]).await?.remove(&id).unwrap_or_default();
                let keep = |kind| current.iter().filter(move |s: &&StatementRef| s.kind == kind).map(|s| s.id);
                let ambitions: Vec<Uuid> = input.ambition_ids.clone().unwrap_or_else(|| keep(StatementKind::Ambition).collect());
                let commitments: Vec<Uuid> = input.commitment_ids.clone().unwrap_or_else(|| keep(StatementKind::Commitment).collect());
                let all: Vec<Uuid> = ambitions.into_iter().chain(commitments).collect();
                store::set_links(conn, id, &all).await?;
            }
            let after = snapshot(conn, row.clone()).await?;
            audit(conn, ctx, ENTITY, id, Change::Update, Some(&before), Some(&after)).await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    view(&mut conn, row, ctx, Include::default()).await
}

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
    let expected_version = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let before = store::find_for_update(conn, id)
            .await
            .map_err(missing(ENTITY))?;
        check_version(expected_version, before.version)?;
        let before = snapshot(conn, before).await?;
        store::delete(conn, id).await?;
        audit(conn, ctx, ENTITY, id, Change::Delete, Some(&before), None).await?;
        Ok::<_, AppError>(())
    })
    .await
}
