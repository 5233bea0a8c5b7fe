//! System tokens: the list, a form to make one (whose answer shows the
//! secret, once), and revoking one after a page that says what it does.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{Changed, admin_chrome, status};
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, PageParams};
use crate::services::administration::{self, Area};
use crate::services::strategies::{self, StrategyQuery, StrategyView};
use crate::services::tokens::{
    self, CreateToken, CreatedToken, DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, TokenState,
    TokenView,
};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome};
use crate::web::forms::{DateParts, Errors};
use crate::web::pages::first;
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const LIST: &str = "/admin/tokens";
/// Tokens shown on one page of the list.
const PAGE_SIZE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(LIST, web::get().to(list))
        .route(LIST, web::post().to(create))
        .route("/admin/tokens/new", web::get().to(new))
        .route("/admin/tokens/{id}/revoke", web::get().to(confirm))
        .route("/admin/tokens/{id}/revoke", web::post().to(revoke));
}

async fn all_strategies(
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

/// How times and a token's reach are written on the token pages.
struct Wording {
    zone: Tz,
    strategies: HashMap<Uuid, String>,
}

impl Wording {
    async fn new(state: &AppState, signed: &SignedIn) -> Result<Wording, AppError> {
        Ok(Wording {
            zone: signed.ctx.clock.zone(),
            strategies: all_strategies(state, signed)
                .await?
                .into_iter()
                .map(|s| (s.id, s.title))
                .collect(),
        })
    }

    fn moment(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    fn reach(&self, token: &TokenView) -> String {
        match token.strategy_id {
            None => "Every strategy".to_owned(),
            Some(id) => self
                .strategies
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "A strategy since deleted".to_owned()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/tokens.html")]
struct ListPage {
    chrome: Chrome,
    tokens: Vec<TokenView>,
    wording: Wording,
    next: Option<String>,
}

impl ListPage {
    /// Only a token that still works has anything to revoke.
    fn revocable(&self, token: &TokenView) -> bool {
        token.state == TokenState::Active
    }
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    query: Query<ListQuery>,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    let paging = PageParams {
        limit: Some(PAGE_SIZE),
        cursor: query.into_inner().cursor,
        updated_since: None,
    };
    let found = tokens::list(&state.pool, &signed.ctx, &paging).await?;
    let next = found.next_cursor.map(|cursor| {
        let query = serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default();
        format!("{LIST}?{query}")
    });
    let data = ListPage {
        chrome: admin_chrome(&signed, &changed),
        wording: Wording::new(&state, &signed).await?,
        tokens: found.items,
        next,
    };
    Ok(page(StatusCode::OK, &data)?)
}

#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    strategy_id: String,
    #[serde(default, rename = "expires_on-day")]
    day: String,
    #[serde(default, rename = "expires_on-month")]
    month: String,
    #[serde(default, rename = "expires_on-year")]
    year: String,
}

impl NewForm {
    fn expires_on(&self) -> DateParts {
        DateParts::new(self.day.clone(), self.month.clone(), self.year.clone())
    }
}

#[derive(Template)]
#[template(path = "web/admin/token_new.html")]
struct NewPage {
    chrome: Chrome,
    strategies: Vec<StrategyView>,
    form: NewForm,
    expires_on: DateParts,
    errors: Errors,
}

impl NewPage {
    fn lifetime_hint(&self) -> String {
        format!(
            "It stops working at the end of this day, at most {MAX_LIFETIME_DAYS} days from today. \
             Leave it blank for {DEFAULT_LIFETIME_DAYS} days. For example, 31 3 2027"
        )
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
        strategies: all_strategies(state, signed).await?,
        expires_on: form.expires_on(),
        form,
        errors,
    };
    Ok(page(status(&data.errors), &data)?)
}

async fn new(state: Data<AppState>, signed: SignedIn) -> Result<HttpResponse, PageError> {
    administration::enter(&signed.ctx, Area::Tokens)?;
    new_page(&state, &signed, NewForm::default(), Errors::none()).await
}

/// The page that hands over a new token's secret: the answer to the form
/// itself, never a redirect, so the secret is in no address or later page.
#[derive(Template)]
#[template(path = "web/admin/token_created.html")]
struct CreatedPage {
    chrome: Chrome,
    created: CreatedToken,
    wording: Wording,
}

async fn create(state: Data<AppState>, posted: Posted<NewForm>) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let mut errors = Errors::none();
    let expires_on = form.expires_on();
    let blank = [&form.day, &form.month, &form.year]
        .iter()
        .all(|part| part.trim().is_empty());
    let expires_at = if blank {
        Some(None)
    } else {
        match expires_on.parse("the day the token stops working") {
            Ok(day) => Some(Some(signed.ctx.clock.end_of_day(day))),
            Err(message) => {
                errors.add("expires_on", message);
                None
            }
        }
    };
    let strategy_id = match form.strategy_id.trim() {
        "" => Some(None),
        id => match id.parse() {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                errors.add("strategy_id", "Choose a strategy from the list");
                None
            }
        },
    };
    if let (Some(expires_at), Some(strategy_id)) = (expires_at, strategy_id) {
        let input = CreateToken {
            name: form.name.clone(),
            expires_at,
            strategy_id,
        };
        match tokens::create(&state.pool, &signed.ctx, input).await {
            Ok(created) => {
                let data = CreatedPage {
                    chrome: admin_chrome(&signed, &Changed::default()),
                    wording: Wording::new(&state, &signed).await?,
                    created,
                };
                return Ok(page(StatusCode::CREATED, &data)?);
            }
            Err(error) => {
                // The service names the moment; the form asks for a day.
                let found = Errors::from_refusal(error)?;
                errors = Errors(
                    found
                        .0
                        .into_iter()
                        .map(|e| match e.field.as_str() {
                            "expires_at" => FieldError::new("expires_on", e.message),
                            _ => e,
                        })
                        .collect(),
                );
            }
        }
    } else {
        // Nothing to send while a choice is unreadable; the form is still
        // shown only to those the operation would let in.
        administration::enter(&signed.ctx, Area::Tokens)?;
    }
    new_page(&state, &signed, form, errors).await
}

#[derive(Template)]
#[template(path = "web/admin/token_revoke.html")]
struct RevokePage {
    chrome: Chrome,
    token: TokenView,
    wording: Wording,
}

async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let token = tokens::get(&state.pool, &signed.ctx, *id).await?;
    let data = RevokePage {
        chrome: admin_chrome(&signed, &Changed::default()),
        wording: Wording::new(&state, &signed).await?,
        token,
    };
    Ok(page(StatusCode::OK, &data)?)
}

/// Revoking needs no version: a revoked token stays revoked.
#[derive(Debug, Deserialize)]
struct RevokeForm {}

async fn revoke(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<RevokeForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form: _ } = posted;
    tokens::revoke(&state.pool, &signed.ctx, *id).await?;
    Ok(see_other(&format!("{LIST}?done=token-revoked")))
}
