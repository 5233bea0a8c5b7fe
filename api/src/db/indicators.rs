//! Impact indicators, the ambitions they measure, and their values with
//! every version of each.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Conn;
use super::schema::{
    indicator_ambitions, indicator_value_versions, indicator_values, indicators, organisations,
    period_indicator_snapshots, statements,
};
use crate::domain::indicators::json_number;
use crate::domain::indicators::{Polarity, Unit};
use crate::paging::PageRequest;

/// An impact indicator, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = indicators, check_for_backend(diesel::pg::Pg))]
pub struct Indicator {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) unit: Unit,
    pub(crate) direction: Polarity,
    #[serde(with = "json_number")]
    pub(crate) baseline_value: Decimal,
    pub(crate) baseline_date: NaiveDate,
    #[serde(with = "json_number")]
    pub(crate) target_value: Decimal,
    pub(crate) target_date: NaiveDate,
    pub(crate) owner_organisation_id: Uuid,
    pub(crate) breakdown_dimension: Option<String>,
    pub(crate) breakdown_categories: Vec<String>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A new indicator to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = indicators)]
pub struct NewIndicator {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) unit: Unit,
    pub(crate) direction: Polarity,
    pub(crate) baseline_value: Decimal,
    pub(crate) baseline_date: NaiveDate,
    pub(crate) target_value: Decimal,
    pub(crate) target_date: NaiveDate,
    pub(crate) owner_organisation_id: Uuid,
    pub(crate) breakdown_dimension: Option<String>,
    pub(crate) breakdown_categories: Vec<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = indicators)]
pub struct IndicatorChanges {
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) unit: Option<Unit>,
    pub(crate) direction: Option<Polarity>,
    pub(crate) baseline_value: Option<Decimal>,
    pub(crate) baseline_date: Option<NaiveDate>,
    pub(crate) target_value: Option<Decimal>,
    pub(crate) target_date: Option<NaiveDate>,
    pub(crate) owner_organisation_id: Option<Uuid>,
    pub(crate) breakdown_dimension: Option<Option<String>>,
    pub(crate) breakdown_categories: Option<Vec<String>>,
}

