//! `/api/v1/tokens`: system tokens (administrators)

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::error::AppError;
use crate::http::docs::{CreateErrors, ListErrors, ReadErrors};
use crate::http::respond_page;
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::tokens::{self as service, CreateToken, CreatedToken, TokenView};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tokens)
        .service(create_token)
        .service(get_token)
        .service(revoke_token);
}

/// List system tokens, newest first (administrators). Secrets are never
/// shown again.
#[utoipa::path(
    tag = "tokens",
    params(PageParams),
    responses((status = 200, description = "A page of tokens", body = Page<TokenView>), ListErrors),
    security(("bearer" = [])),
)]
#[get("/tokens")]
async fn list_tokens(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, &page).await?;
    Ok(respond_page(&req, page))
}

/// Make a read-only system token for another system (administrators). The
/// response carries the secret, once: send it as `Authorization: Bearer`.
#[utoipa::path(
    tag = "tokens",
    request_body = CreateToken,
    responses((status = 201, description = "Created; `secret` is shown only now", body = CreatedToken), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/tokens")]
async fn create_token(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<CreateToken>,
) -> Result<HttpResponse, AppError> {
    let created = service::create(&state.pool, &ctx, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/tokens/{}", created.token.id),
        ))
        .json(created))
}

/// Read a system token: its name, scope, expiry and last use (administrators).
#[utoipa::path(
    tag = "tokens",
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 200, description = "The token", body = TokenView), ReadErrors),
    security(("bearer" = [])),
)]
#[get("/tokens/{id}")]
async fn get_token(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let token = service::get(&state.pool, &ctx, *id).await?;
    Ok(HttpResponse::Ok().json(token))
}

/// Revoke a system token at once (administrators). It stays in the list,
/// marked revoked.
#[utoipa::path(
    tag = "tokens",
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), ReadErrors),
    security(("bearer" = [])),
)]
#[delete("/tokens/{id}")]
async fn revoke_token(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    service::revoke(&state.pool, &ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
