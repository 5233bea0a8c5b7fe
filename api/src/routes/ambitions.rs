//! `/api/v1/strategies/{id}/ambitions` and `/api/v1/ambitions/{id}`

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::domain::StatementKind;
use crate::error::AppError;
use crate::http::docs::{CreateErrors, DeleteErrors, ListErrors, ReadErrors, UpdateErrors};
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::statements::{
    self as service, CreateStatement, StatementView, UpdateStatement,
};
use crate::state::AppState;

const KIND: StatementKind = StatementKind::Ambition;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_ambitions)
        .service(create_ambition)
        .service(get_ambition)
        .service(update_ambition)
        .service(delete_ambition);
}

/// List a strategy's ambitions, by number.
#[utoipa::path(
    tag = "ambitions",
    params(("id" = Uuid, Path, description = "Strategy id"), PageParams),
    responses((status = 200, description = "A page of ambitions", body = Page<StatementView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/ambitions")]
async fn list_ambitions(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
    page: actix_web::web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, *id, KIND, &page).await?;
    Ok(respond_page(&req, page))
}

/// Add an ambition to a strategy (administrators).
#[utoipa::path(
    tag = "ambitions",
    params(("id" = Uuid, Path, description = "Strategy id")),
    request_body = CreateStatement,
    responses((status = 201, description = "Created", body = StatementView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/strategies/{id}/ambitions")]
async fn create_ambition(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    body: Json<CreateStatement>,
) -> Result<HttpResponse, AppError> {
    let item = service::create(&state.pool, &ctx, *id, KIND, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/ambitions/{}", item.id),
        item.version,
        &item,
    ))
}

/// Read an ambition.
#[utoipa::path(
    tag = "ambitions",
    params(("id" = Uuid, Path, description = "Ambition id")),
    responses(
        (status = 200, description = "The ambition", body = StatementView),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/ambitions/{id}")]
async fn get_ambition(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let item = service::get(&state.pool, &ctx, *id, KIND).await?;
    Ok(respond_versioned(&req, item.version, &item))
}

/// Change an ambition (administrators; needs If-Match).
#[utoipa::path(
    tag = "ambitions",
    params(
        ("id" = Uuid, Path, description = "Ambition id"),
        ("If-Match" = String, Header, description = "The ETag of the version you read"),
    ),
    request_body = UpdateStatement,
    responses((status = 200, description = "Updated", body = StatementView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/ambitions/{id}")]
async fn update_ambition(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateStatement>,
) -> Result<HttpResponse, AppError> {
    let item = service::update(
        &state.pool,
        &ctx,
        *id,
        KIND,
        precondition,
        body.into_inner(),
    )
    .await?;
    Ok(respond_updated(item.version, &item))
}

/// Delete an ambition (administrators; needs If-Match).
#[utoipa::path(
    tag = "ambitions",
    params(
        ("id" = Uuid, Path, description = "Ambition id"),
        ("If-Match" = String, Header, description = "The ETag of the version you read"),
    ),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/ambitions/{id}")]
async fn delete_ambition(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, KIND, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}
