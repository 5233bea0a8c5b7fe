//! User accounts: the list with its filters, a form to create an account,
//! an account's page with a form to change its name, role or organisation,
//! and deactivating (after a page that says what it does) or reactivating.

use std::str::FromStr;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Changed, admin_chrome, chosen, confirmation_status, status};
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, Role};
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, PageParams};
use crate::services::administration::{self, Area};
use crate::services::organisations::{self, OrganisationQuery, OrganisationView};
use crate::services::users::{self, CreateUser, UpdateUser, UserQuery, UserView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome};
use crate::web::forms::{Errors, sentence};
use crate::web::pages::first;
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const LIST: &str = "/admin/users";
/// Accounts shown on one page of the list.
const PAGE_SIZE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(LIST, web::get().to(list))
        .route(LIST, web::post().to(create))
        .route("/admin/users/new", web::get().to(new))
        .route("/admin/users/{id}", web::get().to(show))
        .route("/admin/users/{id}", web::post().to(update))
        .route("/admin/users/{id}/deactivate", web::get().to(confirm))
        .route("/admin/users/{id}/deactivate", web::post().to(deactivate))
        .route("/admin/users/{id}/reactivate", web::post().to(reactivate));
}

/// Every organisation, for the filter and the forms' choice.
async fn all_organisations(
    state: &AppState,
    signed: &SignedIn,
) -> Result<Vec<OrganisationView>, AppError> {
    let query = OrganisationQuery::default();
    Ok(
        organisations::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
            .await?
            .items,
    )
}

/// The list's filters as the address carries them (a GET form).
#[derive(Debug, Default, Deserialize, Serialize)]
struct Filters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organisation_id: Option<String>,
    /// `active` or `inactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    q: Option<String>,
    #[serde(default, skip_serializing)]
    cursor: Option<String>,
}

impl Filters {
    /// The query for the list; a value no option offers filters nothing.
    fn query(&self) -> UserQuery {
        UserQuery {
            role: Role::from_str(chosen(&self.role)).ok(),
            organisation_id: chosen(&self.organisation_id).parse().ok(),
            active: match chosen(&self.status) {
                "active" => Some(true),
                "inactive" => Some(false),
                _ => None,
            },
            q: Some(chosen(&self.q).to_owned()).filter(|q| !q.is_empty()),
        }
    }

    fn any(&self) -> bool {
        [&self.role, &self.organisation_id, &self.status, &self.q]
            .iter()
            .any(|f| !chosen(f).is_empty())
    }
}

#[derive(Template)]
#[template(path = "web/admin/users.html")]
struct ListPage {
    chrome: Chrome,
    users: Vec<UserView>,
    organisations: Vec<OrganisationView>,
    filters: Filters,
    /// The address of the next page, when there is one.
    next: Option<String>,
}

impl ListPage {
    fn roles(&self) -> &'static [Role] {
        Role::ALL
    }

    fn is(&self, field: &Option<String>, value: &str) -> bool {
        chosen(field) == value
    }
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    filters: Query<Filters>,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    let filters = filters.into_inner();
    let paging = PageParams {
        limit: Some(PAGE_SIZE),
        cursor: filters.cursor.clone(),
        updated_since: None,
    };
    let found = users::list(&state.pool, &signed.ctx, filters.query(), &paging).await?;
    let next = found.next_cursor.map(|cursor| {
        let mut address = serde_urlencoded::to_string(&filters).unwrap_or_default();
        if !address.is_empty() {
            address.push('&');
        }
        address.push_str(&serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default());
        format!("{LIST}?{address}")
    });
    let data = ListPage {
        chrome: admin_chrome(&signed, &changed),
        organisations: all_organisations(&state, &signed).await?,
        users: found.items,
        filters,
        next,
    };
    Ok(page(StatusCode::OK, &data)?)
}

/// A role chosen from the radios, or the error that none was.
fn role(text: &str, errors: &mut Errors) -> Option<Role> {
    let role = Role::from_str(text.trim()).ok();
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    role
}

/// The organisation chosen, none for "no organisation", or the error that
/// the choice was not one of the list's.
fn organisation(text: &str, errors: &mut Errors) -> Option<Option<Uuid>> {
    match text.trim() {
        "" => Some(None),
        id => match id.parse() {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                errors.add("organisation_id", "Choose an organisation from the list");
                None
            }
        },
    }
}

/// What the service refused, against the fields: an email already in use
/// is about the email, keeping the last administrator about the role.
fn refused(error: AppError, conflict_field: &str) -> Result<Errors, AppError> {
    match error {
        AppError::Conflict(message) => {
            let mut errors = Errors::none();
            errors.add(conflict_field, sentence(&message));
            Ok(errors)
        }
        other => Errors::from_refusal(other),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "web/admin/user_new.html")]
struct NewPage {
    chrome: Chrome,
    organisations: Vec<OrganisationView>,
    form: NewForm,
    errors: Errors,
}

impl NewPage {
    fn roles(&self) -> &'static [Role] {
        Role::ALL
    }
}

async fn new_page(
    state: &AppState,
    signed: &SignedIn,
    form: NewForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    let data = NewPage {
        chrome: admin_chrome(signed, &Changed::default()),
        organisations: all_organisations(state, signed).await?,
        // The password is never sent back to the browser.
        form: NewForm {
            password: String::new(),
            ..form
        },
        errors,
    };
    Ok(page(status(&data.errors), &data)?)
}

async fn new(state: Data<AppState>, signed: SignedIn) -> Result<HttpResponse, PageError> {
    administration::enter(&signed.ctx, Area::Users)?;
    new_page(&state, &signed, NewForm::default(), Errors::none()).await
}

