//! What a review is computed from: the strategy's frame (ambitions,
//! commitments, partners) and the state of its actions, pledges and
//! indicators at the moment reviewed.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::moment::{Moment, Source};
use crate::db::{Conn, indicators, periods, review, statements, strategies};
use crate::domain::review::{self as rules, ActionState, Named, Numbered, PledgeState};
use crate::domain::{Rag, StatementKind};
use crate::error::AppError;
use crate::services::context::missing;
use crate::services::indicators::{IndicatorSummary, sort_summaries, summaries};
use crate::services::periods::full_states;

/// The strategy's ambitions, commitments and partners.
pub(super) struct Frame {
    pub(super) strategy: strategies::Strategy,
    pub(super) ambitions: Vec<Numbered>,
    pub(super) commitments: Vec<Numbered>,
    pub(super) partners: Vec<Named>,
}

/// Reads a strategy's frame.
pub(super) async fn frame(conn: &mut Conn, strategy_id: Uuid) -> Result<Frame, AppError> {
    let strategy = strategies::find(conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let (ambitions, commitments): (Vec<_>, Vec<_>) = statements::for_strategy(conn, strategy_id)
        .await?
        .into_iter()
        .partition(|s| s.kind == StatementKind::Ambition);
    let numbered = |list: Vec<statements::StatementRef>| {
        list.into_iter()
            .map(|s| Numbered {
                id: s.id,
                number: s.number,
                title: s.title,
            })
            .collect()
    };
    let partners = strategies::partners(conn, &[strategy_id])
        .await?
        .remove(&strategy_id)
        .unwrap_or_default()
        .into_iter()
        .map(|o| Named {
            id: o.id,
            name: o.name,
        })
        .collect();
    Ok(Frame {
        strategy,
        ambitions: numbered(ambitions),
        commitments: numbered(commitments),
        partners,
    })
}

/// Reads what a closed period kept.
pub(super) fn from_snapshot<T: serde::de::DeserializeOwned>(
    rows: Vec<serde_json::Value>,
) -> Result<Vec<T>, AppError> {
    rows.into_iter()
        .map(|v| serde_json::from_value(v).map_err(AppError::internal))
        .collect()
}

/// Everything the review at a moment is computed from.
pub(super) struct Loaded {
    /// Every action, by reference.
    pub(super) actions: Vec<ActionState>,
    /// Every pledge.
    pub(super) pledges: Vec<PledgeState>,
    /// Each action's ratings in the closed periods before the moment.
    pub(super) period_ratings: HashMap<Uuid, Vec<Rag>>,
    /// The organisations that reported in the moment's period.
    pub(super) reported: Option<HashSet<Uuid>>,
}

/// How much of the state a review needs.
#[derive(Clone, Copy)]
pub(super) enum Depth {
    /// Every action with its newest report and all its milestones.
    Full,
    /// The newest report of the first `n` exceptions only, and overdue
    /// milestones only.
    Exceptions(usize),
}

/// Loads the state at a moment.
pub(super) async fn load(
    conn: &mut Conn,
    strategy_id: Uuid,
    moment: &Moment,
    depth: Depth,
) -> Result<Loaded, AppError> {
    let (mut actions, pledges) = match (&moment.source, &moment.period) {
        (Source::Snapshot, Some(period)) => (
            from_snapshot(periods::action_snapshots(conn, period.id).await?)?,
            from_snapshot(periods::pledge_snapshots(conn, period.id).await?)?,
        ),
        _ => {
            let past = (moment.source == Source::History).then_some(moment.at);
            let actions = if let Depth::Exceptions(n) = depth {
                let mut actions = review::action_states(conn, strategy_id, past).await?;
                let exceptions: Vec<Uuid> = rules::exception_order(&actions)
                    .into_iter()
                    .take(n)
                    .map(|a| a.id)
                    .collect();
                let mut latest = review::latest_reports(conn, &exceptions, moment.at).await?;
                let mut overdue =
                    review::milestones(conn, strategy_id, past, moment.today, true).await?;
                for action in &mut actions {
                    action.latest = latest.remove(&action.id);
                    action.milestones = overdue.remove(&action.id).unwrap_or_default();
                }
                actions
            } else {
                full_states(conn, strategy_id, past, moment.at, moment.today).await?
            };
            (
                actions,
                review::pledge_states(conn, strategy_id, moment.at).await?,
            )
        }
    };
    actions.sort_by(|x, y| x.reference.cmp(&y.reference));
    let ids: Vec<Uuid> = match depth {
        Depth::Full => actions.iter().map(|a| a.id).collect(),
        Depth::Exceptions(n) => rules::exception_order(&actions)
            .into_iter()
            .take(n)
            .map(|a| a.id)
            .collect(),
    };
    let period_ratings = review::period_ratings(conn, strategy_id, &ids, moment.at).await?;
    let reported = match &moment.period {
        Some(period) => Some(review::reported_in(conn, strategy_id, period.id, moment.at).await?),
        None => None,
    };
    Ok(Loaded {
        actions,
        pledges,
        period_ratings,
        reported,
    })
}

/// The indicators of one ambition.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorGroup {
    pub(crate) ambition: Numbered,
    pub(crate) indicators: Vec<IndicatorSummary>,
}

/// Places each indicator under the first ambition it measures, in the
/// ambitions' order; ambitions without indicators are left out.
pub(super) fn group_indicators(
    ambitions: &[Numbered],
    summaries: Vec<IndicatorSummary>,
) -> Vec<IndicatorGroup> {
    let mut groups: Vec<IndicatorGroup> = ambitions
        .iter()
        .map(|a| IndicatorGroup {
            ambition: a.clone(),
            indicators: Vec::new(),
        })
        .collect();
    for summary in summaries {
        let first = summary.ambitions.first().copied();
        if let Some(group) = groups.iter_mut().find(|g| Some(g.ambition.number) == first) {
            group.indicators.push(summary);
        }
    }
    groups.retain(|g| !g.indicators.is_empty());
    groups
}

/// The indicators at a moment: from a closed period's snapshot, or derived
/// from the values known then.
pub(super) async fn indicators_at(
    conn: &mut Conn,
    strategy_id: Uuid,
    moment: &Moment,
) -> Result<Vec<IndicatorSummary>, AppError> {
    match (&moment.source, &moment.period) {
        (Source::Snapshot, Some(period)) => {
            let mut summaries = from_snapshot(indicators::snapshots(conn, period.id).await?)?;
            sort_summaries(&mut summaries);
            Ok(summaries)
        }
        (Source::History, _) => summaries(conn, strategy_id, moment.today, Some(moment.at)).await,
        _ => summaries(conn, strategy_id, moment.today, None).await,
    }
}
