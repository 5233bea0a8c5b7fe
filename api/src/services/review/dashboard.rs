//! The chair's dashboard: counts, exceptions, what is overdue or stale, who
//! has not reported, the pledge matrix and the indicators, at a moment.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::moment::{MomentQuery, PeriodBrief, Source, resolve};
use super::state::{Depth, IndicatorGroup, frame, group_indicators, indicators_at, load};
use std::collections::HashMap;

use crate::db::Pool;
use crate::domain::Rag;
use crate::domain::priorities::{self as priority_rules, PriorityReview};
use crate::domain::review::{self as rules, Named, Review, ReviewInput};
use crate::error::AppError;
use crate::services::context::{Ctx, visible};
use crate::services::priorities;

/// What the chair opens before a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub(crate) strategy: Named,
    /// The moment described.
    pub(crate) as_at: DateTime<Utc>,
    pub(crate) source: Source,
    /// The period reviewed, or the one current at the moment.
    pub(crate) period: Option<PeriodBrief>,
    /// Actions without a report for this many days are stale.
    pub(crate) stale_days: i64,
    #[serde(flatten)]
    pub(crate) review: Review,
    /// The strategy's indicators, each under the first ambition it measures.
    pub(crate) indicators: Vec<IndicatorGroup>,
    /// The young people's council's priorities that need the board:
    /// waiting for an answer, or accepted with actions going badly.
    pub(crate) priorities: PriorityReview,
}

/// How the dashboard is computed and how long its lists are.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Days without a report after which an action is stale (default from
    /// configuration).
    #[param(minimum = 1, maximum = 3650)]
    pub(crate) stale_days: Option<i64>,
    /// Most items in each list (exceptions, overdue, stale); each list also
    /// gives its total. 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub(crate) limit: Option<usize>,
}

/// The dashboard of a strategy at a moment.
pub async fn dashboard(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    moment: &MomentQuery,
    query: &DashboardQuery,
    default_stale_days: i64,
) -> Result<Dashboard, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let stale_days = query.stale_days.unwrap_or(default_stale_days);
    if !(1..=3650).contains(&stale_days) {
        return Err(AppError::BadRequest(
            "stale_days must be between 1 and 3650".into(),
        ));
    }
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest(
            "limit must be between 1 and 500".into(),
        ));
    }
    let mut conn = pool.get().await?;
    let frame = frame(&mut conn, strategy_id).await?;
    let moment = resolve(&mut conn, ctx, strategy_id, moment).await?;
    let loaded = load(&mut conn, strategy_id, &moment, Depth::Exceptions(limit)).await?;
    let indicators = indicators_at(&mut conn, strategy_id, &moment).await?;
    let priorities = priorities::states_at(&mut conn, strategy_id, moment.at).await?;
    let action_ratings: HashMap<Uuid, (String, String, Rag)> = loaded
        .actions
        .iter()
        .map(|a| (a.id, (a.reference.clone(), a.title.clone(), a.rag)))
        .collect();
    let input = ReviewInput {
        actions: &loaded.actions,
        ambitions: &frame.ambitions,
        commitments: &frame.commitments,
        partners: &frame.partners,
        pledges: &loaded.pledges,
        period_ratings: &loaded.period_ratings,
        reported: loaded.reported.as_ref(),
        now: moment.at,
        today: moment.today,
        stale_days,
        list_limit: limit,
    };
    Ok(Dashboard {
        strategy: Named {
            id: frame.strategy.id,
            name: frame.strategy.title.clone(),
        },
        as_at: moment.at,
        source: moment.source,
        period: moment.period.as_ref().map(PeriodBrief::from),
        stale_days,
        review: rules::review(&input),
        indicators: group_indicators(&frame.ambitions, indicators),
        priorities: priority_rules::review(&priorities, &action_ratings, moment.today),
    })
}
