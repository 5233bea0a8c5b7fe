//! `/api/v1/strategies/{id}/commitments` and `/api/v1/commitments/{id}`

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

const KIND: StatementKind = StatementKind::Commitment;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_commitments)
        .service(create_commitment)
        .service(get_commitment)
        .service(update_commitment)
        .service(delete_commitment);
}

/// List a strategy's commitments, by number.
#[utoipa::path(
    tag = "commitments",
    params(("id" = Uuid, Path, description = "Strategy id"), PageParams),
    responses((status = 200, description = "A page of commitments", body = Page<StatementView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/commitments")]
async fn list_commitments(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
    page: actix_web::web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, *id, KIND, &page).await?;
    Ok(respond_page(&req, page))
}

/// Add a commitment to a strategy (administrators).
#[utoipa::path(
    tag = "commitments",
    params(("id" = Uuid, Path, description = "Strategy id")),
    request_body = CreateStatement,
    responses((status = 201, description = "Created", body = StatementView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/strategies/{id}/commitments")]
async fn create_commitment(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    body: Json<CreateStatement>,
) -> Result<HttpResponse, AppError> {
    let item = service::create(&state.pool, &ctx, *id, KIND, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/commitments/{}", item.id),
        item.version,
        &item,
    ))
}

/// Read a commitment.
#[utoipa::path(
    tag = "commitments",
    params(("id" = Uuid, Path, description = "Commitment id")),
    responses(
        (status = 200, description = "The commitment", body = StatementView),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/commitments/{id}")]
async fn get_commitment(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let item = service::get(&state.pool, &ctx, *id, KIND).await?;
    Ok(respond_versioned(&req, item.version, &item))
}

/// Change a commitment (administrators; needs If-Match).
#[utoipa::path(
    tag = "commitments",
    params(
        ("id" = Uuid, Path, description = "Commitment id"),
        ("If-Match" = String, Header, description = "The ETag of the version you read"),
    ),
    request_body = UpdateStatement,
    responses((status = 200, description = "Updated", body = StatementView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/commitments/{id}")]
async fn update_commitment(
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

/// Delete a commitment (administrators; needs If-Match).
#[utoipa::path(
    tag = "commitments",
    params(
        ("id" = Uuid, Path, description = "Commitment id"),
        ("If-Match" = String, Header, description = "The ETag of the version you read"),
    ),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/commitments/{id}")]
async fn delete_commitment(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, KIND, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}
