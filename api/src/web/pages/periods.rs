//! Reporting periods: the list of a strategy's periods, a form to add
//! one, and the page that closes one after saying what closing does.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, chrome};
use crate::concurrency::Precondition;
use crate::domain::AllowedAction;
use crate::error::AppError;
use crate::services::periods::{self, CreatePeriod, PeriodView};
use crate::services::strategies::{self, StrategyView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{DateParts, Errors, sentence};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/strategies/{id}/periods", web::get().to(list))
        .route("/strategies/{id}/periods", web::post().to(create))
        .route("/periods/{id}/close", web::get().to(confirm))
        .route("/periods/{id}/close", web::post().to(close));
}

#[derive(Debug, Default, Deserialize)]
struct NewPeriodForm {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "starts_on-day")]
    starts_day: String,
    #[serde(default, rename = "starts_on-month")]
    starts_month: String,
    #[serde(default, rename = "starts_on-year")]
    starts_year: String,
    #[serde(default, rename = "ends_on-day")]
    ends_day: String,
    #[serde(default, rename = "ends_on-month")]
    ends_month: String,
    #[serde(default, rename = "ends_on-year")]
    ends_year: String,
}

#[derive(Template)]
#[template(path = "web/periods.html")]
struct PeriodsPage {
    chrome: Chrome,
    strategy: StrategyView,
    periods: Vec<PeriodView>,
    may_create: bool,
    name: String,
    starts_on: DateParts,
    ends_on: DateParts,
    errors: Errors,
}

impl PeriodsPage {
    fn date(&self, day: &chrono::NaiveDate) -> String {
        format::date(day)
    }

    fn may_close(&self, period: &PeriodView) -> bool {
        period.allowed_actions.contains(&AllowedAction::Close)
    }
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    strategy_id: Uuid,
    done: &Done,
    form: NewPeriodForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    let strategy = strategies::get(&state.pool, &signed.ctx, strategy_id).await?;
    let periods = periods::list(&state.pool, &signed.ctx, strategy_id).await?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let data = PeriodsPage {
        chrome: chrome(signed, Section::Dashboard, done),
        may_create: strategy
            .allowed_actions
            .contains(&AllowedAction::CreatePeriod),
        strategy,
        periods,
        name: form.name,
        starts_on: DateParts::new(form.starts_day, form.starts_month, form.starts_year),
        ends_on: DateParts::new(form.ends_day, form.ends_month, form.ends_year),
        errors,
    };
    Ok(page(status, &data)?)
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    render(
        &state,
        &signed,
        *id,
        &done,
        NewPeriodForm::default(),
        Errors::none(),
    )
    .await
}

async fn create(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<NewPeriodForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let strategy_id = *id;
    let mut errors = Errors::none();
    let starts = DateParts::new(
        form.starts_day.clone(),
        form.starts_month.clone(),
        form.starts_year.clone(),
    )
    .parse("the first day of the period");
    let ends = DateParts::new(
        form.ends_day.clone(),
        form.ends_month.clone(),
        form.ends_year.clone(),
    )
    .parse("the last day of the period");
    if form.name.trim().is_empty() {
        errors.add("name", "Enter a name for the period");
    }
    match (starts, ends) {
        (Ok(starts_on), Ok(ends_on)) if !errors.any() => {
            let input = CreatePeriod {
                name: form.name.clone(),
                starts_on,
                ends_on,
            };
            match periods::create(&state.pool, &signed.ctx, strategy_id, input).await {
                Ok(_) => {
                    return Ok(see_other(&format!(
                        "/strategies/{strategy_id}/periods?done=period-created"
                    )));
                }
                // Overlapping another period is about the dates chosen.
                Err(AppError::Conflict(message)) => errors.add("starts_on", sentence(&message)),
                Err(error) => errors = Errors::from_refusal(error)?,
            }
        }
        (starts, ends) => {
            if let Err(message) = starts {
                errors.add("starts_on", message);
            }
            if let Err(message) = ends {
                errors.add("ends_on", message);
            }
        }
    }
    render(&state, &signed, strategy_id, &Done::default(), form, errors).await
}

#[derive(Template)]
#[template(path = "web/period_close.html")]
struct ClosePage {
    chrome: Chrome,
    period: PeriodView,
    strategy: StrategyView,
    /// The version the chair saw; a change meanwhile is shown, not closed.
    version: i32,
    conflict: bool,
}

impl ClosePage {
    fn date(&self, day: &chrono::NaiveDate) -> String {
        format::date(day)
    }
}

async fn close_page(
    state: &AppState,
    signed: &SignedIn,
    period: PeriodView,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    // Only those who may close see the page that does it; anyone else is
    // told so, as the service would tell them on sending it.
    if period.closed_at.is_none() && !period.allowed_actions.contains(&AllowedAction::Close) {
        return Err(AppError::Forbidden(
            "only the chair or an administrator can close a period".into(),
        )
        .into());
    }
    let strategy = strategies::get(&state.pool, &signed.ctx, period.strategy_id).await?;
    let data = ClosePage {
        chrome: chrome(signed, Section::Dashboard, &Done::default()),
        version: period.version,
        strategy,
        period,
        conflict,
    };
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(status, &data)?)
}

async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let period = periods::get(&state.pool, &signed.ctx, *id).await?;
    close_page(&state, &signed, period, false).await
}

#[derive(Debug, Deserialize)]
struct CloseForm {
    version: i32,
}

async fn close(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<CloseForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    match periods::close(
        &state.pool,
        &signed.ctx,
        *id,
        Precondition::assume(form.version),
    )
    .await
    {
        Ok(closed) => Ok(see_other(&format!(
            "/strategies/{}/periods?done=period-closed",
            closed.strategy_id
        ))),
        // Renamed or moved meanwhile: show it as it is now and ask again.
        Err(AppError::PreconditionFailed) => {
            let period = periods::get(&state.pool, &signed.ctx, *id).await?;
            close_page(&state, &signed, period, true).await
        }
        Err(error) => Err(error.into()),
    }
}
