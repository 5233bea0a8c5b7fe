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

/// An account, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub(crate) id: Uuid,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) organisation_id: Option<Uuid>,
    /// Never serialised, so it stays out of audit records and responses.
    /// None once the account's data is erased: no password matches.
    #[serde(skip)]
    pub(crate) password_hash: Option<String>,
    pub(crate) active: bool,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// The password was set by an administrator: its holder must choose
    /// their own before doing anything else.
    pub(crate) must_change_password: bool,
    /// When the holder's name and email were erased, if they were.
    pub(crate) erased_at: Option<DateTime<Utc>>,
}

/// A new account to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub(crate) id: Uuid,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) password_hash: String,
    pub(crate) must_change_password: bool,
}

/// The columns of an account to change; `None` leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub(crate) name: Option<String>,
    pub(crate) role: Option<Role>,
    pub(crate) organisation_id: Option<Option<Uuid>>,
    pub(crate) active: Option<bool>,
    pub(crate) password_hash: Option<String>,
    pub(crate) must_change_password: Option<bool>,
}

impl UserChanges {
    /// Whether the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.role.is_none()
            && self.organisation_id.is_none()
            && self.active.is_none()
            && self.password_hash.is_none()
            && self.must_change_password.is_none()
    }
}

/// Which accounts a list holds.
#[derive(Debug, Default)]
pub struct UserFilter {
    pub(crate) role: Option<Role>,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) active: Option<bool>,
    pub(crate) q: Option<String>,
}

/// Lists are ordered by email, which is unique.
pub type UserKey = String;

/// A page of accounts matching `filter`, by email.
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

/// The account with this (normalised) email, if any.
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

/// What an erased account keeps in place of its holder's data.
#[derive(Debug)]
pub struct Erasure<'a> {
    pub(crate) name: &'a str,
    pub(crate) email: &'a str,
    pub(crate) at: DateTime<Utc>,
}

/// Replaces an account's name and email, deactivates it and removes its
/// password, bumping its version.
pub async fn erase(conn: &mut Conn, id: Uuid, erasure: &Erasure<'_>) -> QueryResult<User> {
    diesel::update(users::table.find(id))
        .set((
            users::name.eq(erasure.name),
            users::email.eq(erasure.email),
            users::active.eq(false),
            users::password_hash.eq(None::<String>),
            users::must_change_password.eq(false),
            users::erased_at.eq(erasure.at),
            users::version.eq(users::version + 1),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// The names of accounts that begin with `prefix`, for choosing a
/// pseudonym no one else has.
pub async fn names_starting(conn: &mut Conn, prefix: &str) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::name.like(format!("{}%", super::escape_like(prefix))))
        .select(users::name)
        .load(conn)
        .await
}

/// Serialises erasures until the transaction ends, so two of them cannot
/// choose the same pseudonym.
pub async fn lock_erasures(conn: &mut Conn) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('users.erasure'))")
        .execute(conn)
        .await
        .map(|_| ())
}

/// How many accounts there are.
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
    pub(crate) id: Uuid,
    #[schema(example = "Board Member, Police")]
    pub(crate) name: String,
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
