//! How pages answer: HTML with the pages' security headers, redirects
//! after a form, and the service's errors as pages in the same design.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::format::Chrome;
use crate::error::{AppError, chain};

/// Scripts, styles and images come from the service alone, nothing
/// inline; no other site may frame the pages or receive their forms.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The page where a user changes their password.
pub const PASSWORD_PAGE: &str = "/account/password";

/// A rendered page with the pages' headers.
pub fn page(status: StatusCode, template: &impl Template) -> Result<HttpResponse, AppError> {
    let body = template.render().map_err(AppError::internal)?;
    Ok(html(status, body))
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        // Pages show what one person may see; no cache keeps them.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Forms posted from the pages then carry their origin, which the
        // form check compares (under `no-referrer` it would be "null").
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .body(body)
}

/// After a form: see the result with a GET, so reloading does not post
/// again.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The browser is not signed in (or its session ended): sign in, then
    /// come back to `next`.
    #[error("sign in to continue")]
    SignIn { next: String },
    /// The user was given their password and has not yet chosen their own:
    /// no page but the one to change it.
    #[error("change your password to continue")]
    ChangePasswordFirst,
    /// What the core answered.
    #[error(transparent)]
    App(#[from] AppError),
}

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: &'static str,
    message: String,
    status: u16,
}

impl ErrorPage {
    fn for_error(error: &AppError) -> ErrorPage {
        let (title, message) = match error {
            AppError::Forbidden(message) => (
                "You cannot do that",
                format!(
                    "Your account is not allowed to do this: {message}. \
                     Ask the board's administrator if you think it should be."
                ),
            ),
            AppError::NotFound(message) => (
                "Page not found",
                format!("There is {message} here. Check the address, or go back to your organisation's page."),
            ),
            AppError::TooManyRequests { retry_after_secs } => (
                "Too many attempts",
                format!("Wait {retry_after_secs} seconds, then try again."),
            ),
            AppError::Unavailable(_) | AppError::Internal(_) => (
                "Sorry, there is a problem with the service",
                "Try again later. Nothing you sent was saved unless a page said so.".to_owned(),
            ),
            AppError::PreconditionFailed => (
                "Someone else changed this",
                "This record changed after you opened it. Go back, reload the page and make your change again.".to_owned(),
            ),
            other => ("There is a problem", other.to_string()),
        };
        ErrorPage {
            chrome: Chrome::anonymous(),
            title,
            message,
            status: error.status(),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn { .. } | PageError::ChangePasswordFirst => StatusCode::SEE_OTHER,
            PageError::App(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        let error = match self {
            PageError::SignIn { next } => return see_other(&sign_in_url(next)),
            PageError::ChangePasswordFirst => return see_other(PASSWORD_PAGE),
            PageError::App(AppError::Unauthorized(_)) => return see_other("/sign-in"),
            PageError::App(error) => error,
        };
        match error {
            AppError::Internal(source) => {
                tracing::error!(error = %chain(source.as_ref()), "page failed")
            }
            AppError::Unavailable(source) => {
                tracing::warn!(error = %chain(source.as_ref()), "database unavailable")
            }
            _ => {}
        }
        let page = ErrorPage::for_error(error);
        let body = page
            .render()
            .unwrap_or_else(|_| "<!DOCTYPE html><title>Error</title>".to_owned());
        let mut response = html(self.status_code(), body);
        if let AppError::TooManyRequests { retry_after_secs } = error {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(*retry_after_secs),
            );
        }
        response
    }
}

/// The sign-in page, to come back to `next` after.
pub fn sign_in_url(next: &str) -> String {
    if next == "/" || next.is_empty() {
        "/sign-in".to_owned()
    } else {
        format!(
            "/sign-in?{}",
            serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
        )
    }
}

/// Where to go after signing in: a path of this service, never another
/// site (`//evil.example` or `/\evil.example` would be one).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

/// The 404 page, for any address the service does not serve.
pub fn not_found_page() -> HttpResponse {
    PageError::App(AppError::NotFound("no page".into())).error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_own_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/actions/1?x=2")), "/actions/1?x=2");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn sign_in_keeps_where_the_user_was() {
        assert_eq!(sign_in_url("/"), "/sign-in");
        assert_eq!(
            sign_in_url("/actions/a b"),
            "/sign-in?next=%2Factions%2Fa+b"
        );
    }
}
