//! Signing in and out. Before sign-in there is no session to hold a form
//! token, so the sign-in form's token is the value of a cookie set with
//! the form (a double-submit token), checked with the form's origin.

use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;

use super::Done;
use crate::auth::opaque;
use crate::demo::DemoUser;
use crate::error::AppError;
use crate::http::auth::client_address;
use crate::services::auth::LoginRequest;
use crate::services::sessions;
use crate::state::AppState;
use crate::web::csrf::{check_token, same_origin};
use crate::web::format::Chrome;
use crate::web::forms::Errors;
use crate::web::respond::{PASSWORD_PAGE, PageError, page, safe_next, see_other};
use crate::web::session::{SESSION_COOKIE, cookie, removal};

const SIGN_IN_COOKIE: &str = "dpt_sign_in";
const SIGN_IN_COOKIE_SECS: i64 = 2 * 3600;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sign-in", web::get().to(show))
        .route("/sign-in", web::post().to(submit))
        .route("/sign-out", web::post().to(sign_out));
}

#[derive(Template)]
#[template(path = "web/sign_in.html")]
struct SignInPage<'a> {
    chrome: Chrome,
    csrf_token: String,
    email: String,
    next: String,
    errors: Errors,
    demo_accounts: &'a [DemoUser],
}

#[derive(Debug, Default, Deserialize)]
struct Next {
    next: Option<String>,
    #[serde(flatten)]
    done: Done,
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

fn token_of(req: &HttpRequest) -> String {
    req.cookie(SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 32)
        .unwrap_or_else(|| opaque::generate("").0)
}

fn render(
    state: &AppState,
    status: StatusCode,
    page_data: SignInPage,
    token: &str,
) -> Result<HttpResponse, AppError> {
    let mut response = page(status, &page_data)?;
    let cookie = cookie(
        SIGN_IN_COOKIE,
        token.to_owned(),
        state.pages.cookie_secure,
        SIGN_IN_COOKIE_SECS,
    );
    response.add_cookie(&cookie).map_err(AppError::internal)?;
    Ok(response)
}

async fn show(
    state: Data<AppState>,
    req: HttpRequest,
    query: Query<Next>,
) -> Result<HttpResponse, PageError> {
    let token = token_of(&req);
    let mut chrome = Chrome::anonymous();
    chrome.banner = query.done.banner();
    let data = SignInPage {
        chrome,
        csrf_token: token.clone(),
        email: String::new(),
        next: safe_next(query.next.as_deref()).to_owned(),
        errors: Errors::none(),
        demo_accounts: &state.pages.demo_accounts,
    };
    Ok(render(&state, StatusCode::OK, data, &token)?)
}

async fn submit(
    state: Data<AppState>,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    same_origin(&req)?;
    let form = form.into_inner();
    let expected = req
        .cookie(SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    check_token(Some(&form.csrf_token), &expected)?;
    let next = safe_next(Some(&form.next)).to_owned();
    let mut errors = Errors::none();
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.any() {
        let client = client_address(&req, state.trust_forwarded);
        let login = LoginRequest {
            email: form.email.clone(),
            password: SecretString::from(form.password),
        };
        match sessions::start(&state.pool, &state.identity, &client, login).await {
            Ok(started) => {
                let max_age = (started.expires_at - chrono::Utc::now()).num_seconds();
                let session = cookie(
                    SESSION_COOKIE,
                    started.secret,
                    state.pages.cookie_secure,
                    max_age,
                );
                // Straight to the one page such a user may use.
                let target = if started.must_change_password {
                    PASSWORD_PAGE
                } else {
                    next.as_str()
                };
                let mut response = see_other(target);
                response.add_cookie(&session).map_err(AppError::internal)?;
                response
                    .add_removal_cookie(&removal(SIGN_IN_COOKIE, state.pages.cookie_secure))
                    .map_err(AppError::internal)?;
                return Ok(response);
            }
            Err(AppError::Unauthorized(_)) => {
                errors.add("email", "Enter a correct email address and password");
            }
            Err(other) => return Err(other.into()),
        }
    }
    let data = SignInPage {
        chrome: Chrome::anonymous(),
        csrf_token: expected.clone(),
        email: form.email,
        next,
        errors,
        demo_accounts: &state.pages.demo_accounts,
    };
    Ok(render(
        &state,
        StatusCode::UNPROCESSABLE_ENTITY,
        data,
        &expected,
    )?)
}

async fn sign_out(
    state: Data<AppState>,
    req: HttpRequest,
    posted: crate::web::csrf::Posted<NoFields>,
) -> Result<HttpResponse, PageError> {
    let _ = posted.form;
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        sessions::end(&state.pool, cookie.value()).await?;
    }
    let mut response = see_other("/sign-in?done=signed-out");
    response
        .add_removal_cookie(&removal(SESSION_COOKIE, state.pages.cookie_secure))
        .map_err(AppError::internal)?;
    Ok(response)
}

/// A form whose only field is its token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}
