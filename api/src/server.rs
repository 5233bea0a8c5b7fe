//! Assembles the application: routes, middleware, documentation.

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::AppError;
use crate::http::extractors::{json_config, path_config, query_config};
use crate::http::{etag, limits, read_after};
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;
use crate::telemetry::RequestSpan;
use crate::telemetry::metrics::count_requests;
use crate::web as pages;

pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// The application, as each worker builds it.
pub fn app(
    state: web::Data<AppState>,
    cors_origins: Vec<String>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(state)
        .app_data(json_config())
        .app_data(query_config())
        .app_data(path_config())
        .configure(routes::health::configure)
        .service(scope::scope("/api/v1").configure(routes::api))
        .split_for_parts();
    app.service(SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, api))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .configure(pages::configure)
        .default_service(web::to(not_found))
        .wrap(from_fn(etag::tag_reads))
        .wrap(from_fn(read_after::track_writes))
        .wrap(from_fn(limits::limit_query))
        .wrap(cors(&cors_origins))
        .wrap(
            DefaultHeaders::new()
                .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .add((header::X_FRAME_OPTIONS, "DENY"))
                .add((header::REFERRER_POLICY, "no-referrer")),
        )
        .wrap(TracingLogger::<RequestSpan>::new())
        .wrap(from_fn(count_requests))
}

/// An address the service does not serve: a page for a browser, a
/// problem document for the API and other clients.
async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let wants_page = !req.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if wants_page {
        Ok(pages::not_found_page())
    } else {
        Err(AppError::NotFound("no such endpoint".into()))
    }
}

/// The OpenAPI document the application serves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::health::configure)
        .service(scope::scope("/api/v1").configure(routes::api))
        .split_for_parts()
        .1
}

/// Browsers may call the API only from the configured origins.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static(read_after::READ_AFTER_HEADER),
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static(read_after::READ_AFTER_HEADER),
        ])
        .max_age(3600);
    for origin in origins.iter().filter(|o| !o.trim().is_empty()) {
        cors = cors.allowed_origin(origin.trim());
    }
    cors
}
