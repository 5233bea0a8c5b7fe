//! The change feed: every change to the plan in commit order, for systems
//! that keep a copy of the data.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::context::{Ctx, authorize};
use crate::db::Pool;
use crate::db::changes::{self as store, ChangeRow};
use crate::db::users::{self, UserRef};
use crate::domain::achievements::{self, Published};
use crate::domain::{AchievementStatus, Entity, permissions};
use crate::error::AppError;
use crate::paging::{checked_limit, decode_cursor, encode_cursor};

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// It was made.
    Create,
    /// It was changed.
    Update,
    /// It was removed.
    Delete,
}

/// A field's value before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldChange {
    pub(crate) before: Value,
    pub(crate) after: Value,
}

/// One change to one record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// The position of the transaction in commit order; several changes
    /// made together share one.
    pub(crate) position: i64,
    /// The kind of record: any but `user` and `api_token`, which stay out
    /// of the feed. An achievement is carried only while approved: its
    /// approval reads as `create`, its return (or a change that makes it
    /// a draft again) as `delete`.
    pub(crate) entity: Entity,
    pub(crate) id: Uuid,
    pub(crate) kind: ChangeKind,
    /// Who made it; absent for changes made at the server's command line.
    pub(crate) actor: Option<UserRef>,
    /// When its transaction committed.
    pub(crate) committed_at: DateTime<Utc>,
    /// The fields that changed, each with its value before and after (every
    /// field of a created or deleted record).
    #[schema(value_type = Object, example = json!({"rag": {"before": "green", "after": "amber"}, "version": {"before": 3, "after": 4}}))]
    pub(crate) changes: BTreeMap<String, FieldChange>,
    /// The whole record after the change; absent for a deletion. Deleting
    /// a strategy also removes its ambitions, commitments, actions and
    /// pledges; deleting an action also removes its milestones and updates.
    #[schema(value_type = Option<Object>)]
    pub(crate) record: Option<Value>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    pub(crate) items: Vec<ChangeView>,
    /// Pass as `since` to read on from here. Always present: when `items`
    /// is empty it is the `since` you sent, to poll again later.
    pub(crate) next_cursor: String,
    /// Whether more changes follow at once.
    pub(crate) more: bool,
}

/// What part of the change feed to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// The `next_cursor` of the previous page; absent to read from the start.
    pub(crate) since: Option<String>,
    /// How many changes to return (1 to 500, default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub(crate) limit: Option<i64>,
}

/// The fields that differ between two states of a record. A missing state
/// (before a creation, after a deletion) reads as null in every field.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> BTreeMap<String, FieldChange> {
    let fields = |state: Option<&Value>| -> BTreeMap<String, Value> {
        match state {
            Some(Value::Object(map)) => map.clone().into_iter().collect(),
            _ => BTreeMap::new(),
        }
    };
    let (mut before, after) = (fields(before), fields(after));
    let mut changes = BTreeMap::new();
    for (name, value) in after {
        let old = before.remove(&name).unwrap_or(Value::Null);
        if old != value {
            changes.insert(
                name,
                FieldChange {
                    before: old,
                    after: value,
                },
            );
        }
    }
    for (name, old) in before {
        if !old.is_null() {
            changes.insert(
                name,
                FieldChange {
                    before: old,
                    after: Value::Null,
                },
            );
        }
    }
    changes
}

fn kind(action: &str) -> ChangeKind {
    match action {
        "create" => ChangeKind::Create,
        "delete" => ChangeKind::Delete,
        _ => ChangeKind::Update,
    }
}

/// What a view computed from much of the data (a dashboard, a report)
/// depends on besides its query: every committed change, and the day where
/// the board is (what is overdue or stale turns with the day). Reading it
/// costs one small query, so a client polling an unchanged view can be
/// answered without the view being computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataStamp {
    /// The position of the last committed change.
    pub(crate) position: i64,
    /// Today, where the board is.
    pub(crate) day: NaiveDate,
}

/// The stamp of the data as it stands.
pub async fn data_stamp(pool: &Pool, ctx: &Ctx) -> Result<DataStamp, AppError> {
    let mut conn = pool.get().await?;
    Ok(DataStamp {
        position: store::position(&mut conn).await?,
        day: ctx.clock.today(),
    })
}

