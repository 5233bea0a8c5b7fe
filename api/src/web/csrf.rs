//! Forms that change something are accepted only from this service's own
//! pages: the browser must say the form came from this origin, and the
//! form must carry the session's token (or, before sign-in, the token of
//! the sign-in cookie).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::respond::PageError;
use super::session::SignedIn;
use crate::error::AppError;

/// The hidden field every form carries.
pub const FIELD: &str = "csrf_token";

const REFUSED: &str = "the form did not come from this service's pages, or it is too old; \
                       go back, reload the page and send it again";

/// A form posted by a signed-in browser from one of the service's pages.
pub struct Posted<T> {
    pub signed: SignedIn,
    pub form: T,
}

/// The browser's `Origin` (or, failing that, `Referer`) must name the host
/// the request was sent to. Browsers send `Origin` with every POST; a
/// request without either is not from a page of ours.
pub fn same_origin(req: &HttpRequest) -> Result<(), AppError> {
    let host = req.connection_info().host().to_owned();
    let headers = req.headers();
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::Forbidden(REFUSED.into()))?;
    let authority = source
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default());
    if authority.is_some_and(|a| a.eq_ignore_ascii_case(&host)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(REFUSED.into()))
    }
}

/// The token a form sent, compared in constant time with the one expected.
pub fn check_token(sent: Option<&str>, expected: &str) -> Result<(), AppError> {
    match sent {
        Some(sent)
            if !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(REFUSED.into())),
    }
}

/// The form's fields, the token among them.
pub fn fields<T: DeserializeOwned>(body: &[u8]) -> Result<(T, Option<String>), AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
    let token = pairs
        .iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.clone());
    let form = serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
    Ok((form, token))
}

async fn posted<T: DeserializeOwned>(
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<Posted<T>, PageError> {
    let signed = SignedIn::extract(&req).await?;
    same_origin(&req)?;
    let body = body.map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
    let (form, token) = fields(&body)?;
    check_token(token.as_deref(), &signed.csrf_token)?;
    Ok(Posted { signed, form })
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move { posted(req, body.await).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn tokens_must_match_exactly() {
        assert!(check_token(Some("abc"), "abc").is_ok());
        assert!(check_token(Some("abd"), "abc").is_err());
        assert!(check_token(None, "abc").is_err());
        assert!(check_token(Some(""), "").is_err());
    }

    #[test]
    fn only_this_origin_may_post() {
        let from = |origin: &str| {
            TestRequest::post()
                .insert_header((header::HOST, "tracker.example"))
                .insert_header((header::ORIGIN, origin))
                .to_http_request()
        };
        assert!(same_origin(&from("https://tracker.example")).is_ok());
        assert!(same_origin(&from("https://evil.example")).is_err());
        assert!(same_origin(&from("https://tracker.example.evil.example")).is_err());
        assert!(same_origin(&from("null")).is_err());
        let bare = TestRequest::post()
            .insert_header((header::HOST, "tracker.example"))
            .to_http_request();
        assert!(same_origin(&bare).is_err());
    }
}
