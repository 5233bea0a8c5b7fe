//! The chair's review of a strategy: the dashboard, the trend across closed
//! periods, and the board report, each now, as at a past date, or for a
//! closed period (from its snapshot, so it reads exactly as it did).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::indicators::{self as indicator_service, IndicatorSummary};
use super::periods::full_states;
use super::{Ctx, missing, visible};
use crate::db::periods::{self, Period};
use crate::db::{Conn, Pool, indicators, review, statements, strategies};
use crate::domain::review::{
    self as rules, ActionBrief, ActionState, Direction, Exception, MilestoneState, Named, Numbered,
    PledgeMatrix, PledgeState, RagCounts, Review, ReviewInput,
};
use crate::domain::{Rag, StatementKind};
use crate::error::AppError;

/// Which moment to review: now (neither given), the end of a past day, or a
/// reporting period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MomentQuery {
    /// Review as at the end of this day, from history.
    pub as_at: Option<NaiveDate>,
    /// Review as at this period: a closed period from its snapshot, an open
    /// one as at its last day.
    pub period_id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Current values.
    Live,
    /// Reconstructed from the history of updates.
    History,
    /// Read from the snapshot taken when the period closed.
    Snapshot,
}

/// A reporting period, as the review names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodBrief {
    pub id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<&Period> for PeriodBrief {
    fn from(p: &Period) -> Self {
        PeriodBrief {
            id: p.id,
            name: p.name.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            closed_at: p.closed_at,
        }
    }
}

/// The moment a review describes.
struct Moment {
    at: DateTime<Utc>,
    today: NaiveDate,
    source: Source,
    /// The period reviewed, or the one current at the moment.
    period: Option<Period>,
}

/// Works out what moment a query names. Days are the board's days: "as at
/// 31 March" ends at midnight where the board is.
async fn resolve(
    conn: &mut Conn,
    ctx: &Ctx,
    strategy_id: Uuid,
    query: &MomentQuery,
) -> Result<Moment, AppError> {
    let clock = &ctx.clock;
    let now = ctx.stamp(conn).await?;
    let today = clock.local_date(now);
    let live = |period| Moment {
        at: now,
        today,
        source: Source::Live,
        period,
    };
    let as_at = |day: NaiveDate, period| Moment {
        at: clock.end_of_day(day),
        today: day,
        source: Source::History,
        period,
    };
    match (query.as_at, query.period_id) {
        (Some(_), Some(_)) => Err(AppError::BadRequest(
            "give as_at or period_id, not both".into(),
        )),
        (None, None) => {
            let current = periods::current(conn, strategy_id, today).await?;
            Ok(live(current))
        }
        (Some(day), None) if day > today => Err(AppError::BadRequest(
            "as_at must not be in the future".into(),
        )),
        (Some(day), None) if day == today => {
            let current = periods::current(conn, strategy_id, day).await?;
            Ok(live(current))
        }
        (Some(day), None) => {
            let period = periods::containing(conn, strategy_id, day).await?;
            Ok(as_at(day, period))
        }
        (None, Some(id)) => {
            let period = periods::find(conn, id)
                .await
                .ok()
                .filter(|p| p.strategy_id == strategy_id)
                .ok_or_else(|| {
                    AppError::NotFound("no such reporting period in this strategy".into())
                })?;
            match period.closed_at {
                Some(closed_at) => Ok(Moment {
                    at: closed_at,
                    today: clock.local_date(closed_at),
                    source: Source::Snapshot,
                    period: Some(period),
                }),
                None if period.ends_on >= today => Ok(live(Some(period))),
                None => Ok(as_at(period.ends_on, Some(period))),
            }
        }
    }
}

/// The strategy's ambitions, commitments and partners.
struct Frame {
    strategy: strategies::Strategy,
    ambitions: Vec<Numbered>,
    commitments: Vec<Numbered>,
    partners: Vec<Named>,
}

