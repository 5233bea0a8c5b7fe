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

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An organisation as other resources name it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
pub struct OrganisationRef {
    pub id: Uuid,
    #[schema(example = "Nottinghamshire Police")]
    pub name: String,
    #[schema(example = "Police")]
    pub short_name: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub short_name: Option<Option<String>>,
    pub kind: Option<OrganisationKind>,
}

impl OrganisationChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.short_name.is_none() && self.kind.is_none()
    }
}

#[derive(Debug, Default)]
pub struct OrganisationFilter {
    pub kind: Option<OrganisationKind>,
    pub q: Option<String>,
    pub strategy_id: Option<Uuid>,
}

/// Lists are ordered by name, then id.
pub type OrganisationKey = (String, Uuid);

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
