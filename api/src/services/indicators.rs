//! Impact indicators: a strategy's success measures, defined by
//! administrators, with values recorded by the owning organisation and the
//! figures derived from them.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::actions::{MAX_LINKS, check_request};
use super::{Change, Ctx, audit, authorize, missing, nullable, trimmed, validate, visible};
use crate::concurrency::{Precondition, check_version};
use crate::db::indicators::{
    self as store, Indicator, IndicatorChanges, IndicatorValue, NewIndicator, SeriesValue,
    ValueFields,
};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::statements::{self, StatementRef};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool, periods, strategies};
use crate::domain::indicators::json_number;
use crate::domain::indicators::{self as rules, Course, Part, Point, Polarity, Trajectory, Unit};
use crate::domain::review::{Direction, Named};
use crate::domain::validation::{FieldError, NAME_MAX, TEXT_MAX, TITLE_MAX, not_blank, printable};
use crate::domain::{Actor, StatementKind, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: &str = "indicator";
const VALUE_ENTITY: &str = "indicator_value";
const MANAGE_FORBIDDEN: &str = "only administrators can define a strategy's indicators";
const RECORD_FORBIDDEN: &str =
    "only members of the indicator's owning organisation can record its values";
/// Most categories a breakdown dimension may have, and most parts a value.
const MAX_CATEGORIES: usize = 100;

/// The latest value of an indicator, with its breakdown checked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LatestValue {
    pub as_of: NaiveDate,
    #[schema(value_type = f64, example = 82)]
    #[serde(with = "json_number")]
    pub value: Decimal,
    pub period_id: Option<Uuid>,
    pub breakdown: Vec<Part>,
    /// The parts' sum, for units whose parts add up (counts and money).
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub breakdown_sum: Option<Decimal>,
    /// True when the parts do not add up to the stated total: it was
    /// recorded anyway, and needs explaining.
    pub breakdown_mismatch: bool,
}

/// What is derived from an indicator's values.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    /// The value with the latest date; absent before the first.
    pub latest: Option<LatestValue>,
    /// The value before it.
    pub previous: Option<Point>,
    /// Latest value minus baseline.
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub change_since_baseline: Option<Decimal>,
    /// Latest value minus the previous one.
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub change_since_previous: Option<Decimal>,
    /// The latest value against the previous one (or the baseline, when it
    /// is the only value), given which way is better.
    pub direction_of_travel: Direction,
    /// Where the straight line from baseline to target stands at the latest
    /// value's date.
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub expected: Option<Decimal>,
    pub trajectory: Trajectory,
}

impl Figures {
    fn of(indicator: &Indicator, series: &[SeriesValue]) -> Figures {
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

fn course(indicator: &Indicator) -> Course {
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
fn parts_of(breakdown: &serde_json::Value) -> Vec<Part> {
    serde_json::from_value(breakdown.clone()).unwrap_or_default()
}

/// An indicator as the API shows it, with its figures as they stand now.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub id: Uuid,
    pub strategy_id: Uuid,
    #[schema(example = "Looked after young people in education, employment or training")]
    pub title: String,
    pub description: String,
    pub unit: Unit,
    pub direction: Polarity,
    pub baseline: Point,
    pub target: Point,
    /// The organisation that records its values.
    pub owner: OrganisationRef,
    pub ambitions: Vec<StatementRef>,
    /// What values are broken down by, if anything.
    #[schema(example = "district")]
    pub breakdown_dimension: Option<String>,
    /// The categories a breakdown may name, in report order; empty for any.
    pub breakdown_categories: Vec<String>,
    #[serde(flatten)]
    pub figures: Figures,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(example = json!(["update", "delete", "record_value"]))]
    pub allowed_actions: Vec<&'static str>,
    /// Stamps the state of its values, for the ETag of a single indicator
    /// (lists are tagged by their body).
    #[serde(skip)]
    pub values_stamp: i64,
}

/// An indicator as the dashboard and reports show it, and as a closed
/// period keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSummary {
    pub id: Uuid,
    pub title: String,
    pub unit: Unit,
    pub direction: Polarity,
    pub owner: Named,
    /// Numbers of the ambitions it measures.
    pub ambitions: Vec<i32>,
    pub baseline: Point,
    pub target: Point,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A stored indicator with the ambitions it measures, as the audit trail
/// and change feed record it.
#[derive(Debug, Serialize)]
struct IndicatorRecord<'a> {
    #[serde(flatten)]
    indicator: &'a Indicator,
    ambition_ids: &'a [Uuid],
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Care leavers in education, employment or training",
    "unit": "percent",
    "direction": "higher_is_better",
    "baseline_value": 80, "baseline_date": "2022-04-01",
    "target_value": 85, "target_date": "2025-03-31",
    "owner_organisation_id": "0190c0de-0000-7000-8000-000000000001",
    "ambition_ids": ["0190c0de-0000-7000-8000-000000000002"],
    "breakdown_dimension": "district",
    "breakdown_categories": ["Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark", "Rushcliffe"]
}))]
pub struct CreateIndicator {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub title: String,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub description: Option<String>,
    #[garde(skip)]
    pub unit: Unit,
    #[garde(skip)]
    pub direction: Polarity,
    #[garde(skip)]
    #[schema(value_type = f64)]
    pub baseline_value: Decimal,
    #[garde(skip)]
    pub baseline_date: NaiveDate,
    #[garde(skip)]
    #[schema(value_type = f64)]
    pub target_value: Decimal,
    #[garde(skip)]
    pub target_date: NaiveDate,
    /// A partner of the strategy; its members record the values.
    #[garde(skip)]
    pub owner_organisation_id: Uuid,
    /// At least one ambition of the same strategy.
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub ambition_ids: Vec<Uuid>,
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub breakdown_dimension: Option<String>,
    #[garde(length(max = MAX_CATEGORIES), inner(inner(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))))]
    pub breakdown_categories: Option<Vec<String>>,
}

