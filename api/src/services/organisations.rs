//! Partner organisations: read by all, managed by administrators.

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::audit::insert_audited;
use super::context::{Ctx, authorize, missing};
use super::input::{nullable, trimmed, validate};
use super::locked::{self, Target};
use crate::concurrency::Precondition;
use crate::db::Pool;
use crate::db::organisations::{
    self as store, NewOrganisation, Organisation, OrganisationChanges, OrganisationFilter,
};
use crate::domain::validation::{NAME_MAX, not_blank, printable};
use crate::domain::{Actor, AllowedAction, Entity, OrganisationKind, allowed, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::Organisation;
const FORBIDDEN: &str = "only administrators can change organisations";

/// A partner organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub(crate) id: Uuid,
    #[schema(example = "Nottinghamshire Police")]
    pub(crate) name: String,
    #[schema(example = "Police")]
    pub(crate) short_name: Option<String>,
    pub(crate) kind: OrganisationKind,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// What the caller may do with this organisation.
    #[schema(example = json!(["update", "delete"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

impl OrganisationView {
    fn new(row: Organisation, actor: &Actor) -> Self {
        let allowed_actions = allowed::for_framework(actor);
        Self {
            id: row.id,
            name: row.name,
            short_name: row.short_name,
            kind: row.kind,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            allowed_actions,
        }
    }
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    #[schema(example = "Nottinghamshire Police")]
    pub(crate) name: String,
    #[garde(length(chars, min = 1, max = 50), custom(not_blank), custom(printable))]
    #[schema(example = "Police")]
    pub(crate) short_name: Option<String>,
    #[garde(skip)]
    pub(crate) kind: OrganisationKind,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"short_name": "Notts Police"}))]
pub struct UpdateOrganisation {
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) name: Option<String>,
    /// `null` removes the short name.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[garde(length(chars, min = 1, max = 50), custom(not_blank), custom(printable))]
    pub(crate) short_name: Option<Option<String>>,
    #[garde(skip)]
    pub(crate) kind: Option<OrganisationKind>,
}

/// Which organisations a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Only organisations of this kind.
    pub(crate) kind: Option<OrganisationKind>,
    /// Only organisations whose name contains this text.
    pub(crate) q: Option<String>,
    /// Only the partners of this strategy.
    pub(crate) strategy_id: Option<Uuid>,
}

/// A page of partner organisations, by name.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: OrganisationQuery,
    page: &PageParams,
) -> Result<Page<OrganisationView>, AppError> {
    let page = page.request()?;
    let filter = OrganisationFilter {
        kind: query.kind,
        q: query.q,
        strategy_id: query.strategy_id,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    Ok(page.page(
        rows,
        |row| (row.name.clone(), row.id),
        |row| OrganisationView::new(row, &ctx.actor),
    ))
}

/// One organisation.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<OrganisationView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing(ENTITY.noun()))?;
    Ok(OrganisationView::new(row, &ctx.actor))
}

/// Adds a partner organisation (administrators).
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    input: CreateOrganisation,
) -> Result<OrganisationView, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    validate(&input)?;
    let new = NewOrganisation {
        id: Uuid::now_v7(),
        name: trimmed(&input.name),
        short_name: input.short_name.as_deref().map(trimmed),
        kind: input.kind,
    };
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            insert_audited(conn, ctx, ENTITY, new.id, &new, store::insert).await
        })
        .await?;
    Ok(OrganisationView::new(row, &ctx.actor))
}

/// Changes an organisation (administrators; needs the version read).
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateOrganisation,
) -> Result<OrganisationView, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    validate(&input)?;
    let changes = OrganisationChanges {
        name: input.name.as_deref().map(trimmed),
        short_name: input.short_name.map(|s| s.as_deref().map(trimmed)),
        kind: input.kind,
    };
    let admitted = Target::new(ENTITY, id).admitted(ctx, Some(expected));
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            // The young people's council holds the board to account rather
            // than delivering: a partner cannot become one.
            if changes.kind == Some(OrganisationKind::YoungPeoplesVoice)
                && store::is_partner(conn, id).await?
            {
                return Err(AppError::validation(
                    "kind",
                    "this organisation is a partner of a strategy; a young people's council \
                     raises priorities rather than leading actions or pledging, so take it out \
                     of the strategies' partners first",
                ));
            }
            let lock = store::find_for_update;
            admitted.update(conn, lock, &changes, store::update).await
        })
        .await?;
    Ok(OrganisationView::new(row, &ctx.actor))
}

/// Deletes an organisation that has no users and is no strategy's partner
/// (administrators; needs the version read).
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    let admitted = Target::new(ENTITY, id).admitted(ctx, Some(expected));
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let lock = store::find_for_update;
        admitted
            .delete(conn, lock, locked::always, store::delete)
            .await
    })
    .await
    .map_err(|error| match error {
        AppError::Conflict(_) => AppError::Conflict(
            "this organisation still has users or is a partner of a strategy; remove those first"
                .into(),
        ),
        other => other,
    })
}
