//! Authentication of requests: the bearer token becomes the caller's `Ctx`.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use crate::domain::Actor;
use crate::error::AppError;
use crate::services::Ctx;
use crate::services::tokens::{self, SYSTEM_TOKEN_PREFIX};
use crate::state::AppState;

/// The browser's session cookie: an opaque secret, never readable by
/// scripts.
pub const SESSION_COOKIE: &str = "dpt_session";

fn bearer_token(req: &HttpRequest) -> Result<&str, AppError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        AppError::Unauthorized("sign in: this request needs a bearer token".into())
    })?;
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthorized("the Authorization header is malformed".into()))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(AppError::Unauthorized(
            "the Authorization header must be `Bearer <token>`".into(),
        )),
    }
}

/// The caller's address: the connection's peer, or behind a trusted proxy
/// the address it forwards. Sign-in failures are counted against it.
pub fn client_address(req: &HttpRequest, trust_forwarded: bool) -> String {
    let info = req.connection_info();
    let address = if trust_forwarded {
        info.realip_remote_addr()
    } else {
        info.peer_addr()
    };
    address.unwrap_or("unknown").to_owned()
}

/// What a request's credentials allow: everything their holder's role
/// does, or, while the password must be changed, only that.
enum Authenticated {
    Full(Ctx),
    PasswordChangeOnly(Ctx),
}

/// Why a signed-in user whose password must be changed is refused.
const CHANGE_PASSWORD_FIRST: &str = "the password must be changed first: send the one you were \
     given and a new one to POST /api/v1/me/password, then sign in again";

async fn authenticate(req: HttpRequest) -> Result<Authenticated, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let token = bearer_token(&req)?;
    let mut must_change_password = false;
    let actor = if token.starts_with(SYSTEM_TOKEN_PREFIX) {
        let token = tokens::authenticate(&state.pool, token)
            .await?
            .ok_or_else(|| {
                AppError::Unauthorized("the system token is invalid, revoked or expired".into())
            })?;
        Actor::System {
            token_id: token.id,
            strategy_id: token.strategy_id,
        }
    } else {
        let claims = state.identity.jwt.verify(token).map_err(|_| {
            AppError::Unauthorized("the access token is invalid or has expired".into())
        })?;
        must_change_password = claims.must_change_password;
        Actor::User {
            id: claims.sub,
            role: claims.role,
            organisation_id: claims.org,
        }
    };
    // The request log names who made each request.
    tracing::Span::current().record("actor", tracing::field::display(actor.label()));
    let ctx = Ctx {
        actor,
        request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
        clock: state.clock.clone(),
        mail: Some(state.mail.clone()),
    };
    Ok(if must_change_password {
        Authenticated::PasswordChangeOnly(ctx)
    } else {
        Authenticated::Full(ctx)
    })
}

/// Every endpoint that needs a caller takes a `Ctx`: a token whose holder
/// must change their password first is refused (403).
impl FromRequest for Ctx {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(req).await? {
                Authenticated::Full(ctx) => Ok(ctx),
                Authenticated::PasswordChangeOnly(_) => {
                    Err(AppError::Forbidden(CHANGE_PASSWORD_FIRST.into()))
                }
            }
        })
    }
}

/// The caller of the endpoints a user whose password must be changed may
/// still use: reading their account and changing the password. Each
/// endpoint that takes it instead of `Ctx` opts in, so nothing else can be
/// reached by mistake.
pub struct PasswordChange(pub Ctx);

impl FromRequest for PasswordChange {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(req).await? {
                Authenticated::Full(ctx) | Authenticated::PasswordChangeOnly(ctx) => {
                    Ok(PasswordChange(ctx))
                }
            }
        })
    }
}
