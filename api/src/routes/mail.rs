//! `/api/v1/me/mail_preferences`: which email notices you receive.

use actix_web::web::{Data, Json};
use actix_web::{HttpResponse, get, put};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;
use crate::http::docs::{ReadErrors, UpdateErrors};
use crate::services::Ctx;
use crate::services::mail::preferences::{self as service, MailPreferences, SetMailPreferences};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_preferences).service(set_preferences);
}

/// Which email notices you receive: every kind is on until you turn it
/// off (here, on the account's email page, or with the unsubscribe link
/// in a message). System tokens have none (403).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "Your choice of notices", body = MailPreferences), ReadErrors),
    security(("bearer" = [])),
)]
#[get("/me/mail_preferences")]
async fn get_preferences(state: Data<AppState>, ctx: Ctx) -> Result<HttpResponse, AppError> {
    let preferences = service::mine(&state.pool, &ctx).await?;
    Ok(HttpResponse::Ok().json(preferences))
}

/// Turn kinds of email notice on or off; kinds left out stay as they are.
/// An unknown kind is refused (422) and nothing changes. Audited; kept out
/// of the change feed.
#[utoipa::path(
    tag = "auth",
    request_body = SetMailPreferences,
    responses((status = 200, description = "Your choice of notices, as now stored", body = MailPreferences), UpdateErrors),
    security(("bearer" = [])),
)]
#[put("/me/mail_preferences")]
async fn set_preferences(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<SetMailPreferences>,
) -> Result<HttpResponse, AppError> {
    let preferences = service::set_mine(&state.pool, &ctx, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(preferences))
}
