//! `/api/v1/audit` (administrators and the chair)

use actix_web::web::Query;
use actix_web::{HttpRequest, HttpResponse, get};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;
use crate::http::docs::ListErrors;
use crate::http::read_after::ReadPool;
use crate::http::respond_page;
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::audit_log::{self as service, AuditEventView, AuditQuery};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

/// The audit trail, newest first: who changed what, when, with the record
/// before and after (administrators and the chair).
#[utoipa::path(
    tag = "audit",
    params(PageParams, AuditQuery),
    responses((status = 200, description = "A page of audit events", body = Page<AuditEventView>), ListErrors),
    security(("bearer" = [])),
)]
#[get("/audit")]
async fn list_audit_events(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}
