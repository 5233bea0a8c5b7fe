//! `/api/v1/achievements`: what the partnership achieved and what it meant
//! for young people, with figures and voices, and the chair's approval.

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{
    CreateErrors, DeleteErrors, IfMatch, ListErrors, NotModified, ReadErrors, UpdateErrors,
};
use crate::http::read_after::ReadPool;
use crate::http::{respond_created, respond_page, respond_updated, respond_versioned};
use crate::paging::{Page, PageParams};
use crate::services::Ctx;
use crate::services::achievements::{
    self as service, AchievementQuery, AchievementView, ReviewAchievement, WriteAchievement,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_achievements)
        .service(write_achievement)
        .service(get_achievement)
        .service(change_achievement)
        .service(delete_achievement)
        .service(approve_achievement)
        .service(return_achievement);
}

/// List achievements. Approved ones are listed to everyone who reads the
/// plan; drafts and returned ones only to the organisation that wrote
/// them, the chair and administrators.
#[utoipa::path(
    tag = "achievements",
    params(PageParams, AchievementQuery),
    responses((status = 200, description = "A page of achievements, oldest first", body = Page<AchievementView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/achievements")]
async fn list_achievements(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    page: Query<PageParams>,
    query: Query<AchievementQuery>,
) -> Result<HttpResponse, AppError> {
    let page = service::list(&reads, &ctx, query.into_inner(), &page).await?;
    Ok(respond_page(&req, page))
}

/// Write an achievement, as a draft for the chair to approve. Board
/// members write them for actions their organisation leads or supports.
/// No names or other details of children: text holding an email address,
/// a telephone number, a date that could be a date of birth or a postcode
/// is refused with 422 naming the field, and nothing is stored.
#[utoipa::path(
    tag = "achievements",
    request_body = WriteAchievement,
    responses((status = 201, description = "Written, as a draft", body = AchievementView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/achievements")]
async fn write_achievement(
    state: Data<AppState>,
    ctx: Ctx,
    body: Json<WriteAchievement>,
) -> Result<HttpResponse, AppError> {
    let achievement = service::create(&state.pool, &ctx, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/achievements/{}", achievement.id),
        achievement.version,
        &achievement,
    ))
}

/// Read an achievement (a draft only as its organisation, the chair or an
/// administrator; to anyone else it does not exist).
#[utoipa::path(
    tag = "achievements",
    params(("id" = Uuid, Path, description = "Achievement id")),
    responses(
        (status = 200, description = "The achievement", body = AchievementView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/achievements/{id}")]
async fn get_achievement(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let achievement = service::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, achievement.version, &achievement))
}

/// Change an achievement, sent whole (its figures and voices replace those
/// it had; needs If-Match). A board member's change to an approved one
/// makes it a draft again, for the chair to approve.
#[utoipa::path(
    tag = "achievements",
    params(("id" = Uuid, Path, description = "Achievement id"), IfMatch),
    request_body = WriteAchievement,
    responses((status = 200, description = "Changed", body = AchievementView), UpdateErrors),
    security(("bearer" = [])),
)]
#[put("/achievements/{id}")]
async fn change_achievement(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<WriteAchievement>,
) -> Result<HttpResponse, AppError> {
    let achievement =
        service::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(achievement.version, &achievement))
}

/// Delete an achievement (its writers while it is not approved; the chair
/// and administrators at any time; needs If-Match).
#[utoipa::path(
    tag = "achievements",
    params(("id" = Uuid, Path, description = "Achievement id"), IfMatch),
    responses((status = 204, description = "Deleted"), DeleteErrors),
    security(("bearer" = [])),
)]
#[delete("/achievements/{id}")]
async fn delete_achievement(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    service::delete(&state.pool, &ctx, *id, precondition).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Approve an achievement for reports (the chair and administrators;
/// needs If-Match). Every voice must have consent to publish recorded
/// (422 naming the voice otherwise); one approved already is 409.
#[utoipa::path(
    tag = "achievements",
    params(("id" = Uuid, Path, description = "Achievement id"), IfMatch),
    request_body = ReviewAchievement,
    responses((status = 200, description = "Approved", body = AchievementView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/achievements/{id}/approve")]
async fn approve_achievement(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<ReviewAchievement>,
) -> Result<HttpResponse, AppError> {
    let achievement =
        service::approve(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(achievement.version, &achievement))
}

/// Return an achievement to its writers with a comment saying what to
/// change (the chair and administrators; needs If-Match). An approved one
/// leaves reports until approved again.
#[utoipa::path(
    tag = "achievements",
    params(("id" = Uuid, Path, description = "Achievement id"), IfMatch),
    request_body = ReviewAchievement,
    responses((status = 200, description = "Returned", body = AchievementView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/achievements/{id}/return")]
async fn return_achievement(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<ReviewAchievement>,
) -> Result<HttpResponse, AppError> {
    let achievement =
        service::send_back(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(achievement.version, &achievement))
}