async fn create(state: Data<AppState>, posted: Posted<NewForm>) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let mut errors = Errors::none();
    let role = role(&form.role, &mut errors);
    let organisation_id = organisation(&form.organisation_id, &mut errors);
    match (role, organisation_id) {
        (Some(role), Some(organisation_id)) => {
            let input = CreateUser {
                email: form.email.trim().to_owned(),
                name: form.name.clone(),
                role,
                organisation_id,
                password: SecretString::from(form.password.clone()),
            };
            match users::create(&state.pool, &signed.ctx, input).await {
                Ok(user) => {
                    return Ok(see_other(&format!("{LIST}/{}?done=user-added", user.id)));
                }
                Err(error) => errors = refused(error, "email")?,
            }
        }
        // Nothing to send without a role; the form is still shown only to
        // those the operation would let in.
        _ => administration::enter(&signed.ctx, Area::Users)?,
    }
    new_page(&state, &signed, form, errors).await
}

/// The account form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
struct EditForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    version: Option<i32>,
}

impl EditForm {
    fn of(user: &UserView) -> EditForm {
        EditForm {
            name: user.name.clone(),
            role: user.role.as_str().to_owned(),
            organisation_id: user
                .organisation
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
            version: Some(user.version),
        }
    }
}

#[derive(Template)]
#[template(path = "web/admin/user.html")]
struct AccountPage {
    chrome: Chrome,
    user: UserView,
    organisations: Vec<OrganisationView>,
    form: EditForm,
    errors: Errors,
    conflict: bool,
    zone: Tz,
}

impl AccountPage {
    fn roles(&self) -> &'static [Role] {
        Role::ALL
    }

    fn may_change(&self) -> bool {
        self.user.allowed_actions.contains(&AllowedAction::Update)
    }

    fn may_erase(&self) -> bool {
        self.user.allowed_actions.contains(&AllowedAction::Erase)
    }

    fn moment(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }
}

async fn account_page(
    state: &AppState,
    signed: &SignedIn,
    user: UserView,
    form: Option<EditForm>,
    errors: Errors,
    conflict: bool,
    changed: &Changed,
) -> Result<HttpResponse, PageError> {
    let code = if conflict {
        StatusCode::CONFLICT
    } else {
        status(&errors)
    };
    let data = AccountPage {
        chrome: admin_chrome(signed, changed),
        organisations: all_organisations(state, signed).await?,
        form: form.unwrap_or_else(|| EditForm::of(&user)),
        user,
        errors,
        conflict,
        zone: signed.ctx.clock.zone(),
    };
    Ok(page(code, &data)?)
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    let user = users::get(&state.pool, &signed.ctx, *id).await?;
    account_page(&state, &signed, user, None, Errors::none(), false, &changed).await
}

async fn update(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<EditForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, mut form } = posted;
    let mut errors = Errors::none();
    let mut conflict = false;
    let role = role(&form.role, &mut errors);
    let organisation_id = organisation(&form.organisation_id, &mut errors);
    if let (Some(role), Some(organisation_id)) = (role, organisation_id) {
        let input = UpdateUser {
            name: Some(form.name.clone()),
            role: Some(role),
            organisation_id: Some(organisation_id),
            ..Default::default()
        };
        let precondition = form
            .version
            .map_or_else(Precondition::none, Precondition::assume);
        match users::update(&state.pool, &signed.ctx, *id, precondition, input).await {
            Ok(user) => return Ok(see_other(&format!("{LIST}/{}?done=user-saved", user.id))),
            Err(AppError::PreconditionFailed) => conflict = true,
            Err(error) => errors = refused(error, "role")?,
        }
    }
    let user = users::get(&state.pool, &signed.ctx, *id).await?;
    if conflict {
        // The typed fields stay; sending them again changes what is stored now.
        form.version = Some(user.version);
    }
    let changed = Changed::default();
    account_page(
        &state,
        &signed,
        user,
        Some(form),
        errors,
        conflict,
        &changed,
    )
    .await
}

#[derive(Template)]
#[template(path = "web/admin/user_deactivate.html")]
struct DeactivatePage {
    chrome: Chrome,
    user: UserView,
    /// Why the service would not deactivate the account, when it would not.
    refusal: Option<String>,
    conflict: bool,
}

fn deactivate_page(
    signed: &SignedIn,
    user: UserView,
    refusal: Option<String>,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let code = confirmation_status(&refusal, conflict);
    let data = DeactivatePage {
        chrome: admin_chrome(signed, &Changed::default()),
        user,
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
    let user = users::get(&state.pool, &signed.ctx, *id).await?;
    deactivate_page(&signed, user, None, false)
}

#[derive(Debug, Deserialize)]
struct VersionForm {
    version: i32,
}

/// Sets whether an account may sign in.
async fn set_active(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
    version: i32,
    active: bool,
) -> Result<UserView, AppError> {
    let input = UpdateUser {
        active: Some(active),
        ..Default::default()
    };
    let precondition = Precondition::assume(version);
    users::update(&state.pool, &signed.ctx, id, precondition, input).await
}

async fn deactivate(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<VersionForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let (refusal, conflict) = match set_active(&state, &signed, *id, form.version, false).await {
        Ok(user) => {
            return Ok(see_other(&format!(
                "{LIST}/{}?done=user-deactivated",
                user.id
            )));
        }
        Err(AppError::Conflict(message)) => (Some(sentence(&message)), false),
        Err(AppError::PreconditionFailed) => (None, true),
        Err(error) => return Err(error.into()),
    };
    let user = users::get(&state.pool, &signed.ctx, *id).await?;
    deactivate_page(&signed, user, refusal, conflict)
}

async fn reactivate(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<VersionForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let user = set_active(&state, &signed, *id, form.version, true).await?;
    Ok(see_other(&format!(
        "{LIST}/{}?done=user-reactivated",
        user.id
    )))
}
