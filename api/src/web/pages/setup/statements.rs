//! A strategy's ambitions and commitments: add one, change one, and
//! delete one after a page that asks to be sure (the service refuses while
//! actions, pledges or indicators use it, and the page says so).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::super::{Done, chrome};
use super::fields::{Difference, KindWords, Wording, as_shown, differences, kind_at, kind_words};
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, StatementKind};
use crate::error::AppError;
use crate::services::statements::{self, CreateStatement, StatementView, UpdateStatement};
use crate::services::strategies::{self, StrategyView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{Chrome, Section};
use crate::web::forms::{Errors, given, sentence};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

/// The kinds in addresses; `actions` is the plan's, not a statement's.
const KINDS: &str = "{kind:(ambitions|commitments)}";

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |rest: &str| format!("/admin/strategies/{{strategy}}/{KINDS}{rest}");
    // `new` before `{id}`, which would otherwise take it.
    cfg.route(&at("/new"), web::get().to(new))
        .route(&at(""), web::post().to(create))
        .route(&at("/{id}"), web::get().to(edit))
        .route(&at("/{id}"), web::post().to(save))
        .route(&at("/{id}/delete"), web::get().to(confirm))
        .route(&at("/{id}/delete"), web::post().to(delete));
}

/// The strategy and kind an address names.
#[derive(Debug, Deserialize)]
struct Place {
    strategy: Uuid,
    kind: String,
}

/// A statement and where the address says it is.
#[derive(Debug, Deserialize)]
struct StatementAt {
    strategy: Uuid,
    kind: String,
    id: Uuid,
}

/// The statement form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
struct StatementForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    version: Option<i32>,
}

impl StatementForm {
    fn of(statement: &StatementView) -> StatementForm {
        StatementForm {
            number: statement.number.to_string(),
            title: statement.title.clone(),
            description: statement.description.clone(),
            version: Some(statement.version),
        }
    }

    /// The number typed (none when left empty), or what is wrong with the
    /// form before the service is asked.
    fn parse(&self) -> Result<Option<i32>, Errors> {
        let mut errors = Errors::none();
        if self.title.trim().is_empty() {
            errors.add("title", "Enter a title");
        }
        let number = match self.number.trim() {
            "" => None,
            typed => typed
                .parse::<i32>()
                .map_err(|_| errors.add("number", "The number must be a whole number, like 3"))
                .ok(),
        };
        if errors.any() {
            Err(errors)
        } else {
            Ok(number)
        }
    }

    /// The service's refusal, worded for this form.
    fn refused(error: AppError) -> Result<Errors, AppError> {
        match error {
            // Two statements of a kind cannot share a number.
            AppError::Conflict(message) => {
                let mut errors = Errors::none();
                errors.add("number", sentence(&message));
                Ok(errors)
            }
            other => Ok(as_shown(Errors::from_refusal(other)?, Wording::default())),
        }
    }
}

#[derive(Template)]
#[template(path = "web/setup/statement.html")]
struct StatementPage {
    chrome: Chrome,
    strategy: StrategyView,
    words: KindWords,
    /// The statement changed; none when one is added.
    statement: Option<StatementView>,
    form: StatementForm,
    errors: Errors,
    /// After a stale form: where the statement as saved differs from it.
    conflict: Option<Vec<Difference>>,
}

