//! `/api/v1/auth/*` and `/api/v1/me`

use actix_web::web::{Data, Json, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;
use crate::http::auth::{PasswordChange, client_address};
use crate::http::docs::{AuthErrors, LoginErrors, ReadErrors, UpdateErrors};
use crate::http::read_after::ReadPool;
use crate::http::respond_versioned;
use crate::services::Ctx;
use crate::services::auth::{
    self as service, ChangePassword, LoginRequest, RefreshRequest, TokenResponse,
};
use crate::services::portfolio::{self, Portfolio, PortfolioQuery};
use crate::services::users::UserView;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(get_me)
        .service(get_portfolio)
        .service(change_password);
}

/// Sign in with email and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = TokenResponse), LoginErrors),
    security(()),
)]
#[post("/auth/login")]
async fn login(
    state: Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let client = client_address(&req, state.trust_forwarded);
    let tokens = service::login(&state.pool, &state.identity, &client, body.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens))
}

/// Exchange a refresh token for new tokens. Each refresh token works once;
/// reusing one signs out every session that grew from the same sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = TokenResponse), AuthErrors),
    security(()),
)]
#[post("/auth/refresh")]
async fn refresh(
    state: Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let tokens = service::refresh(&state.pool, &state.identity, body.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens))
}

/// Sign out: the refresh token, and every token of its sign-in, stop working.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"), AuthErrors),
    security(()),
)]
#[post("/auth/logout")]
async fn logout(
    state: Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    service::logout(&state.pool, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user's account. Also answers a user who must change their
/// password first (`must_change_password`).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The caller's account", body = UserView), ReadErrors),
    security(("bearer" = [])),
)]
#[get("/me")]
async fn get_me(
    state: Data<AppState>,
    PasswordChange(ctx): PasswordChange,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let me = service::me(&state.pool, &ctx).await?;
    Ok(respond_versioned(&req, me.version, &me))
}

/// Change your own password. Every session, this one included, ends. A
/// password an administrator set must be changed this way before the
/// account can do anything else.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    responses((status = 204, description = "Changed; sign in again"), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/me/password")]
async fn change_password(
    state: Data<AppState>,
    PasswordChange(ctx): PasswordChange,
    body: Json<ChangePassword>,
) -> Result<HttpResponse, AppError> {
    service::change_password(&state.pool, &ctx, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Your organisation's work in one call: the actions it leads or supports,
/// each with its latest update and milestones, and its pledges.
#[utoipa::path(
    tag = "auth",
    params(PortfolioQuery),
    responses((status = 200, description = "The caller's organisation's actions and pledges", body = Portfolio), ReadErrors),
    security(("bearer" = [])),
)]
#[get("/me/portfolio")]
async fn get_portfolio(
    ctx: Ctx,
    reads: ReadPool,
    query: Query<PortfolioQuery>,
) -> Result<HttpResponse, AppError> {
    let portfolio = portfolio::mine(&reads, &ctx, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(portfolio))
}
