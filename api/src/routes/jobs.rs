//! `/api/v1/jobs`: queued work (email, webhook deliveries), for
//! administrators to see what failed and retry it.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::error::AppError;
use crate::http::docs::{ListErrors, ReadErrors, UpdateErrors};
use crate::http::respond_page;
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::jobs::{self as service, JobQuery, JobView};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_jobs).service(get_job).service(retry_job);
}

/// List queued work, oldest first (administrators): `state=dead` lists the
/// jobs that failed every attempt, each with its last error.
#[utoipa::path(
    tag = "jobs",
    params(PageParams, JobQuery),
    responses((status = 200, description = "A page of jobs", body = Page<JobView>), ListErrors),
    security(("bearer" = [])),
)]
#[get("/jobs")]
async fn list_jobs(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<JobQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Read one job (administrators).
#[utoipa::path(
    tag = "jobs",
    params(("id" = Uuid, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobView), ReadErrors),
    security(("bearer" = [])),
)]
#[get("/jobs/{id}")]
async fn get_job(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let job = service::get(&state.pool, &ctx, *id).await?;
    Ok(HttpResponse::Ok().json(job))
}

/// Queue a dead job again, with its attempts restored (administrators).
/// A job that is not dead is 409.
#[utoipa::path(
    tag = "jobs",
    params(("id" = Uuid, Path, description = "Job id")),
    responses((status = 200, description = "Queued again", body = JobView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/jobs/{id}/retry")]
async fn retry_job(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let job = service::retry(&state.pool, &ctx, *id).await?;
    Ok(HttpResponse::Ok().json(job))
}
