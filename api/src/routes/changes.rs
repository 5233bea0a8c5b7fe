//! `/api/v1/changes`: the change feed

use actix_web::web::Query;
use actix_web::{HttpRequest, HttpResponse, get};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;
use crate::http::docs::ListErrors;
use crate::http::pagination::next_link;
use crate::http::read_after::ReadPool;
use crate::services::Ctx;
use crate::services::changes::{self as service, ChangePage, ChangeQuery};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_changes);
}

/// Every change to the plan, in the order the changes committed: read from
/// the start, then poll with the `next_cursor` you were given to keep a copy
/// of the data current without missing or repeating a change.
/// (Administrators, the chair and system tokens not limited to one
/// strategy. User accounts and tokens are not in the feed.)
#[utoipa::path(
    tag = "changes",
    params(ChangeQuery),
    responses((status = 200, description = "A page of changes", body = ChangePage), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/changes")]
async fn list_changes(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    query: Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner()).await?;
    let mut response = HttpResponse::Ok();
    if page.more {
        response.insert_header(next_link(&req, "since", &page.next_cursor));
    }
    Ok(response.json(page))
}