fn status_of(errors: &Errors, stale: bool) -> StatusCode {
    if stale {
        StatusCode::CONFLICT
    } else if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

async fn new_page(
    state: &AppState,
    signed: &SignedIn,
    place: &Place,
    form: StatementForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    let kind = kind_at(&place.kind)?;
    let strategy = strategies::get(&state.pool, &signed.ctx, place.strategy).await?;
    let create = match kind {
        StatementKind::Ambition => AllowedAction::CreateAmbition,
        StatementKind::Commitment => AllowedAction::CreateCommitment,
    };
    if !strategy.allowed_actions.contains(&create) {
        return Err(forbidden().into());
    }
    let data = StatementPage {
        chrome: chrome(signed, Section::Admin, &Done::default()),
        strategy,
        words: kind_words(kind),
        statement: None,
        form,
        errors,
        conflict: None,
    };
    Ok(page(status_of(&data.errors, false), &data)?)
}

fn forbidden() -> AppError {
    AppError::Forbidden(
        "only administrators can change a strategy's ambitions and commitments".into(),
    )
}

async fn new(
    state: Data<AppState>,
    signed: SignedIn,
    place: Path<Place>,
) -> Result<HttpResponse, PageError> {
    new_page(
        &state,
        &signed,
        &place,
        StatementForm::default(),
        Errors::none(),
    )
    .await
}

async fn create(
    state: Data<AppState>,
    place: Path<Place>,
    posted: Posted<StatementForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let kind = kind_at(&place.kind)?;
    let errors = match form.parse() {
        Ok(number) => {
            let input = CreateStatement {
                number,
                title: form.title.clone(),
                description: given(&form.description),
            };
            match statements::create(&state.pool, &signed.ctx, place.strategy, kind, input).await {
                Ok(_) => return Ok(back_to_strategy(place.strategy, kind, "added")),
                Err(error) => StatementForm::refused(error)?,
            }
        }
        Err(errors) => errors,
    };
    new_page(&state, &signed, &place, form, errors).await
}

/// The strategy's page at the statement's list, saying what was done.
fn back_to_strategy(strategy: Uuid, kind: StatementKind, done: &str) -> HttpResponse {
    let words = kind_words(kind);
    see_other(&format!(
        "/admin/strategies/{strategy}?done={}-{done}#{}",
        words.noun, words.path
    ))
}

/// The statement the address names, if it is of that kind and strategy.
async fn statement_at(
    state: &AppState,
    signed: &SignedIn,
    at: &StatementAt,
) -> Result<(StatementKind, StatementView), AppError> {
    let kind = kind_at(&at.kind)?;
    let statement = statements::get(&state.pool, &signed.ctx, at.id, kind).await?;
    if statement.strategy_id != at.strategy {
        return Err(AppError::NotFound(format!("no such {}", kind.as_str())));
    }
    Ok((kind, statement))
}

async fn edit_page(
    state: &AppState,
    signed: &SignedIn,
    at: &StatementAt,
    typed: Option<StatementForm>,
    errors: Errors,
    stale: bool,
) -> Result<HttpResponse, PageError> {
    let (kind, statement) = statement_at(state, signed, at).await?;
    if !statement.allowed_actions.contains(&AllowedAction::Update) {
        return Err(forbidden().into());
    }
    let strategy = strategies::get(&state.pool, &signed.ctx, at.strategy).await?;
    let saved = StatementForm::of(&statement);
    let form = match typed {
        // Sent again, the form replaces the version now saved.
        Some(typed) if stale => StatementForm {
            version: saved.version,
            ..typed
        },
        Some(typed) => typed,
        None => saved.clone(),
    };
    let conflict = stale.then(|| {
        differences(vec![
            ("Number", saved.number.clone(), form.number.clone()),
            ("Title", saved.title.clone(), form.title.clone()),
            (
                "Description",
                saved.description.clone(),
                form.description.clone(),
            ),
        ])
    });
    let data = StatementPage {
        chrome: chrome(signed, Section::Admin, &Done::default()),
        strategy,
        words: kind_words(kind),
        statement: Some(statement),
        form,
        errors,
        conflict,
    };
    Ok(page(status_of(&data.errors, stale), &data)?)
}

async fn edit(
    state: Data<AppState>,
    signed: SignedIn,
    at: Path<StatementAt>,
) -> Result<HttpResponse, PageError> {
    edit_page(&state, &signed, &at, None, Errors::none(), false).await
}

async fn save(
    state: Data<AppState>,
    at: Path<StatementAt>,
    posted: Posted<StatementForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let mut stale = false;
    let errors = match form.parse() {
        Ok(number) => {
            let (kind, saved) = statement_at(&state, &signed, &at).await?;
            // Only what differs from the statement as saved.
            let input = UpdateStatement {
                number: number.filter(|n| *n != saved.number),
                title: (form.title.trim() != saved.title).then(|| form.title.clone()),
                description: (form.description.trim() != saved.description)
                    .then(|| form.description.clone()),
            };
            let precondition = form
                .version
                .map_or_else(Precondition::none, Precondition::assume);
            match statements::update(&state.pool, &signed.ctx, at.id, kind, precondition, input)
                .await
            {
                Ok(_) => return Ok(back_to_strategy(at.strategy, kind, "saved")),
                Err(AppError::PreconditionFailed | AppError::PreconditionRequired) => {
                    stale = true;
                    Errors::none()
                }
                Err(error) => StatementForm::refused(error)?,
            }
        }
        Err(errors) => errors,
    };
    edit_page(&state, &signed, &at, Some(form), errors, stale).await
}

#[derive(Template)]
#[template(path = "web/setup/statement_delete.html")]
struct DeletePage {
    chrome: Chrome,
    strategy: StrategyView,
    words: KindWords,
    statement: StatementView,
    /// Why the service would not delete it.
    refusal: Option<String>,
    /// It changed after the page was read.
    conflict: bool,
}

async fn delete_page(
    state: &AppState,
    signed: &SignedIn,
    at: &StatementAt,
    refusal: Option<String>,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let (kind, statement) = statement_at(state, signed, at).await?;
    if !statement.allowed_actions.contains(&AllowedAction::Delete) {
        return Err(forbidden().into());
    }
    let strategy = strategies::get(&state.pool, &signed.ctx, at.strategy).await?;
    let status = if refusal.is_some() || conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let data = DeletePage {
        chrome: chrome(signed, Section::Admin, &Done::default()),
        strategy,
        words: kind_words(kind),
        statement,
        refusal,
        conflict,
    };
    Ok(page(status, &data)?)
}

async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    at: Path<StatementAt>,
) -> Result<HttpResponse, PageError> {
    delete_page(&state, &signed, &at, None, false).await
}

#[derive(Debug, Deserialize)]
struct DeleteForm {
    version: i32,
}

async fn delete(
    state: Data<AppState>,
    at: Path<StatementAt>,
    posted: Posted<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let kind = kind_at(&at.kind)?;
    let deleted = statements::delete(
        &state.pool,
        &signed.ctx,
        at.id,
        kind,
        Precondition::assume(form.version),
    )
    .await;
    match deleted {
        Ok(()) => Ok(back_to_strategy(at.strategy, kind, "deleted")),
        Err(AppError::PreconditionFailed) => delete_page(&state, &signed, &at, None, true).await,
        Err(AppError::Conflict(message)) => {
            delete_page(&state, &signed, &at, Some(sentence(&message)), false).await
        }
        Err(error) => Err(error.into()),
    }
}