/// The names of the people who made these changes, by id.
pub(crate) async fn actor_names(
    conn: &mut crate::db::Conn,
    rows: &[ChangeRow],
) -> Result<HashMap<Uuid, UserRef>, AppError> {
    let actor_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_user_id).collect();
    Ok(users::refs(conn, &actor_ids).await?)
}

/// A change as it may be published, or `None` when it is withheld: the
/// feed and webhooks carry an achievement only while it is approved
/// (drafts may hold voices whose consent is not yet recorded), so its
/// approval reads as its creation and its return as its deletion.
pub(crate) fn published(mut row: ChangeRow) -> Option<ChangeRow> {
    if row.entity != Entity::Achievement {
        return Some(row);
    }
    let approved = |state: &Option<Value>| {
        state
            .as_ref()
            .is_some_and(|s| s["status"] == AchievementStatus::Approved.as_str())
    };
    match achievements::published(approved(&row.before), approved(&row.after)) {
        Published::Withheld => None,
        Published::Created => {
            row.before = None;
            row.action = "create".into();
            Some(row)
        }
        Published::Changed => Some(row),
        Published::Withdrawn => {
            row.after = None;
            row.action = "delete".into();
            Some(row)
        }
    }
}

/// A change as the feed (and a webhook delivery) shows it.
pub(crate) fn view(row: ChangeRow, names: &HashMap<Uuid, UserRef>) -> ChangeView {
    ChangeView {
        position: row.position,
        changes: diff(row.before.as_ref(), row.after.as_ref()),
        kind: kind(&row.action),
        actor: row.actor_user_id.and_then(|id| names.get(&id).cloned()),
        entity: row.entity,
        id: row.entity_id,
        committed_at: row.committed_at,
        record: row.after,
    }
}

/// A page of the feed after the cursor `since`.
pub async fn list(pool: &Pool, ctx: &Ctx, query: ChangeQuery) -> Result<ChangePage, AppError> {
    authorize(
        permissions::can_read_changes(&ctx.actor),
        "the change feed is for administrators, the chair and system tokens that may read every strategy",
    )?;
    let limit = checked_limit(query.limit)?;
    let (position, event_id) = match query.since.as_deref() {
        Some(cursor) => decode_cursor::<(i64, i64)>(cursor)?,
        None => (0, 0),
    };
    let mut conn = pool.get().await?;
    let mut rows = store::after(&mut conn, position, event_id, &Entity::PRIVATE, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = match rows.last() {
        Some(last) => encode_cursor(&(last.position, last.event_id)),
        None => encode_cursor(&(position, event_id)),
    };
    let names = actor_names(&mut conn, &rows).await?;
    let items = rows
        .into_iter()
        .filter_map(published)
        .map(|row| view(row, &names))
        .collect();
    Ok(ChangePage {
        items,
        next_cursor,
        more,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_update_lists_only_the_fields_that_changed() {
        let before = json!({"rag": "green", "title": "A", "version": 3});
        let after = json!({"rag": "amber", "title": "A", "version": 4});
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(changes.keys().collect::<Vec<_>>(), ["rag", "version"]);
        assert_eq!(changes["rag"].before, json!("green"));
        assert_eq!(changes["rag"].after, json!("amber"));
    }

    #[test]
    fn a_creation_lists_every_field_and_a_deletion_every_non_null_one() {
        let record = json!({"title": "A", "note": null});
        let created = diff(None, Some(&record));
        assert_eq!(
            created.len(),
            1,
            "a null field that stays null is no change"
        );
        assert_eq!(created["title"].before, Value::Null);
        let deleted = diff(Some(&record), None);
        assert_eq!(deleted.keys().collect::<Vec<_>>(), ["title"]);
        assert_eq!(deleted["title"].after, Value::Null);
    }

    #[test]
    fn a_field_that_disappears_reads_as_cleared() {
        let changes = diff(Some(&json!({"a": 1, "b": 2})), Some(&json!({"a": 1})));
        assert_eq!(changes["b"].after, Value::Null);
    }
}
