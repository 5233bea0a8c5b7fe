//! The OpenAPI document's frame: title, security schemes and tags. Paths
//! and schemas are collected from the routes as they are registered.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::domain::validation::FieldError;
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Delivery Plan Tracker API",
        description = "A partnership board's strategy, delivery plan and progress reports.\n\n\
            Sign in with `POST /api/v1/auth/login`, then send the access token as \
            `Authorization: Bearer <token>`. Other systems use a read-only system token the \
            same way. Errors are RFC 9457 problem documents. \
            Writes to existing resources need `If-Match` with the ETag you read.",
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "This server")),
    modifiers(&Security),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "auth", description = "Signing in and out, and your own account"),
        (name = "organisations", description = "Partner organisations"),
        (name = "users", description = "User accounts (administrators)"),
        (name = "strategies", description = "Strategies and their partners"),
        (name = "ambitions", description = "The outcomes a strategy aims for"),
        (name = "commitments", description = "The promises a strategy makes"),
        (name = "actions", description = "The delivery plan's actions and the RAG scale"),
        (name = "progress updates", description = "Reports on actions (append-only)"),
        (name = "milestones", description = "Dated steps of actions"),
        (name = "pledges", description = "Organisations' pledges against commitments"),
        (name = "priorities", description = "Priorities the young people's council raises for the board, and the board's answers"),
        (name = "achievements", description = "What the partnership achieved and what it meant for young people, with figures and voices; approved by the chair for reports"),
        (name = "indicators", description = "Success measures of a strategy, with their values over time"),
        (name = "review", description = "Reporting periods, the chair's dashboard, trend and board reports"),
        (name = "audit", description = "Who changed what, and when"),
        (name = "changes", description = "Every change in commit order, for systems that mirror the data"),
        (name = "jobs", description = "Queued work (email, webhook deliveries) and what failed (administrators)"),
        (name = "webhooks", description = "Other systems' endpoints that receive the change feed as it happens, signed per Standard Webhooks (administrators)"),
        (name = "tokens", description = "Read-only tokens for other systems (administrators)"),
        (name = "health", description = "Probes for orchestrators"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login` (valid 15 minutes by default).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "system_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("dts_…")
                    .description(Some(
                        "A read-only system token made by an administrator with `POST /api/v1/tokens`.",
                    ))
                    .build(),
            ),
        );
    }
}
