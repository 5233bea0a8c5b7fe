//! The demo delivery plan: the 25 "We will" actions of the 2022-2025
//! strategy with milestones, progress updates over past quarters,
//! organisations' pledges and the indicators' values. Everything is posted through the service's own
//! operations, as the people who would have posted it, at the dates given.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::cast::{Cast, at};
use crate::concurrency::Precondition;
use crate::db::Pool;
use crate::domain::Rag;
use crate::error::AppError;
use crate::services::Ctx;
use crate::services::actions::{self, CreateAction};
use crate::services::milestones::{self, CreateMilestone, UpdateMilestone};
use crate::services::periods::{self, CreatePeriod};
use crate::services::pledges::{self, WritePledge};
use crate::services::progress::{self, CreateUpdate};

const PLAN: &str = include_str!("delivery_plan.json");

#[derive(Deserialize)]
struct Plan {
    periods: Vec<PlanPeriod>,
    actions: Vec<PlanAction>,
    pledges: Vec<PlanPledge>,
}

#[derive(Deserialize)]
struct PlanPeriod {
    name: String,
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
struct PlanAction {
    reference: String,
    ambitions: Vec<i32>,
    commitments: Vec<i32>,
    title: String,
    description: String,
    lead: String,
    supporting: Vec<String>,
    start_date: NaiveDate,
    target_date: NaiveDate,
    milestones: Vec<PlanMilestone>,
    updates: Vec<PlanUpdate>,
}

#[derive(Deserialize)]
struct PlanMilestone {
    title: String,
    due: NaiveDate,
    completed_on: Option<NaiveDate>,
    moved_to: Option<PlanMove>,
    note: String,
}

#[derive(Deserialize)]
struct PlanMove {
    due: NaiveDate,
    reason: String,
}

#[derive(Deserialize)]
struct PlanUpdate {
    on: NaiveDate,
    /// An organisation's slug, or "chair".
    by: String,
    rag: Option<Rag>,
    commentary: String,
    progress: String,
    impact: String,
    next_steps: String,
    risks: String,
}

#[derive(Deserialize)]
struct PlanPledge {
    organisation: String,
    commitment: i32,
    rag: Rag,
    text: String,
    history: Vec<PlanPledgeVersion>,
}

#[derive(Deserialize)]
struct PlanPledgeVersion {
    on: NaiveDate,
    rag: Rag,
    text: String,
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.trim().is_empty())
}

/// Days after a quarter ends that the board meets and closes it.
const BOARD_MEETS_AFTER_DAYS: i64 = 14;

/// The reporting periods of the plan by name, each with its id and last
/// day.
pub type Periods = HashMap<String, (Uuid, NaiveDate)>;

/// Loads the delivery plan: its periods, its actions with their milestones
/// and history of updates, and the partners' pledges with theirs.
pub async fn load(pool: &Pool, cast: &Cast) -> Result<Periods, AppError> {
    let plan: Plan = serde_json::from_str(PLAN).expect("the embedded delivery plan is valid");
    let mut periods = HashMap::new();
    for period in &plan.periods {
        let input = CreatePeriod {
            name: period.name.clone(),
            starts_on: period.start,
            ends_on: period.end,
        };
        let created = periods::create(pool, &cast.chair, cast.strategy_id, input).await?;
        periods.insert(period.name.clone(), (created.id, period.end));
    }
    for item in plan.actions {
        load_action(pool, cast, item).await?;
    }
    for pledge in plan.pledges {
        load_pledge(pool, cast, pledge).await?;
    }
    Ok(periods)
}

/// Writes a pledge's history, then its current text, as its organisation.
async fn load_pledge(pool: &Pool, cast: &Cast, pledge: PlanPledge) -> Result<(), AppError> {
    let (ctx, org) = cast.member(&pledge.organisation)?;
    let commitment = Cast::statement(&cast.commitments, pledge.commitment)?;
    let mut versions: Vec<(DateTime<Utc>, Rag, String)> = pledge
        .history
        .into_iter()
        .map(|v| (at(v.on), v.rag, v.text))
        .collect();
    let current_on = versions
        .last()
        .map(|(on, ..)| *on + chrono::Duration::days(120))
        .unwrap_or_else(|| at(NaiveDate::from_ymd_opt(2023, 1, 16).expect("date")));
    versions.push((current_on, pledge.rag, pledge.text));
    for (version, (on, rag, text)) in (1..).zip(versions) {
        let input = WritePledge {
            text,
            rag: Some(rag),
        };
        let precondition = Precondition::assume(version - 1);
        pledges::write(pool, &ctx.at(on), *org, commitment, precondition, input).await?;
    }
    Ok(())
}

