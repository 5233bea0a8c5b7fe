//! Ambitions and commitments: the numbered statements of a strategy.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::{statements, strategy_partners};
use crate::domain::StatementKind;
use crate::paging::PageRequest;

/// An ambition or a commitment of a strategy, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = statements, check_for_backend(diesel::pg::Pg))]
pub struct Statement {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) kind: StatementKind,
    pub(crate) number: i32,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// A new statement to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = statements)]
pub struct NewStatement {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) kind: StatementKind,
    pub(crate) number: i32,
    pub(crate) title: String,
    pub(crate) description: String,
}

/// The columns of a statement to change; `None` leaves one as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = statements)]
pub struct StatementChanges {
    pub(crate) number: Option<i32>,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
}

impl StatementChanges {
    /// Whether the change set changes nothing.
    pub fn is_empty(&self) -> bool {
        self.number.is_none() && self.title.is_none() && self.description.is_none()
    }
}

/// Lists are ordered by number, unique within a strategy and kind.
pub type StatementKey = i32;

/// A page of a strategy's statements of one kind, by number.
pub async fn list(
    conn: &mut Conn,
    strategy_id: Uuid,
    kind: StatementKind,
    page: &PageRequest<StatementKey>,
) -> QueryResult<Vec<Statement>> {
    let mut query = statements::table
        .filter(statements::strategy_id.eq(strategy_id))
        .filter(statements::kind.eq(kind))
        .select(Statement::as_select())
        .order(statements::number)
        .limit(page.fetch())
        .into_boxed();
    if let Some(since) = page.updated_since {
        query = query.filter(statements::updated_at.ge(since));
    }
    if let Some(number) = page.after {
        query = query.filter(statements::number.gt(number));
    }
    query.load(conn).await
}

/// The statements of one kind of every strategy `organisation_id` is a
/// partner of, by strategy and number; at most `limit`.
pub async fn of_partner(
    conn: &mut Conn,
    organisation_id: Uuid,
    kind: StatementKind,
    limit: i64,
) -> QueryResult<Vec<Statement>> {
    let partnered = strategy_partners::table
        .filter(strategy_partners::organisation_id.eq(organisation_id))
        .select(strategy_partners::strategy_id);
    statements::table
        .filter(statements::kind.eq(kind))
        .filter(statements::strategy_id.eq_any(partnered))
        .order((statements::strategy_id, statements::number))
        .limit(limit)
        .select(Statement::as_select())
        .load(conn)
        .await
}

/// The statement with this id, only if it is of the given kind.
pub async fn find(conn: &mut Conn, id: Uuid, kind: StatementKind) -> QueryResult<Statement> {
    statements::table
        .find(id)
        .filter(statements::kind.eq(kind))
        .select(Statement::as_select())
        .first(conn)
        .await
}

/// The statement of this kind with this id, locked for a change until the
/// transaction ends.
pub async fn find_for_update(
    conn: &mut Conn,
    id: Uuid,
    kind: StatementKind,
) -> QueryResult<Statement> {
    statements::table
        .find(id)
        .filter(statements::kind.eq(kind))
        .select(Statement::as_select())
        .for_update()
        .first(conn)
        .await
}

/// The number after the highest of this kind in the strategy.
pub async fn next_number(
    conn: &mut Conn,
    strategy_id: Uuid,
    kind: StatementKind,
) -> QueryResult<i32> {
    let highest: Option<i32> = statements::table
        .filter(statements::strategy_id.eq(strategy_id))
        .filter(statements::kind.eq(kind))
        .select(diesel::dsl::max(statements::number))
        .first(conn)
        .await?;
    Ok(highest.unwrap_or(0) + 1)
}

insert_query!(statements, Statement, NewStatement);
update_query!(statements, Statement, StatementChanges);
delete_query!(statements);

/// A statement as an action or pledge names it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = statements, check_for_backend(diesel::pg::Pg))]
pub struct StatementRef {
    pub(crate) id: Uuid,
    #[serde(skip)]
    pub(crate) kind: StatementKind,
    #[schema(example = 1)]
    pub(crate) number: i32,
    #[schema(example = "Is safe and feels safe")]
    pub(crate) title: String,
    #[serde(skip)]
    pub(crate) strategy_id: Uuid,
}

/// The statements with these ids, whatever their kind or strategy.
pub async fn refs(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<Vec<StatementRef>> {
    statements::table
        .filter(statements::id.eq_any(ids))
        .select(StatementRef::as_select())
        .load(conn)
        .await
}

/// A strategy's ambitions and commitments, by kind and number.
pub async fn for_strategy(conn: &mut Conn, strategy_id: Uuid) -> QueryResult<Vec<StatementRef>> {
    statements::table
        .filter(statements::strategy_id.eq(strategy_id))
        .order((statements::kind, statements::number))
        .select(StatementRef::as_select())
        .load(conn)
        .await
}
