//! Liveness and readiness probes.

use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;
use crate::services::health;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Whether the process is up.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The process is up", body = Health)),
    security(()),
)]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Whether the service can reach its database.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/readyz")]
async fn readyz(state: Data<AppState>) -> Result<HttpResponse, AppError> {
    if health::database_ready(&state.pool).await {
        Ok(HttpResponse::Ok().json(Health { status: "ready" }))
    } else {
        Err(AppError::Unavailable("database ping failed".into()))
    }
}
