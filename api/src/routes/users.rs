//! `/api/v1/users` (administrators)

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{CreateErrors, IfMatch, ListErrors, NotModified, ReadErrors, UpdateErrors};
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::erasure;
use crate::services::users::{self as service, CreateUser, UpdateUser, UserQuery, UserView};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(erase_user);
}

/// List user accounts (administrators).
#[utoipa::path(
    tag = "users",
    params(PageParams, UserQuery),
    responses((status = 200, description = "A page of users, by email", body = Page<UserView>), ListErrors),
    security(("bearer" = [])),
)]
#[get("/users")]
async fn list_users(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<UserQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Create a user account (administrators).
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    responses((status = 201, description = "Created", body = UserView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/users")]
async fn create_user(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<CreateUser>,
) -> Result<HttpResponse, AppError> {
    let user = service::create(&state.pool, &ctx, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/users/{}", user.id),
        user.version,
        &user,
    ))
}

/// Read a user account (administrators).
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = [])),
)]
#[get("/users/{id}")]
async fn get_user(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let user = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, user.version, &user))
}

/// Change, deactivate or reset the password of a user account
/// (administrators; needs If-Match).
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "User id"), IfMatch),
    request_body = UpdateUser,
    responses((status = 200, description = "Updated", body = UserView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/users/{id}")]
async fn update_user(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdateUser>,
) -> Result<HttpResponse, AppError> {
    let user = service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(user.version, &user))
}

/// Erase a user's personal data (UK GDPR, right to erasure; administrators,
/// not their own account; needs If-Match). The name becomes a pseudonym
/// ("Former member, Nottinghamshire Police") and the email a placeholder
/// everywhere they were kept, the audit trail's records of the account
/// included; the account is deactivated, loses its password and every
/// session, and the updates its holder wrote stay, under the pseudonym. The
/// erasure is audited as `erase`. An erased account can no longer change
/// (409).
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "User id"), IfMatch),
    responses((status = 200, description = "Erased", body = UserView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/users/{id}/erase")]
async fn erase_user(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    let user = erasure::erase(&state.pool, &ctx, *id, precondition).await?;
    Ok(respond_updated(user.version, &user))
}
