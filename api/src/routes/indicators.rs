//! `/api/v1/strategies/{id}/indicators`, `/api/v1/indicators/{id}` and
//! `/api/v1/indicators/{id}/values`

use actix_web::http::header::{self, EntityTag};
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::conditional::{derived_etag, respond_tagged};
use crate::http::docs::{
    CreateErrors, DeleteErrors, IfMatch, ListErrors, NotModified, ReadErrors, UpdateErrors,
};
use crate::http::read_after::ReadPool;
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::indicators::{
    self as service, CorrectValue, CreateIndicator, IndicatorValueView, IndicatorView, RecordValue,
    UpdateIndicator,
};
use crate::state::AppState;

/// An indicator shows figures derived from its values, so its tag changes
/// with them as well as with its version.
fn tag(item: &IndicatorView) -> EntityTag {
    derived_etag(item.version, item.values_stamp)
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_indicators)
        .service(create_indicator)
        .service(get_indicator)
        .service(update_indicator)
        .service(delete_indicator)
        .service(list_values)
        .service(record_value)
        .service(get_value)
        .service(correct_value);
}

/// List a strategy's indicators, each with its latest value, direction of
/// travel and whether it is on track.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Strategy id"), PageParams),
    responses((status = 200, description = "A page of indicators", body = Page<IndicatorView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/indicators")]
async fn list_indicators(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, *id, &page).await?;
    Ok(respond_page(&req, page))
}

/// Define an indicator of a strategy (administrators).
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Strategy id")),
    request_body = CreateIndicator,
    responses((status = 201, description = "Created", body = IndicatorView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/strategies/{id}/indicators")]
async fn create_indicator(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    body: Json<CreateIndicator>,
) -> Result<HttpResponse, AppError> {
    let item = service::create(&state.pool, &ctx, *id, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/indicators/{}", item.id)))
        .insert_header(header::ETag(tag(&item)))
        .json(&item))
}

/// Read an indicator with its figures.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Indicator id")),
    responses(
        (status = 200, description = "The indicator", body = IndicatorView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/indicators/{id}")]
async fn get_indicator(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let item = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_tagged(&req, tag(&item), &item))
}

/// Change an indicator's definition (administrators; needs If-Match).
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Indicator id"), IfMatch),
    request_body = UpdateIndicator,
    responses((status = 200, description = "Updated", body = IndicatorView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/indicators/{id}")]
async fn update_indicator(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateIndicator>,
) -> Result<HttpResponse, AppError> {
    let item = service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(tag(&item)))
        .json(&item))
}

/// Delete an indicator that has no values (administrators; needs If-Match).
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Indicator id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/indicators/{id}")]
async fn delete_indicator(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List an indicator's values, oldest first.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Indicator id"), PageParams),
    responses((status = 200, description = "A page of values", body = Page<IndicatorValueView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/indicators/{id}/values")]
async fn list_values(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::list_values(&reads, &ctx, *id, &page).await?;
    Ok(respond_page(&req, page))
}

/// Record a value (members of the owning organisation, or administrators).
/// A breakdown whose parts do not add up to the total is refused unless
/// `accept_breakdown_mismatch` is true; it is then flagged wherever shown.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Indicator id")),
    request_body = RecordValue,
    responses((status = 201, description = "Recorded", body = IndicatorValueView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/indicators/{id}/values")]
async fn record_value(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    body: Json<RecordValue>,
) -> Result<HttpResponse, AppError> {
    let item = service::record(&state.pool, &ctx, *id, body.into_inner()).await?;
    Ok(respond_created(
        format!(
            "/api/v1/indicators/{}/values/{}",
            item.indicator_id, item.id
        ),
        item.version,
        &item,
    ))
}

/// Read a value with every version of it.
#[utoipa::path(
    tag = "indicators",
    params(
        ("id" = Uuid, Path, description = "Indicator id"),
        ("value_id" = Uuid, Path, description = "Value id"),
    ),
    responses(
        (status = 200, description = "The value", body = IndicatorValueView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/indicators/{id}/values/{value_id}")]
async fn get_value(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    path: Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (id, value_id) = path.into_inner();
    let item = service::get_value(&state.pool, &ctx, id, value_id).await?;
    Ok(respond_versioned(&req, item.version, &item))
}

/// Correct a value (members of the owning organisation, or administrators;
/// needs If-Match). Every version is kept.
#[utoipa::path(
    tag = "indicators",
    params(
        ("id" = Uuid, Path, description = "Indicator id"),
        ("value_id" = Uuid, Path, description = "Value id"),
        ("If-Match" = String, Header, description = "The ETag of the version you read"),
    ),
    request_body = CorrectValue,
    responses((status = 200, description = "Corrected", body = IndicatorValueView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/indicators/{id}/values/{value_id}")]
async fn correct_value(
    state: Data<AppState>,
    ctx: Ctx,
    path: Path<(Uuid, Uuid)>,
    precondition: Precondition,
    body: Json<CorrectValue>,
) -> Result<HttpResponse, AppError> {
    let (id, value_id) = path.into_inner();
    let item = service::correct(
        &state.pool,
        &ctx,
        id,
        value_id,
        precondition,
        body.into_inner(),
    )
    .await?;
    Ok(respond_updated(item.version, &item))
}
