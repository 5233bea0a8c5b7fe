//! Ambitions and commitments: one implementation of the routes of a
//! strategy's numbered statements, declared once for each kind so that each
//! kind keeps its own paths, operation ids and tag, and `/ambitions/{id}`
//! never answers for a commitment.

use actix_web::HttpResponse;
use actix_web::web::{Data, Json, Path, Query};

use crate::concurrency::Precondition;
use crate::domain::StatementKind;
use crate::error::AppError;
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::PageParams;
use crate::services::Ctx;
use crate::services::statements::{self as service, CreateStatement, UpdateStatement};
use crate::state::AppState;

/// Declares the five routes of one kind of statement. Paths, tags and
/// descriptions are given whole (`tt`), so that the OpenAPI document reads
/// them as written.
macro_rules! statement_routes {
    (
        kind: $kind:expr,
        tag: $tag:tt,
        collection: $collection:tt,
        item: $item:tt,
        location: $location:tt,
        id: $id:tt,
        a_page: $a_page:tt,
        the_one: $the_one:tt,
        handlers: [$list:ident, $create:ident, $get:ident, $update:ident, $delete:ident $(,)?],
        summaries: [$list_doc:tt, $create_doc:tt, $get_doc:tt, $update_doc:tt, $delete_doc:tt $(,)?] $(,)?
    ) => {
        use actix_web::web::{Data, Json, Path, Query};
        use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
        use utoipa_actix_web::service_config::ServiceConfig;
        use uuid::Uuid;

        use crate::concurrency::Precondition;
        use crate::error::AppError;
        use crate::http::docs::{CreateErrors, DeleteErrors, ListErrors, NotModified, ReadErrors, UpdateErrors};
        use crate::paging::{Page, PageParams};
        use crate::services::Ctx;
        use crate::services::statements::{CreateStatement, StatementView, UpdateStatement};
        use crate::state::AppState;

        /// Registers the routes of this kind of statement.
        pub fn configure(cfg: &mut ServiceConfig) {
            cfg.service($list)
                .service($create)
                .service($get)
                .service($update)
                .service($delete);
        }

        #[doc = $list_doc]
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = "Strategy id"), PageParams),
            responses((status = 200, description = $a_page, body = Page<StatementView>), ListErrors),
            security(("bearer" = []), ("system_token" = [])),
        )]
        #[get($collection)]
        async fn $list(
            state: Data<AppState>,
            ctx: Ctx,
            req: HttpRequest,
            id: Path<Uuid>,
            page: Query<PageParams>,
        ) -> Result<HttpResponse, AppError> {
            super::list(state, ctx, req, id, page, $kind).await
        }

        #[doc = $create_doc]
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = "Strategy id")),
            request_body = CreateStatement,
            responses((status = 201, description = "Created", body = StatementView), CreateErrors),
            security(("bearer" = [])),
        )]
        #[post($collection)]
        async fn $create(
            state: Data<AppState>,
            ctx: Ctx,
            id: Path<Uuid>,
            body: Json<CreateStatement>,
        ) -> Result<HttpResponse, AppError> {
            super::create(state, ctx, id, body, $kind, $location).await
        }

        #[doc = $get_doc]
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id)),
            responses(
                (status = 200, description = $the_one, body = StatementView),
                NotModified,
                ReadErrors,
            ),
            security(("bearer" = []), ("system_token" = [])),
        )]
        #[get($item)]
        async fn $get(
            state: Data<AppState>,
            ctx: Ctx,
            req: HttpRequest,
            id: Path<Uuid>,
        ) -> Result<HttpResponse, AppError> {
            super::read(state, ctx, req, id, $kind).await
        }

        #[doc = $update_doc]
        #[utoipa::path(
            tag = $tag,
            params(
                ("id" = Uuid, Path, description = $id),
                ("If-Match" = String, Header, description = "The ETag of the version you read"),
            ),
            request_body = UpdateStatement,
            responses((status = 200, description = "Updated", body = StatementView), UpdateErrors),
            security(("bearer" = [])),
        )]
        #[patch($item)]
        async fn $update(
            state: Data<AppState>,
            ctx: Ctx,
            id: Path<Uuid>,
            precondition: Precondition,
            body: Json<UpdateStatement>,
        ) -> Result<HttpResponse, AppError> {
            super::update(state, ctx, id, precondition, body, $kind).await
        }

        #[doc = $delete_doc]
        #[utoipa::path(
            tag = $tag,
            params(
                ("id" = Uuid, Path, description = $id),
                ("If-Match" = String, Header, description = "The ETag of the version you read"),
            ),
            responses((status = 204, description = "Deleted"), DeleteErrors),
            security(("bearer" = [])),
        )]
        #[delete($item)]
        async fn $delete(
            state: Data<AppState>,
            ctx: Ctx,
            id: Path<Uuid>,
            precondition: Precondition,
        ) -> Result<HttpResponse, AppError> {
            super::remove(state, ctx, id, precondition, $kind).await
        }
    };
}

