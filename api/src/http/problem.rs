//! The service's one error type as the JSON API answers it: an RFC 9457
//! problem+json document with the status, and the headers some statuses
//! carry (`WWW-Authenticate`, `Retry-After`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

use crate::error::{AppError, chain};

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Item { error, .. } = self
            && matches!(**error, AppError::Internal(_) | AppError::Unavailable(_))
        {
            // The failure is the service's, not the item's.
            return error.error_response();
        }
        match self {
            AppError::Internal(source) => {
                tracing::error!(error = %chain(source.as_ref()), "request failed")
            }
            AppError::Unavailable(source) => {
                tracing::warn!(error = %chain(source.as_ref()), "database unavailable")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    r#"Bearer realm="delivery-tracker", error="invalid_token""#,
                ));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        response.body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_a_known_http_status_with_its_reason() {
        for error in [
            AppError::BadRequest(String::new()),
            AppError::Unauthorized(String::new()),
            AppError::Forbidden(String::new()),
            AppError::NotFound(String::new()),
            AppError::Conflict(String::new()),
            AppError::PreconditionFailed,
            AppError::PreconditionRequired,
            AppError::PayloadTooLarge(String::new()),
            AppError::UnsupportedMediaType(String::new()),
            AppError::Validation(Vec::new()),
            AppError::TooManyRequests {
                retry_after_secs: 1,
            },
            AppError::internal("x"),
        ] {
            let status = error.status_code();
            assert_eq!(status.as_u16(), error.status());
            assert_eq!(
                status.canonical_reason(),
                Some(error.problem().title.as_str())
            );
        }
    }
}
