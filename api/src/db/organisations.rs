//! Partner organisations.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Conn;
use super::like_pattern;
use super::schema::{organisations, strategy_partners};
use crate::domain::OrganisationKind;
use crate::paging::PageRequest;

/// A partner organisation, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
pub struct Organisation {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) short_name: Option<String>,
    pub(crate) kind: OrganisationKind,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// An organisation as other resources name it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
pub struct OrganisationRef {
    pub(crate) id: Uuid,
    #[schema(example = "Nottinghamshire Police")]
    pub(crate) name: String,
    #[schema(example = "Police")]
    pub(crate) short_name: Option<String>,
}

/// A new organisation to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) short_name: Option<String>,
    pub(crate) kind: OrganisationKind,
}

/// The columns of an organisation to change; `None` leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub(crate) name: Option<String>,
    pub(crate) short_name: Option<Option<String>>,
    pub(crate) kind: Option<OrganisationKind>,
}

impl OrganisationChanges {
    /// Whether the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.short_name.is_none() && self.kind.is_none()
    }
}

/// Which organisations a list holds.
#[derive(Debug, Default)]
pub struct OrganisationFilter {
    pub(crate) kind: Option<OrganisationKind>,
    pub(crate) q: Option<String>,
    pub(crate) strategy_id: Option<Uuid>,
}

/// Lists are ordered by name, then id.
pub type OrganisationKey = (String, Uuid);

/// A page of organisations matching `filter`, by name.
pub async fn list(
    conn: &mut Conn,
    filter: &OrganisationFilter,
    page: &PageRequest<OrganisationKey>,
) -> QueryResult<Vec<Organisation>> {
    let mut query = organisations::table
        .select(Organisation::as_select())
        .order((organisations::name, organisations::id))
        .limit(page.fetch())
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(organisations::kind.eq(kind));
    }
    if let Some(q) = &filter.q {
        query = query.filter(organisations::name.ilike(like_pattern(q)));
    }
    if let Some(strategy_id) = filter.strategy_id {
        query = query.filter(
            organisations::id.eq_any(
                strategy_partners::table
                    .filter(strategy_partners::strategy_id.eq(strategy_id))
                    .select(strategy_partners::organisation_id),
            ),
        );
    }
    if let Some(since) = page.updated_since {
        query = query.filter(organisations::updated_at.ge(since));
    }
    if let Some((name, id)) = &page.after {
        query = query.filter(
            organisations::name
                .gt(name)
                .or(organisations::name.eq(name).and(organisations::id.gt(id))),
        );
    }
    query.load(conn).await
}

find_queries!(organisations, Organisation);
insert_query!(organisations, Organisation, NewOrganisation);
update_query!(organisations, Organisation, OrganisationChanges);
delete_query!(organisations);

/// The named references of the given organisations, keyed by id.
pub async fn refs(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, OrganisationRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<OrganisationRef> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(OrganisationRef::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// The kind of each of these organisations.
pub async fn kinds(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, OrganisationKind>> {
    let rows: Vec<(Uuid, OrganisationKind)> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::kind))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Whether the organisation is a partner of any strategy.
pub async fn is_partner(conn: &mut Conn, id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        strategy_partners::table.filter(strategy_partners::organisation_id.eq(id)),
    ))
    .get_result(conn)
    .await
}
