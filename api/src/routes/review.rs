//! The chair's review: reporting periods, the dashboard, the trend and the
//! board report.

use actix_web::web::{Data, Json, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::docs::{
    AnnualErrors, CreateErrors, HalfYearErrors, IfMatch, ListErrors, NotModified, ReadErrors,
    ReportErrors, UpdateErrors,
};
use crate::http::etag::{data_tag, not_modified};
use crate::http::read_after::ReadPool;
use crate::http::{respond_created, respond_updated, respond_versioned, views};
use crate::report::annual::{self, AnnualAudience, AnnualFormat, AnnualReport};
use crate::report::half_year::{self, HalfYearFormat, HalfYearReport};
use crate::report::{self, Audience, Format, plain::PlainReport};
use crate::services::context::visible;
use crate::services::periods::{self, CreatePeriod, PeriodView, UpdatePeriod};
use crate::services::review::{
    self, AnnualQuery, Dashboard, DashboardQuery, HalfYearQuery, LocalOfferQuery, MomentQuery,
    Report, Trend,
};
use crate::services::{Ctx, changes};
use crate::state::AppState;
use crate::state::view_cache::View;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_periods)
        .service(create_period)
        .service(get_period)
        .service(update_period)
        .service(close_period)
        .service(get_dashboard)
        .service(get_trend)
        .service(get_report)
        .service(get_half_year_report)
        .service(get_annual_report)
        .service(get_local_offer_update);
}

/// A strategy's reporting periods, earliest first.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id")),
    responses((status = 200, description = "The periods", body = Vec<PeriodView>), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/periods")]
async fn list_periods(ctx: Ctx, reads: ReadPool, id: Path<Uuid>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(periods::list(&reads, &ctx, *id).await?))
}

/// Add a reporting period to a strategy (administrators and the chair).
/// Periods of a strategy do not overlap.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id")),
    request_body = CreatePeriod,
    responses((status = 201, description = "Created", body = PeriodView), CreateErrors),
    security(("bearer" = [])),
)]
#[post("/strategies/{id}/periods")]
async fn create_period(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    body: Json<CreatePeriod>,
) -> Result<HttpResponse, AppError> {
    let period = periods::create(&state.pool, &ctx, *id, body.into_inner()).await?;
    Ok(respond_created(
        format!("/api/v1/periods/{}", period.id),
        period.version,
        &period,
    ))
}

/// Read a reporting period.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Period id")),
    responses(
        (status = 200, description = "The period", body = PeriodView),
        NotModified,
        ReadErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/periods/{id}")]
async fn get_period(
    state: Data<AppState>,
    ctx: Ctx,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let period = periods::get(&state.pool, &ctx, *id).await?;
    Ok(respond_versioned(&req, period.version, &period))
}

/// Rename an open period or change its dates (administrators and the chair;
/// needs If-Match).
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Period id"), IfMatch),
    request_body = UpdatePeriod,
    responses((status = 200, description = "Updated", body = PeriodView), UpdateErrors),
    security(("bearer" = [])),
)]
#[patch("/periods/{id}")]
async fn update_period(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
    body: Json<UpdatePeriod>,
) -> Result<HttpResponse, AppError> {
    let period = periods::update(&state.pool, &ctx, *id, precondition, body.into_inner()).await?;
    Ok(respond_updated(period.version, &period))
}

/// Close a period (administrators and the chair): every action's and
/// pledge's state is kept, so the period's reports never change. If-Match
/// is optional.
#[utoipa::path(
    tag = "review",
    params(
        ("id" = Uuid, Path, description = "Period id"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the version you read"),
    ),
    responses((status = 200, description = "Closed", body = PeriodView), UpdateErrors),
    security(("bearer" = [])),
)]
#[post("/periods/{id}/close")]
async fn close_period(
    state: Data<AppState>,
    ctx: Ctx,
    id: Path<Uuid>,
    precondition: Precondition,
) -> Result<HttpResponse, AppError> {
    let period = periods::close(&state.pool, &ctx, *id, precondition).await?;
    Ok(respond_updated(period.version, &period))
}

