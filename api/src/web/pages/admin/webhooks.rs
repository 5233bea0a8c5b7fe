//! `/admin/webhooks`: other systems' endpoints, with their state, and the
//! form to register one, whose answer shows its secret once.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use uuid::Uuid;

use super::{Changed, admin_chrome, status};
use crate::domain::Entity;
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::http::webhook_policy;
use crate::paging::{MAX_LIMIT, PageParams};
use crate::services::administration::{self, Area};
use crate::services::strategies::{self, StrategyQuery, StrategyView};
use crate::services::webhooks::{self, CreateWebhook, WebhookView, WebhookWithSecret};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::Chrome;
use crate::web::forms::Errors;
use crate::web::pages::first;
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

const LIST: &str = "/admin/webhooks";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(LIST, web::get().to(list))
        .route(LIST, web::post().to(create));
}

/// The strategies an endpoint may be limited to, by id.
pub(super) async fn strategy_titles(
    state: &AppState,
    signed: &SignedIn,
) -> Result<Vec<StrategyView>, AppError> {
    let query = StrategyQuery {
        status: None,
        partner_id: None,
        q: None,
    };
    Ok(
        strategies::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
            .await?
            .items,
    )
}

/// What an endpoint receives, in words.
pub(super) fn receives(endpoint: &WebhookView, titles: &HashMap<Uuid, String>) -> String {
    let kinds = if endpoint.entities.is_empty() {
        "Every kind of change".to_owned()
    } else {
        let words = endpoint.entities.join(", ").replace('_', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    match endpoint.strategy_id {
        None => kinds,
        Some(id) => format!(
            "{kinds}, of {}",
            titles
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "a strategy since deleted".to_owned())
        ),
    }
}

/// The register form as typed.
#[derive(Debug, Default)]
struct RegisterForm {
    url: String,
    description: String,
    strategy_id: String,
    entities: Vec<String>,
}

impl RegisterForm {
    fn read(fields: Vec<(String, String)>) -> RegisterForm {
        let mut form = RegisterForm::default();
        for (name, value) in fields {
            match name.as_str() {
                "url" => form.url = value,
                "description" => form.description = value,
                "strategy_id" => form.strategy_id = value,
                "entities" => form.entities.push(value),
                _ => {}
            }
        }
        form
    }
}

#[derive(Template)]
#[template(path = "web/admin/webhooks.html")]
struct ListPage {
    chrome: Chrome,
    endpoints: Vec<WebhookView>,
    titles: HashMap<Uuid, String>,
    strategies: Vec<StrategyView>,
    kinds: Vec<&'static str>,
    form: RegisterForm,
    errors: Errors,
}

impl ListPage {
    fn receives(&self, endpoint: &WebhookView) -> String {
        receives(endpoint, &self.titles)
    }

    fn checked(&self, kind: &str) -> bool {
        self.form.entities.iter().any(|e| e == kind)
    }

    fn kind_label(&self, kind: &str) -> String {
        let words = kind.replace('_', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

async fn list_page(
    state: &AppState,
    signed: &SignedIn,
    changed: &Changed,
    form: RegisterForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    let paging = PageParams {
        limit: Some(MAX_LIMIT),
        cursor: None,
        updated_since: None,
    };
    let endpoints = webhooks::list(&state.pool, &signed.ctx, &paging)
        .await?
        .items;
    let strategies = strategy_titles(state, signed).await?;
    let data = ListPage {
        chrome: admin_chrome(signed, changed),
        titles: strategies.iter().map(|s| (s.id, s.title.clone())).collect(),
        strategies,
        endpoints,
        kinds: Entity::in_feed().map(Entity::as_str).collect(),
        form,
        errors,
    };
    Ok(page(status(&data.errors), &data)?)
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    administration::enter(&signed.ctx, Area::Webhooks)?;
    list_page(
        &state,
        &signed,
        &changed,
        RegisterForm::default(),
        Errors::none(),
    )
    .await
}

/// The page that hands over an endpoint's secret: the answer to the form
/// itself (registering, or rotating), never a redirect, so the secret is
/// in no address or later page.
#[derive(Template)]
#[template(path = "web/admin/webhook_secret.html")]
pub(super) struct SecretPage {
    pub(super) chrome: Chrome,
    pub(super) shown: WebhookWithSecret,
    pub(super) rotated: bool,
}

async fn create(
    state: Data<AppState>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let form = RegisterForm::read(form);
    let mut errors = Errors::none();
    let strategy_id = match form.strategy_id.trim() {
        "" => None,
        id => match id.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("strategy_id", "Choose a strategy from the list");
                None
            }
        },
    };
    if !errors.any() {
        let input = CreateWebhook {
            url: form.url.clone(),
            description: Some(form.description.clone()),
            entities: Some(form.entities.clone()),
            strategy_id,
        };
        match webhooks::create(&state.pool, &signed.ctx, webhook_policy(&state), input).await {
            Ok(shown) => {
                let data = SecretPage {
                    chrome: admin_chrome(&signed, &Changed::default()),
                    shown,
                    rotated: false,
                };
                return Ok(page(StatusCode::CREATED, &data)?);
            }
            Err(error) => {
                // Each kind's error belongs to the one group of checkboxes.
                let found = Errors::from_refusal(error)?;
                errors = Errors(
                    found
                        .0
                        .into_iter()
                        .map(|e| match e.field.starts_with("entities") {
                            true => FieldError::new("entities", e.message),
                            false => e,
                        })
                        .collect(),
                );
            }
        }
    } else {
        administration::enter(&signed.ctx, Area::Webhooks)?;
    }
    list_page(&state, &signed, &Changed::default(), form, errors).await
}
