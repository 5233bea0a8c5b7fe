//! User accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::like_pattern;
use super::schema::users;
use crate::domain::Role;
use crate::paging::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    /// Never serialised, so it stays out of audit records and responses.
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub password_hash: String,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub organisation_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl UserChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.role.is_none()
            && self.organisation_id.is_none()
            && self.active.is_none()
            && self.password_hash.is_none()
    }
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub organisation_id: Option<Uuid>,
    pub active: Option<bool>,
    pub q: Option<String>,
}

/// Lists are ordered by email, which is unique.
pub type UserKey = String;

pub async fn list(
    conn: &mut Conn,
    filter: &UserFilter,
    page: &PageRequest<UserKey>,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .select(User::as_select())
        .order(users::email)
        .limit(page.fetch())
        .into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(org) = filter.organisation_id {
        query = query.filter(users::organisation_id.eq(org));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        query = query.filter(
            users::name
                .ilike(pattern.clone())
                .or(users::email.ilike(pattern)),
        );
    }
    if let Some(since) = page.updated_since {
        query = query.filter(users::updated_at.ge(since));
    }
    if let Some(email) = &page.after {
        query = query.filter(users::email.gt(email));
    }
    query.load(conn).await
}

find_queries!(users, User);
insert_query!(users, User, NewUser);
update_query!(users, User, UserChanges);

pub async fn find_by_email(conn: &mut Conn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

/// Active administrators other than `except`, locked so two concurrent
/// demotions cannot both see the other as the remaining admin.
pub async fn other_active_admins(conn: &mut Conn, except: Uuid) -> QueryResult<Vec<Uuid>> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .filter(users::id.ne(except))
        .select(users::id)
        .for_update()
        .load(conn)
        .await
}

pub async fn count(conn: &mut Conn) -> QueryResult<i64> {
    users::table.count().get_result(conn).await
}

/// Sets a user's password hash directly; used to reset demo accounts.
pub async fn set_password_hash(conn: &mut Conn, email: &str, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::email.eq(email)))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .await
}

/// A user as other resources name them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRef {
    pub id: Uuid,
    #[schema(example = "Board Member, Police")]
    pub name: String,
}

/// The named references of the given users, keyed by id.
pub async fn refs(
    conn: &mut Conn,
    ids: &[Uuid],
) -> QueryResult<std::collections::HashMap<Uuid, UserRef>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<UserRef> = users::table
        .filter(users::id.eq_any(ids))
        .select(UserRef::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}
