//! Email: people's choice of notices, the reminders already decided, and
//! who receives each notice.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::{mail_preferences, reminder_runs, strategy_partners, users};
use crate::domain::Role;
use crate::domain::mail::MailKind;

/// One person's choice about one kind of notice, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = mail_preferences, check_for_backend(diesel::pg::Pg))]
pub struct MailPreference {
    pub(crate) user_id: Uuid,
    pub(crate) kind: String,
    pub(crate) subscribed: bool,
    pub(crate) updated_at: DateTime<Utc>,
}

/// The kinds `user` changed, with their choice.
pub async fn preferences(conn: &mut Conn, user: Uuid) -> QueryResult<Vec<MailPreference>> {
    mail_preferences::table
        .filter(mail_preferences::user_id.eq(user))
        .select(MailPreference::as_select())
        .load(conn)
        .await
}

/// Stores a choice, replacing the one before.
pub async fn set_preference(conn: &mut Conn, row: &MailPreference) -> QueryResult<()> {
    diesel::insert_into(mail_preferences::table)
        .values(row)
        .on_conflict((mail_preferences::user_id, mail_preferences::kind))
        .do_update()
        .set((
            mail_preferences::subscribed.eq(row.subscribed),
            mail_preferences::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Of `users`, those who turned `kind` off.
pub async fn opted_out(
    conn: &mut Conn,
    users: &[Uuid],
    kind: MailKind,
) -> QueryResult<HashSet<Uuid>> {
    let rows: Vec<Uuid> = mail_preferences::table
        .filter(mail_preferences::user_id.eq_any(users))
        .filter(mail_preferences::kind.eq(kind.as_str()))
        .filter(mail_preferences::subscribed.eq(false))
        .select(mail_preferences::user_id)
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Records that the reminder `kind` of a period was decided, unless it
/// already was (by this or another instance); whether this call decided it.
pub async fn decide_reminder(
    conn: &mut Conn,
    period_id: Uuid,
    kind: MailKind,
    at: DateTime<Utc>,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(reminder_runs::table)
        .values((
            reminder_runs::period_id.eq(period_id),
            reminder_runs::kind.eq(kind.as_str()),
            reminder_runs::decided_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// Notes how many people a decided reminder went to.
pub async fn count_reminder(
    conn: &mut Conn,
    period_id: Uuid,
    kind: MailKind,
    recipients: i32,
) -> QueryResult<()> {
    diesel::update(reminder_runs::table.find((period_id, kind.as_str())))
        .set(reminder_runs::recipients.eq(recipients))
        .execute(conn)
        .await?;
    Ok(())
}

/// Someone a notice can go to.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct Recipient {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) organisation_id: Option<Uuid>,
}

fn reachable() -> users::BoxedQuery<'static, diesel::pg::Pg> {
    users::table
        .filter(users::active.eq(true))
        .filter(users::erased_at.is_null())
        .order(users::email)
        .into_boxed()
}

/// The active members of these organisations.
pub async fn members_of(conn: &mut Conn, organisations: &[Uuid]) -> QueryResult<Vec<Recipient>> {
    reachable()
        .filter(users::role.eq(Role::Member))
        .filter(users::organisation_id.eq_any(organisations.to_vec()))
        .select(Recipient::as_select())
        .load(conn)
        .await
}

/// Every active chair account.
pub async fn chairs(conn: &mut Conn) -> QueryResult<Vec<Recipient>> {
    reachable()
        .filter(users::role.eq(Role::Chair))
        .select(Recipient::as_select())
        .load(conn)
        .await
}

/// The board of a strategy: its chairs and the active members of its
/// partner organisations.
pub async fn board(conn: &mut Conn, strategy_id: Uuid) -> QueryResult<Vec<Recipient>> {
    let partners: Vec<Uuid> = strategy_partners::table
        .filter(strategy_partners::strategy_id.eq(strategy_id))
        .select(strategy_partners::organisation_id)
        .load(conn)
        .await?;
    reachable()
        .filter(
            users::role.eq(Role::Chair).or(users::role
                .eq(Role::Member)
                .and(users::organisation_id.eq_any(partners))),
        )
        .select(Recipient::as_select())
        .load(conn)
        .await
}

/// Whether `user` is active and still wants `kind`: checked just before a
/// message goes.
pub async fn still_wanted(conn: &mut Conn, user: Uuid, kind: MailKind) -> QueryResult<bool> {
    let active: Option<bool> = users::table
        .find(user)
        .filter(users::erased_at.is_null())
        .select(users::active)
        .first(conn)
        .await
        .optional()?;
    if active != Some(true) {
        return Ok(false);
    }
    Ok(opted_out(conn, &[user], kind).await?.is_empty())
}

/// The ids of the active strategies.
pub async fn active_strategies(conn: &mut Conn) -> QueryResult<Vec<Uuid>> {
    use super::schema::strategies;
    strategies::table
        .filter(strategies::status.eq(crate::domain::StrategyStatus::Active))
        .order(strategies::id)
        .select(strategies::id)
        .load(conn)
        .await
}

/// Forgets every message queued or sent to `user` (their name and address
/// are in it): when their personal data is erased.
pub async fn forget_mail_to(conn: &mut Conn, user: Uuid) -> QueryResult<usize> {
    use super::schema::jobs;
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    diesel::delete(
        jobs::table
            .filter(jobs::kind.eq("mail"))
            .filter(sql::<Bool>("payload->>'user_id' = ").bind::<Text, _>(user.to_string())),
    )
    .execute(conn)
    .await
}
