//! Pledges: how each partner organisation meets each commitment of a
//! strategy, with a RAG and every earlier version kept.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::audit::created;
use super::context::{Ctx, authorize, missing, scoped, visible};
use super::input::{rags, trimmed, validate};
use super::locked::{Target, Written};
use crate::concurrency::Precondition;
use crate::db::organisations::{self, OrganisationRef};
use crate::db::pledges::{self as store, NewPledge, Pledge, PledgeFilter};
use crate::db::statements::{self, StatementRef};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool, strategies};
use crate::domain::validation::{TEXT_MAX, not_blank, printable};
use crate::domain::{Actor, AllowedAction, Entity, Rag, StatementKind, allowed, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::Pledge;

/// An organisation's pledge against one commitment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PledgeView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) organisation: OrganisationRef,
    pub(crate) commitment: StatementRef,
    /// How the organisation meets the commitment.
    pub(crate) text: String,
    pub(crate) rag: Rag,
    pub(crate) updated_by: Option<UserRef>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[schema(example = json!(["update"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
    /// Every version, newest first (when reading one pledge).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) history: Option<Vec<PledgeVersionView>>,
}

/// One version of a pledge.
#[derive(Debug, Serialize, ToSchema)]
pub struct PledgeVersionView {
    pub(crate) version: i32,
    pub(crate) text: String,
    pub(crate) rag: Rag,
    pub(crate) changed_by: Option<UserRef>,
    pub(crate) changed_at: DateTime<Utc>,
}

/// The pledge's new text and rating.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Every looked after child in custody has a named officer.", "rag": "green"}))]
pub struct WritePledge {
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) text: String,
    /// Defaults to `not_rated`.
    #[garde(skip)]
    pub(crate) rag: Option<Rag>,
}

/// Which pledges a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PledgeQuery {
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) commitment_id: Option<Uuid>,
    /// Only these ratings, comma-separated (`red,amber`).
    pub(crate) rag: Option<String>,
}

/// Builds views, naming organisations, commitments and authors with one
/// query each.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<Pledge>,
    actor: &Actor,
) -> Result<Vec<PledgeView>, AppError> {
    let org_ids: Vec<Uuid> = rows.iter().map(|p| p.organisation_id).collect();
    let commitment_ids: Vec<Uuid> = rows.iter().map(|p| p.commitment_id).collect();
    let user_ids: Vec<Uuid> = rows.iter().filter_map(|p| p.updated_by).collect();
    let orgs = organisations::refs(conn, &org_ids).await?;
    let commitments: HashMap<Uuid, StatementRef> = statements::refs(conn, &commitment_ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let names = users::refs(conn, &user_ids).await?;
    rows.into_iter()
        .map(|p| {
            let organisation = orgs.get(&p.organisation_id).cloned();
            let commitment = commitments.get(&p.commitment_id).cloned();
            let (Some(organisation), Some(commitment)) = (organisation, commitment) else {
                return Err(AppError::internal("pledge refers to a missing row"));
            };
            Ok(PledgeView {
                allowed_actions: allowed::for_pledge(actor, p.organisation_id),
                updated_by: p.updated_by.and_then(|id| names.get(&id).cloned()),
                organisation,
                commitment,
                id: p.id,
                strategy_id: p.strategy_id,
                text: p.text,
                rag: p.rag,
                version: p.version,
                created_at: p.created_at,
                updated_at: p.updated_at,
                history: None,
            })
        })
        .collect()
}

async fn view_with_history(
    conn: &mut Conn,
    row: Pledge,
    actor: &Actor,
) -> Result<PledgeView, AppError> {
    let versions = store::history(conn, row.id).await?;
    let user_ids: Vec<Uuid> = versions.iter().filter_map(|v| v.changed_by).collect();
    let names = users::refs(conn, &user_ids).await?;
    let mut view = views(conn, vec![row], actor).await?.remove(0);
    view.history = Some(
        versions
            .into_iter()
            .map(|v| PledgeVersionView {
                version: v.version,
                rag: v.rag.parse().unwrap_or(Rag::NotRated),
                text: v.text,
                changed_by: v.changed_by.and_then(|id| names.get(&id).cloned()),
                changed_at: v.changed_at,
            })
            .collect(),
    );
    Ok(view)
}

/// A page of pledges.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: PledgeQuery,
    page: &PageParams,
) -> Result<Page<PledgeView>, AppError> {
    let page = page.request()?;
    let filter = PledgeFilter {
        strategy_id: scoped(&ctx.actor, query.strategy_id)?,
        organisation_id: query.organisation_id,
        commitment_id: query.commitment_id,
        rags: rags(query.rag.as_deref())?,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |p| p.id, |p| p);
    Ok(Page {
        items: views(&mut conn, next.items, &ctx.actor).await?,
        next_cursor: next.next_cursor,
    })
}

