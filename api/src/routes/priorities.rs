//! `/api/v1/priorities`: the young people's council's priorities and the
//! board's answers.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{CreateErrors, IfMatch, ListErrors, NotModified, ReadErrors, UpdateErrors};
use crate::http::read_after::ReadPool;
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::priorities::{
    self as service, AnswerPriority, PriorityQuery, PriorityView, RaisePriority,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_priorities)
        .service(raise_priority)
        .service(get_priority)
        .service(answer_priority)
        .service(export_priorities);
}

/// A strategy's priorities as CSV, one row per priority with the board's
/// answer as it stands: the columns are listed in the example. Lists
/// (ambition and commitment numbers, action references) are separated by
/// semicolons.
#[utoipa::path(
    tag = "priorities",
    params(("id" = Uuid, Path, description = "Strategy id")),
    responses(
        (status = 200, description = "The priorities", content_type = "text/csv", body = String,
         example = json!("Title,Raised on,Where it was raised,Raised by,What young people said,Why it matters,Ambitions,Commitments,Status,Answer due,Overdue,First answered,What will be done,By whom,By when,Why not,What changed,Actions,Latest message to young people\r\n")),
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/priorities/export")]
async fn export_priorities(
    ctx: Ctx,
    reads: ReadPool,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let body = service::export(&reads, &ctx, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                service::sheet::file_name(*id)
            ),
        ))
        .body(body))
}

/// List the young people's council's priorities, each with the board's
/// answers.
#[utoipa::path(
    tag = "priorities",
    params(PageParams, PriorityQuery),
    responses((status = 200, description = "A page of priorities, oldest first", body = Page<PriorityView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/priorities")]
async fn list_priorities(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<PriorityQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Raise a priority for the board (members of the young people's council,
/// or administrators on its behalf). The board's answer is due a set
/// number of days after the day it was raised.
#[utoipa::path(
    tag = "priorities",
    request_body = RaisePriority,
    responses((status = 201, description = "Raised", body = PriorityView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/priorities")]
async fn raise_priority(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<RaisePriority>,
) -> Result<HttpResponse, AppError> {
    let priority = service::raise(
        &state.pool,
        &ctx,
        body.into_inner(),
        state.priority_response_days,
    )
    .await?;
    Ok(respond_created(
        format!("/api/v1/priorities/{}", priority.id),
        priority.version,
        &priority,
    ))
}

/// Read a priority with the board's answers.
#[utoipa::path(
    tag = "priorities",
    params(("id" = Uuid, Path, description = "Priority id")),
    responses(
        (status = 200, description = "The priority", body = PriorityView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/priorities/{id}")]
async fn get_priority(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let priority = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, priority.version, &priority))
}

/// Answer a priority (the chair and administrators; needs If-Match):
/// accept it (what will be done, by whom, by when, and the actions that
/// will do it), decline it (why), start or finish the work (what changed).
/// Every answer carries a message to young people and is kept in the
/// priority's history. A step the priority cannot take is 409.
#[utoipa::path(
    tag = "priorities",
    params(("id" = Uuid, Path, description = "Priority id"), IfMatch),
    request_body = AnswerPriority,
    responses((status = 200, description = "Answered", body = PriorityView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/priorities/{id}/answers")]
async fn answer_priority(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<AnswerPriority>,
) -> Result<HttpResponse, AppError> {
    let priority = service::answer(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(priority.version, &priority))
}
