//! Reading the audit trail (administrators and the chair).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::context::{Ctx, authorize};
use crate::db::Pool;
use crate::db::audit::{self, AuditFilter};
use crate::db::users::{self, UserRef};
use crate::domain::{Entity, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub(crate) id: i64,
    pub(crate) occurred_at: DateTime<Utc>,
    /// Who made the change; absent for changes made at the command line.
    pub(crate) actor: Option<UserRef>,
    pub(crate) entity: Entity,
    pub(crate) entity_id: Uuid,
    #[schema(example = "update")]
    pub(crate) action: String,
    /// The stored record before the change (absent for a creation).
    pub(crate) before: Option<serde_json::Value>,
    /// The stored record after the change (absent for a deletion).
    pub(crate) after: Option<serde_json::Value>,
    /// The id of the request that made the change, as in the request log.
    pub(crate) request_id: Option<String>,
}

/// Which audit events a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only changes to this kind of record (`action`, `pledge`, ...).
    pub(crate) entity: Option<Entity>,
    /// Only changes to this record.
    pub(crate) entity_id: Option<Uuid>,
    /// Only changes by this user.
    pub(crate) actor_id: Option<Uuid>,
    /// Only changes at or after this time.
    pub(crate) since: Option<DateTime<Utc>>,
    /// Only changes before this time.
    pub(crate) until: Option<DateTime<Utc>>,
}

/// Newest first.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: AuditQuery,
    page: &PageParams,
) -> Result<Page<AuditEventView>, AppError> {
    authorize(
        permissions::can_read_audit(&ctx.actor),
        "only administrators and the chair can read the audit log",
    )?;
    let page = page.request::<i64>()?;
    let filter = AuditFilter {
        entity: query.entity,
        entity_id: query.entity_id,
        actor_id: query.actor_id,
        since: query.since.or(page.updated_since),
        until: query.until,
    };
    let mut conn = pool.get().await?;
    let rows = audit::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |r| r.id, |r| r);
    let actor_ids: Vec<Uuid> = next.items.iter().filter_map(|r| r.actor_user_id).collect();
    let names = users::refs(&mut conn, &actor_ids).await?;
    Ok(Page {
        items: next
            .items
            .into_iter()
            .map(|r| AuditEventView {
                actor: r.actor_user_id.and_then(|id| names.get(&id).cloned()),
                id: r.id,
                occurred_at: r.occurred_at,
                entity: r.entity,
                entity_id: r.entity_id,
                action: r.action,
                before: r.before,
                after: r.after,
                request_id: r.request_id,
            })
            .collect(),
        next_cursor: next.next_cursor,
    })
}
