//! The signed-in user's account: change password. A new password ends
//! every session of the account, this one too, so the user signs in again.
//! A user given their password by an administrator is sent here from every
//! page until they have chosen their own.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;

use super::{Done, chrome};
use crate::error::AppError;
use crate::services::auth::{self, ChangePassword};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{Chrome, Section};
use crate::web::forms::Errors;
use crate::web::respond::{PASSWORD_PAGE, PageError, page, see_other};
use crate::web::session::{SESSION_COOKIE, SignedIn, removal};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PASSWORD_PAGE, web::get().to(show))
        .route(PASSWORD_PAGE, web::post().to(submit));
}

#[derive(Template)]
#[template(path = "web/password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: Errors,
    /// The user was given this password and must choose their own: the
    /// page says why it is shown, and offers no way back.
    first_sign_in: bool,
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn show(signed: SignedIn, done: Query<Done>) -> Result<HttpResponse, PageError> {
    let data = PasswordPage {
        chrome: chrome(&signed, Section::Account, &done),
        errors: Errors::none(),
        first_sign_in: signed.must_change_password,
    };
    Ok(page(StatusCode::OK, &data)?)
}

async fn submit(
    state: Data<AppState>,
    posted: Posted<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let input = ChangePassword {
        current_password: SecretString::from(form.current_password),
        new_password: SecretString::from(form.new_password),
    };
    let errors = match auth::change_password(&state.pool, &signed.ctx, input).await {
        Ok(()) => {
            let mut response = see_other("/sign-in?done=password");
            response
                .add_removal_cookie(&removal(SESSION_COOKIE, state.pages.cookie_secure))
                .map_err(AppError::internal)?;
            return Ok(response);
        }
        Err(error) => Errors::from_refusal(error)?,
    };
    // Passwords are never sent back to the browser, even on an error.
    let data = PasswordPage {
        chrome: chrome(&signed, Section::Account, &Done::default()),
        errors,
        first_sign_in: signed.must_change_password,
    };
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &data)?)
}
