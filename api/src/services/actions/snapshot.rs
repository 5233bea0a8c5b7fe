//! An action as the audit trail and the change feed keep it: the stored row
//! with the ids of its supporters and of the statements it serves.

use serde::Serialize;
use uuid::Uuid;

use crate::db::Conn;
use crate::db::actions::{self as store, Action};
use crate::error::AppError;

/// The action's stored state: the row with the ids of its supporters and
/// links.
#[derive(Debug, Serialize)]
pub struct Snapshot {
    #[serde(flatten)]
    action: Action,
    supporting_organisation_ids: Vec<Uuid>,
    statement_ids: Vec<Uuid>,
}

impl Snapshot {
    /// The snapshot of an action whose supporters and links are known.
    pub fn of(
        action: Action,
        supporting_organisation_ids: Vec<Uuid>,
        statement_ids: Vec<Uuid>,
    ) -> Snapshot {
        Snapshot {
            action,
            supporting_organisation_ids,
            statement_ids,
        }
    }

    /// The ids of the action's supporting organisations.
    pub fn supporting_organisation_ids(&self) -> &[Uuid] {
        &self.supporting_organisation_ids
    }
}

/// The ids of the organisations supporting an action.
pub async fn supporter_ids(conn: &mut Conn, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(store::supporters(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.id)
        .collect())
}

/// The ids of the statements an action serves.
pub async fn statement_ids(conn: &mut Conn, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(store::links(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect())
}

/// The snapshot of a stored action, reading its supporters and links.
pub async fn snapshot(conn: &mut Conn, action: Action) -> Result<Snapshot, AppError> {
    let supporting = supporter_ids(conn, action.id).await?;
    let statements = statement_ids(conn, action.id).await?;
    Ok(Snapshot::of(action, supporting, statements))
}
