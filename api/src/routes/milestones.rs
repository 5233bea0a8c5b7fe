//! `/api/v1/milestones/{id}`

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{DeleteErrors, IfMatch, NotModified, ReadErrors, UpdateErrors};
use crate::http::{respond_updated, respond_versioned};
use crate::services::Ctx;
use crate::services::milestones::{self as service, MilestoneView, UpdateMilestone};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_milestone)
        .service(update_milestone)
        .service(delete_milestone);
}

/// Read a milestone, with the history of its due date.
#[utoipa::path(
    tag = "milestones",
    params(("id" = Uuid, Path, description = "Milestone id")),
    responses(
        (status = 200, description = "The milestone", body = MilestoneView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/milestones/{id}")]
async fn get_milestone(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let milestone = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, milestone.version, &milestone))
}

/// Change a milestone: tick it off, reopen it, or move its due date with a
/// reason (lead organisation or administrators; needs If-Match).
#[utoipa::path(
    tag = "milestones",
    params(("id" = Uuid, Path, description = "Milestone id"), IfMatch),
    request_body = UpdateMilestone,
    responses((status = 200, description = "Updated", body = MilestoneView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/milestones/{id}")]
async fn update_milestone(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateMilestone>,
) -> Result<HttpResponse, AppError> {
    let milestone =
        service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(milestone.version, &milestone))
}

/// Delete a milestone (lead organisation or administrators; needs If-Match).
#[utoipa::path(
    tag = "milestones",
    params(("id" = Uuid, Path, description = "Milestone id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/milestones/{id}")]
async fn delete_milestone(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}
