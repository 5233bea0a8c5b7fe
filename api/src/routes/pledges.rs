//! `/api/v1/pledges`

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, put};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::conditional::etag;
use crate::http::docs::{ListErrors, NotModified, ReadErrors, UpdateErrors};
use crate::http::read_after::ReadPool;
use crate::http::{respond_page, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::pledges::{self as service, PledgeQuery, PledgeView, WritePledge};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_pledges)
        .service(get_pledge)
        .service(put_pledge);
}

/// List pledges.
#[utoipa::path(
    tag = "pledges",
    params(PageParams, PledgeQuery),
    responses((status = 200, description = "A page of pledges", body = Page<PledgeView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/pledges")]
async fn list_pledges(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<PledgeQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Read an organisation's pledge against a commitment, with its history.
#[utoipa::path(
    tag = "pledges",
    params(
        ("organisation_id" = Uuid, Path, description = "Organisation id"),
        ("commitment_id" = Uuid, Path, description = "Commitment id"),
    ),
    responses(
        (status = 200, description = "The pledge", body = PledgeView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/pledges/{organisation_id}/{commitment_id}")]
async fn get_pledge(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    path: Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let (organisation_id, commitment_id) = path.into_inner();
    let pledge = service::get(&state.pool, &ctx, organisation_id, commitment_id).await?;
    Ok(respond_versioned(&req, pledge.version, &pledge))
}

/// Write an organisation's pledge against a commitment (that organisation's
/// members, or administrators). Creates it (201) or replaces it (200; needs
/// If-Match). Every version is kept.
#[utoipa::path(
    tag = "pledges",
    params(
        ("organisation_id" = Uuid, Path, description = "Organisation id"),
        ("commitment_id" = Uuid, Path, description = "Commitment id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version you read (to replace a pledge)"),
    ),
    request_body = WritePledge,
    responses(
        (status = 200, description = "Replaced", body = PledgeView),
        (status = 201, description = "Created", body = PledgeView),
        UpdateErrors,
    ),
    security(("bearer" = [])),
)]
#[put("/pledges/{organisation_id}/{commitment_id}")]
async fn put_pledge(
    state: Data<AppState>,
    ctx: Ctx,
    path: Path<(Uuid, Uuid)>,
    precondition: Precondition,
    body: Json<WritePledge>,
) -> Result<HttpResponse, AppError> {
    let (organisation_id, commitment_id) = path.into_inner();
    let (pledge, created) = service::write(
        &state.pool,
        &ctx,
        organisation_id,
        commitment_id,
        precondition,
        body.into_inner(),
    )
    .await?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((
            "Location",
            format!("/api/v1/pledges/{organisation_id}/{commitment_id}"),
        ))
        .insert_header(actix_web::http::header::ETag(etag(pledge.version)))
        .json(pledge))
}
