//! The demo indicators: the strategy's six "what will success look like in
//! three years' time?" measures, each recorded by a member of its owning
//! organisation some days after each quarter ends, before the board meets.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::cast::{Cast, at};
use crate::db::Pool;
use crate::domain::indicators::{Part, Polarity, Unit};
use crate::error::AppError;
use crate::services::indicators::{self, CreateIndicator, RecordValue};

const DATA: &str = include_str!("indicators.json");

/// The board agreed the measures at its first meeting of the strategy.
const DEFINED_ON: NaiveDate = NaiveDate::from_ymd_opt(2022, 4, 20).expect("a date");

/// Days after a quarter ends that its figures are in.
const FIGURES_IN_AFTER_DAYS: i64 = 10;

#[derive(Deserialize)]
struct PlanIndicator {
    title: String,
    description: String,
    unit: Unit,
    direction: Polarity,
    baseline: PlanPoint,
    target: PlanPoint,
    /// The owning organisation's slug.
    owner: String,
    ambitions: Vec<i32>,
    dimension: Option<String>,
    categories: Vec<String>,
    source: String,
    values: Vec<PlanValue>,
}

#[derive(Deserialize)]
struct PlanPoint {
    value: Decimal,
    date: NaiveDate,
}

#[derive(Deserialize)]
struct PlanValue {
    /// A reporting period's name.
    period: String,
    value: Decimal,
    #[serde(default)]
    breakdown: Vec<Part>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    accept_breakdown_mismatch: bool,
}

/// Defines the indicators and records their values, in the periods named
/// (by name, with each period's id and last day).
pub async fn load(
    pool: &Pool,
    cast: &Cast,
    periods: &HashMap<String, (Uuid, NaiveDate)>,
) -> Result<(), AppError> {
    let plan: Vec<PlanIndicator> =
        serde_json::from_str(DATA).expect("the embedded indicators are valid");
    for item in plan {
        let (member, owner) = cast.member(&item.owner)?;
        let ambition_ids = item
            .ambitions
            .iter()
            .map(|n| Cast::statement(&cast.ambitions, *n))
            .collect::<Result<Vec<_>, _>>()?;
        let created = indicators::create(
            pool,
            &cast.admin.at(at(DEFINED_ON)),
            cast.strategy_id,
            CreateIndicator {
                title: item.title,
                description: Some(item.description),
                unit: item.unit,
                direction: item.direction,
                baseline_value: item.baseline.value,
                baseline_date: item.baseline.date,
                target_value: item.target.value,
                target_date: item.target.date,
                owner_organisation_id: *owner,
                ambition_ids,
                breakdown_dimension: item.dimension,
                breakdown_categories: Some(item.categories),
            },
        )
        .await?;
        for value in item.values {
            let (period_id, ends_on) = periods.get(&value.period).ok_or_else(|| {
                AppError::internal(format!(
                    "demo indicator names unknown period {}",
                    value.period
                ))
            })?;
            let input = RecordValue {
                period_id: Some(*period_id),
                as_of: None,
                value: value.value,
                breakdown: Some(value.breakdown).filter(|b| !b.is_empty()),
                source: Some(item.source.clone()),
                note: Some(value.note).filter(|n| !n.is_empty()),
                accept_breakdown_mismatch: value.accept_breakdown_mismatch,
            };
            let recorded = at(*ends_on + Duration::days(FIGURES_IN_AFTER_DAYS));
            indicators::record(pool, &member.at(recorded), created.id, input).await?;
        }
    }
    Ok(())
}
