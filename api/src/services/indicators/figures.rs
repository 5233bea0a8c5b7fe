//! What is derived from an indicator's values: the latest value with its
//! breakdown checked, the change since the baseline and since the previous
//! value, the direction of travel and where the line to the target stands;
//! and the summary of each indicator that the dashboard and reports show.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::Conn;
use crate::db::indicators::{self as store, Indicator, SeriesValue};
use crate::domain::indicators::json_number;
use crate::domain::indicators::{self as rules, Course, Part, Point, Polarity, Trajectory, Unit};
use crate::domain::review::{Direction, Named};
use crate::error::AppError;

/// The latest value of an indicator, with its breakdown checked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LatestValue {
    pub(crate) as_of: NaiveDate,
    #[schema(value_type = f64, example = 82)]
    #[serde(with = "json_number")]
    pub(crate) value: Decimal,
    pub(crate) period_id: Option<Uuid>,
    pub(crate) breakdown: Vec<Part>,
    /// The parts' sum, for units whose parts add up (counts and money).
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub(crate) breakdown_sum: Option<Decimal>,
    /// True when the parts do not add up to the stated total: it was
    /// recorded anyway, and needs explaining.
    pub(crate) breakdown_mismatch: bool,
}

/// What is derived from an indicator's values.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    /// The value with the latest date; absent before the first.
    pub(crate) latest: Option<LatestValue>,
    /// The value before it.
    pub(crate) previous: Option<Point>,
    /// Latest value minus baseline.
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub(crate) change_since_baseline: Option<Decimal>,
    /// Latest value minus the previous one.
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub(crate) change_since_previous: Option<Decimal>,
    /// The latest value against the previous one (or the baseline, when it
    /// is the only value), given which way is better.
    pub(crate) direction_of_travel: Direction,
    /// Where the straight line from baseline to target stands at the latest
    /// value's date.
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub(crate) expected: Option<Decimal>,
    pub(crate) trajectory: Trajectory,
}

impl Figures {
    /// The figures of `indicator` from its values, oldest first.
    pub fn of(indicator: &Indicator, series: &[SeriesValue]) -> Figures {
        let course = course(indicator);
        let points: Vec<Point> = series
            .iter()
            .map(|v| Point {
                date: v.as_of,
                value: v.value,
            })
            .collect();
        let derived = rules::derive(&course, &points);
        let latest = derived.latest.and_then(|l| {
            let row = series.iter().find(|v| v.as_of == l.date)?;
            let breakdown = parts_of(&row.breakdown);
            Some(LatestValue {
                as_of: row.as_of,
                value: row.value,
                period_id: row.period_id,
                breakdown_sum: rules::breakdown_sum(indicator.unit, &breakdown),
                breakdown_mismatch: rules::breakdown_mismatch(
                    indicator.unit,
                    row.value,
                    &breakdown,
                ),
                breakdown,
            })
        });
        Figures {
            latest,
            previous: derived.previous,
            change_since_baseline: derived.change_since_baseline,
            change_since_previous: derived.change_since_previous,
            direction_of_travel: derived.direction_of_travel,
            expected: derived.expected,
            trajectory: derived.trajectory,
        }
    }
}

/// The line an indicator follows, from its baseline to its target.
pub fn course(indicator: &Indicator) -> Course {
    Course {
        polarity: indicator.direction,
        baseline: Point {
            date: indicator.baseline_date,
            value: indicator.baseline_value,
        },
        target: Point {
            date: indicator.target_date,
            value: indicator.target_value,
        },
    }
}

/// A stored breakdown; the service wrote it, so it always reads back.
pub fn parts_of(breakdown: &serde_json::Value) -> Vec<Part> {
    serde_json::from_value(breakdown.clone()).unwrap_or_default()
}

/// An indicator as the dashboard and reports show it, and as a closed
/// period keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSummary {
    pub(crate) id: Uuid,
    pub(crate) title: String,
    pub(crate) unit: Unit,
    pub(crate) direction: Polarity,
    pub(crate) owner: Named,
    /// Numbers of the ambitions it measures.
    pub(crate) ambitions: Vec<i32>,
    pub(crate) baseline: Point,
    pub(crate) target: Point,
    /// Every value up to the moment, oldest first, for charts. Periods
    /// closed before charts existed kept none.
    #[serde(default)]
    pub(crate) series: Vec<Point>,
    #[serde(flatten)]
    pub(crate) figures: Figures,
}

/// Values grouped by indicator, in the order given.
pub fn by_indicator(series: Vec<SeriesValue>) -> HashMap<Uuid, Vec<SeriesValue>> {
    let mut map: HashMap<Uuid, Vec<SeriesValue>> = HashMap::new();
    for value in series {
        map.entry(value.indicator_id).or_default().push(value);
    }
    map
}

/// The summaries of a strategy's indicators at a moment: `at` of `None`
/// means as they stand now; otherwise those defined by `at`, with the
/// versions of their values that stood then. Values are dated up to
/// `through`.
pub async fn summaries(
    conn: &mut Conn,
    strategy_id: Uuid,
    through: NaiveDate,
    at: Option<DateTime<Utc>>,
) -> Result<Vec<IndicatorSummary>, AppError> {
    let rows = store::for_strategy_with_owner(conn, strategy_id, at).await?;
    let ids: Vec<Uuid> = rows.iter().map(|(i, _)| i.id).collect();
    let mut numbers = store::ambition_numbers(conn, strategy_id).await?;
    let series = by_indicator(store::series(conn, &ids, through, at).await?);
    let mut summaries: Vec<IndicatorSummary> = rows
        .into_iter()
        .map(|(row, owner)| IndicatorSummary {
            id: row.id,
            owner: Named {
                id: row.owner_organisation_id,
                name: owner,
            },
            ambitions: numbers.remove(&row.id).unwrap_or_default(),
            baseline: course(&row).baseline,
            target: course(&row).target,
            series: series.get(&row.id).map_or_else(Vec::new, |values| {
                values
                    .iter()
                    .map(|v| Point {
                        date: v.as_of,
                        value: v.value,
                    })
                    .collect()
            }),
            figures: Figures::of(&row, series.get(&row.id).map_or(&[], Vec::as_slice)),
            title: row.title,
            unit: row.unit,
            direction: row.direction,
        })
        .collect();
    sort_summaries(&mut summaries);
    Ok(summaries)
}

/// By first ambition, then title.
pub fn sort_summaries(summaries: &mut [IndicatorSummary]) {
    summaries.sort_by(|x, y| (x.ambitions.first(), &x.title).cmp(&(y.ambitions.first(), &y.title)));
}