async fn frame(conn: &mut Conn, strategy_id: Uuid) -> Result<Frame, AppError> {
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

fn from_snapshot<T: serde::de::DeserializeOwned>(
    rows: Vec<serde_json::Value>,
) -> Result<Vec<T>, AppError> {
    rows.into_iter()
        .map(|v| serde_json::from_value(v).map_err(AppError::internal))
        .collect()
}

/// Everything the review at a moment is computed from.
struct Loaded {
    actions: Vec<ActionState>,
    pledges: Vec<PledgeState>,
    period_ratings: HashMap<Uuid, Vec<Rag>>,
    reported: Option<HashSet<Uuid>>,
}

/// How much of the state a review needs.
#[derive(Clone, Copy)]
enum Depth {
    /// Every action with its newest report and all its milestones.
    Full,
    /// The newest report of the first `n` exceptions only, and overdue
    /// milestones only.
    Exceptions(usize),
}

/// Loads the state at a moment.
async fn load(
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

/// What the chair opens before a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub strategy: Named,
    /// The moment described.
    pub as_at: DateTime<Utc>,
    pub source: Source,
    /// The period reviewed, or the one current at the moment.
    pub period: Option<PeriodBrief>,
    /// Actions without a report for this many days are stale.
    pub stale_days: i64,
    #[serde(flatten)]
    pub review: Review,
    /// The strategy's indicators, each under the first ambition it measures.
    pub indicators: Vec<IndicatorGroup>,
}

/// The indicators of one ambition.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorGroup {
    pub ambition: Numbered,
    pub indicators: Vec<IndicatorSummary>,
}

/// Places each indicator under the first ambition it measures, in the
/// ambitions' order; ambitions without indicators are left out.
fn group_indicators(
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
async fn indicators_at(
    conn: &mut Conn,
    strategy_id: Uuid,
    moment: &Moment,
) -> Result<Vec<IndicatorSummary>, AppError> {
    match (&moment.source, &moment.period) {
        (Source::Snapshot, Some(period)) => {
            let mut summaries = from_snapshot(indicators::snapshots(conn, period.id).await?)?;
            indicator_service::sort_summaries(&mut summaries);
            Ok(summaries)
        }
        (Source::History, _) => {
            indicator_service::summaries(conn, strategy_id, moment.today, Some(moment.at)).await
        }
        _ => indicator_service::summaries(conn, strategy_id, moment.today, None).await,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Days without a report after which an action is stale (default from
    /// configuration).
    #[param(minimum = 1, maximum = 3650)]
    pub stale_days: Option<i64>,
    /// Most items in each list (exceptions, overdue, stale); each list also
    /// gives its total. 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<usize>,
}

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
    })
}

/// One closed period's distribution of ratings.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodCounts {
    pub period: PeriodBrief,
    pub counts: RagCounts,
}

/// One action across the closed periods.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionTrend {
    pub action: ActionBrief,
    /// Its rating in each closed period, in the order of `periods`; absent
    /// where it was not part of the plan yet.
    pub ratings: Vec<Option<Rag>>,
    pub current_rag: Rag,
    /// Now against the last closed period.
    pub direction: Direction,
    /// Closed periods in a row, up to the latest, in which it was red.
    pub red_periods_in_a_row: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Trend {
    pub strategy: Named,
    pub periods: Vec<PeriodCounts>,
    pub actions: Vec<ActionTrend>,
}

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

/// One action in the board report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAction {
    pub reference: String,
    pub title: String,
    /// The "We will ..." line.
    pub description: String,
    pub lead: Named,
    /// Ambition numbers it serves.
    pub ambitions: Vec<i32>,
    pub rag: Rag,
    pub direction: Direction,
    pub commentary: String,
    pub progress: String,
    pub next_steps: String,
    pub reported_at: Option<DateTime<Utc>>,
    pub target_date: Option<NaiveDate>,
    pub milestones: Vec<MilestoneState>,
    /// Milestones due by the report's date.
    pub milestones_due: u32,
    /// Milestones completed by the report's date.
    pub milestones_done: u32,
    /// Milestones due and not completed.
    pub milestones_overdue: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AmbitionSection {
    pub ambition: Numbered,
    pub summary: RagCounts,
    /// Actions whose first ambition this is, by reference.
    pub actions: Vec<ReportAction>,
    /// Indicators whose first ambition this is.
    pub indicators: Vec<IndicatorSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PledgeText {
    pub organisation: Named,
    pub commitment: i32,
    pub rag: Rag,
    pub text: String,
}

/// The board report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    pub strategy: Named,
    pub vision: String,
    pub as_at: DateTime<Utc>,
    /// The day the report describes, where the board is: what people
    /// reading it call "as at".
    #[serde(skip)]
    pub day: NaiveDate,
    /// The board's time zone, in which people read the report's times.
    #[serde(skip)]
    pub zone: Tz,
    pub source: Source,
    pub period: Option<PeriodBrief>,
    pub summary: RagCounts,
    pub exceptions: Vec<Exception>,
    pub ambitions: Vec<AmbitionSection>,
    pub pledges: PledgeMatrix,
    pub pledge_texts: Vec<PledgeText>,
}

