//! The demo delivery plan: the 25 "We will" actions of the 2022-2025
//! strategy with milestones, progress updates over past quarters,
//! organisations' pledges and the indicators' values. Everything is posted through the service's own
//! operations, as the people who would have posted it, at the dates given.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::clock::Clock;
use crate::concurrency::Precondition;
use crate::db::Pool;
use crate::domain::{Actor, Rag, Role};
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

/// The people and ids the plan refers to.
pub struct Cast {
    pub strategy_id: Uuid,
    pub admin: Ctx,
    pub chair: Ctx,
    /// A member of each organisation, by slug, with the organisation's id.
    pub members: HashMap<String, (Ctx, Uuid)>,
    pub ambitions: HashMap<i32, Uuid>,
    pub commitments: HashMap<i32, Uuid>,
}

impl Cast {
    pub(super) fn member(&self, slug: &str) -> Result<&(Ctx, Uuid), AppError> {
        self.members.get(slug).ok_or_else(|| {
            AppError::internal(format!("demo plan names unknown organisation {slug}"))
        })
    }

    pub(super) fn statement(map: &HashMap<i32, Uuid>, number: i32) -> Result<Uuid, AppError> {
        map.get(&number).copied().ok_or_else(|| {
            AppError::internal(format!("demo plan names unknown statement {number}"))
        })
    }
}

/// Mid-morning on a date, when board members tend to file their reports.
pub(super) fn at(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(10, 0, 0).expect("valid time").and_utc()
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.trim().is_empty())
}

/// Days after a quarter ends that the board meets and closes it.
const BOARD_MEETS_AFTER_DAYS: i64 = 14;

pub async fn load(pool: &Pool, cast: &Cast) -> Result<(), AppError> {
    let plan: Plan = serde_json::from_str(PLAN).expect("the embedded delivery plan is valid");
    let mut quarters = Vec::new();
    let mut by_name = HashMap::new();
    for period in &plan.periods {
        let input = CreatePeriod {
            name: period.name.clone(),
            starts_on: period.start,
            ends_on: period.end,
        };
        let created = periods::create(pool, &cast.chair, cast.strategy_id, input).await?;
        quarters.push((created.id, period.end));
        by_name.insert(period.name.clone(), (created.id, period.end));
    }
    for item in plan.actions {
        load_action(pool, cast, item).await?;
    }
    for pledge in plan.pledges {
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
    }
    super::indicators::load(pool, cast, &by_name).await?;
    // The board closes each quarter at its meeting a fortnight later; every
    // report posted by then counts.
    let today = cast.chair.clock.today();
    for (id, end) in quarters {
        let meeting = end + chrono::Duration::days(BOARD_MEETS_AFTER_DAYS);
        if meeting < today {
            let closed_at = meeting.and_hms_opt(17, 0, 0).expect("valid time").and_utc();
            periods::close(pool, &cast.chair.at(closed_at), id, Precondition::none()).await?;
        }
    }
    Ok(())
}

async fn load_action(pool: &Pool, cast: &Cast, item: PlanAction) -> Result<(), AppError> {
    let lead = cast.member(&item.lead)?.1;
    let supporting = item
        .supporting
        .iter()
        .map(|slug| cast.member(slug).map(|(_, id)| *id))
        .collect::<Result<Vec<_>, _>>()?;
    let ambition_ids = item
        .ambitions
        .iter()
        .map(|n| Cast::statement(&cast.ambitions, *n))
        .collect::<Result<Vec<_>, _>>()?;
    let commitment_ids = item
        .commitments
        .iter()
        .map(|n| Cast::statement(&cast.commitments, *n))
        .collect::<Result<Vec<_>, _>>()?;
    let action = actions::create(
        pool,
        &cast.chair.at(at(item.start_date)),
        CreateAction {
            strategy_id: cast.strategy_id,
            reference: item.reference,
            title: item.title,
            description: Some(item.description),
            lead_organisation_id: lead,
            supporting_organisation_ids: Some(supporting),
            ambition_ids,
            commitment_ids: Some(commitment_ids),
            start_date: Some(item.start_date),
            target_date: Some(item.target_date),
        },
    )
    .await?;
    let lead_ctx = &cast.member(&item.lead)?.0;
    for m in item.milestones {
        let created = milestones::create(
            pool,
            lead_ctx,
            action.id,
            CreateMilestone {
                title: m.title,
                due_date: m.due,
                completed_on: if m.moved_to.is_some() {
                    None
                } else {
                    m.completed_on
                },
                note: text(&m.note),
            },
        )
        .await?;
        if let Some(moved) = m.moved_to {
            // Moved when the original date arrived.
            milestones::update(
                pool,
                &lead_ctx.at(at(m.due)),
                created.id,
                Precondition::assume(created.version),
                UpdateMilestone {
                    due_date: Some(moved.due),
                    due_date_reason: Some(moved.reason),
                    completed_on: m.completed_on.map(Some),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    for u in item.updates {
        let ctx = if u.by == "chair" {
            &cast.chair
        } else {
            &cast.member(&u.by)?.0
        };
        let input = CreateUpdate {
            rag: u.rag,
            commentary: text(&u.commentary),
            progress: text(&u.progress),
            impact: text(&u.impact),
            next_steps: text(&u.next_steps),
            risks: text(&u.risks),
        };
        progress::post(
            pool,
            &ctx.at(at(u.on)),
            action.id,
            Precondition::none(),
            input,
        )
        .await?;
    }
    Ok(())
}

/// The context of a demo user.
pub fn ctx(id: Uuid, role: Role, organisation_id: Option<Uuid>, clock: &Clock) -> Ctx {
    Ctx {
        actor: Actor::User {
            id,
            role,
            organisation_id,
        },
        request_id: Some("demo-data".into()),
        clock: clock.clone(),
    }
}
