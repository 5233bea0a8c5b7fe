//! `/api/v1/strategies`

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{
    CreateErrors, DeleteErrors, IfMatch, ListErrors, NotModified, ReadErrors, UpdateErrors,
};
use crate::http::read_after::ReadPool;
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::strategies::{
    self as service, CreateStrategy, StrategyQuery, StrategyView, UpdateStrategy,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_strategies)
        .service(create_strategy)
        .service(get_strategy)
        .service(update_strategy)
        .service(delete_strategy);
}

/// List strategies.
#[utoipa::path(
    tag = "strategies",
    params(PageParams, StrategyQuery),
    responses((status = 200, description = "A page of strategies, by start of period", body = Page<StrategyView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies")]
async fn list_strategies(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<StrategyQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Create a strategy (administrators).
#[utoipa::path(
    tag = "strategies",
    request_body = CreateStrategy,
    responses((status = 201, description = "Created", body = StrategyView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/strategies")]
async fn create_strategy(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<CreateStrategy>,
) -> Result<HttpResponse, AppError> {
    let strategy = service::create(&state.pool, &ctx, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/strategies/{}", strategy.id),
        strategy.version,
        &strategy,
    ))
}

/// Read a strategy, with its partners.
#[utoipa::path(
    tag = "strategies",
    params(("id" = Uuid, Path, description = "Strategy id")),
    responses(
        (status = 200, description = "The strategy", body = StrategyView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}")]
async fn get_strategy(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let strategy = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, strategy.version, &strategy))
}

/// Change a strategy or its partners (administrators; needs If-Match).
#[utoipa::path(
    tag = "strategies",
    params(("id" = Uuid, Path, description = "Strategy id"), IfMatch),
    request_body = UpdateStrategy,
    responses((status = 200, description = "Updated", body = StrategyView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/strategies/{id}")]
async fn update_strategy(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateStrategy>,
) -> Result<HttpResponse, AppError> {
    let strategy = service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(strategy.version, &strategy))
}

/// Delete a draft strategy with everything in it (administrators; needs
/// If-Match). Active and archived strategies cannot be deleted.
#[utoipa::path(
    tag = "strategies",
    params(("id" = Uuid, Path, description = "Strategy id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/strategies/{id}")]
async fn delete_strategy(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}
