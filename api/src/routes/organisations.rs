//! `/api/v1/organisations`

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
use crate::services::organisations::{
    self as service, CreateOrganisation, OrganisationQuery, OrganisationView, UpdateOrganisation,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_organisations)
        .service(create_organisation)
        .service(get_organisation)
        .service(update_organisation)
        .service(delete_organisation);
}

/// List partner organisations.
#[utoipa::path(
    tag = "organisations",
    params(PageParams, OrganisationQuery),
    responses((status = 200, description = "A page of organisations, by name", body = Page<OrganisationView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/organisations")]
async fn list_organisations(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<OrganisationQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Add a partner organisation (administrators).
#[utoipa::path(
    tag = "organisations",
    request_body = CreateOrganisation,
    responses((status = 201, description = "Created", body = OrganisationView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/organisations")]
async fn create_organisation(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<CreateOrganisation>,
) -> Result<HttpResponse, AppError> {
    let org = service::create(&state.pool, &ctx, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/organisations/{}", org.id),
        org.version,
        &org,
    ))
}

/// Read an organisation.
#[utoipa::path(
    tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/organisations/{id}")]
async fn get_organisation(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let org = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, org.version, &org))
}

/// Change an organisation (administrators; needs If-Match).
#[utoipa::path(
    tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id"), IfMatch),
    request_body = UpdateOrganisation,
    responses((status = 200, description = "Updated", body = OrganisationView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/organisations/{id}")]
async fn update_organisation(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateOrganisation>,
) -> Result<HttpResponse, AppError> {
    let org = service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(org.version, &org))
}

/// Remove an organisation that has no users and partners no strategy
/// (administrators; needs If-Match).
#[utoipa::path(
    tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/organisations/{id}")]
async fn delete_organisation(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}
