//! An action of the plan: the form that adds one, and the form that
//! changes one, showing what the caller may change: its reference, lead
//! and supporters (administrators and the chair), its details (the lead
//! organisation and administrators), or both.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path};
use askama::Template;
use uuid::Uuid;

use super::super::{Done, chrome, first};
use super::action_form::{ActionForm, Parts, Refused, changes, refused};
use super::fields::{Choice, Difference, Fields, chosen_names, date_words, differences};
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, StatementKind};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::actions::{self, ActionView, CreateAction, Include};
use crate::services::statements::{self, StatementView};
use crate::services::strategies::{self, StrategyView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{Chrome, Section};
use crate::web::forms::{Errors, given};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/strategies/{id}/actions/new", web::get().to(new))
        .route("/admin/strategies/{id}/actions", web::post().to(create))
        .route("/admin/actions/{id}", web::get().to(edit))
        .route("/admin/actions/{id}", web::post().to(save));
}

/// The strategy's partners, ambitions and commitments the form offers.
struct Offered {
    strategy: StrategyView,
    ambitions: Vec<StatementView>,
    commitments: Vec<StatementView>,
}

async fn offered(state: &AppState, ctx: &Ctx, strategy_id: Uuid) -> Result<Offered, AppError> {
    let strategy = strategies::get(&state.pool, ctx, strategy_id).await?;
    let of_kind = async |kind| {
        statements::list(&state.pool, ctx, strategy_id, kind, &first(MAX_LIMIT))
            .await
            .map(|p| p.items)
    };
    Ok(Offered {
        strategy,
        ambitions: of_kind(StatementKind::Ambition).await?,
        commitments: of_kind(StatementKind::Commitment).await?,
    })
}

#[derive(Template)]
#[template(path = "web/setup/action.html")]
struct ActionPage {
    chrome: Chrome,
    strategy: StrategyView,
    /// The action changed; none when one is added.
    action: Option<ActionView>,
    parts: Parts,
    form: ActionForm,
    errors: Errors,
    /// After a stale form: where the action as saved differs from it.
    conflict: Option<Vec<Difference>>,
    leads: Vec<Choice>,
    supporters: Vec<Choice>,
    ambitions: Vec<Choice>,
    commitments: Vec<Choice>,
}

impl ActionPage {
    fn may(&self, what: AllowedAction) -> bool {
        self.action
            .as_ref()
            .is_some_and(|a| a.allowed_actions.contains(&what))
    }

    /// Where "back" goes: the strategy's set-up page for those who set it
    /// up, otherwise the action or the plan.
    fn back(&self) -> String {
        match &self.action {
            Some(action) => format!("/actions/{}", action.id),
            None if self
                .strategy
                .allowed_actions
                .contains(&AllowedAction::Update) =>
            {
                format!("/admin/strategies/{}#actions", self.strategy.id)
            }
            None => "/plan".to_owned(),
        }
    }
}

fn statement_choices(list: &[StatementView], chosen: &[String]) -> Vec<Choice> {
    list.iter()
        .map(|s| Choice::of(s.id, format!("{}. {}", s.number, s.title), chosen))
        .collect()
}

/// The form page, as saved or with the form as typed.
fn action_page(
    signed: &SignedIn,
    offered: Offered,
    action: Option<ActionView>,
    form: ActionForm,
    errors: Errors,
    stale: bool,
) -> ActionPage {
    let parts = action.as_ref().map_or(Parts::ALL, Parts::of);
    let partners = &offered.strategy.partners;
    let leads: Vec<Choice> = partners
        .iter()
        .map(|o| Choice::of(o.id, o.name.clone(), std::slice::from_ref(&form.lead)))
        .collect();
    let supporters: Vec<Choice> = partners
        .iter()
        .map(|o| Choice::of(o.id, o.name.clone(), &form.supporters))
        .collect();
    let ambitions = statement_choices(&offered.ambitions, &form.ambitions);
    let commitments = statement_choices(&offered.commitments, &form.commitments);
    let conflict = match (&action, stale) {
        (Some(saved), true) => Some(compare(saved, &form, parts, &offered)),
        _ => None,
    };
    let section = if offered
        .strategy
        .allowed_actions
        .contains(&AllowedAction::Update)
    {
        Section::Admin
    } else {
        Section::Plan
    };
    ActionPage {
        chrome: chrome(signed, section, &Done::default()),
        strategy: offered.strategy,
        action,
        parts,
        form,
        errors,
        conflict,
        leads,
        supporters,
        ambitions,
        commitments,
    }
}