/// Fields to change; absent fields stay as they are. The unit cannot change
/// once values are recorded.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target_value": 88, "description": "Raised after the 2024 review."}))]
pub struct UpdateIndicator {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub title: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub description: Option<String>,
    #[garde(skip)]
    pub unit: Option<Unit>,
    #[garde(skip)]
    pub direction: Option<Polarity>,
    #[garde(skip)]
    #[schema(value_type = Option<f64>)]
    pub baseline_value: Option<Decimal>,
    #[garde(skip)]
    pub baseline_date: Option<NaiveDate>,
    #[garde(skip)]
    #[schema(value_type = Option<f64>)]
    pub target_value: Option<Decimal>,
    #[garde(skip)]
    pub target_date: Option<NaiveDate>,
    #[garde(skip)]
    pub owner_organisation_id: Option<Uuid>,
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub ambition_ids: Option<Vec<Uuid>>,
    /// `null` removes the dimension (and its categories).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[garde(inner(inner(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))))]
    pub breakdown_dimension: Option<Option<String>>,
    #[garde(length(max = MAX_CATEGORIES), inner(inner(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))))]
    pub breakdown_categories: Option<Vec<String>>,
}

/// A value of an indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValueView {
    pub id: Uuid,
    pub indicator_id: Uuid,
    /// The reporting period it belongs to, if any.
    pub period_id: Option<Uuid>,
    /// The date the figure describes.
    pub as_of: NaiveDate,
    /// The stated total.
    #[schema(value_type = f64, example = 82)]
    #[serde(with = "json_number")]
    pub value: Decimal,
    pub breakdown: Vec<Part>,
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub breakdown_sum: Option<Decimal>,
    pub breakdown_mismatch: bool,
    /// Where the figure comes from.
    pub source: String,
    pub note: String,
    pub recorded_by: Option<UserRef>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(example = json!(["update"]))]
    pub allowed_actions: Vec<&'static str>,
    /// Every version, newest first (when reading one value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<ValueVersionView>>,
}

/// One version of a value.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueVersionView {
    pub version: i32,
    pub as_of: NaiveDate,
    pub period_id: Option<Uuid>,
    #[schema(value_type = f64)]
    #[serde(with = "json_number")]
    pub value: Decimal,
    pub breakdown: Vec<Part>,
    pub source: String,
    pub note: String,
    pub changed_by: Option<UserRef>,
    pub changed_at: DateTime<Utc>,
}

