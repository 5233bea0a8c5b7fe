//! An action: what it is, who owns it, its milestones and its history, and
//! the forms its owners report with (a rated update from the lead, a note
//! from the lead or a supporter).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, chrome, first};
use crate::concurrency::Precondition;
use crate::domain::rag::RagDefinition;
use crate::domain::{AllowedAction, Rag, Role, UpdateKind};
use crate::error::AppError;
use crate::services::Ctx;
use crate::services::actions::{self, ActionView, Include};
use crate::services::progress::{self, CreateUpdate, UpdateQuery, UpdateView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{Errors, given};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

/// How many updates the page shows, newest first.
const HISTORY: i64 = 100;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/actions/{id}", web::get().to(show))
        .route("/actions/{id}/update", web::post().to(post_update))
        .route("/actions/{id}/note", web::post().to(post_note));
}

/// The rated-update form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    rag: String,
    #[serde(default)]
    commentary: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    next_steps: String,
    #[serde(default)]
    risks: String,
    /// The action's version the form was read at.
    #[serde(default)]
    version: Option<i32>,
    /// When the page was read, to show what changed since on a conflict.
    #[serde(default)]
    seen: Option<DateTime<Utc>>,
}

/// The note form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    seen: Option<DateTime<Utc>>,
}

/// The page, with the state of its two forms.
#[derive(Template)]
#[template(path = "web/action.html")]
struct ActionPage {
    chrome: Chrome,
    action: ActionView,
    updates: Vec<UpdateView>,
    definitions: Vec<RagDefinition>,
    update: UpdateForm,
    update_errors: Errors,
    note: NoteForm,
    note_errors: Errors,
    /// After a stale form: the updates posted since it was read.
    conflict: Option<Vec<UpdateView>>,
    zone: Tz,
}

impl ActionPage {
    fn may(&self, what: AllowedAction) -> bool {
        self.action.allowed_actions.contains(&what)
    }

    /// Whether the action's set-up form lets the caller change some of it.
    fn may_change(&self) -> bool {
        self.may(AllowedAction::Update) || self.may(AllowedAction::Reassign)
    }

    fn can_rate(&self) -> bool {
        self.may(AllowedAction::PostUpdate)
    }

    fn can_note(&self) -> bool {
        self.may(AllowedAction::PostNote)
    }

    /// The chair's note on an action is a challenge to its lead.
    fn challenges(&self) -> bool {
        self.chrome.role == Some(Role::Chair)
    }

    fn challenge_hint(&self) -> String {
        format!(
            "Ask what the board needs to know. {} will see it on their home page until they \
             answer with an update or a note.",
            self.action.lead_organisation.name
        )
    }

    fn can_edit_milestones(&self) -> bool {
        self.may(AllowedAction::CreateMilestone)
    }

