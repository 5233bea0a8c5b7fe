//! Defining a strategy's indicators: what each measures, in which unit,
//! which way is better, from which baseline to which target, who records
//! its values and what they may be broken down by (administrators).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::figures::{Figures, by_indicator, course};
use crate::concurrency::Precondition;
use crate::db::indicators::{self as store, Indicator, IndicatorChanges, NewIndicator};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::statements::{self, StatementRef};
use crate::db::{Conn, Pool, strategies};
use crate::domain::indicators::{self as rules, MAX_CATEGORIES, Point, Polarity, Unit};
use crate::domain::validation::{
    FieldError, NAME_MAX, TEXT_MAX, TITLE_MAX, implausible_dates, not_blank, printable,
};
use crate::domain::{Actor, AllowedAction, Entity, StatementKind, allowed, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};
use crate::services::actions::links::{MAX_LINKS, check_request};
use crate::services::audit::created;
use crate::services::context::{Ctx, authorize, missing, visible};
use crate::services::input::{nullable, trimmed, valid, validate};
use crate::services::locked::{Target, Written};

const ENTITY: Entity = Entity::Indicator;
const FORBIDDEN: &str = "only administrators can define a strategy's indicators";

/// An indicator as the API shows it, with its figures as they stand now.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    #[schema(example = "Looked after young people in education, employment or training")]
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) unit: Unit,
    pub(crate) direction: Polarity,
    pub(crate) baseline: Point,
    pub(crate) target: Point,
    /// The organisation that records its values.
    pub(crate) owner: OrganisationRef,
    pub(crate) ambitions: Vec<StatementRef>,
    /// What values are broken down by, if anything.
    #[schema(example = "district")]
    pub(crate) breakdown_dimension: Option<String>,
    /// The categories a breakdown may name, in report order; empty for any.
    pub(crate) breakdown_categories: Vec<String>,
    #[serde(flatten)]
    pub(crate) figures: Figures,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[schema(example = json!(["update", "delete", "record_value"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
    /// Stamps the state of its values, for the ETag of a single indicator
    /// (lists are tagged by their body).
    #[serde(skip)]
    pub(crate) values_stamp: i64,
}

/// A stored indicator with the ambitions it measures, as the audit trail
/// and change feed record it.
#[derive(Debug, Serialize)]
struct IndicatorRecord {
    #[serde(flatten)]
    indicator: Indicator,
    ambition_ids: Vec<Uuid>,
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
// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
pub struct CreateIndicator {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) description: Option<String>,
    #[garde(skip)]
    pub(crate) unit: Unit,
    #[garde(skip)]
    pub(crate) direction: Polarity,
    #[garde(skip)]
    #[schema(value_type = f64)]
    pub(crate) baseline_value: Decimal,
    #[garde(skip)]
    pub(crate) baseline_date: NaiveDate,
    #[garde(skip)]
    #[schema(value_type = f64)]
    pub(crate) target_value: Decimal,
    #[garde(skip)]
    pub(crate) target_date: NaiveDate,
    /// A partner of the strategy; its members record the values.
    #[garde(skip)]
    pub(crate) owner_organisation_id: Uuid,
    /// At least one ambition of the same strategy.
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub(crate) ambition_ids: Vec<Uuid>,
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) breakdown_dimension: Option<String>,
    #[garde(length(max = MAX_CATEGORIES), inner(inner(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))))]
    pub(crate) breakdown_categories: Option<Vec<String>>,
}

/// Fields to change; absent fields stay as they are. The unit cannot change
/// once values are recorded.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target_value": 88, "description": "Raised after the 2024 review."}))]
pub struct UpdateIndicator {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) description: Option<String>,
    #[garde(skip)]
    pub(crate) unit: Option<Unit>,
    #[garde(skip)]
    pub(crate) direction: Option<Polarity>,
    #[garde(skip)]
    #[schema(value_type = Option<f64>)]
    pub(crate) baseline_value: Option<Decimal>,
    #[garde(skip)]
    pub(crate) baseline_date: Option<NaiveDate>,
    #[garde(skip)]
    #[schema(value_type = Option<f64>)]
    pub(crate) target_value: Option<Decimal>,
    #[garde(skip)]
    pub(crate) target_date: Option<NaiveDate>,
    #[garde(skip)]
    pub(crate) owner_organisation_id: Option<Uuid>,
    #[garde(length(min = 1, max = MAX_LINKS))]
    pub(crate) ambition_ids: Option<Vec<Uuid>>,
    /// `null` removes the dimension (and its categories).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[garde(inner(inner(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))))]
    pub(crate) breakdown_dimension: Option<Option<String>>,
    #[garde(length(max = MAX_CATEGORIES), inner(inner(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))))]
    pub(crate) breakdown_categories: Option<Vec<String>>,
}

/// Builds views, with one query each for owners, ambitions and values.
pub async fn views(
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
                allowed_actions: allowed::for_indicator(actor, row.owner_organisation_id),
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

/// One indicator's view, with the stamp of its values for its ETag.
async fn view(conn: &mut Conn, row: Indicator, actor: &Actor) -> Result<IndicatorView, AppError> {
    let mut view = views(conn, vec![row], actor).await?.remove(0);
    view.values_stamp = store::values_stamps(conn, &[view.id])
        .await?
        .remove(&view.id)
        .unwrap_or_default();
    Ok(view)
}

/// A page of a strategy's indicators.
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

/// One indicator, with its figures as they stand.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<IndicatorView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing(ENTITY.noun()))?;
    visible(&ctx.actor, row.strategy_id, ENTITY.noun())?;
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
    let mut errors = implausible_dates(&[
        ("baseline_date", Some(def.baseline.date)),
        ("target_date", Some(def.target.date)),
    ]);
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
    valid(errors)
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

/// Defines an indicator of a strategy (administrators).
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    input: CreateIndicator,
) -> Result<IndicatorView, AppError> {
    authorize(permissions::can_manage_indicators(&ctx.actor), FORBIDDEN)?;
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
        breakdown_dimension: dimension,
        breakdown_categories: categories,
        created_at: ctx.clock.now(),
        updated_at: ctx.clock.now(),
    };
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| insert(conn, ctx, &new, &input.ambition_ids).await)
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Stores a checked new indicator, linked to the ambitions it measures, and
/// audits it, inside the caller's transaction.
async fn insert(
    conn: &mut Conn,
    ctx: &Ctx,
    new: &NewIndicator,
    ambition_ids: &[Uuid],
) -> Result<Indicator, AppError> {
    strategies::find(conn, new.strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let owner = [(
        "owner_organisation_id".to_owned(),
        new.owner_organisation_id,
    )];
    check_request(
        conn,
        new.strategy_id,
        &owner,
        &named_ambitions(ambition_ids),
    )
    .await?;
    let row = store::insert(conn, new).await?;
    let ambition_ids = distinct(ambition_ids);
    store::set_ambitions(conn, row.id, &ambition_ids).await?;
    let record = IndicatorRecord {
        indicator: row.clone(),
        ambition_ids,
    };
    created(conn, ctx, ENTITY, row.id, &record).await?;
    Ok(row)
}

/// Changes an indicator's definition (administrators; needs the version
/// read). Its unit cannot change once values are recorded.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateIndicator,
) -> Result<IndicatorView, AppError> {
    authorize(permissions::can_manage_indicators(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    validate(&input)?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(ENTITY, id)
                .admitted(ctx, Some(expected))
                .write(conn, store::find_for_update, async |conn, before| {
                    apply(conn, before, &input).await
                })
                .await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Writes a change to a locked indicator, checking the whole definition it
/// would have.
async fn apply(
    conn: &mut Conn,
    before: Indicator,
    input: &UpdateIndicator,
) -> Result<Written<IndicatorRecord, Indicator>, AppError> {
    let id = before.id;
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
    let ambitions_before = ambition_ids(conn, id).await?;
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
    Ok(Written::Changed {
        before: IndicatorRecord {
            indicator: before,
            ambition_ids: ambitions_before,
        },
        answer: after.clone(),
        after: IndicatorRecord {
            indicator: after,
            ambition_ids: ambitions_after,
        },
    })
}

/// The ids of the ambitions an indicator measures.
async fn ambition_ids(conn: &mut Conn, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(store::ambitions(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}

/// Deletes an indicator that has no values: recorded figures are never
/// thrown away with a definition (administrators; needs the version read).
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    authorize(permissions::can_manage_indicators(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        Target::new(ENTITY, id)
            .admitted(ctx, Some(expected))
            .write(conn, store::find_for_update, async |conn, indicator| {
                if store::value_count(conn, id).await? > 0 {
                    return Err(AppError::Conflict(
                        "this indicator has recorded values, which are kept; it cannot be deleted"
                            .into(),
                    ));
                }
                let ambition_ids = ambition_ids(conn, id).await?;
                store::delete(conn, id).await?;
                let before = IndicatorRecord {
                    indicator,
                    ambition_ids,
                };
                Ok(Written::Deleted { before, answer: () })
            })
            .await
    })
    .await
}
