//! A milestone's forms: add one to an action, move its due date (with a
//! reason), mark it complete.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, Versioned, chrome};
use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::services::actions::{self, ActionView, Include};
use crate::services::milestones::{self, CreateMilestone, MilestoneView, UpdateMilestone};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{DateParts, Errors, given};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/actions/{id}/milestones/new", web::get().to(new))
        .route("/actions/{id}/milestones/new", web::post().to(create))
        .route("/milestones/{id}/move", web::get().to(show_move))
        .route("/milestones/{id}/move", web::post().to(submit_move))
        .route("/milestones/{id}/complete", web::post().to(complete));
}

#[derive(Debug, Default, Deserialize)]
struct MoveForm {
    #[serde(default, rename = "due_date-day")]
    day: String,
    #[serde(default, rename = "due_date-month")]
    month: String,
    #[serde(default, rename = "due_date-year")]
    year: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: Option<i32>,
}

#[derive(Template)]
#[template(path = "web/milestone_move.html")]
struct MovePage {
    chrome: Chrome,
    milestone: MilestoneView,
    action: ActionView,
    date: DateParts,
    reason: String,
    version: i32,
    errors: Errors,
    /// After a stale form: the due date as someone else left it.
    conflict: bool,
}

impl MovePage {
    fn date(&self, day: &chrono::NaiveDate) -> String {
        format::date(day)
    }

    fn conflict_message(&self) -> String {
        format!(
            "It is now due on {}. Your new date and reason are still below and have not been \
             saved: check them and send them again.",
            format::date(&self.milestone.due_date)
        )
    }
}

async fn show_move(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let milestone = milestones::get(&state.pool, &signed.ctx, *id).await?;
    let action = actions::get(
        &state.pool,
        &signed.ctx,
        milestone.action_id,
        Include::default(),
    )
    .await?;
    let data = MovePage {
        chrome: chrome(&signed, Section::Plan, &Done::default()),
        date: DateParts::of(milestone.due_date),
        reason: String::new(),
        version: milestone.version,
        errors: Errors::none(),
        conflict: false,
        milestone,
        action,
    };
    Ok(page(StatusCode::OK, &data)?)
}

async fn submit_move(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<MoveForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let date = DateParts::new(form.day, form.month, form.year);
    let mut errors = Errors::none();
    let mut conflict = false;
    match date.parse("the new due date") {
        Ok(due_date) => {
            let input = UpdateMilestone {
                due_date: Some(due_date),
                due_date_reason: given(&form.reason),
                ..Default::default()
            };
            let precondition = form
                .version
                .map_or_else(Precondition::none, Precondition::assume);
            match milestones::update(&state.pool, &signed.ctx, *id, precondition, input).await {
                Ok(moved) => {
                    return Ok(see_other(&format!(
                        "/actions/{}?done=milestone-moved#milestones",
                        moved.action_id
                    )));
                }
                Err(AppError::PreconditionFailed) => conflict = true,
                Err(error) => errors = Errors::from_refusal(error)?,
            }
        }
        Err(message) => errors.add("due_date", message),
    }
    if let Some(message) = errors.get("due_date_reason").map(str::to_owned) {
        errors = Errors(
            errors
                .0
                .into_iter()
                .filter(|e| e.field != "due_date_reason")
                .collect(),
        );
        errors.add("reason", message);
    }
    let milestone = milestones::get(&state.pool, &signed.ctx, *id).await?;
    let action = actions::get(
        &state.pool,
        &signed.ctx,
        milestone.action_id,
        Include::default(),
    )
    .await?;
    let data = MovePage {
        chrome: chrome(&signed, Section::Plan, &Done::default()),
        date,
        reason: form.reason,
        version: if conflict {
            milestone.version
        } else {
            form.version.unwrap_or(milestone.version)
        },
        errors,
        conflict,
        milestone,
        action,
    };
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page(status, &data)?)
}

async fn complete(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Versioned>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let input = UpdateMilestone {
        completed_on: Some(Some(signed.ctx.clock.today())),
        ..Default::default()
    };
    let done = milestones::update(
        &state.pool,
        &signed.ctx,
        *id,
        Precondition::assume(form.version),
        input,
    )
    .await?;
    Ok(see_other(&format!(
        "/actions/{}?done=milestone-completed#milestones",
        done.action_id
    )))
}

#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default, rename = "due_date-day")]
    day: String,
    #[serde(default, rename = "due_date-month")]
    month: String,
    #[serde(default, rename = "due_date-year")]
    year: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "web/milestone_new.html")]
struct NewPage {
    chrome: Chrome,
    action: ActionView,
    title: String,
    date: DateParts,
    note: String,
    errors: Errors,
}

async fn new(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let action = actions::get(&state.pool, &signed.ctx, *id, Include::default()).await?;
    let data = NewPage {
        chrome: chrome(&signed, Section::Plan, &Done::default()),
        action,
        title: String::new(),
        date: DateParts::default(),
        note: String::new(),
        errors: Errors::none(),
    };
    Ok(page(StatusCode::OK, &data)?)
}

async fn create(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<NewForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let date = DateParts::new(form.day, form.month, form.year);
    let mut errors = Errors::none();
    match date.parse("the due date") {
        Ok(due_date) => {
            let input = CreateMilestone {
                title: form.title.clone(),
                due_date,
                completed_on: None,
                note: given(&form.note),
            };
            match milestones::create(&state.pool, &signed.ctx, *id, input).await {
                Ok(_) => {
                    return Ok(see_other(&format!(
                        "/actions/{}?done=milestone-added#milestones",
                        *id
                    )));
                }
                Err(error) => errors = Errors::from_refusal(error)?,
            }
        }
        Err(message) => errors.add("due_date", message),
    }
    let action = actions::get(&state.pool, &signed.ctx, *id, Include::default()).await?;
    let data = NewPage {
        chrome: chrome(&signed, Section::Plan, &Done::default()),
        action,
        title: form.title,
        date,
        note: form.note,
        errors,
    };
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &data)?)
}
