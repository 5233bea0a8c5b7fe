//! `/api/v1/rag-definitions`

use actix_web::{HttpResponse, get};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::rag::{RagDefinition, definitions};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_rag_definitions);
}

/// The RAG scale, worst first, with the wording every client should show.
#[utoipa::path(
    tag = "actions",
    responses((status = 200, description = "The definitions", body = Vec<RagDefinition>)),
    security(()),
)]
#[get("/rag-definitions")]
async fn list_rag_definitions() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .json(definitions())
}
