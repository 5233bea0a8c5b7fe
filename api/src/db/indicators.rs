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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = indicators, check_for_backend(diesel::pg::Pg))]
pub struct Indicator {
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub title: String,
    pub description: String,
    pub unit: Unit,
    pub direction: Polarity,
    #[serde(with = "json_number")]
    pub baseline_value: Decimal,
    pub baseline_date: NaiveDate,
    #[serde(with = "json_number")]
    pub target_value: Decimal,
    pub target_date: NaiveDate,
    pub owner_organisation_id: Uuid,
    pub breakdown_dimension: Option<String>,
    pub breakdown_categories: Vec<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = indicators)]
pub struct NewIndicator {
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub title: String,
    pub description: String,
    pub unit: Unit,
    pub direction: Polarity,
    pub baseline_value: Decimal,
    pub baseline_date: NaiveDate,
    pub target_value: Decimal,
    pub target_date: NaiveDate,
    pub owner_organisation_id: Uuid,
    pub breakdown_dimension: Option<String>,
    pub breakdown_categories: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = indicators)]
pub struct IndicatorChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub unit: Option<Unit>,
    pub direction: Option<Polarity>,
    pub baseline_value: Option<Decimal>,
    pub baseline_date: Option<NaiveDate>,
    pub target_value: Option<Decimal>,
    pub target_date: Option<NaiveDate>,
    pub owner_organisation_id: Option<Uuid>,
    pub breakdown_dimension: Option<Option<String>>,
    pub breakdown_categories: Option<Vec<String>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, Deserialize)]
#[diesel(table_name = indicator_values, check_for_backend(diesel::pg::Pg))]
pub struct IndicatorValue {
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub period_id: Option<Uuid>,
    pub as_of: NaiveDate,
    #[serde(with = "json_number")]
    pub value: Decimal,
    /// A list of `{category, value}`.
    pub breakdown: serde_json::Value,
    pub source: String,
    pub note: String,
    pub recorded_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A value's fields as recorded or corrected.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = indicator_values)]
pub struct ValueFields {
    pub period_id: Option<Uuid>,
    pub as_of: NaiveDate,
    pub value: Decimal,
    pub breakdown: serde_json::Value,
    pub source: String,
    pub note: String,
    pub recorded_by: Option<Uuid>,
}

/// A value as it stood at some moment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicator_value_versions, check_for_backend(diesel::pg::Pg))]
pub struct ValueVersion {
    pub value_id: Uuid,
    pub version: i32,
    pub as_of: NaiveDate,
    pub period_id: Option<Uuid>,
    pub value: Decimal,
    pub breakdown: serde_json::Value,
    pub source: String,
    pub note: String,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

/// Indicators are listed in creation order.
pub type IndicatorKey = Uuid;
/// An indicator's values are listed by date (one value per date).
pub type ValueKey = NaiveDate;

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

pub async fn value_count(conn: &mut Conn, indicator_id: Uuid) -> QueryResult<i64> {
    indicator_values::table
        .filter(indicator_values::indicator_id.eq(indicator_id))
        .count()
        .get_result(conn)
        .await
}

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

pub async fn find_value(conn: &mut Conn, id: Uuid) -> QueryResult<IndicatorValue> {
    indicator_values::table
        .find(id)
        .select(IndicatorValue::as_select())
        .first(conn)
        .await
}

pub async fn find_value_for_update(conn: &mut Conn, id: Uuid) -> QueryResult<IndicatorValue> {
    indicator_values::table
        .find(id)
        .select(IndicatorValue::as_select())
        .for_update()
        .first(conn)
        .await
}

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
    pub indicator_id: Uuid,
    pub as_of: NaiveDate,
    pub period_id: Option<Uuid>,
    pub value: Decimal,
    pub breakdown: serde_json::Value,
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

pub async fn snapshots(conn: &mut Conn, period_id: Uuid) -> QueryResult<Vec<serde_json::Value>> {
    period_indicator_snapshots::table
        .filter(period_indicator_snapshots::period_id.eq(period_id))
        .select(period_indicator_snapshots::state)
        .load(conn)
        .await
}