pub async fn report(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    moment: &MomentQuery,
) -> Result<Report, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    let frame = frame(&mut conn, strategy_id).await?;
    let moment = resolve(&mut conn, ctx, strategy_id, moment).await?;
    let loaded = load(&mut conn, strategy_id, &moment, Depth::Full).await?;
    let indicators = indicators_at(&mut conn, strategy_id, &moment).await?;
    let input = ReviewInput {
        actions: &loaded.actions,
        ambitions: &frame.ambitions,
        commitments: &frame.commitments,
        partners: &frame.partners,
        pledges: &loaded.pledges,
        period_ratings: &loaded.period_ratings,
        reported: None,
        now: moment.at,
        today: moment.today,
        stale_days: i64::MAX,
        list_limit: usize::MAX,
    };
    let exceptions = rules::exceptions(&input);
    let number_of: HashMap<Uuid, i32> = frame.ambitions.iter().map(|a| (a.id, a.number)).collect();
    let mut sections: Vec<AmbitionSection> = frame
        .ambitions
        .iter()
        .map(|a| AmbitionSection {
            ambition: a.clone(),
            summary: RagCounts::default(),
            actions: Vec::new(),
            indicators: Vec::new(),
        })
        .collect();
    for group in group_indicators(&frame.ambitions, indicators) {
        if let Some(section) = sections
            .iter_mut()
            .find(|s| s.ambition.number == group.ambition.number)
        {
            section.indicators = group.indicators;
        }
    }
    for action in &loaded.actions {
        let mut numbers: Vec<i32> = action
            .statement_ids
            .iter()
            .filter_map(|id| number_of.get(id).copied())
            .collect();
        numbers.sort_unstable();
        let Some(first) = numbers.first() else {
            continue;
        };
        let Some(section) = sections.iter_mut().find(|s| s.ambition.number == *first) else {
            continue;
        };
        section.summary.add(action.rag);
        section.actions.push(report_action(
            action,
            numbers,
            &loaded.period_ratings,
            moment.today,
        ));
    }
    let names: HashMap<Uuid, &Named> = frame.partners.iter().map(|p| (p.id, p)).collect();
    let commitment_number: HashMap<Uuid, i32> =
        frame.commitments.iter().map(|c| (c.id, c.number)).collect();
    let mut pledge_texts: Vec<PledgeText> = loaded
        .pledges
        .iter()
        .filter_map(|p| {
            Some(PledgeText {
                organisation: (*names.get(&p.organisation_id)?).clone(),
                commitment: *commitment_number.get(&p.commitment_id)?,
                rag: p.rag,
                text: p.text.clone(),
            })
        })
        .collect();
    pledge_texts.sort_by(|x, y| {
        (&x.organisation.name, x.commitment).cmp(&(&y.organisation.name, y.commitment))
    });
    Ok(Report {
        strategy: Named {
            id: frame.strategy.id,
            name: frame.strategy.title.clone(),
        },
        vision: frame.strategy.vision.clone(),
        as_at: moment.at,
        day: moment.today,
        zone: ctx.clock.zone(),
        source: moment.source,
        period: moment.period.as_ref().map(PeriodBrief::from),
        summary: RagCounts::of(loaded.actions.iter().map(|a| &a.rag)),
        exceptions: exceptions.items,
        ambitions: sections,
        pledges: rules::pledge_matrix(&frame.partners, &frame.commitments, &loaded.pledges),
        pledge_texts,
    })
}

fn report_action(
    action: &ActionState,
    ambitions: Vec<i32>,
    period_ratings: &HashMap<Uuid, Vec<Rag>>,
    today: NaiveDate,
) -> ReportAction {
    let latest = action.latest.as_ref();
    let due: Vec<&MilestoneState> = action
        .milestones
        .iter()
        .filter(|m| m.due_date <= today)
        .collect();
    ReportAction {
        reference: action.reference.clone(),
        title: action.title.clone(),
        description: action.description.clone(),
        lead: action.lead.clone(),
        ambitions,
        rag: action.rag,
        direction: rules::direction(
            period_ratings
                .get(&action.id)
                .and_then(|r| r.last().copied()),
            action.rag,
        ),
        commentary: latest.map(|r| r.commentary.clone()).unwrap_or_default(),
        progress: latest.map(|r| r.progress.clone()).unwrap_or_default(),
        next_steps: latest.map(|r| r.next_steps.clone()).unwrap_or_default(),
        reported_at: latest.map(|r| r.created_at),
        target_date: action.target_date,
        milestones_due: due.len() as u32,
        milestones_done: action
            .milestones
            .iter()
            .filter(|m| m.completed_on.is_some())
            .count() as u32,
        milestones_overdue: due.iter().filter(|m| m.completed_on.is_none()).count() as u32,
        milestones: action.milestones.clone(),
    }
}
