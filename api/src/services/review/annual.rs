//! The annual report to committee and the six-monthly Local Offer update:
//! the board report as at the end of a stretch of time, with the trend of
//! the closed periods that ended in it, the approved achievements of the
//! stretch, the milestones that slipped, the young people's priorities
//! and what falls due next. `report::annual` writes it as a paper.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::half_year::{day, given, priorities_in};
use super::moment::MomentQuery;
use super::report::{Report, report};
use super::trend::{PeriodCounts, trend};
use crate::db::milestones;
use crate::db::{Conn, Pool, strategies};
use crate::domain::annual::{self as rules, LOCAL_OFFER_MONTHS};
use crate::domain::delivery::milestone_overdue;
use crate::domain::half_year::{Span, contains};
use crate::domain::review::Named;
use crate::error::AppError;
use crate::services::achievements::{self, AchievementView};
use crate::services::context::{Ctx, missing, visible};
use crate::services::priorities::PriorityView;

/// The tag that marks an achievement for the Local Offer update.
pub const LOCAL_OFFER_TAG: &str = "Local Offer";

/// The stretch an annual report covers: a calendar year, or from one day
/// to another; by default the last whole calendar year.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualQuery {
    /// A calendar year (`YYYY`): 1 January to 31 December. Not with `from`
    /// and `to`.
    #[param(value_type = Option<i32>, example = 2024)]
    pub(crate) year: Option<String>,
    /// The first day covered (`YYYY-MM-DD`), with `to`.
    #[param(value_type = Option<String>, format = Date)]
    pub(crate) from: Option<String>,
    /// The last day covered (`YYYY-MM-DD`), with `from`: not in the future
    /// and at most 36 months after `from`. The report shows the state at
    /// the end of this day.
    #[param(value_type = Option<String>, format = Date)]
    pub(crate) to: Option<String>,
}

/// The stretch and the indicators of a Local Offer update; by default the
/// six whole months before this one, and every indicator.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocalOfferQuery {
    /// The first day covered (`YYYY-MM-DD`), with `to`.
    #[param(value_type = Option<String>, format = Date)]
    pub(crate) from: Option<String>,
    /// The last day covered (`YYYY-MM-DD`), with `from`: not in the future
    /// and at most 36 months after `from`.
    #[param(value_type = Option<String>, format = Date)]
    pub(crate) to: Option<String>,
    /// The strategy's indicators to show, comma-separated; all of them by
    /// default.
    #[param(value_type = Option<String>)]
    pub(crate) indicator_ids: Option<String>,
}

/// Which paper is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// The annual report on the board's work and the strategy's impact.
    Annual,
    /// The six-monthly update on the Local Offer for Care Leavers.
    LocalOffer,
}

/// One move of a milestone's due date, as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MilestoneMove {
    pub(crate) from_date: NaiveDate,
    pub(crate) to_date: NaiveDate,
    pub(crate) reason: String,
    /// The day it was moved, where the board is.
    pub(crate) moved_on: NaiveDate,
}

/// A milestone that slipped: moved in the stretch, or overdue at its end.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlippedMilestone {
    /// The action's reference.
    pub(crate) action: String,
    pub(crate) action_title: String,
    pub(crate) lead: Named,
    pub(crate) title: String,
    /// The due date first agreed.
    pub(crate) baseline_due: NaiveDate,
    /// The due date at the end of the stretch.
    pub(crate) due_date: NaiveDate,
    pub(crate) completed_on: Option<NaiveDate>,
    /// Past due and not completed at the end of the stretch.
    pub(crate) overdue: bool,
    /// The moves made in the stretch, oldest first, with their reasons.
    pub(crate) moves: Vec<MilestoneMove>,
}

/// What a paper is made of.
#[derive(Debug)]
pub struct Annual {
    pub(crate) paper: Paper,
    /// The board report as at the end of `to`.
    pub(crate) report: Report,
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    /// The closed periods that ended in the stretch, earliest first, with
    /// the ratings each closed with.
    pub(crate) periods: Vec<PeriodCounts>,
    /// The approved achievements of the stretch, in the order achieved.
    pub(crate) achievements: Vec<AchievementView>,
    pub(crate) slipped: Vec<SlippedMilestone>,
    /// The young people's priorities raised or answered in the stretch.
    pub(crate) priorities: Vec<PriorityView>,
    /// The months after `to` whose milestones are next steps.
    pub(crate) ahead: Span,
}

fn annual_span(query: &AnnualQuery, today: NaiveDate) -> Result<Span, AppError> {
    let days = (given(&query.from), given(&query.to));
    let Some(year) = given(&query.year) else {
        return days_span(days, today).map(|s| s.unwrap_or_else(|| rules::last_whole_year(today)));
    };
    if days != (None, None) {
        return Err(AppError::BadRequest(
            "give year, or from and to, not both".into(),
        ));
    }
    let span = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .and_then(rules::year)
        .ok_or_else(|| AppError::BadRequest("year must be a year as YYYY".into()))?;
    rules::check(span.from, span.to, today, "year").map_err(AppError::Validation)
}