/// A value to record: for a date, for a reporting period (dated its last
/// day), or for a date within a period.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "period_id": "0190c0de-0000-7000-8000-000000000003",
    "value": 41,
    "breakdown": [
        {"category": "Ashfield", "value": 7}, {"category": "Bassetlaw", "value": 5},
        {"category": "Broxtowe", "value": 4}, {"category": "Gedling", "value": 6},
        {"category": "Mansfield", "value": 9}, {"category": "Newark", "value": 6},
        {"category": "Rushcliffe", "value": 4}
    ],
    "source": "District leisure services' returns",
    "note": "Quarter 2 figures."
}))]
pub struct RecordValue {
    #[garde(skip)]
    pub period_id: Option<Uuid>,
    /// Defaults to the period's last day.
    #[garde(skip)]
    pub as_of: Option<NaiveDate>,
    /// The total.
    #[garde(skip)]
    #[schema(value_type = f64)]
    pub value: Decimal,
    #[garde(length(max = MAX_CATEGORIES))]
    pub breakdown: Option<Vec<Part>>,
    #[garde(length(chars, max = TITLE_MAX), custom(printable))]
    pub source: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub note: Option<String>,
    /// Record a breakdown whose parts do not add up to the total.
    #[garde(skip)]
    #[serde(default)]
    pub accept_breakdown_mismatch: bool,
}

/// Fields to correct; absent fields stay as they are. A breakdown given
/// replaces the whole breakdown.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"value": 42, "note": "Corrected: one return arrived late."}))]
pub struct CorrectValue {
    /// `null` detaches the value from its period.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    #[garde(skip)]
    pub period_id: Option<Option<Uuid>>,
    #[garde(skip)]
    pub as_of: Option<NaiveDate>,
    #[garde(skip)]
    #[schema(value_type = Option<f64>)]
    pub value: Option<Decimal>,
    #[garde(length(max = MAX_CATEGORIES))]
    pub breakdown: Option<Vec<Part>>,
    #[garde(length(chars, max = TITLE_MAX), custom(printable))]
    pub source: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub note: Option<String>,
    #[garde(skip)]
    #[serde(default)]
    pub accept_breakdown_mismatch: bool,
}

fn indicator_actions(actor: &Actor, owner: Uuid) -> Vec<&'static str> {
    let mut allowed = Vec::new();
    if permissions::can_manage_indicators(actor) {
        allowed.extend(["update", "delete"]);
    }
    if permissions::can_record_indicator(actor, owner) {
        allowed.push("record_value");
    }
    allowed
}