    fn when(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    fn seen(&self) -> String {
        self.action.updated_at.to_rfc3339()
    }

    fn organisations(&self) -> String {
        let names: Vec<&str> = self
            .action
            .supporting_organisations
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        if names.is_empty() {
            "None".to_owned()
        } else {
            names.join(", ")
        }
    }
}

struct Loaded {
    action: ActionView,
    updates: Vec<UpdateView>,
}

async fn load(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Loaded, AppError> {
    let action = actions::get(&state.pool, ctx, id, Include::ALL).await?;
    let updates = progress::list(
        &state.pool,
        ctx,
        id,
        UpdateQuery::default(),
        &first(HISTORY),
    )
    .await?
    .items;
    Ok(Loaded { action, updates })
}

fn action_page(signed: &SignedIn, state: &AppState, loaded: Loaded, done: &Done) -> ActionPage {
    ActionPage {
        chrome: chrome(signed, Section::Plan, done),
        update: UpdateForm {
            version: Some(loaded.action.version),
            ..Default::default()
        },
        note: NoteForm {
            version: Some(loaded.action.version),
            ..Default::default()
        },
        action: loaded.action,
        updates: loaded.updates,
        definitions: Rag::ALL
            .iter()
            .filter(|r| r.is_assignable())
            .map(|r| r.definition())
            .collect(),
        update_errors: Errors::none(),
        note_errors: Errors::none(),
        conflict: None,
        zone: state.clock.zone(),
    }
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let loaded = load(&state, &signed.ctx, *id).await?;
    Ok(page(
        StatusCode::OK,
        &action_page(&signed, &state, loaded, &done),
    )?)
}

/// What a refused or stale form comes back with: the page as it is now,
/// the form as typed, and what is wrong or what changed meanwhile.
enum Refused {
    Invalid(Errors),
    Stale(DateTime<Utc>),
}

fn refusal(error: AppError, seen: Option<DateTime<Utc>>) -> Result<Refused, AppError> {
    match error {
        AppError::PreconditionFailed => Ok(Refused::Stale(seen.unwrap_or(DateTime::UNIX_EPOCH))),
        other => Errors::from_refusal(other).map(Refused::Invalid),
    }
}

fn since(updates: &[UpdateView], seen: DateTime<Utc>) -> Vec<UpdateView> {
    updates
        .iter()
        .filter(|u| u.created_at > seen)
        .cloned()
        .collect()
}

/// Which of the page's two forms was sent, as typed.
enum Sent {
    Update(UpdateForm),
    Note(NoteForm),
}

impl Sent {
    fn seen(&self) -> Option<DateTime<Utc>> {
        match self {
            Sent::Update(form) => form.seen,
            Sent::Note(form) => form.seen,
        }
    }

    fn version(&self) -> Precondition {
        let version = match self {
            Sent::Update(form) => form.version,
            Sent::Note(form) => form.version,
        };
        version.map_or_else(Precondition::none, Precondition::assume)
    }
}

/// Posts what a form says through the same operation as the API's
/// `POST /actions/{id}/updates`; on refusal, the page again with the form
/// as typed and what was wrong or what changed meanwhile.
async fn post(
    state: &AppState,
    signed: SignedIn,
    id: Uuid,
    sent: Sent,
    input: Result<CreateUpdate, Errors>,
) -> Result<HttpResponse, PageError> {
    let done = if matches!(sent, Sent::Update(_)) {
        "update"
    } else {
        "note"
    };
    let outcome = match input {
        Ok(input) => {
            match progress::post(&state.pool, &signed.ctx, id, sent.version(), input).await {
                Ok(posted) => {
                    let done = if posted.kind == UpdateKind::Challenge {
                        "challenge"
                    } else {
                        done
                    };
                    return Ok(see_other(&format!("/actions/{id}?done={done}#history")));
                }
                Err(error) => refusal(error, sent.seen())?,
            }
        }
        Err(errors) => Refused::Invalid(errors),
    };
    let loaded = load(state, &signed.ctx, id).await?;
    let mut data = action_page(&signed, state, loaded, &Done::default());
    let current = Some(data.action.version);
    let (status, errors) = match outcome {
        Refused::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Refused::Stale(seen) => {
            data.conflict = Some(since(&data.updates, seen));
            (StatusCode::CONFLICT, Errors::none())
        }
    };
    let stale = data.conflict.is_some();
    match sent {
        Sent::Update(mut form) => {
            form.version = if stale { current } else { form.version };
            data.update = form;
            data.update_errors = errors;
        }
        Sent::Note(mut form) => {
            form.version = if stale { current } else { form.version };
            data.note = form;
            // The operation names the text it missed after the update's
            // fields; this form has one.
            data.note_errors = Errors(
                errors
                    .0
                    .into_iter()
                    .map(|mut e| {
                        e.field = "text".into();
                        e
                    })
                    .collect(),
            );
        }
    }
    Ok(page(status, &data)?)
}

async fn post_update(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<UpdateForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    // A rated update must say which rating: without one it would be a note.
    let input = match form.rag.parse::<Rag>() {
        Ok(rag) => Ok(CreateUpdate {
            rag: Some(rag),
            commentary: given(&form.commentary),
            progress: given(&form.progress),
            impact: given(&form.impact),
            next_steps: given(&form.next_steps),
            risks: given(&form.risks),
        }),
        Err(_) => {
            let mut errors = Errors::none();
            errors.add("rag", "Select a rating");
            Err(errors)
        }
    };
    post(&state, signed, *id, Sent::Update(form), input).await
}

async fn post_note(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<NoteForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let input = CreateUpdate {
        progress: given(&form.text),
        ..Default::default()
    };
    post(&state, signed, *id, Sent::Note(form), Ok(input)).await
}
