//! Partner organisations: the list, a form to add one, a form to change
//! one, and deleting one after a page that asks to confirm.

use std::str::FromStr;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{Changed, admin_chrome, confirmation_status, status};
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, OrganisationKind};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::administration::{self, Area};
use crate::services::organisations::{
    self, CreateOrganisation, OrganisationQuery, OrganisationView, UpdateOrganisation,
};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::Chrome;
use crate::web::forms::{Errors, sentence};
use crate::web::pages::first;
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const LIST: &str = "/admin/organisations";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(LIST, web::get().to(list))
        .route(LIST, web::post().to(create))
        .route("/admin/organisations/new", web::get().to(new))
        .route("/admin/organisations/{id}", web::get().to(edit))
        .route("/admin/organisations/{id}", web::post().to(update))
        .route("/admin/organisations/{id}/delete", web::get().to(confirm))
        .route("/admin/organisations/{id}/delete", web::post().to(delete));
}

#[derive(Template)]
#[template(path = "web/admin/organisations.html")]
struct ListPage {
    chrome: Chrome,
    organisations: Vec<OrganisationView>,
}

impl ListPage {
    fn may(&self, organisation: &OrganisationView, action: AllowedAction) -> bool {
        organisation.allowed_actions.contains(&action)
    }
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    administration::enter(&signed.ctx, Area::Organisations)?;
    let query = OrganisationQuery::default();
    let organisations =
        organisations::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT)).await?;
    let data = ListPage {
        chrome: admin_chrome(&signed, &changed),
        organisations: organisations.items,
    };
    Ok(page(StatusCode::OK, &data)?)
}

/// The organisation form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    version: Option<i32>,
}

impl OrganisationForm {
    fn of(organisation: &OrganisationView) -> OrganisationForm {
        OrganisationForm {
            name: organisation.name.clone(),
            short_name: organisation.short_name.clone().unwrap_or_default(),
            kind: organisation.kind.as_str().to_owned(),
            version: Some(organisation.version),
        }
    }

    fn kind(&self, errors: &mut Errors) -> Option<OrganisationKind> {
        let kind = OrganisationKind::from_str(self.kind.trim()).ok();
        if kind.is_none() {
            errors.add("kind", "Choose the kind of organisation");
        }
        kind
    }

