//! The browser's session cookie and the signed-in caller it names.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use super::respond::{PASSWORD_PAGE, PageError};
use crate::error::AppError;
use crate::services::{Ctx, sessions};
use crate::state::AppState;

pub use crate::http::auth::SESSION_COOKIE;

/// The pages a user whose password must be changed may use: every other
/// page sends them to change it.
const WHILE_PASSWORD_MUST_CHANGE: [&str; 2] = [PASSWORD_PAGE, "/sign-out"];

/// A signed-in browser: the caller for service operations, the user's
/// name for the header, and the token its forms must carry.
pub struct SignedIn {
    pub ctx: Ctx,
    pub name: String,
    pub csrf_token: String,
    /// The user was given their password and must choose their own.
    pub must_change_password: bool,
}

pub fn state(req: &HttpRequest) -> Result<&web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))
}

async fn signed_in(req: HttpRequest) -> Result<SignedIn, PageError> {
    let state = state(&req)?;
    let session = match req.cookie(SESSION_COOKIE) {
        Some(cookie) => sessions::resume(&state.pool, &state.identity, cookie.value()).await?,
        None => None,
    };
    let Some(session) = session else {
        return Err(PageError::SignIn {
            next: come_back_to(&req),
        });
    };
    tracing::Span::current().record("actor", tracing::field::display(session.actor.label()));
    if session.must_change_password && !WHILE_PASSWORD_MUST_CHANGE.contains(&req.path()) {
        return Err(PageError::ChangePasswordFirst);
    }
    Ok(SignedIn {
        ctx: Ctx {
            actor: session.actor,
            request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
            clock: state.clock.clone(),
            mail: Some(state.mail.clone()),
        },
        name: session.name,
        csrf_token: session.csrf_token,
        must_change_password: session.must_change_password,
    })
}

/// Where to return after signing in: this page for a GET; for a form
/// whose session had ended, the page the form was on (what was typed is
/// lost with the session, but not the place).
fn come_back_to(req: &HttpRequest) -> String {
    if req.method() == Method::GET {
        return req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
    }
    let path = req.path();
    path.rsplit_once('/')
        .map(|(page, _)| page)
        .filter(|page| !page.is_empty())
        .unwrap_or("/")
        .to_owned()
}

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(signed_in(req.clone()))
    }
}

/// A cookie only this service's pages send back: not to scripts, not with
/// requests other sites start (except top-level links), over HTTPS unless
/// configured off for plain http on this machine.
pub fn cookie(name: &'static str, value: String, secure: bool, max_age: i64) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::seconds(max_age))
        .finish()
}

/// Tells the browser to forget a cookie.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(name, String::new(), secure, 0);
    cookie.make_removal();
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_for_this_service_alone() {
        let secure = cookie(SESSION_COOKIE, "dts_x".into(), true, 60).to_string();
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=60"] {
            assert!(secure.contains(part), "{secure}");
        }
        let local = cookie(SESSION_COOKIE, "dts_x".into(), false, 60).to_string();
        assert!(!local.contains("Secure"), "{local}");
        assert!(
            removal(SESSION_COOKIE, true)
                .to_string()
                .contains("Max-Age=0")
        );
    }
}
