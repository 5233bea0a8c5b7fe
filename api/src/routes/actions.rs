//! `/api/v1/actions`, with each action's progress updates and milestones.

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{
    BatchErrors, CreateErrors, DeleteErrors, IfMatch, ListErrors, NotModified, ReadErrors,
    UpdateErrors,
};
use crate::http::read_after::ReadPool;
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::actions::{
    self as service, ActionQuery, ActionView, CreateAction, Include, UpdateAction,
};
use crate::services::milestones::{self, CreateMilestone, MilestoneView};
use crate::services::progress::{
    self, BulkResult, BulkUpdates, CreateUpdate, UpdateQuery, UpdateView,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // Before `/actions/{id}`, so `updates` is not read as an id.
    cfg.service(create_updates)
        .service(list_actions)
        .service(create_action)
        .service(get_action)
        .service(update_action)
        .service(delete_action)
        .service(list_updates)
        .service(create_update)
        .service(list_milestones)
        .service(create_milestone);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct IncludeQuery {
    /// Parts to include, comma-separated: `latest_update`, `milestones`.
    include: Option<String>,
}

/// List the live plan's actions (or, with `archived=true`, the archived
/// ones), filtered and paged; optionally with each one's latest update and
/// milestones.
#[utoipa::path(
    tag = "actions",
    params(PageParams, ActionQuery),
    responses((status = 200, description = "A page of actions, by strategy and reference", body = Page<ActionView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/actions")]
async fn list_actions(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<ActionQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Create an action (administrators and the chair).
#[utoipa::path(
    tag = "actions",
    request_body = CreateAction,
    responses((status = 201, description = "Created", body = ActionView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/actions")]
async fn create_action(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<CreateAction>,
) -> Result<HttpResponse, AppError> {
    let action = service::create(&state.pool, &ctx, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/actions/{}", action.id),
        action.version,
        &action,
    ))
}

/// Read an action, archived or not.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "Action id"), IncludeQuery),
    responses(
        (status = 200, description = "The action", body = ActionView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/actions/{id}")]
async fn get_action(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
    query: Query<IncludeQuery>,
) -> Result<HttpResponse, AppError> {
    let include = Include::parse(query.include.as_deref())?;
    let action = service::get(&state.pool, &ctx, *id, include).await?;
    Ok(respond_versioned(&req, action.version, &action))
}

/// Change an action (needs If-Match). Its details (title, description,
/// dates, ambitions, commitments) are changed by the lead organisation or an
/// administrator; its reference, lead and supporters by an administrator or
/// the chair, who also archive it (`archived: true`: it leaves the live plan
/// and keeps its history) and restore it (`archived: false`). An archived
/// action takes no other change until it is restored (409).
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "Action id"), IfMatch),
    request_body = UpdateAction,
    responses((status = 200, description = "Updated", body = ActionView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/actions/{id}")]
async fn update_action(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateAction>,
) -> Result<HttpResponse, AppError> {
    let action = service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(action.version, &action))
}

/// Delete an action with its milestones and updates (administrators and the
/// chair; needs If-Match). The audit trail keeps what it was; to keep its
/// history in the plan, archive it instead.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "Action id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/actions/{id}")]
async fn delete_action(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An action's progress updates, newest first, with authors and
/// organisations by name.
#[utoipa::path(
    tag = "progress updates",
    params(("id" = Uuid, Path, description = "Action id"), PageParams, UpdateQuery),
    responses((status = 200, description = "A page of updates", body = Page<UpdateView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/actions/{id}/updates")]
async fn list_updates(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    page: Query<PageParams>,
    query: Query<UpdateQuery>,
) -> Result<HttpResponse, AppError> {
    let page = progress::list(&reads, &ctx, *id, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Report on an action. With a `rag` (lead organisation or administrator)
/// the update sets the action's current rating; red and amber need a
/// commentary. Without one it is a note (lead or supporting organisations)
/// or the chair's challenge. If-Match is optional: when sent, the update is
/// refused with 412 if the action changed since.
#[utoipa::path(
    tag = "progress updates",
    params(
        ("id" = Uuid, Path, description = "Action id"),
        ("If-Match" = Option<String>, Header, description = "The action's ETag, to refuse the update if the action changed"),
    ),
    request_body = CreateUpdate,
    responses((status = 201, description = "Posted", body = UpdateView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/actions/{id}/updates")]
async fn create_update(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<CreateUpdate>,
) -> Result<HttpResponse, AppError> {
    let update = progress::post(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/actions/{}/updates", update.action_id),
        ))
        .json(update))
}

/// An action's milestones, by due date.
#[utoipa::path(
    tag = "milestones",
    params(("id" = Uuid, Path, description = "Action id")),
    responses((status = 200, description = "The milestones", body = Vec<MilestoneView>), ReadErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/actions/{id}/milestones")]
async fn list_milestones(
    ctx: Ctx,
    reads: ReadPool,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let items = milestones::list(&reads, &ctx, *id).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Add a milestone to an action (lead organisation or administrators). Its
/// due date is also its baseline.
#[utoipa::path(
    tag = "milestones",
    params(("id" = Uuid, Path, description = "Action id")),
    request_body = CreateMilestone,
    responses((status = 201, description = "Created", body = MilestoneView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/actions/{id}/milestones")]
async fn create_milestone(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    body: Json<CreateMilestone>,
) -> Result<HttpResponse, AppError> {
    let milestone = milestones::create(&state.pool, &ctx, *id, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/milestones/{}", milestone.id),
        milestone.version,
        &milestone,
    ))
}

/// Post many progress updates at once, all or nothing: each is checked as if
/// posted alone (permissions, validation, the action's version when given),
/// and if any is refused nothing is stored and the problem names it
/// (`updates[3].update`).
#[utoipa::path(
    tag = "progress updates",
    request_body = BulkUpdates,
    responses((status = 201, description = "All posted, in the order sent", body = BulkResult), BatchErrors),
    security(("bearer" = [])),
)]
#[post("/actions/updates")]
async fn create_updates(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<BulkUpdates>,
) -> Result<HttpResponse, AppError> {
    let result = progress::post_many(&state.pool, &ctx, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(result))
}
