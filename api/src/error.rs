//! The one error type of the service, and its RFC 9457 problem document.
//! Each door answers it in its own way: the JSON API as problem+json
//! (`http::problem`), the web pages as a page that says what went wrong.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::validation::FieldError;

/// Every way a request can fail. Each maps to one HTTP status and a stable
/// `code` that clients can match on.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the resource has changed since you read it; fetch it again and reapply your change")]
    PreconditionFailed,
    #[error("this request must carry an If-Match header with the ETag of the version you read")]
    PreconditionRequired,
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("too many requests; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the database is unavailable; try again shortly")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("an unexpected error occurred")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// One item of a batch failed, so the whole batch did: answered as that
    /// item's error, naming the item.
    #[error("{path}: {error}")]
    Item { path: String, error: Box<AppError> },
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[schema(example = "/problems/validation")]
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    #[schema(example = "Unprocessable Content")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong with this request.
    #[schema(example = "the request has invalid fields")]
    pub detail: String,
    /// A stable machine-readable code.
    #[schema(example = "validation")]
    pub code: String,
    /// For validation problems, each field that is wrong and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// Names the item of a batch that this error belongs to.
    pub fn in_item(self, path: impl Into<String>) -> Self {
        AppError::Item {
            path: path.into(),
            error: Box::new(self),
        }
    }

    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(error.into())
    }

    /// The stable code carried in the problem document.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::PreconditionFailed => "precondition_failed",
            AppError::PreconditionRequired => "precondition_required",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Validation(_) => "validation",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
            AppError::Item { error, .. } => error.code(),
        }
    }

    /// The invalid fields, as paths into the request body.
    fn field_errors(&self) -> Option<Vec<FieldError>> {
        match self {
            AppError::Validation(errors) => Some(errors.clone()),
            AppError::Item { path, error } => error.field_errors().map(|errors| {
                errors
                    .into_iter()
                    .map(|e| FieldError::new(format!("{path}.{}", e.field), e.message))
                    .collect()
            }),
            _ => None,
        }
    }

    /// The HTTP status that names this kind of failure.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::PreconditionFailed => 412,
            AppError::PayloadTooLarge(_) => 413,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::Validation(_) => 422,
            AppError::PreconditionRequired => 428,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal(_) => 500,
            AppError::Unavailable(_) => 503,
            AppError::Item { error, .. } => error.status(),
        }
    }

    /// The failure as an RFC 9457 problem document.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let errors = self.field_errors();
        Problem {
            kind: format!("/problems/{}", self.code().replace('_', "-")),
            title: reason(status).to_owned(),
            status,
            detail: self.to_string(),
            code: self.code().to_owned(),
            errors,
        }
    }
}

/// The standard reason phrase of a status this service answers with.
fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The whole chain of causes, for the log.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Human wording for the constraints a client can trip over.
fn constraint_message(constraint: &str) -> Option<&'static str> {
    Some(match constraint {
        "organisations_name_key" => "an organisation with this name already exists",
        "users_email_key" => "a user with this email already exists",
        "statements_number_key" => "this strategy already has a statement with that number",
        "strategies_period_order" => "the period must not end before it starts",
        "users_member_has_organisation" => "a member must belong to an organisation",
        "indicators_title_key" => "this strategy already has an indicator with this title",
        "indicator_values_indicator_as_of_key" => {
            "this indicator already has a value for that date; correct that value instead"
        }
        "indicator_values_indicator_id_fkey" => {
            "an indicator here has recorded values, which are kept"
        }
        "indicator_ambitions_ambition_fkey" => {
            "an indicator measures this ambition; unlink the indicator first"
        }
        "actions_reference_key" => "this strategy already has an action with this reference",
        "action_statements_statement_id_fkey" => {
            "actions of the plan serve it, archived ones included; link them elsewhere first"
        }
        "pledges_commitment_fkey" => {
            "organisations have pledged against this commitment, and their pledges are kept"
        }
        _ => return None,
    })
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => AppError::NotFound("not found".into()),
            DieselError::DatabaseError(kind, info) => {
                let known = info.constraint_name().and_then(constraint_message);
                match (kind, known) {
                    (DatabaseErrorKind::UniqueViolation, Some(message)) => {
                        AppError::Conflict(message.into())
                    }
                    (DatabaseErrorKind::UniqueViolation, None) => {
                        AppError::Conflict("this would duplicate an existing record".into())
                    }
                    (DatabaseErrorKind::ForeignKeyViolation, Some(message)) => {
                        AppError::Conflict(message.into())
                    }
                    (DatabaseErrorKind::ForeignKeyViolation, _) => AppError::Conflict(
                        "this record is still referenced by, or refers to, another record".into(),
                    ),
                    (DatabaseErrorKind::CheckViolation, Some(message)) => {
                        AppError::Conflict(message.into())
                    }
                    (DatabaseErrorKind::SerializationFailure, _) => AppError::Conflict(
                        "a concurrent change conflicted with this one; try again".into(),
                    ),
                    (DatabaseErrorKind::ClosedConnection, _) => {
                        AppError::Unavailable(DieselError::DatabaseError(kind, info).into())
                    }
                    (kind, _) => AppError::Internal(DieselError::DatabaseError(kind, info).into()),
                }
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<deadpool::managed::PoolError<diesel_async::pooled_connection::PoolError>> for AppError {
    fn from(
        error: deadpool::managed::PoolError<diesel_async::pooled_connection::PoolError>,
    ) -> Self {
        AppError::Unavailable(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let error = AppError::internal("password_hash column missing in relation users");
        let problem = error.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("users"));
    }

    #[test]
    fn validation_problems_list_fields() {
        let problem = AppError::validation("title", "must not be blank").problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.kind, "/problems/validation");
        assert_eq!(problem.errors.unwrap()[0].field, "title");
    }
}
