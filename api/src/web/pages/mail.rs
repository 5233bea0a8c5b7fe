//! Email choices: the account's page of which notices to receive, and the
//! page every message's unsubscribe link opens. Opening that link changes
//! nothing (mail scanners follow links); its button, or a mail program's
//! one-click POST (RFC 8058), turns the kind off, with the signed token in
//! the address as the only authority: no session, no form token.

use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{Done, chrome};
use crate::services::mail::MailKind;
use crate::services::mail::preferences::{self, SetMailPreferences};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{Chrome, Section};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const MAIL_PAGE: &str = "/account/mail";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(MAIL_PAGE, web::get().to(show))
        .route(MAIL_PAGE, web::post().to(submit))
        .route("/unsubscribe/{token}", web::get().to(confirm))
        .route("/unsubscribe/{token}", web::post().to(unsubscribe));
}

/// One checkbox of the page.
struct Choice {
    name: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "web/mail_preferences.html")]
struct MailPage {
    chrome: Chrome,
    choices: Vec<Choice>,
}

/// The ticked boxes (a box not ticked is not sent).
#[derive(Debug, Default, Deserialize)]
struct MailForm {
    update_due: Option<String>,
    period_closed: Option<String>,
    challenged: Option<String>,
    priority_raised: Option<String>,
}

impl MailForm {
    fn ticked(&self, kind: MailKind) -> bool {
        match kind {
            MailKind::UpdateDue => self.update_due.is_some(),
            MailKind::PeriodClosed => self.period_closed.is_some(),
            MailKind::Challenged => self.challenged.is_some(),
            MailKind::PriorityRaised => self.priority_raised.is_some(),
        }
    }
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let mine = preferences::mine(&state.pool, &signed.ctx).await?;
    let data = MailPage {
        chrome: chrome(&signed, Section::Account, &done),
        choices: MailKind::ALL
            .iter()
            .map(|kind| Choice {
                name: kind.as_str(),
                label: kind.describe(),
                checked: mine.get(*kind),
            })
            .collect(),
    };
    Ok(page(StatusCode::OK, &data)?)
}

async fn submit(
    state: Data<AppState>,
    posted: Posted<MailForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let input = SetMailPreferences::all(|kind| form.ticked(kind));
    preferences::set_mine(&state.pool, &signed.ctx, input).await?;
    Ok(see_other(&format!("{MAIL_PAGE}?done=mail")))
}

#[derive(Template)]
#[template(path = "web/unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    /// What the link stops, in words.
    what: &'static str,
    /// The address the button posts to.
    action: String,
    /// Whether it is done.
    done: bool,
}

async fn confirm(state: Data<AppState>, token: Path<String>) -> Result<HttpResponse, PageError> {
    let found = preferences::check_token(&state.pool, &state.mail, &token).await?;
    let data = UnsubscribePage {
        chrome: Chrome::anonymous(),
        what: found.kind.describe(),
        action: format!("/unsubscribe/{}", token.as_str()),
        done: false,
    };
    Ok(page(StatusCode::OK, &data)?)
}

async fn unsubscribe(
    state: Data<AppState>,
    req: HttpRequest,
    token: Path<String>,
) -> Result<HttpResponse, PageError> {
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string);
    let done = preferences::unsubscribe(&state.pool, &state.clock, request_id, &state.mail, &token)
        .await?;
    let data = UnsubscribePage {
        chrome: Chrome::anonymous(),
        what: done.kind.describe(),
        action: format!("/unsubscribe/{}", token.as_str()),
        done: true,
    };
    Ok(page(StatusCode::OK, &data)?)
}
