//! Organisations' pledges against the commitments of a strategy.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::{pledge_versions, pledges};
use crate::domain::Rag;
use crate::paging::PageRequest;

/// An organisation's pledge against a commitment, as it stands.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = pledges, check_for_backend(diesel::pg::Pg))]
pub struct Pledge {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) organisation_id: Uuid,
    pub(crate) commitment_id: Uuid,
    pub(crate) text: String,
    pub(crate) rag: Rag,
    pub(crate) updated_by: Option<Uuid>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A new pledge to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = pledges)]
pub struct NewPledge {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) organisation_id: Uuid,
    pub(crate) commitment_id: Uuid,
    pub(crate) text: String,
    pub(crate) rag: Rag,
    pub(crate) updated_by: Option<Uuid>,
}

/// One version of a pledge.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = pledge_versions, check_for_backend(diesel::pg::Pg))]
pub struct PledgeVersion {
    pub(crate) version: i32,
    pub(crate) text: String,
    pub(crate) rag: String,
    pub(crate) changed_by: Option<Uuid>,
    pub(crate) changed_at: DateTime<Utc>,
}

/// Which pledges a list holds.
#[derive(Debug, Default)]
pub struct PledgeFilter {
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) commitment_id: Option<Uuid>,
    pub(crate) rags: Vec<Rag>,
}

/// Lists are ordered by id (creation order).
pub type PledgeKey = Uuid;

/// A page of pledges matching `filter`.
pub async fn list(
    conn: &mut Conn,
    filter: &PledgeFilter,
    page: &PageRequest<PledgeKey>,
) -> QueryResult<Vec<Pledge>> {
    let mut query = pledges::table
        .select(Pledge::as_select())
        .order(pledges::id)
        .limit(page.fetch())
        .into_boxed();
    if let Some(id) = filter.strategy_id {
        query = query.filter(pledges::strategy_id.eq(id));
    }
    if let Some(id) = filter.organisation_id {
        query = query.filter(pledges::organisation_id.eq(id));
    }
    if let Some(id) = filter.commitment_id {
        query = query.filter(pledges::commitment_id.eq(id));
    }
    if !filter.rags.is_empty() {
        query = query.filter(pledges::rag.eq_any(filter.rags.clone()));
    }
    if let Some(since) = page.updated_since {
        query = query.filter(pledges::updated_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(pledges::id.gt(after));
    }
    query.load(conn).await
}

/// The pledge of an organisation against a commitment, if it has one.
pub async fn find(
    conn: &mut Conn,
    organisation_id: Uuid,
    commitment_id: Uuid,
) -> QueryResult<Option<Pledge>> {
    pledges::table
        .filter(pledges::organisation_id.eq(organisation_id))
        .filter(pledges::commitment_id.eq(commitment_id))
        .select(Pledge::as_select())
        .first(conn)
        .await
        .optional()
}

/// The pledge of an organisation against a commitment, locked for a change
/// until the transaction ends.
pub async fn find_for_update(
    conn: &mut Conn,
    organisation_id: Uuid,
    commitment_id: Uuid,
) -> QueryResult<Option<Pledge>> {
    pledges::table
        .filter(pledges::organisation_id.eq(organisation_id))
        .filter(pledges::commitment_id.eq(commitment_id))
        .select(Pledge::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Stores a new pledge.
pub async fn insert(conn: &mut Conn, new: &NewPledge) -> QueryResult<Pledge> {
    diesel::insert_into(pledges::table)
        .values(new)
        .returning(Pledge::as_returning())
        .get_result(conn)
        .await
}

/// Replaces a pledge's text and rating, bumping its version.
pub async fn update(
    conn: &mut Conn,
    id: Uuid,
    text: &str,
    rag: Rag,
    updated_by: Option<Uuid>,
) -> QueryResult<Pledge> {
    diesel::update(pledges::table.find(id))
        .set((
            pledges::text.eq(text),
            pledges::rag.eq(rag),
            pledges::updated_by.eq(updated_by),
            pledges::version.eq(pledges::version + 1),
            pledges::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Pledge::as_returning())
        .get_result(conn)
        .await
}

/// Records the pledge as it now stands in its history.
pub async fn record_version(
    conn: &mut Conn,
    pledge: &Pledge,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::insert_into(pledge_versions::table)
        .values((
            pledge_versions::pledge_id.eq(pledge.id),
            pledge_versions::version.eq(pledge.version),
            pledge_versions::text.eq(&pledge.text),
            pledge_versions::rag.eq(pledge.rag.as_str()),
            pledge_versions::changed_by.eq(pledge.updated_by),
            pledge_versions::changed_at.eq(at),
        ))
        .execute(conn)
        .await
}

/// Every version of a pledge, newest first.
pub async fn history(conn: &mut Conn, pledge_id: Uuid) -> QueryResult<Vec<PledgeVersion>> {
    pledge_versions::table
        .filter(pledge_versions::pledge_id.eq(pledge_id))
        .order(pledge_versions::version.desc())
        .select(PledgeVersion::as_select())
        .load(conn)
        .await
}
