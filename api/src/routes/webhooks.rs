//! `/api/v1/webhooks`: other systems' endpoints that receive the change
//! feed as it happens (administrators).

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{
    CreateErrors, DeleteErrors, IfMatch, ListErrors, NotModified, ReadErrors, UpdateErrors,
};
use crate::http::{
    respond_created, respond_page, respond_updated, respond_versioned, webhook_policy,
};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::webhooks::{
    self as service, CreateWebhook, DeliveryView, UpdateWebhook, WebhookView, WebhookWithSecret,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_secret)
        .service(list_deliveries);
}

/// List webhook endpoints, oldest first (administrators). Secrets are
/// never shown here.
#[utoipa::path(
    tag = "webhooks",
    params(PageParams),
    responses((status = 200, description = "A page of endpoints", body = Page<WebhookView>), ListErrors),
    security(("bearer" = [])),
)]
#[get("/webhooks")]
async fn list_webhooks(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, &page).await?;
    Ok(respond_page(&req, page))
}

/// Register an endpoint (administrators): an `https` URL on a public
/// address, the kinds of record and the strategy wanted. It receives the
/// events committed from now on, signed with the secret in the answer,
/// which is not shown again.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    responses((status = 201, description = "Registered; keep the secret", body = WebhookWithSecret), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/webhooks")]
async fn create_webhook(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<CreateWebhook>,
) -> Result<HttpResponse, AppError> {
    let created =
        service::create(&state.pool, &ctx, webhook_policy(&state), body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/webhooks/{}", created.endpoint.id),
        created.endpoint.version,
        &created,
    ))
}

/// Read an endpoint (administrators).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Endpoint id")),
    responses((status = 200, description = "The endpoint", body = WebhookView), NotModified, ReadErrors),
    security(("bearer" = [])),
)]
#[get("/webhooks/{id}")]
async fn get_webhook(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let endpoint = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, endpoint.version, &endpoint))
}

/// Change an endpoint (administrators; needs If-Match). `enabled: true`
/// resumes a disabled one from where it stopped.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Endpoint id"), IfMatch),
    request_body = UpdateWebhook,
    responses((status = 200, description = "Updated", body = WebhookView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateWebhook>,
) -> Result<HttpResponse, AppError> {
    let endpoint = service::update(
        &state.pool,
        &ctx,
        webhook_policy(&state),
        *id,
        precondition,
        body.into_inner(),
    )
    .await?;
    Ok(respond_updated(endpoint.version, &endpoint))
}

/// Remove an endpoint and its delivery log (administrators; needs
/// If-Match).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Endpoint id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Give an endpoint a new secret (administrators; If-Match optional). The
/// answer shows it once; the old one stops signing at once.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Endpoint id"), IfMatch),
    responses((status = 200, description = "The new secret; keep it", body = WebhookWithSecret), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/webhooks/{id}/secret")]
async fn rotate_secret(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    let rotated = service::rotate_secret(&state.pool, &ctx, *id, precondition).await?;
    Ok(respond_updated(rotated.endpoint.version, &rotated))
}

/// Read an endpoint's delivery log, newest event first (administrators):
/// each event's `webhook-id`, attempts, last status and error.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Endpoint id"), PageParams),
    responses((status = 200, description = "A page of deliveries", body = Page<DeliveryView>), ListErrors),
    security(("bearer" = [])),
)]
#[get("/webhooks/{id}/deliveries")]
async fn list_deliveries(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::deliveries(&state.pool, &ctx, *id, &page).await?;
    Ok(respond_page(&req, page))
}