/// The chair's dashboard: RAG counts by ambition, commitment and lead
/// organisation; red and amber exceptions with their commentary; overdue
/// milestones and actions; stale actions; who has not reported this period;
/// the pledge matrix. Now, as at a past day, or for a period.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id"), MomentQuery, DashboardQuery),
    responses((status = 200, description = "The dashboard", body = Dashboard), ListErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/dashboard")]
async fn get_dashboard(
    state: Data<AppState>,
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    moment: Query<MomentQuery>,
    query: Query<DashboardQuery>,
) -> Result<HttpResponse, AppError> {
    // Whether the caller may see the strategy is checked on every
    // request, before a tag or a kept copy can answer.
    visible(&ctx.actor, *id, "strategy")?;
    let stamp = changes::data_stamp(&reads, &ctx).await?;
    let tag = data_tag(&stamp, &req);
    if let Some(response) = not_modified(&req, &tag) {
        return Ok(response);
    }
    let key = views::key(View::Dashboard, *id, &stamp, &req, &ctx.clock);
    let (id, pool, ctx, moment, query) = (*id, &*reads, &ctx, &*moment, &*query);
    let stale_days = state.stale_days;
    let served = state
        .view_cache
        .get_or_compute(key, move || async move {
            let dashboard = review::dashboard(pool, ctx, id, moment, query, stale_days).await?;
            views::json(&dashboard)
        })
        .await?;
    Ok(views::respond(&served, tag))
}

/// The RAG distribution in each closed period, and each action's ratings,
/// direction of travel and red streak.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id")),
    responses((status = 200, description = "The trend", body = Trend), ReadErrors),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/trend")]
async fn get_trend(
    state: Data<AppState>,
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    visible(&ctx.actor, *id, "strategy")?;
    let stamp = changes::data_stamp(&reads, &ctx).await?;
    let tag = data_tag(&stamp, &req);
    if let Some(response) = not_modified(&req, &tag) {
        return Ok(response);
    }
    let key = views::key(View::Trend, *id, &stamp, &req, &ctx.clock);
    let (id, pool, ctx) = (*id, &*reads, &ctx);
    let served = state
        .view_cache
        .get_or_compute(key, move || async move {
            views::json(&review::trend(pool, ctx, id).await?)
        })
        .await?;
    Ok(views::respond(&served, tag))
}

/// The report as JSON: for the board, or in plain language for children
/// and young people (`audience=young_people`).
#[derive(ToSchema)]
#[allow(dead_code, clippy::large_enum_variant)] // Only describes the response.
#[serde(untagged)]
enum ReportBody {
    Board(Report),
    YoungPeople(PlainReport),
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// `json` (default), `csv` (one row per action, opens in Excel), `md`
    /// or `html` (one printable page).
    #[param(inline)]
    format: Option<Format>,
    /// `board` (default) or `young_people`.
    #[param(inline)]
    audience: Option<Audience>,
    /// Only this organisation's part: the actions it leads, its pledges and
    /// the indicators it records (for a partner's own governance).
    organisation_id: Option<Uuid>,
}

/// The board report: per ambition, each action with its RAG, direction of
/// travel, latest commentary and milestones; summary counts; exceptions
/// first; pledges. Now, as at a past day, or for a period; for the board or,
/// in plain language, for children and young people.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id"), MomentQuery, ReportQuery),
    responses(
        (status = 200, description = "The report", content(
            (ReportBody = "application/json"),
            (String = "text/csv"),
            (String = "text/markdown"),
            (String = "text/html"),
        )),
        ReportErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/report")]
async fn get_report(
    state: Data<AppState>,
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    moment: Query<MomentQuery>,
    query: Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    visible(&ctx.actor, *id, "strategy")?;
    let stamp = changes::data_stamp(&reads, &ctx).await?;
    let tag = data_tag(&stamp, &req);
    if let Some(response) = not_modified(&req, &tag) {
        return Ok(response);
    }
    let key = views::key(View::Report, *id, &stamp, &req, &ctx.clock);
    let (id, pool, ctx, moment, query) = (*id, &*reads, &ctx, &*moment, &*query);
    let served = state
        .view_cache
        .get_or_compute(key, move || async move {
            let full = review::report(pool, ctx, id, moment, query.organisation_id).await?;
            let rendered = report::render(
                &full,
                query.audience.unwrap_or_default(),
                query.format.unwrap_or_default(),
            )?;
            Ok::<_, AppError>(views::rendered(rendered))
        })
        .await?;
    Ok(views::respond(&served, tag))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HalfYearFormatQuery {
    /// `json` (default), `md` or `html` (one printable page).
    #[param(inline)]
    format: Option<HalfYearFormat>,
}

/// The six-monthly report to the young people's council, "You said, we
/// did", in plain words: how the work towards each ambition is going, how
/// each partner keeps each commitment, and every priority raised or
/// answered in the half-year with the board's answers. For closed periods
/// (the state the latest closed with) or from one day to another (the
/// state at the end of `to`); by default the last two closed periods.
#[utoipa::path(
    tag = "review",
    params(
        ("id" = Uuid, Path, description = "Strategy id"),
        HalfYearQuery,
        HalfYearFormatQuery,
    ),
    responses(
        (status = 200, description = "The report", content(
            (HalfYearReport = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        )),
        HalfYearErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/half_year_report")]
async fn get_half_year_report(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    query: Query<HalfYearQuery>,
    format: Query<HalfYearFormatQuery>,
) -> Result<HttpResponse, AppError> {
    let tag = data_tag(&changes::data_stamp(&reads, &ctx).await?, &req);
    if let Some(response) = not_modified(&req, &tag) {
        return Ok(response);
    }
    let data = review::half_year(&reads, &ctx, *id, &query).await?;
    let rendered = half_year::render(&data, format.format.unwrap_or_default())?;
    Ok(views::respond(&views::rendered(rendered), tag))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PaperQuery {
    /// `json` (default), `html` (one printable A4 page) or `docx` (a Word
    /// document, downloaded).
    #[param(inline)]
    format: Option<AnnualFormat>,
    /// `committee` (default) or `young_people` (plain words, no ratings by
    /// letter or colour; as JSON, the document's blocks).
    #[param(inline)]
    audience: Option<AnnualAudience>,
}

/// A paper as JSON: the committee's report, or the young people's
/// document.
#[derive(ToSchema)]
#[allow(dead_code, clippy::large_enum_variant)] // Only describes the response.
#[serde(untagged)]
enum PaperBody {
    Committee(AnnualReport),
    YoungPeople(annual::document::Document),
}

/// The annual report to committee on the board's work and the strategy's
/// impact, for a calendar year (`year`) or from one day to another, as at
/// the end of its last day: the RAG summary and its trend across the
/// closed periods that ended in it, progress and approved achievements by
/// ambition, where progress was not as expected, the indicators with their
/// charts, the partners' pledges, what young people asked for, and next
/// steps. JSON, a printable page or a Word document; for the committee or,
/// in plain words, for young people.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id"), AnnualQuery, PaperQuery),
    responses(
        (status = 200, description = "The report", content(
            (PaperBody = "application/json"),
            (String = "text/html"),
            (String = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        AnnualErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/annual_report")]
async fn get_annual_report(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    query: Query<AnnualQuery>,
    paper: Query<PaperQuery>,
) -> Result<HttpResponse, AppError> {
    respond_paper(&req, &reads, &ctx, *id, &paper, async || {
        review::annual(&reads, &ctx, *id, &query).await
    })
    .await
}

/// Answers with a paper made by `gather`, unless the caller holds it as
/// the data stands (304); visibility is checked before the data's tag is
/// read, so an unseen strategy is 404 whatever the caller sends.
async fn respond_paper(
    req: &HttpRequest,
    reads: &ReadPool,
    ctx: &Ctx,
    strategy_id: Uuid,
    paper: &PaperQuery,
    gather: impl AsyncFnOnce() -> Result<review::Annual, AppError>,
) -> Result<HttpResponse, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let tag = data_tag(&changes::data_stamp(reads, ctx).await?, req);
    if let Some(response) = not_modified(req, &tag) {
        return Ok(response);
    }
    let rendered = annual::render_apart(
        gather().await?,
        paper.audience.unwrap_or_default(),
        paper.format.unwrap_or_default(),
    )
    .await?;
    Ok(views::respond(&views::rendered(rendered), tag))
}

/// The six-monthly update on the Local Offer for Care Leavers: the annual
/// report's engine for the approved achievements tagged "Local Offer" and
/// the indicators chosen (all by default), by default over the six whole
/// months before this one.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Strategy id"), LocalOfferQuery, PaperQuery),
    responses(
        (status = 200, description = "The update", content(
            (PaperBody = "application/json"),
            (String = "text/html"),
            (String = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        AnnualErrors,
    ),
    security(("bearer" = []), ("system_token" = [])),
)]
#[get("/strategies/{id}/local_offer_update")]
async fn get_local_offer_update(
    ctx: Ctx,
    reads: ReadPool,
    req: HttpRequest,
    id: Path<Uuid>,
    query: Query<LocalOfferQuery>,
    paper: Query<PaperQuery>,
) -> Result<HttpResponse, AppError> {
    respond_paper(&req, &reads, &ctx, *id, &paper, async || {
        review::local_offer(&reads, &ctx, *id, &query).await
    })
    .await
}
