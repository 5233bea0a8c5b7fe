//! Authentication of requests: the bearer token becomes the caller's `Ctx`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use tracing_actix_web::RequestId;

use crate::domain::Actor;
use crate::error::AppError;
use crate::services::Ctx;
use crate::state::AppState;

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

fn authenticate(req: &HttpRequest) -> Result<Ctx, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let token = bearer_token(req)?;
    let claims = state
        .jwt
        .verify(token)
        .map_err(|_| AppError::Unauthorized("the access token is invalid or has expired".into()))?;
    Ok(Ctx {
        actor: Actor::User {
            id: claims.sub,
            role: claims.role,
            organisation_id: claims.org,
        },
        request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
    })
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}