/// Where the action as saved differs from a stale form, in the parts the
/// form changes.
fn compare(
    saved: &ActionView,
    form: &ActionForm,
    parts: Parts,
    offered: &Offered,
) -> Vec<Difference> {
    let was = ActionForm::of(saved);
    let partners = &offered.strategy.partners;
    let names = |chosen: &[String]| {
        chosen_names(
            &partners
                .iter()
                .map(|o| Choice::of(o.id, o.name.clone(), chosen))
                .collect::<Vec<_>>(),
        )
    };
    let statements =
        |list: &[StatementView], chosen: &[String]| chosen_names(&statement_choices(list, chosen));
    let mut fields = Vec::new();
    if parts.reassign {
        fields.extend([
            ("Reference", was.reference.clone(), form.reference.clone()),
            (
                "Lead organisation",
                names(std::slice::from_ref(&was.lead)),
                names(std::slice::from_ref(&form.lead)),
            ),
            (
                "Supporting organisations",
                names(&was.supporters),
                names(&form.supporters),
            ),
        ]);
    }
    if parts.details {
        fields.extend([
            ("Title", was.title.clone(), form.title.clone()),
            (
                "Description",
                was.description.clone(),
                form.description.clone(),
            ),
            (
                "Ambitions",
                statements(&offered.ambitions, &was.ambitions),
                statements(&offered.ambitions, &form.ambitions),
            ),
            (
                "Commitments",
                statements(&offered.commitments, &was.commitments),
                statements(&offered.commitments, &form.commitments),
            ),
            (
                "Start date",
                date_words(&was.start_date),
                date_words(&form.start_date),
            ),
            (
                "Target date",
                date_words(&was.target_date),
                date_words(&form.target_date),
            ),
        ]);
    }
    differences(fields)
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

/// The form to add an action to the strategy, for those the strategy
/// offers it to.
async fn new_page(
    state: &AppState,
    signed: &SignedIn,
    strategy_id: Uuid,
    form: ActionForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    let offered = offered(state, &signed.ctx, strategy_id).await?;
    if !offered
        .strategy
        .allowed_actions
        .contains(&AllowedAction::CreateAction)
    {
        return Err(AppError::Forbidden(
            "only administrators and the chair can create actions".into(),
        )
        .into());
    }
    let status = status_of(&errors, false);
    let data = action_page(signed, offered, None, form, errors, false);
    Ok(page(status, &data)?)
}

async fn new(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    new_page(&state, &signed, *id, ActionForm::default(), Errors::none()).await
}

async fn create(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let strategy_id = *id;
    let form = ActionForm::read(&Fields::new(form));
    let created = async {
        let typed = form.parse(Parts::ALL)?;
        let input = CreateAction {
            strategy_id,
            reference: form.reference.clone(),
            title: form.title.clone(),
            description: given(&form.description),
            lead_organisation_id: typed.lead.unwrap_or_default(),
            supporting_organisation_ids: Some(typed.supporters),
            ambition_ids: typed.ambitions,
            commitment_ids: Some(typed.commitments),
            start_date: typed.start_date,
            target_date: typed.target_date,
        };
        // A new action's one conflict: its reference is taken.
        actions::create(&state.pool, &signed.ctx, input)
            .await
            .map_err(|error| refused(error, true))
    }
    .await;
    let errors = match created {
        Ok(action) => {
            return Ok(see_other(&format!(
                "/actions/{}?done=action-created",
                action.id
            )));
        }
        Err(Refused::Page(error)) => return Err(error),
        Err(Refused::Invalid(errors)) => errors,
        // A new action has no version to be stale.
        Err(Refused::Stale) => Errors::none(),
    };
    new_page(&state, &signed, strategy_id, form, errors).await
}

/// The form to change an action, for those it lets change some of it.
async fn edit_page(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
    typed: Option<ActionForm>,
    errors: Errors,
    stale: bool,
) -> Result<HttpResponse, PageError> {
    let action = actions::get(&state.pool, &signed.ctx, id, Include::default()).await?;
    let parts = Parts::of(&action);
    if !parts.reassign && !parts.details {
        let refusal = if action.allowed_actions.contains(&AllowedAction::Unarchive) {
            AppError::Conflict("this action is archived: restore it before changing it".into())
        } else {
            AppError::Forbidden(
                "only administrators, the chair and the lead organisation can change this action"
                    .into(),
            )
        };
        return Err(refusal.into());
    }
    let offered = offered(state, &signed.ctx, action.strategy_id).await?;
    let saved = ActionForm::of(&action);
    let form = match typed {
        // Sent again, the form replaces the version now saved.
        Some(typed) if stale => ActionForm {
            version: saved.version,
            ..typed
        },
        Some(typed) => typed,
        None => saved,
    };
    let status = status_of(&errors, stale);
    let data = action_page(signed, offered, Some(action), form, errors, stale);
    Ok(page(status, &data)?)
}

async fn edit(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    edit_page(&state, &signed, *id, None, Errors::none(), false).await
}

async fn save(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let id = *id;
    let form = ActionForm::read(&Fields::new(form));
    let saved = actions::get(&state.pool, &signed.ctx, id, Include::default()).await?;
    let parts = Parts::of(&saved);
    if !parts.reassign && !parts.details {
        // Refused as the form itself is.
        return edit_page(&state, &signed, id, None, Errors::none(), false).await;
    }
    let outcome = async {
        let typed = form.parse(parts)?;
        let input = changes(&saved, &form, typed, parts);
        if input.is_empty() {
            return Ok(());
        }
        let precondition = form
            .version
            .map_or_else(Precondition::none, Precondition::assume);
        // A live action's one conflict: its new reference is taken; an
        // archived one's is that it is archived, a page of its own.
        actions::update(&state.pool, &signed.ctx, id, precondition, input)
            .await
            .map(|_| ())
            .map_err(|error| refused(error, !saved.archived))
    }
    .await;
    let (errors, stale) = match outcome {
        Ok(()) => return Ok(see_other(&format!("/actions/{id}?done=action-saved"))),
        Err(Refused::Page(error)) => return Err(error),
        Err(Refused::Invalid(errors)) => (errors, false),
        Err(Refused::Stale) => (Errors::none(), true),
    };
    edit_page(&state, &signed, id, Some(form), errors, stale).await
}
