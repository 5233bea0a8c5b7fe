//! Recording an indicator's values: a total for a date or a reporting
//! period, optionally broken down, by the organisation that owns the
//! indicator; corrections keep every earlier version.

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::figures::parts_of;
use crate::concurrency::Precondition;
use crate::db::indicators::{self as store, Indicator, IndicatorValue, ValueFields};
use crate::db::periods::{self, Period};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool};
use crate::domain::indicators::json_number;
use crate::domain::indicators::{self as rules, MAX_CATEGORIES, Part};
use crate::domain::validation::{FieldError, TEXT_MAX, TITLE_MAX, plausible, printable};
use crate::domain::{Actor, AllowedAction, Entity, allowed, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};
use crate::services::audit::created;
use crate::services::context::{Ctx, authorize, missing, visible};
use crate::services::input::{nullable, trimmed, validate};
use crate::services::locked::{Target, Written};

const INDICATOR: Entity = Entity::Indicator;
const ENTITY: Entity = Entity::IndicatorValue;
const FORBIDDEN: &str = "only members of the indicator's owning organisation can record its values";

/// A value of an indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValueView {
    pub(crate) id: Uuid,
    pub(crate) indicator_id: Uuid,
    /// The reporting period it belongs to, if any.
    pub(crate) period_id: Option<Uuid>,
    /// The date the figure describes.
    pub(crate) as_of: NaiveDate,
    /// The stated total.
    #[schema(value_type = f64, example = 82)]
    #[serde(with = "json_number")]
    pub(crate) value: Decimal,
    pub(crate) breakdown: Vec<Part>,
    #[schema(value_type = Option<f64>)]
    #[serde(with = "json_number::option")]
    pub(crate) breakdown_sum: Option<Decimal>,
    pub(crate) breakdown_mismatch: bool,
    /// Where the figure comes from.
    pub(crate) source: String,
    pub(crate) note: String,
    pub(crate) recorded_by: Option<UserRef>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[schema(example = json!(["update"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
    /// Every version, newest first (when reading one value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) history: Option<Vec<ValueVersionView>>,
}

/// One version of a value.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueVersionView {
    pub(crate) version: i32,
    pub(crate) as_of: NaiveDate,
    pub(crate) period_id: Option<Uuid>,
    #[schema(value_type = f64)]
    #[serde(with = "json_number")]
    pub(crate) value: Decimal,
    pub(crate) breakdown: Vec<Part>,
    pub(crate) source: String,
    pub(crate) note: String,
    pub(crate) changed_by: Option<UserRef>,
    pub(crate) changed_at: DateTime<Utc>,
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
    pub(crate) period_id: Option<Uuid>,
    /// Defaults to the period's last day.
    #[garde(skip)]
    pub(crate) as_of: Option<NaiveDate>,
    /// The total.
    #[garde(skip)]
    #[schema(value_type = f64)]
    pub(crate) value: Decimal,
    #[garde(length(max = MAX_CATEGORIES))]
    pub(crate) breakdown: Option<Vec<Part>>,
    #[garde(length(chars, max = TITLE_MAX), custom(printable))]
    pub(crate) source: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) note: Option<String>,
    /// Record a breakdown whose parts do not add up to the total.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) accept_breakdown_mismatch: bool,
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
    pub(crate) period_id: Option<Option<Uuid>>,
    #[garde(skip)]
    pub(crate) as_of: Option<NaiveDate>,
    #[garde(skip)]
    #[schema(value_type = Option<f64>)]
    pub(crate) value: Option<Decimal>,
    #[garde(length(max = MAX_CATEGORIES))]
    pub(crate) breakdown: Option<Vec<Part>>,
    #[garde(length(chars, max = TITLE_MAX), custom(printable))]
    pub(crate) source: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) note: Option<String>,
    #[garde(skip)]
    #[serde(default)]
    pub(crate) accept_breakdown_mismatch: bool,
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
    let allowed = allowed::for_indicator_value(actor, indicator.owner_organisation_id);
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

/// A value with every version of it, newest first.
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

/// A page of an indicator's values, latest first.
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
        .map_err(missing(INDICATOR.noun()))?;
    visible(&ctx.actor, indicator.strategy_id, INDICATOR.noun())?;
    let rows = store::list_values(&mut conn, indicator_id, &page).await?;
    let next = page.page(rows, |v| v.as_of, |v| v);
    Ok(Page {
        items: value_views(&mut conn, &indicator, next.items, &ctx.actor).await?,
        next_cursor: next.next_cursor,
    })
}

/// One value of an indicator, with its history.
pub async fn get_value(
    pool: &Pool,
    ctx: &Ctx,
    indicator_id: Uuid,
    value_id: Uuid,
) -> Result<IndicatorValueView, AppError> {
    let mut conn = pool.get().await?;
    let indicator = store::find(&mut conn, indicator_id)
        .await
        .map_err(missing(INDICATOR.noun()))?;
    visible(&ctx.actor, indicator.strategy_id, INDICATOR.noun())?;
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
        Some(id) => period_of(conn, indicator, id, &mut errors).await?,
        None => None,
    };
    let as_of = draft.as_of.or(period.as_ref().map(|p| p.ends_on));
    errors.extend(check_date(&draft, as_of, period.as_ref(), today));
    if let Err(message) = rules::check_value(indicator.unit, draft.value) {
        errors.push(FieldError::new("value", message));
    }
    let breakdown: Vec<Part> = draft
        .breakdown
        .iter()
        .map(|p| Part {
            category: trimmed(&p.category),
            value: p.value.normalize(),
        })
        .collect();
    errors.extend(check_breakdown(indicator, &draft, &breakdown));
    let Some(as_of) = as_of.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let breakdown = rules::in_category_order(&indicator.breakdown_categories, breakdown);
    Ok(ValueFields {
        period_id: period.map(|p| p.id),
        as_of,
        value: draft.value.normalize(),
        breakdown: serde_json::to_value(breakdown).map_err(AppError::internal)?,
        source: draft.source,
        note: draft.note,
        recorded_by,
    })
}