    fn short_name(&self) -> Option<String> {
        let text = self.short_name.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// What the service refused, against the fields: a name already taken is
/// about the name.
fn refused(error: AppError) -> Result<Errors, AppError> {
    match error {
        AppError::Conflict(message) => {
            let mut errors = Errors::none();
            errors.add("name", sentence(&message));
            Ok(errors)
        }
        other => Errors::from_refusal(other),
    }
}

#[derive(Template)]
#[template(path = "web/admin/organisation_form.html")]
struct FormPage {
    chrome: Chrome,
    /// The organisation being changed, as stored now; none for a new one.
    stored: Option<OrganisationView>,
    form: OrganisationForm,
    errors: Errors,
    /// The organisation changed after the form was read.
    conflict: bool,
}

impl FormPage {
    fn kinds(&self) -> &'static [OrganisationKind] {
        OrganisationKind::ALL
    }

    fn action(&self) -> String {
        match &self.stored {
            Some(stored) => format!("{LIST}/{}", stored.id),
            None => LIST.to_owned(),
        }
    }
}

fn form_page(
    signed: &SignedIn,
    stored: Option<OrganisationView>,
    form: OrganisationForm,
    errors: Errors,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let code = if conflict {
        StatusCode::CONFLICT
    } else {
        status(&errors)
    };
    let data = FormPage {
        chrome: admin_chrome(signed, &Changed::default()),
        stored,
        form,
        errors,
        conflict,
    };
    Ok(page(code, &data)?)
}

async fn new(signed: SignedIn) -> Result<HttpResponse, PageError> {
    administration::enter(&signed.ctx, Area::Organisations)?;
    form_page(
        &signed,
        None,
        OrganisationForm::default(),
        Errors::none(),
        false,
    )
}

async fn create(
    state: Data<AppState>,
    posted: Posted<OrganisationForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let mut errors = Errors::none();
    if let Some(kind) = form.kind(&mut errors) {
        let input = CreateOrganisation {
            name: form.name.clone(),
            short_name: form.short_name(),
            kind,
        };
        match organisations::create(&state.pool, &signed.ctx, input).await {
            Ok(_) => return Ok(see_other(&format!("{LIST}?done=organisation-added"))),
            Err(error) => errors = refused(error)?,
        }
    } else {
        // Nothing to send without a kind; the form is still shown only to
        // those the operation would let in.
        administration::enter(&signed.ctx, Area::Organisations)?;
    }
    form_page(&signed, None, form, errors, false)
}

async fn edit(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let stored = organisations::get(&state.pool, &signed.ctx, *id).await?;
    if !stored.allowed_actions.contains(&AllowedAction::Update) {
        return Err(refusal().into());
    }
    let form = OrganisationForm::of(&stored);
    form_page(&signed, Some(stored), form, Errors::none(), false)
}

/// What the organisation operations answer a caller who may not change
/// organisations, for the pages that would only lead to that answer.
fn refusal() -> AppError {
    AppError::Forbidden("only administrators can change organisations".into())
}

async fn update(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<OrganisationForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, mut form } = posted;
    let mut errors = Errors::none();
    let mut conflict = false;
    if let Some(kind) = form.kind(&mut errors) {
        let input = UpdateOrganisation {
            name: Some(form.name.clone()),
            short_name: Some(form.short_name()),
            kind: Some(kind),
        };
        let precondition = form
            .version
            .map_or_else(Precondition::none, Precondition::assume);
        match organisations::update(&state.pool, &signed.ctx, *id, precondition, input).await {
            Ok(_) => return Ok(see_other(&format!("{LIST}?done=organisation-saved"))),
            Err(AppError::PreconditionFailed) => conflict = true,
            Err(error) => errors = refused(error)?,
        }
    }
    let stored = organisations::get(&state.pool, &signed.ctx, *id).await?;
    if !stored.allowed_actions.contains(&AllowedAction::Update) {
        return Err(refusal().into());
    }
    if conflict {
        // The typed fields stay; sending them again changes what is stored now.
        form.version = Some(stored.version);
    }
    form_page(&signed, Some(stored), form, errors, conflict)
}

#[derive(Template)]
#[template(path = "web/admin/organisation_delete.html")]
struct DeletePage {
    chrome: Chrome,
    organisation: OrganisationView,
    /// Why the service would not delete it, when it would not.
    refusal: Option<String>,
    conflict: bool,
}

fn delete_page(
    signed: &SignedIn,
    organisation: OrganisationView,
    refusal: Option<String>,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let code = confirmation_status(&refusal, conflict);
    let data = DeletePage {
        chrome: admin_chrome(signed, &Changed::default()),
        organisation,
        refusal,
        conflict,
    };
    Ok(page(code, &data)?)
}

async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let organisation = organisations::get(&state.pool, &signed.ctx, *id).await?;
    if !organisation
        .allowed_actions
        .contains(&AllowedAction::Delete)
    {
        return Err(refusal().into());
    }
    delete_page(&signed, organisation, None, false)
}

#[derive(Debug, Deserialize)]
struct DeleteForm {
    version: i32,
}

async fn delete(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let precondition = Precondition::assume(form.version);
    let (refusal, conflict) =
        match organisations::delete(&state.pool, &signed.ctx, *id, precondition).await {
            Ok(()) => return Ok(see_other(&format!("{LIST}?done=organisation-deleted"))),
            Err(AppError::Conflict(message)) => (Some(sentence(&message)), false),
            Err(AppError::PreconditionFailed) => (None, true),
            Err(error) => return Err(error.into()),
        };
    let organisation = organisations::get(&state.pool, &signed.ctx, *id).await?;
    delete_page(&signed, organisation, refusal, conflict)
}
