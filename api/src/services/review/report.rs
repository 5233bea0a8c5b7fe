//! The board report: per ambition, each action with its rating, direction
//! of travel, latest commentary and milestones; exceptions first; the
//! indicators; the pledges. The people's formats are rendered from it by
//! `report` (the top-level module).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::moment::{MomentQuery, PeriodBrief, Source, resolve};
use super::state::{Depth, Frame, Loaded, frame, group_indicators, indicators_at, load};
use crate::db::Pool;
use crate::domain::Rag;
use crate::domain::review::{
    self as rules, ActionState, Direction, Exception, MilestoneState, Named, Numbered,
    PledgeMatrix, RagCounts, ReviewInput,
};
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::services::context::{Ctx, visible};
use crate::services::indicators::IndicatorSummary;

/// One action in the board report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAction {
    pub(crate) reference: String,
    pub(crate) title: String,
    /// The "We will ..." line.
    pub(crate) description: String,
    pub(crate) lead: Named,
    /// Ambition numbers it serves.
    pub(crate) ambitions: Vec<i32>,
    pub(crate) rag: Rag,
    pub(crate) direction: Direction,
    pub(crate) commentary: String,
    pub(crate) progress: String,
    pub(crate) next_steps: String,
    pub(crate) reported_at: Option<DateTime<Utc>>,
    pub(crate) target_date: Option<NaiveDate>,
    pub(crate) milestones: Vec<MilestoneState>,
    /// Milestones due by the report's date.
    pub(crate) milestones_due: u32,
    /// Milestones completed by the report's date.
    pub(crate) milestones_done: u32,
    /// Milestones due and not completed.
    pub(crate) milestones_overdue: u32,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Serialize, ToSchema)]
pub struct AmbitionSection {
    pub(crate) ambition: Numbered,
    pub(crate) summary: RagCounts,
    /// Actions whose first ambition this is, by reference.
    pub(crate) actions: Vec<ReportAction>,
    /// Indicators whose first ambition this is.
    pub(crate) indicators: Vec<IndicatorSummary>,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Serialize, ToSchema)]
pub struct PledgeText {
    pub(crate) organisation: Named,
    pub(crate) commitment: i32,
    pub(crate) rag: Rag,
    pub(crate) text: String,
}

/// The board report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    pub(crate) strategy: Named,
    pub(crate) vision: String,
    pub(crate) as_at: DateTime<Utc>,
    /// The day the report describes, where the board is: what people
    /// reading it call "as at".
    #[serde(skip)]
    pub(crate) day: NaiveDate,
    /// The board's time zone, in which people read the report's times.
    #[serde(skip)]
    pub(crate) zone: Tz,
    pub(crate) source: Source,
    pub(crate) period: Option<PeriodBrief>,
    /// The organisation the report is limited to (what it leads and
    /// pledges, and the indicators it records); absent for the whole plan.
    pub(crate) organisation: Option<Named>,
    pub(crate) summary: RagCounts,
    pub(crate) exceptions: Vec<Exception>,
    pub(crate) ambitions: Vec<AmbitionSection>,
    pub(crate) pledges: PledgeMatrix,
    pub(crate) pledge_texts: Vec<PledgeText>,
}

/// The board report of a strategy at a moment, of the whole plan or of
/// one organisation's part in it. Whoever may read the strategy may read
/// any organisation's part: limiting the report shows nothing new.
pub async fn report(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    moment: &MomentQuery,
    organisation_id: Option<Uuid>,
) -> Result<Report, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    let mut frame = frame(&mut conn, strategy_id).await?;
    let moment = resolve(&mut conn, ctx, strategy_id, moment).await?;
    let mut loaded = load(&mut conn, strategy_id, &moment, Depth::Full).await?;
    let mut indicators = indicators_at(&mut conn, strategy_id, &moment).await?;
    let organisation = match organisation_id {
        Some(id) => {
            let named = frame
                .partners
                .iter()
                .chain(loaded.actions.iter().map(|a| &a.lead))
                .find(|o| o.id == id)
                .cloned()
                .ok_or_else(|| {
                    AppError::Validation(vec![FieldError::new(
                        "organisation_id",
                        "is neither a partner of this strategy nor the lead of any of its actions",
                    )])
                })?;
            loaded.actions.retain(|a| a.lead.id == id);
            loaded.pledges.retain(|p| p.organisation_id == id);
            frame.partners.retain(|p| p.id == id);
            indicators.retain(|i| i.owner.id == id);
            Some(named)
        }
        None => None,
    };
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
        organisation,
        summary: RagCounts::of(loaded.actions.iter().map(|a| &a.rag)),
        exceptions: rules::exceptions(&input).items,
        ambitions: sections(&frame, &loaded, indicators, moment.today),
        pledges: rules::pledge_matrix(&frame.partners, &frame.commitments, &loaded.pledges),
        pledge_texts: pledge_texts(&frame, &loaded),
    })
}

/// One section per ambition: the actions whose first ambition it is, and
/// the indicators that measure it first.
fn sections(
    frame: &Frame,
    loaded: &Loaded,
    indicators: Vec<IndicatorSummary>,
    today: NaiveDate,
) -> Vec<AmbitionSection> {
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
            today,
        ));
    }
    sections
}

/// Each organisation's pledges in words, by organisation and commitment.
fn pledge_texts(frame: &Frame, loaded: &Loaded) -> Vec<PledgeText> {
    let names: HashMap<Uuid, &Named> = frame.partners.iter().map(|p| (p.id, p)).collect();
    let commitment_number: HashMap<Uuid, i32> =
        frame.commitments.iter().map(|c| (c.id, c.number)).collect();
    let mut texts: Vec<PledgeText> = loaded
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
    texts.sort_by(|x, y| {
        (&x.organisation.name, x.commitment).cmp(&(&y.organisation.name, y.commitment))
    });
    texts
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