/// A value of an indicator, as it stands.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = indicator_values, check_for_backend(diesel::pg::Pg))]
pub struct IndicatorValue {
    pub(crate) id: Uuid,
    pub(crate) indicator_id: Uuid,
    pub(crate) period_id: Option<Uuid>,
    pub(crate) as_of: NaiveDate,
    #[serde(with = "json_number")]
    pub(crate) value: Decimal,
    /// A list of `{category, value}`.
    pub(crate) breakdown: serde_json::Value,
    pub(crate) source: String,
    pub(crate) note: String,
    pub(crate) recorded_by: Option<Uuid>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A value's fields as recorded or corrected.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = indicator_values)]
pub struct ValueFields {
    pub(crate) period_id: Option<Uuid>,
    pub(crate) as_of: NaiveDate,
    pub(crate) value: Decimal,
    pub(crate) breakdown: serde_json::Value,
    pub(crate) source: String,
    pub(crate) note: String,
    pub(crate) recorded_by: Option<Uuid>,
}

/// A value as it stood at some moment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicator_value_versions, check_for_backend(diesel::pg::Pg))]
pub struct ValueVersion {
    pub(crate) version: i32,
    pub(crate) as_of: NaiveDate,
    pub(crate) period_id: Option<Uuid>,
    pub(crate) value: Decimal,
    pub(crate) breakdown: serde_json::Value,
    pub(crate) source: String,
    pub(crate) note: String,
    pub(crate) changed_by: Option<Uuid>,
    pub(crate) changed_at: DateTime<Utc>,
}

/// Indicators are listed in creation order.
pub type IndicatorKey = Uuid;
/// An indicator's values are listed by date (one value per date).
pub type ValueKey = NaiveDate;

/// A page of a strategy's indicators, oldest first.
pub async fn list(
    conn: &mut Conn,
    strategy_id: Uuid,
    page: &PageRequest<IndicatorKey>,
) -> QueryResult<Vec<Indicator>> {
    let mut query = indicators::table
        .filter(indicators::strategy_id.eq(strategy_id))
        .select(Indicator::as_select())
        .order(indicators::id)
        .limit(page.fetch())
        .into_boxed();
    if let Some(since) = page.updated_since {
        query = query.filter(indicators::updated_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(indicators::id.gt(after));
    }
    query.load(conn).await
}

/// The indicators an organisation owns, in one strategy or all.
pub async fn owned_by(
    conn: &mut Conn,
    organisation_id: Uuid,
    strategy_id: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Indicator>> {
    let mut query = indicators::table
        .filter(indicators::owner_organisation_id.eq(organisation_id))
        .select(Indicator::as_select())
        .order(indicators::id)
        .limit(limit)
        .into_boxed();
    if let Some(id) = strategy_id {
        query = query.filter(indicators::strategy_id.eq(id));
    }
    query.load(conn).await
}

/// Every indicator of a strategy with its owner's name (those defined by
/// `defined_by`, when given).
pub async fn for_strategy_with_owner(
    conn: &mut Conn,
    strategy_id: Uuid,
    defined_by: Option<DateTime<Utc>>,
) -> QueryResult<Vec<(Indicator, String)>> {
    let mut query = indicators::table
        .inner_join(organisations::table)
        .filter(indicators::strategy_id.eq(strategy_id))
        .select((Indicator::as_select(), organisations::name))
        .order(indicators::id)
        .into_boxed();
    if let Some(at) = defined_by {
        query = query.filter(indicators::created_at.le(at));
    }
    query.load(conn).await
}

/// The numbers of the ambitions each indicator of a strategy measures.
pub async fn ambition_numbers(
    conn: &mut Conn,
    strategy_id: Uuid,
) -> QueryResult<HashMap<Uuid, Vec<i32>>> {
    let rows: Vec<(Uuid, i32)> = indicator_ambitions::table
        .inner_join(statements::table)
        .inner_join(indicators::table)
        .filter(indicators::strategy_id.eq(strategy_id))
        .select((indicator_ambitions::indicator_id, statements::number))
        .order((indicator_ambitions::indicator_id, statements::number))
        .load(conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<i32>> = HashMap::new();
    for (indicator, number) in rows {
        map.entry(indicator).or_default().push(number);
    }
    Ok(map)
}

find_queries!(indicators, Indicator);
insert_query!(indicators, Indicator, NewIndicator);
update_query!(indicators, Indicator, IndicatorChanges);
delete_query!(indicators);

/// The ambitions each indicator measures.
pub async fn ambitions(
    conn: &mut Conn,
    indicator_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = indicator_ambitions::table
        .filter(indicator_ambitions::indicator_id.eq_any(indicator_ids))
        .select((
            indicator_ambitions::indicator_id,
            indicator_ambitions::ambition_id,
        ))
        .order((
            indicator_ambitions::indicator_id,
            indicator_ambitions::ambition_id,
        ))
        .load(conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (indicator, ambition) in rows {
        map.entry(indicator).or_default().push(ambition);
    }
    Ok(map)
}

/// Replaces the ambitions an indicator measures.
pub async fn set_ambitions(conn: &mut Conn, id: Uuid, ambition_ids: &[Uuid]) -> QueryResult<()> {
    diesel::delete(indicator_ambitions::table.filter(indicator_ambitions::indicator_id.eq(id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = ambition_ids
        .iter()
        .map(|a| {
            (
                indicator_ambitions::indicator_id.eq(id),
                indicator_ambitions::ambition_id.eq(*a),
            )
        })
        .collect();
    diesel::insert_into(indicator_ambitions::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// The sum of the versions of each indicator's values: it grows with every
/// value recorded or corrected, so it stamps the state of the values.
pub async fn values_stamps(
    conn: &mut Conn,
    indicator_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, Option<i64>)> = indicator_values::table
        .filter(indicator_values::indicator_id.eq_any(indicator_ids))
        .group_by(indicator_values::indicator_id)
        .select((
            indicator_values::indicator_id,
            diesel::dsl::sum(indicator_values::version),
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, sum)| (id, sum.unwrap_or_default()))
        .collect())
}

/// How many values an indicator has.
pub async fn value_count(conn: &mut Conn, indicator_id: Uuid) -> QueryResult<i64> {
    indicator_values::table
        .filter(indicator_values::indicator_id.eq(indicator_id))
        .count()
        .get_result(conn)
        .await
}

/// A page of an indicator's values, latest first.
pub async fn list_values(
    conn: &mut Conn,
    indicator_id: Uuid,
    page: &PageRequest<ValueKey>,
) -> QueryResult<Vec<IndicatorValue>> {
    let mut query = indicator_values::table
        .filter(indicator_values::indicator_id.eq(indicator_id))
        .select(IndicatorValue::as_select())
        .order(indicator_values::as_of)
        .limit(page.fetch())
        .into_boxed();
    if let Some(since) = page.updated_since {
        query = query.filter(indicator_values::updated_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(indicator_values::as_of.gt(after));
    }
    query.load(conn).await
}

/// The value with this id.
pub async fn find_value(conn: &mut Conn, id: Uuid) -> QueryResult<IndicatorValue> {
    indicator_values::table
        .find(id)
        .select(IndicatorValue::as_select())
        .first(conn)
        .await
}

/// The value with this id, locked for a correction until the transaction ends.
pub async fn find_value_for_update(conn: &mut Conn, id: Uuid) -> QueryResult<IndicatorValue> {
    indicator_values::table
        .find(id)
        .select(IndicatorValue::as_select())
        .for_update()
        .first(conn)
        .await
}

/// Stores a new value of an indicator.
pub async fn insert_value(
    conn: &mut Conn,
    id: Uuid,
    indicator_id: Uuid,
    fields: &ValueFields,
) -> QueryResult<IndicatorValue> {
    diesel::insert_into(indicator_values::table)
        .values((
            indicator_values::id.eq(id),
            indicator_values::indicator_id.eq(indicator_id),
            fields,
        ))
        .returning(IndicatorValue::as_returning())
        .get_result(conn)
        .await
}

/// Corrects a value, bumping its version.
pub async fn update_value(
    conn: &mut Conn,
    id: Uuid,
    fields: &ValueFields,
) -> QueryResult<IndicatorValue> {
    diesel::update(indicator_values::table.find(id))
        .set((
            fields,
            indicator_values::version.eq(indicator_values::version + 1),
            indicator_values::updated_at.eq(diesel::dsl::now),
        ))
        .returning(IndicatorValue::as_returning())
        .get_result(conn)
        .await
}

/// Records the value as it now stands in its history.
pub async fn record_version(
    conn: &mut Conn,
    row: &IndicatorValue,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::insert_into(indicator_value_versions::table)
        .values((
            indicator_value_versions::value_id.eq(row.id),
            indicator_value_versions::version.eq(row.version),
            indicator_value_versions::as_of.eq(row.as_of),
            indicator_value_versions::period_id.eq(row.period_id),
            indicator_value_versions::value.eq(row.value),
            indicator_value_versions::breakdown.eq(&row.breakdown),
            indicator_value_versions::source.eq(&row.source),
            indicator_value_versions::note.eq(&row.note),
            indicator_value_versions::changed_by.eq(row.recorded_by),
            indicator_value_versions::changed_at.eq(at),
        ))
        .execute(conn)
        .await
}

/// Every version of a value, newest first.
pub async fn history(conn: &mut Conn, value_id: Uuid) -> QueryResult<Vec<ValueVersion>> {
    indicator_value_versions::table
        .filter(indicator_value_versions::value_id.eq(value_id))
        .order(indicator_value_versions::version.desc())
        .select(ValueVersion::as_select())
        .load(conn)
        .await
}

/// A value of the series an indicator's figures are derived from.
#[derive(Debug, Clone)]
pub struct SeriesValue {
    pub(crate) indicator_id: Uuid,
    pub(crate) as_of: NaiveDate,
    pub(crate) period_id: Option<Uuid>,
    pub(crate) value: Decimal,
    pub(crate) breakdown: serde_json::Value,
}

/// The values of some indicators dated up to `through`: as they stand now,
/// or in the versions that stood at `at`.
pub async fn series(
    conn: &mut Conn,
    indicator_ids: &[Uuid],
    through: NaiveDate,
    at: Option<DateTime<Utc>>,
) -> QueryResult<Vec<SeriesValue>> {
    let rows: Vec<(Uuid, NaiveDate, Option<Uuid>, Decimal, serde_json::Value)> = match at {
        None => {
            indicator_values::table
                .filter(indicator_values::indicator_id.eq_any(indicator_ids))
                .filter(indicator_values::as_of.le(through))
                .select((
                    indicator_values::indicator_id,
                    indicator_values::as_of,
                    indicator_values::period_id,
                    indicator_values::value,
                    indicator_values::breakdown,
                ))
                .load(conn)
                .await?
        }
        Some(at) => {
            let versions: Vec<(Uuid, NaiveDate, Option<Uuid>, Decimal, serde_json::Value)> =
                indicator_value_versions::table
                    .inner_join(indicator_values::table)
                    .filter(indicator_values::indicator_id.eq_any(indicator_ids))
                    .filter(indicator_value_versions::changed_at.le(at))
                    .distinct_on(indicator_value_versions::value_id)
                    .order((
                        indicator_value_versions::value_id,
                        indicator_value_versions::version.desc(),
                    ))
                    .select((
                        indicator_values::indicator_id,
                        indicator_value_versions::as_of,
                        indicator_value_versions::period_id,
                        indicator_value_versions::value,
                        indicator_value_versions::breakdown,
                    ))
                    .load(conn)
                    .await?;
            versions
                .into_iter()
                .filter(|(_, as_of, ..)| *as_of <= through)
                .collect()
        }
    };
    Ok(rows
        .into_iter()
        .map(
            |(indicator_id, as_of, period_id, value, breakdown)| SeriesValue {
                indicator_id,
                as_of,
                period_id,
                value,
                breakdown,
            },
        )
        .collect())
}

/// Keeps what each indicator showed when a period closed.
pub async fn insert_snapshots(
    conn: &mut Conn,
    period_id: Uuid,
    rows: &[(Uuid, serde_json::Value)],
) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let values: Vec<_> = rows
        .iter()
        .map(|(indicator_id, state)| {
            (
                period_indicator_snapshots::period_id.eq(period_id),
                period_indicator_snapshots::indicator_id.eq(*indicator_id),
                period_indicator_snapshots::state.eq(state),
            )
        })
        .collect();
    diesel::insert_into(period_indicator_snapshots::table)
        .values(values)
        .execute(conn)
        .await
}

/// What the indicators showed when the period closed.
pub async fn snapshots(conn: &mut Conn, period_id: Uuid) -> QueryResult<Vec<serde_json::Value>> {
    period_indicator_snapshots::table
        .filter(period_indicator_snapshots::period_id.eq(period_id))
        .select(period_indicator_snapshots::state)
        .load(conn)
        .await
}