/// Builds views, with one query each for owners, ambitions and values.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<Indicator>,
    actor: &Actor,
) -> Result<Vec<IndicatorView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|i| i.id).collect();
    let owner_ids: Vec<Uuid> = rows.iter().map(|i| i.owner_organisation_id).collect();
    let owners = organisations::refs(conn, &owner_ids).await?;
    let mut links = store::ambitions(conn, &ids).await?;
    let ambition_ids: Vec<Uuid> = links.values().flatten().copied().collect();
    let ambitions: HashMap<Uuid, StatementRef> = statements::refs(conn, &ambition_ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    // No value is dated after the day it was recorded, so "now" is every value.
    let series = by_indicator(store::series(conn, &ids, NaiveDate::MAX, None).await?);
    rows.into_iter()
        .map(|row| {
            let owner = owners
                .get(&row.owner_organisation_id)
                .cloned()
                .ok_or_else(|| AppError::internal("indicator refers to a missing owner"))?;
            let mut linked: Vec<StatementRef> = links
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| ambitions.get(id).cloned())
                .collect();
            linked.sort_by_key(|s| s.number);
            let figures = Figures::of(&row, series.get(&row.id).map_or(&[], Vec::as_slice));
            Ok(IndicatorView {
                allowed_actions: indicator_actions(actor, row.owner_organisation_id),
                id: row.id,
                strategy_id: row.strategy_id,
                baseline: course(&row).baseline,
                target: course(&row).target,
                title: row.title,
                description: row.description,
                unit: row.unit,
                direction: row.direction,
                owner,
                ambitions: linked,
                breakdown_dimension: row.breakdown_dimension,
                breakdown_categories: row.breakdown_categories,
                figures,
                values_stamp: 0,
                version: row.version,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

fn by_indicator(series: Vec<SeriesValue>) -> HashMap<Uuid, Vec<SeriesValue>> {
    let mut map: HashMap<Uuid, Vec<SeriesValue>> = HashMap::new();
    for value in series {
        map.entry(value.indicator_id).or_default().push(value);
    }
    map
}

async fn view(conn: &mut Conn, row: Indicator, actor: &Actor) -> Result<IndicatorView, AppError> {
    let mut view = views(conn, vec![row], actor).await?.remove(0);
    view.values_stamp = store::values_stamps(conn, &[view.id])
        .await?
        .remove(&view.id)
        .unwrap_or_default();
    Ok(view)
}

/// The summaries of a strategy's indicators at a moment: `at` of `None`
/// means as they stand now; otherwise those defined by `at`, with the
/// versions of their values that stood then. Values are dated up to
/// `through`.
pub(crate) async fn summaries(
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
pub(crate) fn sort_summaries(summaries: &mut [IndicatorSummary]) {
    summaries.sort_by(|x, y| (x.ambitions.first(), &x.title).cmp(&(y.ambitions.first(), &y.title)));
}

pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    page: &PageParams,
) -> Result<Page<IndicatorView>, AppError> {
    let page = page.request()?;
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let rows = store::list(&mut conn, strategy_id, &page).await?;
    let next = page.page(rows, |i| i.id, |i| i);
    Ok(Page {
        items: views(&mut conn, next.items, &ctx.actor).await?,
        next_cursor: next.next_cursor,
    })
}

pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<IndicatorView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id).await.map_err(missing(ENTITY))?;
    visible(&ctx.actor, row.strategy_id, ENTITY)?;
    view(&mut conn, row, &ctx.actor).await
}

/// The definition an indicator would have after a change, checked whole.
struct Definition<'a> {
    unit: Unit,
    direction: Polarity,
    baseline: Point,
    target: Point,
    dimension: Option<&'a str>,
    categories: &'a [String],
}

fn check_definition(def: &Definition<'_>) -> Result<(), AppError> {
    let mut errors = Vec::new();
    for (field, date) in [
        ("baseline_date", def.baseline.date),
        ("target_date", def.target.date),
    ] {
        if !(1900..=2200).contains(&date.year()) {
            errors.push(FieldError::new(
                field,
                "must be a year between 1900 and 2200",
            ));
        }
    }
    if def.target.date <= def.baseline.date {
        errors.push(FieldError::new(
            "target_date",
            "must be after the baseline date",
        ));
    }
    let baseline = rules::check_value(def.unit, def.baseline.value);
    if let Err(message) = &baseline {
        errors.push(FieldError::new("baseline_value", message));
    }
    match rules::check_value(def.unit, def.target.value) {
        Err(message) => errors.push(FieldError::new("target_value", message)),
        Ok(()) if baseline.is_ok() => {
            if let Err(message) =
                rules::check_target(def.direction, def.baseline.value, def.target.value)
            {
                errors.push(FieldError::new("target_value", message));
            }
        }
        Ok(()) => {}
    }
    if def.dimension.is_none() && !def.categories.is_empty() {
        errors.push(FieldError::new(
            "breakdown_categories",
            "name the breakdown_dimension these categories belong to",
        ));
    }
    for (i, category) in def.categories.iter().enumerate() {
        if def.categories[..i].contains(category) {
            errors.push(FieldError::new(
                format!("breakdown_categories[{i}]"),
                "appears more than once",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn named_ambitions(ids: &[Uuid]) -> Vec<(String, StatementKind, Uuid)> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| (format!("ambition_ids[{i}]"), StatementKind::Ambition, *id))
        .collect()
}

/// The ids in order, each once, as links are stored.
fn distinct(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn trimmed_list(list: &[String]) -> Vec<String> {
    list.iter().map(|c| trimmed(c)).collect()
}

pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    input: CreateIndicator,
) -> Result<IndicatorView, AppError> {
    authorize(
        permissions::can_manage_indicators(&ctx.actor),
        MANAGE_FORBIDDEN,
    )?;
    validate(&input)?;
    let dimension = input.breakdown_dimension.as_deref().map(trimmed);
    let categories = trimmed_list(input.breakdown_categories.as_deref().unwrap_or_default());
    check_definition(&Definition {
        unit: input.unit,
        direction: input.direction,
        baseline: Point {
            date: input.baseline_date,
            value: input.baseline_value,
        },
        target: Point {
            date: input.target_date,
            value: input.target_value,
        },
        dimension: dimension.as_deref(),
        categories: &categories,
    })?;
    let ambition_ids = distinct(&input.ambition_ids);
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            strategies::find(conn, strategy_id)
                .await
                .map_err(missing("strategy"))?;
            check_request(
                conn,
                strategy_id,
                &[(
                    "owner_organisation_id".to_owned(),
                    input.owner_organisation_id,
                )],
                &named_ambitions(&input.ambition_ids),
            )
            .await?;
            let new = NewIndicator {
                id: Uuid::now_v7(),
                strategy_id,
                title: trimmed(&input.title),
                description: input
                    .description
                    .as_deref()
                    .map(trimmed)
                    .unwrap_or_default(),
                unit: input.unit,
                direction: input.direction,
                baseline_value: input.baseline_value.normalize(),
                baseline_date: input.baseline_date,
                target_value: input.target_value.normalize(),
                target_date: input.target_date,
                owner_organisation_id: input.owner_organisation_id,
                breakdown_dimension: dimension.clone(),
                breakdown_categories: categories.clone(),
                created_at: ctx.clock.now(),
                updated_at: ctx.clock.now(),
            };
            let row = store::insert(conn, &new).await?;
            store::set_ambitions(conn, row.id, &ambition_ids).await?;
            let record = IndicatorRecord {
                indicator: &row,
                ambition_ids: &ambition_ids,
            };
            audit(
                conn,
                ctx,
                ENTITY,
                row.id,
                Change::Create,
                None,
                Some(&record),
            )
            .await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateIndicator,
) -> Result<IndicatorView, AppError> {
    authorize(
        permissions::can_manage_indicators(&ctx.actor),
        MANAGE_FORBIDDEN,
    )?;
    let expected_version = precondition.version()?;
    validate(&input)?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            let before = store::find_for_update(conn, id)
                .await
                .map_err(missing(ENTITY))?;
            check_version(expected_version, before.version)?;
            let dimension: Option<String> = match &input.breakdown_dimension {
                Some(given) => given.as_deref().map(trimmed),
                None => before.breakdown_dimension.clone(),
            };
            let categories: Vec<String> = match (&input.breakdown_categories, &dimension) {
                (Some(given), _) => trimmed_list(given),
                // Removing the dimension removes its categories.
                (None, None) => Vec::new(),
                (None, Some(_)) => before.breakdown_categories.clone(),
            };
            let unit = input.unit.unwrap_or(before.unit);
            check_definition(&Definition {
                unit,
                direction: input.direction.unwrap_or(before.direction),
                baseline: Point {
                    date: input.baseline_date.unwrap_or(before.baseline_date),
                    value: input.baseline_value.unwrap_or(before.baseline_value),
                },
                target: Point {
                    date: input.target_date.unwrap_or(before.target_date),
                    value: input.target_value.unwrap_or(before.target_value),
                },
                dimension: dimension.as_deref(),
                categories: &categories,
            })?;
            if unit != before.unit && store::value_count(conn, id).await? > 0 {
                return Err(AppError::validation(
                    "unit",
                    "cannot change once values are recorded; define a new indicator instead",
                ));
            }
            let owner: Vec<(String, Uuid)> = input
                .owner_organisation_id
                .map(|o| ("owner_organisation_id".to_owned(), o))
                .into_iter()
                .collect();
            let links = named_ambitions(input.ambition_ids.as_deref().unwrap_or_default());
            check_request(conn, before.strategy_id, &owner, &links).await?;
            let ambitions_before = store::ambitions(conn, &[id])
                .await?
                .remove(&id)
                .unwrap_or_default();
            let changes = IndicatorChanges {
                title: input.title.as_deref().map(trimmed),
                description: input.description.as_deref().map(trimmed),
                unit: input.unit,
                direction: input.direction,
                baseline_value: input.baseline_value.map(|v| v.normalize()),
                baseline_date: input.baseline_date,
                target_value: input.target_value.map(|v| v.normalize()),
                target_date: input.target_date,
                owner_organisation_id: input.owner_organisation_id,
                breakdown_dimension: Some(dimension),
                breakdown_categories: Some(categories),
            };
            let after = store::update(conn, id, &changes).await?;
            let ambitions_after = match &input.ambition_ids {
                Some(given) => {
                    let ids = distinct(given);
                    store::set_ambitions(conn, id, &ids).await?;
                    ids
                }
                None => ambitions_before.clone(),
            };
            audit(
                conn,
                ctx,
                ENTITY,
                id,
                Change::Update,
                Some(&IndicatorRecord {
                    indicator: &before,
                    ambition_ids: &ambitions_before,
                }),
                Some(&IndicatorRecord {
                    indicator: &after,
                    ambition_ids: &ambitions_after,
                }),
            )
            .await?;
            Ok::<_, AppError>(after)
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Deletes an indicator that has no values: recorded figures are never
/// thrown away with a definition.
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    authorize(
        permissions::can_manage_indicators(&ctx.actor),
        MANAGE_FORBIDDEN,
    )?;
    let expected_version = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let before = store::find_for_update(conn, id)
            .await
            .map_err(missing(ENTITY))?;
        check_version(expected_version, before.version)?;
        if store::value_count(conn, id).await? > 0 {
            return Err(AppError::Conflict(
                "this indicator has recorded values, which are kept; it cannot be deleted".into(),
            ));
        }
        let ambition_ids = store::ambitions(conn, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        store::delete(conn, id).await?;
        audit(
            conn,
            ctx,
            ENTITY,
            id,
            Change::Delete,
            Some(&IndicatorRecord {
                indicator: &before,
                ambition_ids: &ambition_ids,
            }),
            None,
        )
        .await?;
        Ok::<_, AppError>(())
    })
    .await
}

/// Builds value views, naming recorders with one query.
async fn value_views(
    conn: &mut Conn,
    indicator: &Indicator,
    rows: Vec<IndicatorValue>,
    actor: &Actor,
) -> Result<Vec<IndicatorValueView>, AppError> {
    let user_ids: Vec<Uuid> = rows.iter().filter_map(|v| v.recorded_by).collect();
    let names = users::refs(conn, &user_ids).await?;
    let allowed = if permissions::can_record_indicator(actor, indicator.owner_organisation_id) {
        vec!["update"]
    } else {
        vec![]
    };
    Ok(rows
        .into_iter()
        .map(|v| {
            let breakdown = parts_of(&v.breakdown);
            IndicatorValueView {
                id: v.id,
                indicator_id: v.indicator_id,
                period_id: v.period_id,
                as_of: v.as_of,
                value: v.value,
                breakdown_sum: rules::breakdown_sum(indicator.unit, &breakdown),
                breakdown_mismatch: rules::breakdown_mismatch(indicator.unit, v.value, &breakdown),
                breakdown,
                source: v.source,
                note: v.note,
                recorded_by: v.recorded_by.and_then(|id| names.get(&id).cloned()),
                version: v.version,
                created_at: v.created_at,
                updated_at: v.updated_at,
                allowed_actions: allowed.clone(),
                history: None,
            }
        })
        .collect())
}

async fn value_with_history(
    conn: &mut Conn,
    indicator: &Indicator,
    row: IndicatorValue,
    actor: &Actor,
) -> Result<IndicatorValueView, AppError> {
    let versions = store::history(conn, row.id).await?;
    let user_ids: Vec<Uuid> = versions.iter().filter_map(|v| v.changed_by).collect();
    let names = users::refs(conn, &user_ids).await?;
    let mut view = value_views(conn, indicator, vec![row], actor)
        .await?
        .remove(0);
    view.history = Some(
        versions
            .into_iter()
            .map(|v| ValueVersionView {
                version: v.version,
                as_of: v.as_of,
                period_id: v.period_id,
                value: v.value,
                breakdown: parts_of(&v.breakdown),
                source: v.source,
                note: v.note,
                changed_by: v.changed_by.and_then(|id| names.get(&id).cloned()),
                changed_at: v.changed_at,
            })
            .collect(),
    );
    Ok(view)
}

pub async fn list_values(
    pool: &Pool,
    ctx: &Ctx,
    indicator_id: Uuid,
    page: &PageParams,
) -> Result<Page<IndicatorValueView>, AppError> {
    let page = page.request()?;
    let mut conn = pool.get().await?;
    let indicator = store::find(&mut conn, indicator_id)
        .await
        .map_err(missing(ENTITY))?;
    visible(&ctx.actor, indicator.strategy_id, ENTITY)?;
    let rows = store::list_values(&mut conn, indicator_id, &page).await?;
    let next = page.page(rows, |v| v.as_of, |v| v);
    Ok(Page {
        items: value_views(&mut conn, &indicator, next.items, &ctx.actor).await?,
        next_cursor: next.next_cursor,
    })
}

pub async fn get_value(
    pool: &Pool,
    ctx: &Ctx,
    indicator_id: Uuid,
    value_id: Uuid,
) -> Result<IndicatorValueView, AppError> {
    let mut conn = pool.get().await?;
    let indicator = store::find(&mut conn, indicator_id)
        .await
        .map_err(missing(ENTITY))?;
    visible(&ctx.actor, indicator.strategy_id, ENTITY)?;
    let row = of_indicator(store::find_value(&mut conn, value_id).await, indicator_id)?;
    value_with_history(&mut conn, &indicator, row, &ctx.actor).await
}

/// A value found by id, if it is one of this indicator's: a value of
/// another indicator is as unknown here as a missing one.
fn of_indicator(
    found: diesel::QueryResult<IndicatorValue>,
    indicator_id: Uuid,
) -> Result<IndicatorValue, AppError> {
    match found {
        Ok(value) if value.indicator_id == indicator_id => Ok(value),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            Err(AppError::NotFound("no such value of this indicator".into()))
        }
        Err(other) => Err(other.into()),
    }
}

/// A value's fields before they are checked against the indicator.
struct ValueDraft {
    period_id: Option<Uuid>,
    as_of: Option<NaiveDate>,
    value: Decimal,
    breakdown: Vec<Part>,
    source: String,
    note: String,
    accept_mismatch: bool,
}

/// Checks a value against its indicator and period, and settles its date.
async fn settle(
    conn: &mut Conn,
    indicator: &Indicator,
    draft: ValueDraft,
    recorded_by: Option<Uuid>,
    today: NaiveDate,
) -> Result<ValueFields, AppError> {
    let mut errors = Vec::new();
    let period = match draft.period_id {
        Some(id) => match periods::find(conn, id).await {
            Ok(p) if p.strategy_id == indicator.strategy_id => Some(p),
            Ok(_) | Err(diesel::result::Error::NotFound) => {
                errors.push(FieldError::new(
                    "period_id",
                    "must be a reporting period of the indicator's strategy",
                ));
                None
            }
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    let as_of = draft.as_of.or(period.as_ref().map(|p| p.ends_on));
    match (as_of, &period) {
        (None, _) if draft.period_id.is_none() => errors.push(FieldError::new(
            "as_of",
            "give the date the value describes, a period_id, or both",
        )),
        (Some(date), _) if !(1900..=2200).contains(&date.year()) => errors.push(FieldError::new(
            "as_of",
            "must be a year between 1900 and 2200",
        )),
        (Some(date), _) if date > today => errors.push(FieldError::new(
            "as_of",
            if draft.as_of.is_some() {
                "must not be in the future"
            } else {
                "the period has not ended yet; give the date the value describes"
            },
        )),
        (Some(date), Some(p)) if date < p.starts_on || date > p.ends_on => {
            errors.push(FieldError::new(
                "as_of",
                format!(
                    "must lie within the period ({} to {})",
                    p.starts_on, p.ends_on
                ),
            ))
        }
        _ => {}
    }
    if let Err(message) = rules::check_value(indicator.unit, draft.value) {
        errors.push(FieldError::new("value", message));
    }
    let breakdown: Vec<Part> = draft
        .breakdown
        .into_iter()
        .map(|p| Part {
            category: trimmed(&p.category),
            value: p.value.normalize(),
        })
        .collect();
    let part_errors = rules::check_parts(
        indicator.unit,
        indicator.breakdown_dimension.as_deref(),
        &indicator.breakdown_categories,
        &breakdown,
    );
    let parts_ok = part_errors.is_empty();
    errors.extend(part_errors);
    if parts_ok
        && let Some(error) = rules::check_total(
            indicator.unit,
            draft.value,
            &breakdown,
            draft.accept_mismatch,
        )
    {
        errors.push(error);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let breakdown = rules::in_category_order(&indicator.breakdown_categories, breakdown);
    Ok(ValueFields {
        period_id: period.map(|p| p.id),
        as_of: as_of.expect("checked above"),
        value: draft.value.normalize(),
        breakdown: serde_json::to_value(breakdown).map_err(AppError::internal)?,
        source: draft.source,
        note: draft.note,
        recorded_by,
    })
}

/// Finds an indicator for writing a value, and checks the caller may.
async fn indicator_for_recording(
    conn: &mut Conn,
    ctx: &Ctx,
    indicator_id: Uuid,
) -> Result<Indicator, AppError> {
    let indicator = store::find(conn, indicator_id)
        .await
        .map_err(missing(ENTITY))?;
    visible(&ctx.actor, indicator.strategy_id, ENTITY)?;
    authorize(
        permissions::can_record_indicator(&ctx.actor, indicator.owner_organisation_id),
        RECORD_FORBIDDEN,
    )?;
    Ok(indicator)
}

pub async fn record(
    pool: &Pool,
    ctx: &Ctx,
    indicator_id: Uuid,
    input: RecordValue,
) -> Result<IndicatorValueView, AppError> {
    let mut conn = pool.get().await?;
    let indicator = indicator_for_recording(&mut conn, ctx, indicator_id).await?;
    validate(&input)?;
    let row = conn
        .transaction(async |conn| {
            let now = ctx.stamp(conn).await?;
            let draft = ValueDraft {
                period_id: input.period_id,
                as_of: input.as_of,
                value: input.value,
                breakdown: input.breakdown.clone().unwrap_or_default(),
                source: input.source.as_deref().map(trimmed).unwrap_or_default(),
                note: input.note.as_deref().map(trimmed).unwrap_or_default(),
                accept_mismatch: input.accept_breakdown_mismatch,
            };
            let fields = settle(
                conn,
                &indicator,
                draft,
                ctx.actor.user_id(),
                ctx.clock.local_date(now),
            )
            .await?;
            let row = store::insert_value(conn, Uuid::now_v7(), indicator_id, &fields).await?;
            store::record_version(conn, &row, now).await?;
            audit(
                conn,
                ctx,
                VALUE_ENTITY,
                row.id,
                Change::Create,
                None,
                Some(&row),
            )
            .await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    value_with_history(&mut conn, &indicator, row, &ctx.actor).await
}

pub async fn correct(
    pool: &Pool,
    ctx: &Ctx,
    indicator_id: Uuid,
    value_id: Uuid,
    precondition: Precondition,
    input: CorrectValue,
) -> Result<IndicatorValueView, AppError> {
    let mut conn = pool.get().await?;
    let indicator = indicator_for_recording(&mut conn, ctx, indicator_id).await?;
    let expected_version = precondition.version()?;
    validate(&input)?;
    let row = conn
        .transaction(async |conn| {
            let before = of_indicator(
                store::find_value_for_update(conn, value_id).await,
                indicator_id,
            )?;
            check_version(expected_version, before.version)?;
            let now = ctx.stamp(conn).await?;
            let draft = ValueDraft {
                period_id: input.period_id.unwrap_or(before.period_id),
                // A new period without a new date dates the value in it.
                as_of: match (input.as_of, input.period_id) {
                    (Some(date), _) => Some(date),
                    (None, Some(Some(_))) => None,
                    (None, _) => Some(before.as_of),
                },
                value: input.value.unwrap_or(before.value),
                breakdown: match &input.breakdown {
                    Some(parts) => parts.clone(),
                    None => parts_of(&before.breakdown),
                },
                source: input
                    .source
                    .as_deref()
                    .map(trimmed)
                    .unwrap_or_else(|| before.source.clone()),
                note: input
                    .note
                    .as_deref()
                    .map(trimmed)
                    .unwrap_or_else(|| before.note.clone()),
                // A mismatch accepted before stands while the figures stay.
                accept_mismatch: input.accept_breakdown_mismatch
                    || (input.value.is_none() && input.breakdown.is_none()),
            };
            let fields = settle(
                conn,
                &indicator,
                draft,
                ctx.actor.user_id(),
                ctx.clock.local_date(now),
            )
            .await?;
            let after = store::update_value(conn, value_id, &fields).await?;
            store::record_version(conn, &after, now).await?;
            audit(
                conn,
                ctx,
                VALUE_ENTITY,
                value_id,
                Change::Update,
                Some(&before),
                Some(&after),
            )
            .await?;
            Ok::<_, AppError>(after)
        })
        .await?;
    value_with_history(&mut conn, &indicator, row, &ctx.actor).await
}
