//! Actions of the delivery plan, with their supporting organisations and
//! the ambitions and commitments they serve.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::organisations::OrganisationRef;
use super::schema::{
    action_statements, action_supporters, actions, milestones, organisations, pledges, statements,
};
use super::statements::StatementRef;
use super::{Conn, group, like_pattern};
use crate::domain::Rag;
use crate::paging::PageRequest;

/// An action of a strategy's delivery plan, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = actions, check_for_backend(diesel::pg::Pg))]
pub struct Action {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) reference: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) lead_organisation_id: Uuid,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) target_date: Option<NaiveDate>,
    pub(crate) rag: Rag,
    pub(crate) rag_since: Option<DateTime<Utc>>,
    pub(crate) last_reported_at: Option<DateTime<Utc>>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// When it left the live plan; `None` while it is pursued.
    pub(crate) archived_at: Option<DateTime<Utc>>,
}

/// A new action to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = actions)]
pub struct NewAction {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) reference: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) lead_organisation_id: Uuid,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) target_date: Option<NaiveDate>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// The columns of an action to change; `None` leaves one as it is.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = actions)]
pub struct ActionChanges {
    pub(crate) reference: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) lead_organisation_id: Option<Uuid>,
    pub(crate) start_date: Option<Option<NaiveDate>>,
    pub(crate) target_date: Option<Option<NaiveDate>>,
    pub(crate) rag: Option<Rag>,
    pub(crate) rag_since: Option<Option<DateTime<Utc>>>,
    pub(crate) last_reported_at: Option<Option<DateTime<Utc>>>,
    pub(crate) archived_at: Option<Option<DateTime<Utc>>>,
}

/// Which actions a list holds.
#[derive(Debug, Default)]
pub struct ActionFilter {
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) statement_id: Vec<Uuid>,
    /// Led or supported by this organisation.
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) lead_organisation_id: Option<Uuid>,
    pub(crate) rags: Vec<Rag>,
    /// Past target and not complete, or with a milestone past due, on this day.
    pub(crate) overdue_on: Option<NaiveDate>,
    pub(crate) q: Option<String>,
    /// Archived actions only, rather than the live plan.
    pub(crate) archived: bool,
}

/// Lists are ordered by strategy, then reference (unique within it).
pub type ActionKey = (Uuid, String);

/// A page of actions matching `filter`, by strategy and reference.
pub async fn list(
    conn: &mut Conn,
    filter: &ActionFilter,
    page: &PageRequest<ActionKey>,
) -> QueryResult<Vec<Action>> {
    let mut query = actions::table
        .select(Action::as_select())
        .order((actions::strategy_id, actions::reference))
        .limit(page.fetch())
        .into_boxed();
    if let Some(strategy_id) = filter.strategy_id {
        query = query.filter(actions::strategy_id.eq(strategy_id));
    }
    for statement_id in &filter.statement_id {
        query = query.filter(
            actions::id.eq_any(
                action_statements::table
                    .filter(action_statements::statement_id.eq(*statement_id))
                    .select(action_statements::action_id),
            ),
        );
    }
    if let Some(org) = filter.organisation_id {
        query = query.filter(
            actions::lead_organisation_id.eq(org).or(actions::id.eq_any(
                action_supporters::table
                    .filter(action_supporters::organisation_id.eq(org))
                    .select(action_supporters::action_id),
            )),
        );
    }
    if let Some(org) = filter.lead_organisation_id {
        query = query.filter(actions::lead_organisation_id.eq(org));
    }
    if !filter.rags.is_empty() {
        query = query.filter(actions::rag.eq_any(filter.rags.clone()));
    }
    if let Some(today) = filter.overdue_on {
        let late_milestone = diesel::dsl::exists(
            milestones::table
                .filter(milestones::action_id.eq(actions::id))
                .filter(milestones::completed_on.is_null())
                .filter(milestones::due_date.lt(today)),
        );
        query = query.filter(
            actions::target_date
                .lt(today)
                .and(actions::rag.ne(Rag::Blue))
                .or(late_milestone.nullable()),
        );
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        query = query.filter(
            actions::title
                .ilike(pattern.clone())
                .or(actions::reference.ilike(pattern.clone()))
                .or(actions::description.ilike(pattern)),
        );
    }
    query = match filter.archived {
        false => query.filter(actions::archived_at.is_null()),
        true => query.filter(actions::archived_at.is_not_null()),
    };
    if let Some(since) = page.updated_since {
        query = query.filter(actions::updated_at.ge(since));
    }
    if let Some((strategy_id, reference)) = &page.after {
        query = query.filter(
            actions::strategy_id.gt(strategy_id).or(actions::strategy_id
                .eq(strategy_id)
                .and(actions::reference.gt(reference))),
        );
    }
    query.load(conn).await
}

