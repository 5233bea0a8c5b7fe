//! The trend of a strategy across its closed periods.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::moment::PeriodBrief;
use crate::db::periods::{self, Period};
use crate::db::{Pool, review, strategies};
use crate::domain::Rag;
use crate::domain::review::{self as rules, ActionBrief, Direction, Named, RagCounts};
use crate::error::AppError;
use crate::services::context::{Ctx, missing, visible};

/// One closed period's distribution of ratings.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodCounts {
    pub(crate) period: PeriodBrief,
    pub(crate) counts: RagCounts,
}

/// One action across the closed periods.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionTrend {
    pub(crate) action: ActionBrief,
    /// Its rating in each closed period, in the order of `periods`; absent
    /// where it was not part of the plan yet.
    pub(crate) ratings: Vec<Option<Rag>>,
    pub(crate) current_rag: Rag,
    /// Now against the last closed period.
    pub(crate) direction: Direction,
    /// Closed periods in a row, up to the latest, in which it was red.
    pub(crate) red_periods_in_a_row: u32,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Serialize, ToSchema)]
pub struct Trend {
    pub(crate) strategy: Named,
    pub(crate) periods: Vec<PeriodCounts>,
    pub(crate) actions: Vec<ActionTrend>,
}

/// Each closed period's ratings, and each action across them.
pub async fn trend(pool: &Pool, ctx: &Ctx, strategy_id: Uuid) -> Result<Trend, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    let strategy = strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let closed: Vec<Period> = periods::for_strategy(&mut conn, strategy_id)
        .await?
        .into_iter()
        .filter(|p| p.closed_at.is_some())
        .collect();
    let position: HashMap<Uuid, usize> =
        closed.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut counts = vec![RagCounts::default(); closed.len()];
    let mut by_action: HashMap<Uuid, Vec<Option<Rag>>> = HashMap::new();
    for (period_id, action_id, rag) in periods::ratings(&mut conn, strategy_id).await? {
        let (Some(&i), Ok(rag)) = (position.get(&period_id), rag.parse::<Rag>()) else {
            continue;
        };
        counts[i].add(rag);
        by_action
            .entry(action_id)
            .or_insert_with(|| vec![None; closed.len()])[i] = Some(rag);
    }
    let mut states = review::action_states(&mut conn, strategy_id, None).await?;
    states.sort_by(|x, y| x.reference.cmp(&y.reference));
    let actions = states
        .into_iter()
        .map(|a| {
            let ratings = by_action
                .remove(&a.id)
                .unwrap_or_else(|| vec![None; closed.len()]);
            let rated: Vec<Rag> = ratings.iter().flatten().copied().collect();
            ActionTrend {
                direction: rules::direction(ratings.last().copied().flatten(), a.rag),
                red_periods_in_a_row: rules::red_streak(&rated),
                current_rag: a.rag,
                action: (&a).into(),
                ratings,
            }
        })
        .collect();
    Ok(Trend {
        strategy: Named {
            id: strategy.id,
            name: strategy.title,
        },
        periods: closed
            .iter()
            .zip(counts)
            .map(|(p, counts)| PeriodCounts {
                period: p.into(),
                counts,
            })
            .collect(),
        actions,
    })
}