/// The board closes each quarter at its meeting a fortnight later; every
/// report posted by then counts. Quarters whose meeting is still to come
/// stay open.
pub async fn close_past_quarters(
    pool: &Pool,
    cast: &Cast,
    periods: &Periods,
) -> Result<(), AppError> {
    let today = cast.chair.clock.today();
    let mut quarters: Vec<(Uuid, NaiveDate)> = periods.values().copied().collect();
    quarters.sort_by_key(|(_, end)| *end);
    for (id, end) in quarters {
        let meeting = end + chrono::Duration::days(BOARD_MEETS_AFTER_DAYS);
        if meeting < today {
            let closed_at = meeting.and_hms_opt(17, 0, 0).expect("valid time").and_utc();
            periods::close(pool, &cast.chair.at(closed_at), id, Precondition::none()).await?;
        }
    }
    Ok(())
}

/// Creates an action as the chair on its start date, then its milestones
/// and its history of updates, each as whoever made it, when they made it.
async fn load_action(pool: &Pool, cast: &Cast, item: PlanAction) -> Result<(), AppError> {
    let (lead_ctx, lead) = cast.member(&item.lead)?;
    let supporting = item
        .supporting
        .iter()
        .map(|slug| cast.member(slug).map(|(_, id)| *id))
        .collect::<Result<Vec<_>, _>>()?;
    let numbered = |map, numbers: &[i32]| -> Result<Vec<Uuid>, AppError> {
        numbers.iter().map(|n| Cast::statement(map, *n)).collect()
    };
    let input = CreateAction {
        strategy_id: cast.strategy_id,
        reference: item.reference,
        title: item.title,
        description: Some(item.description),
        lead_organisation_id: *lead,
        supporting_organisation_ids: Some(supporting),
        ambition_ids: numbered(&cast.ambitions, &item.ambitions)?,
        commitment_ids: Some(numbered(&cast.commitments, &item.commitments)?),
        start_date: Some(item.start_date),
        target_date: Some(item.target_date),
    };
    let action = actions::create(pool, &cast.chair.at(at(item.start_date)), input).await?;
    for milestone in item.milestones {
        load_milestone(pool, lead_ctx, action.id, milestone).await?;
    }
    for u in item.updates {
        let ctx = match u.by.as_str() {
            "chair" => &cast.chair,
            slug => &cast.member(slug)?.0,
        };
        let input = CreateUpdate {
            rag: u.rag,
            commentary: text(&u.commentary),
            progress: text(&u.progress),
            impact: text(&u.impact),
            next_steps: text(&u.next_steps),
            risks: text(&u.risks),
        };
        let ctx = ctx.at(at(u.on));
        progress::post(pool, &ctx, action.id, Precondition::none(), input).await?;
    }
    Ok(())
}

/// Adds a milestone as the lead organisation; one that was moved is moved
/// when its first due date arrived.
async fn load_milestone(
    pool: &Pool,
    lead: &Ctx,
    action_id: Uuid,
    m: PlanMilestone,
) -> Result<(), AppError> {
    let input = CreateMilestone {
        title: m.title,
        due_date: m.due,
        completed_on: match m.moved_to {
            Some(_) => None,
            None => m.completed_on,
        },
        note: text(&m.note),
    };
    let created = milestones::create(pool, lead, action_id, input).await?;
    if let Some(moved) = m.moved_to {
        let change = UpdateMilestone {
            due_date: Some(moved.due),
            due_date_reason: Some(moved.reason),
            completed_on: m.completed_on.map(Some),
            ..Default::default()
        };
        let version = Precondition::assume(created.version);
        milestones::update(pool, &lead.at(at(m.due)), created.id, version, change).await?;
    }
    Ok(())
}