find_queries!(actions, Action);
insert_query!(actions, Action, NewAction);
update_query!(actions, Action, ActionChanges);
delete_query!(actions);

/// Every action of a strategy, archived ones included.
pub async fn for_strategy(conn: &mut Conn, strategy_id: Uuid) -> QueryResult<Vec<Action>> {
    actions::table
        .filter(actions::strategy_id.eq(strategy_id))
        .order(actions::reference)
        .select(Action::as_select())
        .load(conn)
        .await
}

/// Locks these actions for the rest of the transaction, in id order.
pub async fn lock(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    actions::table
        .filter(actions::id.eq_any(ids))
        .order(actions::id)
        .select(actions::id)
        .for_update()
        .load(conn)
        .await
}

/// The supporting organisations of each action, by name.
pub async fn supporters(
    conn: &mut Conn,
    action_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<OrganisationRef>>> {
    // Built with diesel, not raw SQL, so the prepared statement is cached:
    // re-preparing it on every request cost more than the plan could save.
    let rows: Vec<(Uuid, OrganisationRef)> = action_supporters::table
        .inner_join(organisations::table)
        .filter(action_supporters::action_id.eq_any(action_ids))
        .order(organisations::name)
        .select((action_supporters::action_id, OrganisationRef::as_select()))
        .load(conn)
        .await?;
    Ok(group(rows))
}

/// Makes `organisation_ids` the action's supporting organisations.
pub async fn set_supporters(
    conn: &mut Conn,
    action_id: Uuid,
    organisation_ids: &[Uuid],
) -> QueryResult<()> {
    super::replace_links(conn, &super::ACTION_SUPPORTERS, action_id, organisation_ids).await
}

/// The ambitions and commitments each action serves, by number.
pub async fn links(
    conn: &mut Conn,
    action_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<StatementRef>>> {
    // Two lookups by key rather than one join: the join's generic plan
    // hashes every strategy's statements, a cost that grows with the number
    // of strategies; each of these is an index probe per id.
    let pairs: Vec<(Uuid, Uuid)> = action_statements::table
        .filter(action_statements::action_id.eq_any(action_ids))
        .select((
            action_statements::action_id,
            action_statements::statement_id,
        ))
        .load(conn)
        .await?;
    let mut statement_ids: Vec<Uuid> = pairs.iter().map(|(_, s)| *s).collect();
    statement_ids.sort_unstable();
    statement_ids.dedup();
    let mut found: Vec<StatementRef> = statements::table
        .filter(statements::id.eq_any(&statement_ids))
        .select(StatementRef::as_select())
        .load(conn)
        .await?;
    found.sort_by_key(|s| (s.kind, s.number));
    let mut actions_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (action, statement) in pairs {
        actions_of.entry(statement).or_default().push(action);
    }
    let mut rows = Vec::new();
    for statement in found {
        for action in actions_of.get(&statement.id).into_iter().flatten() {
            rows.push((*action, statement.clone()));
        }
    }
    Ok(group(rows))
}

/// Makes `statement_ids` the ambitions and commitments the action serves.
pub async fn set_links(
    conn: &mut Conn,
    action_id: Uuid,
    statement_ids: &[Uuid],
) -> QueryResult<()> {
    super::replace_links(conn, &super::ACTION_STATEMENTS, action_id, statement_ids).await
}

/// Organisations that lead, support or pledge within a strategy, which must
/// therefore stay its partners.
pub async fn organisations_in_use(conn: &mut Conn, strategy_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let leads = actions::table
        .filter(actions::strategy_id.eq(strategy_id))
        .select(actions::lead_organisation_id);
    let supporters = action_supporters::table
        .inner_join(actions::table)
        .filter(actions::strategy_id.eq(strategy_id))
        .select(action_supporters::organisation_id);
    let pledgers = pledges::table
        .filter(pledges::strategy_id.eq(strategy_id))
        .select(pledges::organisation_id);
    leads.union(supporters).union(pledgers).load(conn).await
}
