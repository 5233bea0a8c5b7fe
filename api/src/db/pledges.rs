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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = pledges, check_for_backend(diesel::pg::Pg))]
pub struct Pledge {
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub organisation_id: Uuid,
    pub commitment_id: Uuid,
    pub text: String,
    pub rag: Rag,
    pub updated_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = pledges)]
pub struct NewPledge {
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub organisation_id: Uuid,
    pub commitment_id: Uuid,
    pub text: String,
    pub rag: Rag,
    pub updated_by: Option<Uuid>,
}

/// One version of a pledge.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = pledge_versions, check_for_backend(diesel::pg::Pg))]
pub struct PledgeVersion {
    pub version: i32,
    pub text: String,
    pub rag: String,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct PledgeFilter {
    pub strategy_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub commitment_id: Option<Uuid>,
    pub rags: Vec<Rag>,
}

/// Lists are ordered by id (creation order).
pub type PledgeKey = Uuid;

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

pub async fn insert(conn: &mut Conn, new: &NewPledge) -> QueryResult<Pledge> {
    diesel::insert_into(pledges::table)
        .values(new)
        .returning(Pledge::as_returning())
        .get_result(conn)
        .await
}

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