/// The stretch given as two days, or `None` when neither is.
fn days_span(
    days: (Option<&str>, Option<&str>),
    today: NaiveDate,
) -> Result<Option<Span>, AppError> {
    match days {
        (Some(from), Some(to)) => rules::check(day("from", from)?, day("to", to)?, today, "to")
            .map(Some)
            .map_err(AppError::Validation),
        (Some(_), None) => Err(AppError::validation("to", "is needed with from")),
        (None, Some(_)) => Err(AppError::validation("from", "is needed with to")),
        (None, None) => Ok(None),
    }
}

fn indicator_ids(text: Option<&str>) -> Result<Option<Vec<Uuid>>, AppError> {
    let Some(text) = text else {
        return Ok(None);
    };
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<Uuid>().map_err(|_| {
                AppError::BadRequest(format!("indicator_ids: {t:?} is not an indicator id"))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The annual report of a strategy for a stretch of time. Whoever may
/// read the strategy may read it.
pub async fn annual(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    query: &AnnualQuery,
) -> Result<Annual, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let span = annual_span(query, ctx.clock.today())?;
    gather(pool, ctx, strategy_id, span, Paper::Annual, None).await
}

/// The Local Offer update of a strategy: the annual report's engine
/// limited to the achievements tagged "Local Offer" and the indicators
/// chosen. Whoever may read the strategy may read it.
pub async fn local_offer(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    query: &LocalOfferQuery,
) -> Result<Annual, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let today = ctx.clock.today();
    let span = days_span((given(&query.from), given(&query.to)), today)?
        .unwrap_or_else(|| rules::whole_months_before(today, LOCAL_OFFER_MONTHS));
    let chosen = indicator_ids(given(&query.indicator_ids))?;
    gather(
        pool,
        ctx,
        strategy_id,
        span,
        Paper::LocalOffer,
        chosen.as_deref(),
    )
    .await
}

async fn gather(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    span: Span,
    paper: Paper,
    indicators: Option<&[Uuid]>,
) -> Result<Annual, AppError> {
    {
        let mut conn = pool.get().await?;
        strategies::find(&mut conn, strategy_id)
            .await
            .map_err(missing("strategy"))?;
    }
    let moment = MomentQuery {
        as_at: Some(span.to),
        period_id: None,
    };
    let mut board = report(pool, ctx, strategy_id, &moment, None).await?;
    if let Some(chosen) = indicators {
        keep_indicators(&mut board, chosen)?;
    }
    let periods = trend(pool, ctx, strategy_id)
        .await?
        .periods
        .into_iter()
        .filter(|p| contains(span, p.period.ends_on))
        .collect();
    let tag = (paper == Paper::LocalOffer).then_some(LOCAL_OFFER_TAG);
    let mut conn = pool.get().await?;
    let achievements =
        achievements::approved(&mut conn, ctx, strategy_id, span.from, span.to, tag).await?;
    let slipped = slipped(&mut conn, ctx, &board, span).await?;
    let priorities = priorities_in(&mut conn, ctx, strategy_id, board.as_at, span).await?;
    Ok(Annual {
        paper,
        report: board,
        from: span.from,
        to: span.to,
        periods,
        achievements,
        slipped,
        priorities,
        ahead: rules::ahead_of(span.to),
    })
}

/// Keeps only the chosen indicators; each must be one of the strategy's.
fn keep_indicators(board: &mut Report, chosen: &[Uuid]) -> Result<(), AppError> {
    let known: Vec<Uuid> = board
        .ambitions
        .iter()
        .flat_map(|s| s.indicators.iter().map(|i| i.id))
        .collect();
    if let Some(unknown) = chosen.iter().find(|id| !known.contains(id)) {
        return Err(AppError::validation(
            "indicator_ids",
            format!("{unknown} is not an indicator of this strategy"),
        ));
    }
    for section in &mut board.ambitions {
        section.indicators.retain(|i| chosen.contains(&i.id));
    }
    Ok(())
}

/// The milestones moved in the stretch (with the reasons recorded) or
/// overdue at its end, in the order of the report's actions.
async fn slipped(
    conn: &mut Conn,
    ctx: &Ctx,
    board: &Report,
    span: Span,
) -> Result<Vec<SlippedMilestone>, AppError> {
    let actions: Vec<_> = board.ambitions.iter().flat_map(|s| &s.actions).collect();
    let ids: Vec<Uuid> = actions
        .iter()
        .flat_map(|a| a.milestones.iter().map(|m| m.id))
        .collect();
    let mut moves = milestones::reschedules(conn, &ids).await?;
    let mut out = Vec::new();
    for action in actions {
        for m in &action.milestones {
            let moved: Vec<MilestoneMove> = moves
                .remove(&m.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|r| r.changed_at <= board.as_at)
                .map(|r| MilestoneMove {
                    moved_on: ctx.clock.local_date(r.changed_at),
                    from_date: r.from_date,
                    to_date: r.to_date,
                    reason: r.reason,
                })
                .filter(|r| contains(span, r.moved_on))
                .collect();
            let overdue = milestone_overdue(m.due_date, m.completed_on, span.to);
            if moved.is_empty() && !overdue {
                continue;
            }
            out.push(SlippedMilestone {
                action: action.reference.clone(),
                action_title: action.title.clone(),
                lead: action.lead.clone(),
                title: m.title.clone(),
                baseline_due: m.baseline_due,
                due_date: m.due_date,
                completed_on: m.completed_on,
                overdue,
                moves: moved,
            });
        }
    }
    Ok(out)
}
