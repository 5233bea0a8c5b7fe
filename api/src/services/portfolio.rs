//! "My organisation's work": the actions a member's organisation leads or
//! supports, with their latest update and milestones, its pledges, and the
//! indicators whose values it records, in one response.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::actions::{self, ActionView, Include};
use super::context::Ctx;
use super::indicators::{self, IndicatorView};
use super::pledges::{self, PledgeView};
use crate::db::actions::ActionFilter;
use crate::db::organisations::{self, OrganisationRef};
use crate::db::pledges::PledgeFilter;
use crate::db::{self, Pool};
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
    Ok(Portfolio {
        organisation,
        actions: actions::views(&mut conn, action_rows, ctx, Include::ALL).await?,
        pledges: pledges::views(&mut conn, pledge_rows, &ctx.actor).await?,
        indicators: indicators::views(&mut conn, indicator_rows, &ctx.actor).await?,
    })
}
