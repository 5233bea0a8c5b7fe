//! The children in care council's priorities in the demo: concerns the
//! 2022-25 strategy's review names (mental health support out of the
//! county, health assessments on time, enough homes), and others, at every
//! status, raised by No Labels' participation worker and answered by the
//! chair on the days given.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::cast::{Cast, at};
use crate::concurrency::Precondition;
use crate::db::{self, Pool};
use crate::domain::PriorityStatus;
use crate::error::AppError;
use crate::services::priorities::{self, AnswerPriority, RaisePriority};

const PRIORITIES: &str = include_str!("priorities.json");

/// The slug of the children in care council in the demo plan.
pub const COUNCIL: &str = "nolabels";

/// The days after raising by which the demo's board answers.
const RESPONSE_DAYS: u32 = 42;

#[derive(Deserialize)]
struct Document {
    priorities: Vec<PlanPriority>,
}

#[derive(Deserialize)]
struct PlanPriority {
    title: String,
    said: String,
    why_it_matters: String,
    raised_on: NaiveDate,
    raised_at: String,
    ambitions: Vec<i32>,
    commitments: Vec<i32>,
    answers: Vec<PlanAnswer>,
}

#[derive(Deserialize)]
struct PlanAnswer {
    on: NaiveDate,
    status: PriorityStatus,
    message: String,
    response: Option<String>,
    /// The slug of the organisation that will do it.
    owner: Option<String>,
    deliver_by: Option<NaiveDate>,
    decline_reason: Option<String>,
    outcome: Option<String>,
    /// Action references.
    actions: Option<Vec<String>>,
}

/// Raises each priority as No Labels on its day and gives each answer as
/// the chair on its day.
pub async fn load(pool: &Pool, cast: &Cast) -> Result<(), AppError> {
    let document: Document =
        serde_json::from_str(PRIORITIES).expect("the embedded priorities are valid");
    let references = action_ids(pool, cast).await?;
    let (council, _) = cast.member(COUNCIL)?;
    for item in document.priorities {
        let numbered = |map, numbers: &[i32]| -> Result<Vec<Uuid>, AppError> {
            numbers.iter().map(|n| Cast::statement(map, *n)).collect()
        };
        let input = RaisePriority {
            strategy_id: cast.strategy_id,
            organisation_id: None,
            title: item.title,
            said: item.said,
            why_it_matters: item.why_it_matters,
            raised_on: item.raised_on,
            raised_at: item.raised_at,
            ambition_ids: numbered(&cast.ambitions, &item.ambitions)?,
            commitment_ids: numbered(&cast.commitments, &item.commitments)?,
        };
        let raised =
            priorities::raise(pool, &council.at(at(item.raised_on)), input, RESPONSE_DAYS).await?;
        let mut version = raised.version;
        for answer in item.answers {
            let owner = match &answer.owner {
                Some(slug) => Some(cast.member(slug)?.1),
                None => None,
            };
            let linked = match &answer.actions {
                Some(refs) => Some(
                    refs.iter()
                        .map(|r| {
                            references.get(r).copied().ok_or_else(|| {
                                AppError::internal(format!(
                                    "demo priority names unknown action {r}"
                                ))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                None => None,
            };
            let input = AnswerPriority {
                status: answer.status,
                message: answer.message,
                response: answer.response,
                owner_organisation_id: owner,
                deliver_by: answer.deliver_by,
                decline_reason: answer.decline_reason,
                outcome: answer.outcome,
                action_ids: linked,
            };
            let chair = cast.chair.at(at(answer.on));
            let answered = priorities::answer(
                pool,
                &chair,
                raised.id,
                Precondition::assume(version),
                input,
            )
            .await?;
            version = answered.version;
        }
    }
    Ok(())
}

/// The demo strategy's actions by reference.
pub(super) async fn action_ids(
    pool: &Pool,
    cast: &Cast,
) -> Result<HashMap<String, Uuid>, AppError> {
    let mut conn = pool.get().await?;
    Ok(db::actions::for_strategy(&mut conn, cast.strategy_id)
        .await?
        .into_iter()
        .map(|a| (a.reference, a.id))
        .collect())
}
