//! Configuration of actix's built-in extractors so that every malformed
//! request gets a problem+json answer that says what was wrong.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::AppError;

/// Largest JSON body accepted, in bytes.
pub const JSON_LIMIT: usize = 256 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|error, _req| json_error(error).into())
}

fn json_error(error: JsonPayloadError) -> AppError {
    match error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => {
            AppError::PayloadTooLarge(format!("the request body is larger than {limit} bytes"))
        }
        JsonPayloadError::ContentType => {
            AppError::UnsupportedMediaType("the request body must be application/json".into())
        }
        // A body that parses as JSON but has the wrong shape (a wrong type, an
        // unknown field or enum value) is unprocessable; one that does not
        // parse at all is malformed.
        JsonPayloadError::Deserialize(error) if error.is_data() => {
            AppError::validation("body", error.to_string())
        }
        JsonPayloadError::Deserialize(error) => {
            AppError::BadRequest(format!("the request body is not valid JSON: {error}"))
        }
        other => AppError::BadRequest(format!("the request body could not be read: {other}")),
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        let QueryPayloadError::Deserialize(error) = error else {
            return AppError::BadRequest("invalid query string".into()).into();
        };
        AppError::BadRequest(format!("invalid query string: {error}")).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error: PathError, _req: &HttpRequest| {
        // An id that is not a UUID names nothing that exists.
        AppError::NotFound(format!("no such resource ({error})")).into()
    })
}

/// Largest CSV body accepted, in bytes (a delivery plan of some thousands
/// of actions).
pub const CSV_LIMIT: usize = 1024 * 1024;

/// Reads a whole non-JSON body, up to `limit` bytes.
pub async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, AppError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => Err(AppError::BadRequest(format!(
            "the request body could not be read: {error}"
        ))),
        Err(_) => Err(AppError::PayloadTooLarge(format!(
            "the request body is larger than {limit} bytes"
        ))),
    }
}
