//! An action as the API shows it: names rather than bare ids, whether it is
//! overdue where the board is today, what the caller may do with it, and
//! optionally its newest update and its milestones.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::actions::{self as store, Action};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::statements::StatementRef;
use crate::db::{Conn, milestones, progress_updates};
use crate::domain::delivery::action_overdue;
use crate::domain::{Actor, AllowedAction, Rag, StatementKind, allowed};
use crate::error::AppError;
use crate::services::context::Ctx;
use crate::services::milestones::{MilestoneView, Parent, views as milestone_views};
use crate::services::progress::{UpdateView, views as update_views};

/// An action of the delivery plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    /// Short reference, unique within the strategy.
    #[schema(example = "A1.3")]
    pub(crate) reference: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) lead_organisation: OrganisationRef,
    pub(crate) supporting_organisations: Vec<OrganisationRef>,
    pub(crate) ambitions: Vec<StatementRef>,
    pub(crate) commitments: Vec<StatementRef>,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) target_date: Option<NaiveDate>,
    /// The current rating: that of the newest rated update.
    pub(crate) rag: Rag,
    /// When the action was given its current rating.
    pub(crate) rag_since: Option<DateTime<Utc>>,
    /// When the lead or a supporting organisation last reported.
    pub(crate) last_reported_at: Option<DateTime<Utc>>,
    /// Past its target date and not complete.
    pub(crate) overdue: bool,
    /// No longer pursued: out of the live plan, its history kept.
    pub(crate) archived: bool,
    /// When it was archived.
    pub(crate) archived_at: Option<DateTime<Utc>>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// What the caller may do with this action.
    #[schema(example = json!(["update", "post_update", "post_note", "create_milestone"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
    /// The newest update (with `include=latest_update`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) latest_update: Option<UpdateView>,
    /// The milestones, by due date (with `include=milestones`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) milestones: Option<Vec<MilestoneView>>,
}

/// Optional parts of an action to include in a response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    /// The newest progress update.
    pub(crate) latest_update: bool,
    /// The milestones.
    pub(crate) milestones: bool,
}

impl Include {
    /// Every optional part.
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

/// Builds views for actions with a fixed number of queries, whatever the
/// number of actions.
pub async fn views(
    conn: &mut Conn,
    rows: Vec<Action>,
    ctx: &Ctx,
    include: Include,
) -> Result<Vec<ActionView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let lead_ids: Vec<Uuid> = rows.iter().map(|a| a.lead_organisation_id).collect();
    let parts = Parts {
        leads: organisations::refs(conn, &lead_ids).await?,
        supporters: store::supporters(conn, &ids).await?,
        links: store::links(conn, &ids).await?,
        latest: match include.latest_update {
            true => Some(latest_updates(conn, &ids).await?),
            false => None,
        },
        milestones: match include.milestones {
            true => Some(milestones_of(conn, &rows, ctx).await?),
            false => None,
        },
    };
    Ok(parts.assemble(rows, &ctx.actor, ctx.clock.today()))
}

/// One action's view.
pub async fn view(
    conn: &mut Conn,
    row: Action,
    ctx: &Ctx,
    include: Include,
) -> Result<ActionView, AppError> {
    Ok(views(conn, vec![row], ctx, include).await?.remove(0))
}

/// What the views of some actions are made of, by action.
struct Parts {
    leads: HashMap<Uuid, OrganisationRef>,
    supporters: HashMap<Uuid, Vec<OrganisationRef>>,
    links: HashMap<Uuid, Vec<StatementRef>>,
    latest: Option<HashMap<Uuid, UpdateView>>,
    milestones: Option<HashMap<Uuid, Vec<MilestoneView>>>,
}

impl Parts {
    fn assemble(mut self, rows: Vec<Action>, actor: &Actor, today: NaiveDate) -> Vec<ActionView> {
        rows.into_iter()
            .map(|a| {
                let supporting = self.supporters.remove(&a.id).unwrap_or_default();
                let (ambitions, commitments) = self
                    .links
                    .remove(&a.id)
                    .unwrap_or_default()
                    .into_iter()
                    .partition(|s| s.kind == StatementKind::Ambition);
                let supporting_ids: Vec<Uuid> = supporting.iter().map(|o| o.id).collect();
                let lead = self.leads.get(&a.lead_organisation_id).cloned();
                ActionView {
                    allowed_actions: allowed::for_action(
                        actor,
                        a.lead_organisation_id,
                        &supporting_ids,
                        a.archived_at.is_some(),
                    ),
                    lead_organisation: lead.unwrap_or(OrganisationRef {
                        id: a.lead_organisation_id,
                        name: String::new(),
                        short_name: None,
                    }),
                    supporting_organisations: supporting,
                    ambitions,
                    commitments,
                    last_reported_at: a.last_reported_at,
                    overdue: action_overdue(a.target_date, a.rag, today),
                    archived: a.archived_at.is_some(),
                    archived_at: a.archived_at,
                    latest_update: self.latest.as_mut().and_then(|l| l.remove(&a.id)),
                    milestones: self
                        .milestones
                        .as_mut()
                        .map(|m| m.remove(&a.id).unwrap_or_default()),
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
            .collect()
    }
}

/// The newest update of each action, by action.
async fn latest_updates(
    conn: &mut Conn,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, UpdateView>, AppError> {
    let latest = progress_updates::latest(conn, ids).await?;
    Ok(update_views(conn, latest.into_values().collect())
        .await?
        .into_iter()
        .map(|u| (u.action_id, u))
        .collect())
}

/// The milestones of each action, by action.
async fn milestones_of(
    conn: &mut Conn,
    rows: &[Action],
    ctx: &Ctx,
) -> Result<HashMap<Uuid, Vec<MilestoneView>>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let by_action = milestones::for_actions(conn, &ids).await?;
    let parents = rows.iter().map(|a| (a.id, Parent::of(a))).collect();
    let rows = by_action.into_values().flatten().collect();
    milestone_views(conn, rows, &parents, &ctx.actor, ctx.clock.today()).await
}
