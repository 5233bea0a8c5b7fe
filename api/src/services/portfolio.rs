//! "My organisation's work": the actions a member's organisation leads or
//! supports, with their latest update and milestones, its pledges, and the
//! indicators whose values it records, in one response.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::actions::{self, ActionView, Include};
use super::context::Ctx;
use super::indicators::{self, IndicatorView};
use super::pledges::{self, PledgeView};
use crate::db::actions::{Action, ActionFilter};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::pledges::PledgeFilter;
use crate::db::users::UserRef;
use crate::db::{self, Conn, Pool};
use crate::domain::Actor;
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, PageRequest};

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Serialize, ToSchema)]
pub struct Portfolio {
    /// The caller's organisation; absent for accounts without one.
    pub(crate) organisation: Option<OrganisationRef>,
    /// Actions the organisation leads or supports (at most 500), with their
    /// latest update and milestones.
    pub(crate) actions: Vec<ActionView>,
    /// The organisation's pledges (at most 500).
    pub(crate) pledges: Vec<PledgeView>,
    /// The indicators whose values the organisation records (at most 500),
    /// with their latest figures.
    pub(crate) indicators: Vec<IndicatorView>,
    /// The actions the organisation leads that it has not reported on (an
    /// update or a note) in their strategy's current reporting period.
    pub(crate) update_due: Vec<Uuid>,
    /// The chair's challenges on actions the organisation leads that it has
    /// not yet answered with an update or a note, oldest first.
    pub(crate) challenges: Vec<OpenChallenge>,
}

/// A challenge from the chair awaiting the lead organisation's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenChallenge {
    /// The challenge (a progress update of kind `challenge`).
    pub(crate) id: Uuid,
    pub(crate) action_id: Uuid,
    /// What the chair asked.
    pub(crate) text: String,
    pub(crate) author: UserRef,
    pub(crate) created_at: DateTime<Utc>,
}

/// How much of each part of a portfolio to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// Only this strategy's actions, pledges and indicators.
    pub(crate) strategy_id: Option<Uuid>,
}

/// The work of the caller's organisation: the actions it leads or supports, its
/// pledges and the indicators it records.
pub async fn mine(pool: &Pool, ctx: &Ctx, query: PortfolioQuery) -> Result<Portfolio, AppError> {
    let Actor::User {
        organisation_id: Some(org),
        ..
    } = ctx.actor
    else {
        return Ok(Portfolio {
            organisation: None,
            actions: Vec::new(),
            pledges: Vec::new(),
            indicators: Vec::new(),
            update_due: Vec::new(),
            challenges: Vec::new(),
        });
    };
    let mut conn = pool.get().await?;
    let organisation = organisations::refs(&mut conn, &[org]).await?.remove(&org);
    let action_filter = ActionFilter {
        strategy_id: query.strategy_id,
        organisation_id: Some(org),
        ..Default::default()
    };
    let mut action_rows =
        db::actions::list(&mut conn, &action_filter, &PageRequest::first(MAX_LIMIT)).await?;
    action_rows.truncate(MAX_LIMIT as usize);
    let pledge_filter = PledgeFilter {
        strategy_id: query.strategy_id,
        organisation_id: Some(org),
        ..Default::default()
    };
    let mut pledge_rows =
        db::pledges::list(&mut conn, &pledge_filter, &PageRequest::first(MAX_LIMIT)).await?;
    pledge_rows.truncate(MAX_LIMIT as usize);
    let indicator_rows =
        db::indicators::owned_by(&mut conn, org, query.strategy_id, MAX_LIMIT).await?;
    let update_due = update_due(&mut conn, ctx, org, &action_rows).await?;
    let challenges = open_challenges(&mut conn, org, &action_rows).await?;
    Ok(Portfolio {
        organisation,
        actions: actions::views(&mut conn, action_rows, ctx, Include::ALL).await?,
        pledges: pledges::views(&mut conn, pledge_rows, &ctx.actor).await?,
        indicators: indicators::views(&mut conn, indicator_rows, &ctx.actor).await?,
        update_due,
        challenges,
    })
}

async fn open_challenges(
    conn: &mut Conn,
    org: Uuid,
    actions: &[Action],
) -> Result<Vec<OpenChallenge>, AppError> {
    let led: Vec<Uuid> = actions
        .iter()
        .filter(|a| a.lead_organisation_id == org)
        .map(|a| a.id)
        .collect();
    let rows = db::review::open_challenges(conn, org, &led).await?;
    let authors: Vec<Uuid> = rows.iter().map(|r| r.author_id).collect();
    let names = db::users::refs(conn, &authors).await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenChallenge {
            author: names.get(&r.author_id).cloned().unwrap_or(UserRef {
                id: r.author_id,
                name: String::new(),
            }),
            id: r.id,
            action_id: r.action_id,
            text: r.text,
            created_at: r.created_at,
        })
        .collect())
}

/// The led actions whose strategy has a current period in which the
/// organisation has not yet reported on them.
async fn update_due(
    conn: &mut Conn,
    ctx: &Ctx,
    org: Uuid,
    actions: &[Action],
) -> Result<Vec<Uuid>, AppError> {
    let led: Vec<&Action> = actions
        .iter()
        .filter(|a| a.lead_organisation_id == org)
        .collect();
    let mut strategies: Vec<Uuid> = led.iter().map(|a| a.strategy_id).collect();
    strategies.sort();
    strategies.dedup();
    let today = ctx.clock.today();
    let mut current = HashSet::new();
    for strategy_id in strategies {
        if let Some(period) = db::periods::current(conn, strategy_id, today).await? {
            current.insert((strategy_id, period.id));
        }
    }
    let periods: Vec<Uuid> = current.iter().map(|(_, period)| *period).collect();
    let with_period: HashSet<Uuid> = current.iter().map(|(strategy, _)| *strategy).collect();
    let ids: Vec<Uuid> = led.iter().map(|a| a.id).collect();
    let reported = db::review::reported_actions(conn, org, &periods, &ids).await?;
    Ok(led
        .iter()
        .filter(|a| with_period.contains(&a.strategy_id) && !reported.contains(&a.id))
        .map(|a| a.id)
        .collect())
}
