//! Read-your-writes over a replica. The answer to a write names the
//! primary's position after it (the `Read-After-Lsn` header, and a cookie
//! for a browser); a read that sends it back, or that comes with the same
//! credentials to the same instance, is served by the replica only once the
//! replica has replayed that far.

use std::ops::Deref;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::auth::SESSION_COOKIE;
use crate::error::AppError;
use crate::state::{AppState, Lsn, Pool};

/// The header that carries a write's position, in answers to writes and
/// back in reads.
pub const READ_AFTER_HEADER: &str = "read-after-lsn";
/// The cookie that carries a browser's last write's position.
pub const READ_AFTER_COOKIE: &str = "dpt_read_after";
/// How long a browser keeps the position: far longer than any replica may
/// lag before reads leave it.
const COOKIE_SECONDS: i64 = 3600;

/// The connections a read uses: the replica's or the primary's (see
/// `Reads::pool_for`).
pub struct ReadPool(Pool);

impl Deref for ReadPool {
    type Target = Pool;

    fn deref(&self) -> &Pool {
        &self.0
    }
}

impl FromRequest for ReadPool {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal("application state missing"))?;
            let after = wanted(&req, state)?;
            Ok(ReadPool(state.reads.pool_for(after).await.clone()))
        })
    }
}

/// The position a read must show: the latest of the header, the cookie and
/// the caller's last write remembered here.
fn wanted(req: &HttpRequest, state: &AppState) -> Result<Option<Lsn>, AppError> {
    let mut after = None;
    if let Some(value) = req.headers().get(READ_AFTER_HEADER) {
        let lsn = value
            .to_str()
            .ok()
            .and_then(|text| text.parse::<Lsn>().ok())
            .ok_or_else(|| {
                AppError::BadRequest(
                    "the Read-After-Lsn header must be a position such as 0/16B3748, \
                     as the answer to a write gave it"
                        .into(),
                )
            })?;
        after = Some(lsn);
    }
    if let Some(cookie) = req.cookie(READ_AFTER_COOKIE)
        && let Ok(lsn) = cookie.value().parse::<Lsn>()
    {
        after = after.max(Some(lsn));
    }
    if let Some(credential) = credential(req) {
        after = after.max(state.reads.recalled(&credential));
    }
    Ok(after)
}

/// What identifies the caller's credentials: the bearer token or the
/// session cookie, as sent.
fn credential(req: &HttpRequest) -> Option<Vec<u8>> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        return Some(value.as_bytes().to_vec());
    }
    req.cookie(SESSION_COOKIE)
        .map(|cookie| cookie.value().as_bytes().to_vec())
}

/// After a write succeeds, and only when a replica is configured: names the
/// primary's position in the answer and remembers it for the caller.
pub async fn track_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .filter(|state| state.reads.has_replica())
        .cloned();
    let is_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let Some(state) = state.filter(|_| is_write) else {
        return next.call(req).await;
    };
    let credential = credential(req.request());
    let browser = req.cookie(SESSION_COOKIE).is_some();
    let mut response = next.call(req).await?;
    if !committed(response.status()) {
        return Ok(response);
    }
    match state.reads.written().await {
        Ok(lsn) => {
            let text = lsn.to_string();
            response.headers_mut().insert(
                header::HeaderName::from_static(READ_AFTER_HEADER),
                HeaderValue::from_str(&text).expect("a position is a valid header"),
            );
            if let Some(credential) = &credential {
                state.reads.remember(credential, lsn);
            }
            if browser {
                let cookie = Cookie::build(READ_AFTER_COOKIE, text)
                    .path("/")
                    .http_only(true)
                    .secure(state.pages.cookie_secure)
                    .same_site(SameSite::Lax)
                    .max_age(time::Duration::seconds(COOKIE_SECONDS))
                    .finish();
                response.response_mut().add_cookie(&cookie)?;
            }
        }
        // The write stands; only its position is unknown, so this caller's
        // next reads may not show it until the replica catches up.
        Err(error) => tracing::warn!(%error, "could not read the primary's position after a write"),
    }
    Ok(response)
}

/// Whether an answer to a write means it took effect.
fn committed(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}
