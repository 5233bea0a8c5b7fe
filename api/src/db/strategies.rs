//! Strategies and their partner organisations.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::like_pattern;
use super::organisations::OrganisationRef;
use super::schema::{organisations, strategies, strategy_partners};
use crate::domain::StrategyStatus;
use crate::paging::PageRequest;

/// A strategy, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = strategies, check_for_backend(diesel::pg::Pg))]
pub struct Strategy {
    pub(crate) id: Uuid,
    pub(crate) title: String,
    pub(crate) vision: String,
    pub(crate) period_start: NaiveDate,
    pub(crate) period_end: NaiveDate,
    pub(crate) status: StrategyStatus,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A new strategy to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = strategies)]
pub struct NewStrategy {
    pub(crate) id: Uuid,
    pub(crate) title: String,
    pub(crate) vision: String,
    pub(crate) period_start: NaiveDate,
    pub(crate) period_end: NaiveDate,
    pub(crate) status: StrategyStatus,
}

/// The columns of a strategy to change; `None` leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = strategies)]
pub struct StrategyChanges {
    pub(crate) title: Option<String>,
    pub(crate) vision: Option<String>,
    pub(crate) period_start: Option<NaiveDate>,
    pub(crate) period_end: Option<NaiveDate>,
    pub(crate) status: Option<StrategyStatus>,
}

impl StrategyChanges {
    /// Whether the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.vision.is_none()
            && self.period_start.is_none()
            && self.period_end.is_none()
            && self.status.is_none()
    }
}

/// Which strategies a list holds.
#[derive(Debug, Default)]
pub struct StrategyFilter {
    /// Only this strategy (for a token limited to it).
    pub(crate) id: Option<Uuid>,
    pub(crate) status: Option<StrategyStatus>,
    pub(crate) partner_id: Option<Uuid>,
    pub(crate) q: Option<String>,
}

/// Lists are ordered by the start of the period, then id.
pub type StrategyKey = (NaiveDate, Uuid);

/// A page of strategies matching `filter`, by the start of their period.
pub async fn list(
    conn: &mut Conn,
    filter: &StrategyFilter,
    page: &PageRequest<StrategyKey>,
) -> QueryResult<Vec<Strategy>> {
    let mut query = strategies::table
        .select(Strategy::as_select())
        .order((strategies::period_start, strategies::id))
        .limit(page.fetch())
        .into_boxed();
    if let Some(id) = filter.id {
        query = query.filter(strategies::id.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(strategies::status.eq(status));
    }
    if let Some(partner_id) = filter.partner_id {
        query = query.filter(
            strategies::id.eq_any(
                strategy_partners::table
                    .filter(strategy_partners::organisation_id.eq(partner_id))
                    .select(strategy_partners::strategy_id),
            ),
        );
    }
    if let Some(q) = &filter.q {
        query = query.filter(strategies::title.ilike(like_pattern(q)));
    }
    if let Some(since) = page.updated_since {
        query = query.filter(strategies::updated_at.ge(since));
    }
    if let Some((start, id)) = &page.after {
        query = query.filter(
            strategies::period_start
                .gt(start)
                .or(strategies::period_start
                    .eq(start)
                    .and(strategies::id.gt(id))),
        );
    }
    query.load(conn).await
}

find_queries!(strategies, Strategy);
insert_query!(strategies, Strategy, NewStrategy);
update_query!(strategies, Strategy, StrategyChanges);
delete_query!(strategies);

/// Marks a strategy changed without changing its own fields (its partners
/// changed), so its version and ETag move on.
pub async fn touch(conn: &mut Conn, id: Uuid) -> QueryResult<Strategy> {
    diesel::update(strategies::table.find(id))
        .set((
            strategies::version.eq(strategies::version + 1),
            strategies::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Strategy::as_returning())
        .get_result(conn)
        .await
}

/// The partners of each of the given strategies, by name.
pub async fn partners(
    conn: &mut Conn,
    strategy_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<OrganisationRef>>> {
    let rows: Vec<(Uuid, OrganisationRef)> = strategy_partners::table
        .inner_join(organisations::table)
        .filter(strategy_partners::strategy_id.eq_any(strategy_ids))
        .order(organisations::name)
        .select((strategy_partners::strategy_id, OrganisationRef::as_select()))
        .load(conn)
        .await?;
    Ok(super::group(rows))
}

/// Replaces a strategy's partners with exactly `organisation_ids`.
pub async fn set_partners(
    conn: &mut Conn,
    strategy_id: Uuid,
    organisation_ids: &[Uuid],
) -> QueryResult<()> {
    super::replace_links(
        conn,
        &super::STRATEGY_PARTNERS,
        strategy_id,
        organisation_ids,
    )
    .await
}

/// How many strategies there are.
pub async fn count(conn: &mut Conn) -> QueryResult<i64> {
    strategies::table.count().get_result(conn).await
}
