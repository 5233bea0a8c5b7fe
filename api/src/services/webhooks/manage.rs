//! Administrators' operations on webhook endpoints: register, read,
//! change (including enabling again after a failure), remove, rotate the
//! secret, and read the delivery log. Every write is audited without the
//! secret.

use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::concurrency::{Precondition, check_version};
use crate::db::webhooks::{self as store, Endpoint, EndpointChanges, NewEndpoint};
use crate::db::{Conn, Pool};
use crate::domain::webhooks::{AddressPolicy, SECRET_BYTES, job_key, secret_from};
use crate::domain::{Entity, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};
use crate::services::audit::{Change, Event, audit};
use crate::services::context::{Ctx, authorize, missing};
use crate::services::input::valid;
use crate::services::webhooks::checks;
use crate::services::webhooks::views::{
    CreateWebhook, DeliveryView, UpdateWebhook, WebhookView, WebhookWithSecret,
};

const FORBIDDEN: &str = "only administrators manage webhooks";
const NOUN: &str = "webhook endpoint";

fn admin(ctx: &Ctx) -> Result<(), AppError> {
    authorize(permissions::can_manage_webhooks(&ctx.actor), FORBIDDEN)
}

fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(secret_from(&bytes))
}

async fn write_audit(
    conn: &mut Conn,
    ctx: &Ctx,
    id: Uuid,
    change: Change,
    before: Option<&Endpoint>,
    after: Option<&Endpoint>,
) -> Result<(), AppError> {
    let event = Event {
        entity: Entity::WebhookEndpoint,
        entity_id: id,
        change,
    };
    let before = before.cloned().map(WebhookView::from);
    let after = after.cloned().map(WebhookView::from);
    audit(conn, ctx, event, before.as_ref(), after.as_ref()).await
}

/// A page of endpoints, oldest first (administrators).
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    page: &PageParams,
) -> Result<Page<WebhookView>, AppError> {
    admin(ctx)?;
    let page = page.request()?;
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &page).await?;
    Ok(page.page(
        rows,
        |r| r.id,
        |r| WebhookView::from(r).for_actor(&ctx.actor),
    ))
}

/// One endpoint (administrators).
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<WebhookView, AppError> {
    admin(ctx)?;
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id).await.map_err(missing(NOUN))?;
    Ok(WebhookView::from(row).for_actor(&ctx.actor))
}

/// Registers an endpoint (administrators). It receives the events
/// committed from now on; the answer holds the secret, shown only now.
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    policy: AddressPolicy,
    input: CreateWebhook,
) -> Result<WebhookWithSecret, AppError> {
    admin(ctx)?;
    let mut errors = Vec::new();
    let url = checks::url(&input.url, policy, &mut errors).await;
    let description = checks::description(input.description.as_deref().unwrap_or(""), &mut errors);
    let entities = checks::entities(input.entities.as_deref().unwrap_or(&[]), &mut errors);
    let secret = new_secret()?;
    let mut conn = pool.get().await?;
    checks::strategy(&mut conn, input.strategy_id, &mut errors).await?;
    valid(errors)?;
    let row = conn
        .transaction(async |conn| {
            let (position, event_id) = store::feed_head(conn).await?;
            let new = NewEndpoint {
                id: Uuid::now_v7(),
                url,
                description,
                entities,
                strategy_id: input.strategy_id,
                secret,
                position,
                event_id,
                created_by: ctx.actor.user_id(),
            };
            let row = store::insert(conn, &new).await?;
            write_audit(conn, ctx, row.id, Change::Create, None, Some(&row)).await?;
            Ok::<_, AppError>(row)
        })
        .await?;
    Ok(WebhookWithSecret {
        secret: row.secret.clone(),
        endpoint: WebhookView::from(row).for_actor(&ctx.actor),
    })
}