/// The reporting period a value names, if it is one of the indicator's
/// strategy; otherwise the field's error.
async fn period_of(
    conn: &mut Conn,
    indicator: &Indicator,
    id: Uuid,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Period>, AppError> {
    match periods::find(conn, id).await {
        Ok(p) if p.strategy_id == indicator.strategy_id => Ok(Some(p)),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            errors.push(FieldError::new(
                "period_id",
                "must be a reporting period of the indicator's strategy",
            ));
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// The date a value describes must be given (or be its period's last day),
/// plausible, past, and within its period.
fn check_date(
    draft: &ValueDraft,
    as_of: Option<NaiveDate>,
    period: Option<&Period>,
    today: NaiveDate,
) -> Option<FieldError> {
    let error = |message: &str| Some(FieldError::new("as_of", message));
    match (as_of, period) {
        (None, _) if draft.period_id.is_none() => {
            error("give the date the value describes, a period_id, or both")
        }
        (Some(date), _) if !plausible(date) => error("must be a year between 1900 and 2200"),
        (Some(date), _) if date > today => error(if draft.as_of.is_some() {
            "must not be in the future"
        } else {
            "the period has not ended yet; give the date the value describes"
        }),
        (Some(date), Some(p)) if date < p.starts_on || date > p.ends_on => error(&format!(
            "must lie within the period ({} to {})",
            p.starts_on, p.ends_on
        )),
        _ => None,
    }
}

/// The parts must name the indicator's categories, and, for units whose
/// parts add up, add up to the total unless the mismatch is accepted.
fn check_breakdown(indicator: &Indicator, draft: &ValueDraft, parts: &[Part]) -> Vec<FieldError> {
    let mut errors = rules::check_parts(
        indicator.unit,
        indicator.breakdown_dimension.as_deref(),
        &indicator.breakdown_categories,
        parts,
    );
    if errors.is_empty()
        && let Some(error) =
            rules::check_total(indicator.unit, draft.value, parts, draft.accept_mismatch)
    {
        errors.push(error);
    }
    errors
}

/// Finds an indicator for writing a value, and checks the caller may.
async fn indicator_for_recording(
    conn: &mut Conn,
    ctx: &Ctx,
    indicator_id: Uuid,
) -> Result<Indicator, AppError> {
    let indicator = store::find(conn, indicator_id)
        .await
        .map_err(missing(INDICATOR.noun()))?;
    visible(&ctx.actor, indicator.strategy_id, INDICATOR.noun())?;
    authorize(
        permissions::can_record_indicator(&ctx.actor, indicator.owner_organisation_id),
        FORBIDDEN,
    )?;
    Ok(indicator)
}

/// Records a value (members of the owning organisation, and
/// administrators).
pub async fn record(
    pool: &Pool,
    ctx: &Ctx,
    indicator_id: Uuid,
    input: RecordValue,
) -> Result<IndicatorValueView, AppError> {
    let mut conn = pool.get().await?;
    let indicator = indicator_for_recording(&mut conn, ctx, indicator_id).await?;
    validate(&input)?;
    let draft = ValueDraft {
        period_id: input.period_id,
        as_of: input.as_of,
        value: input.value,
        breakdown: input.breakdown.unwrap_or_default(),
        source: input.source.as_deref().map(trimmed).unwrap_or_default(),
        note: input.note.as_deref().map(trimmed).unwrap_or_default(),
        accept_mismatch: input.accept_breakdown_mismatch,
    };
    let row = conn
        .transaction(async |conn| {
            let now = ctx.stamp(conn).await?;
            let today = ctx.clock.local_date(now);
            let recorded_by = ctx.actor.user_id();
            let fields = settle(conn, &indicator, draft, recorded_by, today).await?;
            let row = store::insert_value(conn, Uuid::now_v7(), indicator_id, &fields).await?;
            store::record_version(conn, &row, now).await?;
            created(conn, ctx, ENTITY, row.id, &row).await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    value_with_history(&mut conn, &indicator, row, &ctx.actor).await
}

/// Corrects a value (members of the owning organisation, and
/// administrators; needs the version read). The version corrected is kept.
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
    let expected = precondition.version()?;
    validate(&input)?;
    let row = conn
        .transaction(async |conn| {
            // A value of another indicator is as unknown here as a missing
            // one.
            let lock = async |conn: &mut Conn, id| {
                let value = store::find_value_for_update(conn, id).await?;
                match value.indicator_id == indicator_id {
                    true => Ok(value),
                    false => Err(diesel::result::Error::NotFound),
                }
            };
            let admitted = Target::new(ENTITY, value_id).admitted(ctx, Some(expected));
            admitted
                .write(conn, lock, async |conn, before| {
                    let now = ctx.stamp(conn).await?;
                    let today = ctx.clock.local_date(now);
                    let draft = corrected(&before, &input);
                    let recorded_by = ctx.actor.user_id();
                    let fields = settle(conn, &indicator, draft, recorded_by, today).await?;
                    let after = store::update_value(conn, value_id, &fields).await?;
                    store::record_version(conn, &after, now).await?;
                    Ok(Written::changed(before, after))
                })
                .await
        })
        .await?;
    value_with_history(&mut conn, &indicator, row, &ctx.actor).await
}

/// The value a correction would leave, before it is checked.
fn corrected(before: &IndicatorValue, input: &CorrectValue) -> ValueDraft {
    ValueDraft {
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
    }
}