/// The pledge of an organisation against a commitment, with every earlier
/// version.
pub async fn get(
    pool: &Pool,
    ctx: &Ctx,
    organisation_id: Uuid,
    commitment_id: Uuid,
) -> Result<PledgeView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, organisation_id, commitment_id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound("this organisation has no pledge against this commitment".into())
        })?;
    visible(&ctx.actor, row.strategy_id, "pledge")?;
    view_with_history(&mut conn, row, &ctx.actor).await
}

/// The strategy of a commitment that `organisation_id` may pledge
/// against: one it is a partner of.
async fn partner_strategy(
    conn: &mut Conn,
    organisation_id: Uuid,
    commitment_id: Uuid,
) -> Result<Uuid, AppError> {
    let commitment = statements::find(conn, commitment_id, StatementKind::Commitment)
        .await
        .map_err(missing("commitment"))?;
    let partners = strategies::partners(conn, &[commitment.strategy_id])
        .await?
        .remove(&commitment.strategy_id)
        .unwrap_or_default();
    if partners.iter().any(|o| o.id == organisation_id) {
        return Ok(commitment.strategy_id);
    }
    organisations::find(conn, organisation_id)
        .await
        .map_err(missing("organisation"))?;
    Err(AppError::Conflict(
        "this organisation is not a partner of the commitment's strategy".into(),
    ))
}

/// Creates or replaces a pledge. Replacing needs the version read
/// (If-Match); creating needs none. Returns whether it was created.
pub async fn write(
    pool: &Pool,
    ctx: &Ctx,
    organisation_id: Uuid,
    commitment_id: Uuid,
    precondition: Precondition,
    input: WritePledge,
) -> Result<(PledgeView, bool), AppError> {
    authorize(
        permissions::can_write_pledge(&ctx.actor, organisation_id),
        "only members of the organisation can write its pledges",
    )?;
    validate(&input)?;
    let text = trimmed(&input.text);
    let rag = input.rag.unwrap_or(Rag::NotRated);
    let mut conn = pool.get().await?;
    let (row, created) = conn
        .transaction(async |conn| {
            let strategy_id = partner_strategy(conn, organisation_id, commitment_id).await?;
            let Some(before) = store::find_for_update(conn, organisation_id, commitment_id).await?
            else {
                let new = NewPledge {
                    id: Uuid::now_v7(),
                    strategy_id,
                    organisation_id,
                    commitment_id,
                    text: text.clone(),
                    rag,
                    updated_by: ctx.actor.user_id(),
                };
                let row = store::insert(conn, &new).await?;
                store::record_version(conn, &row, ctx.clock.now()).await?;
                created(conn, ctx, ENTITY, row.id, &row).await?;
                return Ok((row, true));
            };
            let admitted =
                Target::new(ENTITY, before.id).admitted(ctx, Some(precondition.version()?));
            let row = admitted
                .write(
                    conn,
                    // Found under its lock just above.
                    async move |_, _| Ok(before),
                    async |conn, before| {
                        let updated_by = ctx.actor.user_id();
                        let after = store::update(conn, before.id, &text, rag, updated_by).await?;
                        store::record_version(conn, &after, ctx.clock.now()).await?;
                        Ok(Written::changed(before, after))
                    },
                )
                .await?;
            Ok::<_, AppError>((row, false))
        })
        .await?;
    Ok((
        view_with_history(&mut conn, row, &ctx.actor).await?,
        created,
    ))
}
