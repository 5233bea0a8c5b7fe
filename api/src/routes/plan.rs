//! `/api/v1/strategies/{id}/actions/export` and `.../import`: the delivery
//! plan as CSV

use actix_web::http::header;
use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::error::AppError;
use crate::http::docs::{CreateErrors, ReadErrors};
use crate::http::extractors::{CSV_LIMIT, read_body};
use crate::http::read_after::ReadPool;
use crate::services::Ctx;
use crate::services::plan_csv::{self as service, ImportResult};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_plan).service(import_plan);
}

const CSV: &str = "text/csv; charset=utf-8";

/// The strategy's actions as CSV, one row per action, in the columns the
/// import reads: `reference, title, description, ambitions, commitments,
/// lead, supporting, start_date, target_date`. Ambitions and commitments are
/// numbers and organisations are names, each list separated by semicolons.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "Strategy id")),
    responses(
        (status = 200, description = "The delivery plan", content_type = "text/csv", body = String,
         example = json!("reference,title,description,ambitions,commitments,lead,supporting,start_date,target_date\r\nA1.1,Protect children from exploitation,,1;3,2,Nottinghamshire Police,Nottinghamshire County Council,2022-04-01,2025-03-31\r\n")),
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/actions/export")]
async fn export_plan(ctx: Ctx, reads: ReadPool, id: Path<Uuid>) -> Result<HttpResponse, AppError> {
    let body = service::export(&reads, &ctx, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, CSV))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"delivery-plan.csv\"",
        ))
        .body(body))
}

/// Import new actions from CSV in the export's columns (administrators and
/// the chair). The sheet is checked as a whole: if any row is wrong nothing
/// is stored, and the problem lists every error by row number (the header
/// is row 1) and column. At most 1 MiB.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "Strategy id")),
    request_body(content = String, content_type = "text/csv", description = "The sheet, UTF-8, with a header row"),
    responses((status = 201, description = "Every row imported", body = ImportResult), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/strategies/{id}/actions/import")]
async fn import_plan(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
    body: Payload,
) -> Result<HttpResponse, AppError> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        return Err(AppError::UnsupportedMediaType(
            "send the sheet as text/csv".into(),
        ));
    }
    let body = read_body(body, CSV_LIMIT).await?;
    let result = service::import(&state.pool, &ctx, *id, &body).await?;
    Ok(HttpResponse::Created().json(result))
}