/// What an update asks for, checked.
async fn changes(
    conn: &mut Conn,
    policy: AddressPolicy,
    input: UpdateWebhook,
) -> Result<EndpointChanges, AppError> {
    let mut errors = Vec::new();
    let mut changes = EndpointChanges::default();
    if let Some(url) = &input.url {
        changes.url = Some(checks::url(url, policy, &mut errors).await);
    }
    if let Some(text) = &input.description {
        changes.description = Some(checks::description(text, &mut errors));
    }
    if let Some(entities) = &input.entities {
        changes.entities = Some(checks::entities(entities, &mut errors));
    }
    if let Some(strategy_id) = input.strategy_id {
        checks::strategy(conn, strategy_id, &mut errors).await?;
        changes.strategy_id = Some(strategy_id);
    }
    valid(errors)?;
    match input.enabled {
        Some(true) => {
            changes.enabled = Some(true);
            changes.failing_since = Some(None);
            changes.disabled_at = Some(None);
            changes.disabled_reason = Some(None);
        }
        Some(false) => {
            changes.enabled = Some(false);
            changes.disabled_at = Some(Some(chrono::Utc::now()));
            changes.disabled_reason = Some(Some("Disabled by an administrator".to_owned()));
        }
        None => {}
    }
    Ok(changes)
}

/// Changes an endpoint (administrators; needs the version read). Enabling
/// a disabled one resumes its deliveries from its cursor.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    policy: AddressPolicy,
    id: Uuid,
    precondition: Precondition,
    input: UpdateWebhook,
) -> Result<WebhookView, AppError> {
    admin(ctx)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    let changes = changes(&mut conn, policy, input).await?;
    let row = conn
        .transaction(async |conn| {
            let before = store::find_for_update(conn, id)
                .await
                .map_err(missing(NOUN))?;
            check_version(expected, before.version)?;
            let mut changes = changes;
            if changes.enabled == Some(true) && before.enabled {
                // Already enabled: nothing to resume, and its failure stays.
                changes.enabled = None;
                changes.failing_since = None;
                changes.disabled_at = None;
                changes.disabled_reason = None;
            }
            if changes.enabled == Some(false) && !before.enabled {
                changes.enabled = None;
                changes.disabled_at = None;
                changes.disabled_reason = None;
            }
            if changes.enabled == Some(true) {
                // The job that stopped at this cursor is finished; forget it so
                // the delivery from here can be queued again.
                store::forget_finished_job(conn, &job_key(id, before.position, before.event_id))
                    .await?;
            }
            let after = store::update(conn, id, &changes).await?;
            write_audit(conn, ctx, id, Change::Update, Some(&before), Some(&after)).await?;
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(WebhookView::from(row).for_actor(&ctx.actor))
}

/// Removes an endpoint and its delivery log (administrators; needs the
/// version read).
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    admin(ctx)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let before = store::find_for_update(conn, id)
            .await
            .map_err(missing(NOUN))?;
        check_version(expected, before.version)?;
        store::delete(conn, id).await?;
        write_audit(conn, ctx, id, Change::Delete, Some(&before), None).await
    })
    .await
}

/// Gives an endpoint a new secret (administrators; If-Match optional),
/// shown only in the answer; the old one stops signing at once.
pub async fn rotate_secret(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<WebhookWithSecret, AppError> {
    admin(ctx)?;
    let expected = precondition.optional()?;
    let secret = new_secret()?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            let before = store::find_for_update(conn, id)
                .await
                .map_err(missing(NOUN))?;
            if let Some(expected) = expected {
                check_version(expected, before.version)?;
            }
            let changes = EndpointChanges {
                secret: Some(secret),
                ..EndpointChanges::default()
            };
            let after = store::update(conn, id, &changes).await?;
            write_audit(conn, ctx, id, Change::Update, Some(&before), Some(&after)).await?;
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(WebhookWithSecret {
        secret: row.secret.clone(),
        endpoint: WebhookView::from(row).for_actor(&ctx.actor),
    })
}

/// A page of an endpoint's delivery log, newest event first
/// (administrators).
pub async fn deliveries(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    page: &PageParams,
) -> Result<Page<DeliveryView>, AppError> {
    admin(ctx)?;
    let page = page.request()?;
    let mut conn = pool.get().await?;
    store::find(&mut conn, id).await.map_err(missing(NOUN))?;
    let rows = store::deliveries(&mut conn, id, &page).await?;
    Ok(page.page(rows, |r| (r.position, r.event_id), DeliveryView::from))
}