/// `/api/v1/strategies/{id}/ambitions` and `/api/v1/ambitions/{id}`
pub mod ambitions {
    statement_routes! {
        kind: crate::domain::StatementKind::Ambition,
        tag: "ambitions",
        collection: "/strategies/{id}/ambitions",
        item: "/ambitions/{id}",
        location: "/api/v1/ambitions/",
        id: "Ambition id",
        a_page: "A page of ambitions",
        the_one: "The ambition",
        handlers: [list_ambitions, create_ambition, get_ambition, update_ambition, delete_ambition],
        summaries: [
            " List a strategy's ambitions, by number.",
            " Add an ambition to a strategy (administrators).",
            " Read an ambition.",
            " Change an ambition (administrators; needs If-Match).",
            " Delete an ambition (administrators; needs If-Match).",
        ],
    }
}

/// `/api/v1/strategies/{id}/commitments` and `/api/v1/commitments/{id}`
pub mod commitments {
    statement_routes! {
        kind: crate::domain::StatementKind::Commitment,
        tag: "commitments",
        collection: "/strategies/{id}/commitments",
        item: "/commitments/{id}",
        location: "/api/v1/commitments/",
        id: "Commitment id",
        a_page: "A page of commitments",
        the_one: "The commitment",
        handlers: [list_commitments, create_commitment, get_commitment, update_commitment, delete_commitment],
        summaries: [
            " List a strategy's commitments, by number.",
            " Add a commitment to a strategy (administrators).",
            " Read a commitment.",
            " Change a commitment (administrators; needs If-Match).",
            " Delete a commitment (administrators; needs If-Match).",
        ],
    }
}

async fn list(
    state: Data<AppState>,
    ctx: Ctx,
    req: actix_web::HttpRequest,
    id: Path<uuid::Uuid>,
    page: Query<PageParams>,
    kind: StatementKind,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&state.pool, &ctx, *id, kind, &page).await?;
    Ok(respond_page(&req, page))
}

async fn create(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<uuid::Uuid>,
    body: Json<CreateStatement>,
    kind: StatementKind,
    location: &str,
) -> Result<HttpResponse, AppError> {
    let item = service::create(&state.pool, &ctx, *id, kind, body.into_inner()).await?;
    Ok(respond_created(
        format!("{location}{}", item.id),
        item.version,
        &item,
    ))
}

async fn read(
    state: Data<AppState>,
    ctx: Ctx,
    req: actix_web::HttpRequest,
    id: Path<uuid::Uuid>,
    kind: StatementKind,
) -> Result<HttpResponse, AppError> {
    let item = service::get(&state.pool, &ctx, *id, kind).await?;
    Ok(respond_versioned(&req, item.version, &item))
}

async fn update(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<uuid::Uuid>,
    precondition: Precondition,
    body: Json<UpdateStatement>,
    kind: StatementKind,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let item = service::update(&state.pool, &ctx, *id, kind, precondition, input).await?;
    Ok(respond_updated(item.version, &item))
}

async fn remove(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<uuid::Uuid>,
    precondition: Precondition,
    kind: StatementKind,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, kind, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}
