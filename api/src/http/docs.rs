//! The error responses each kind of operation can give, for the OpenAPI
//! document. Every one is an RFC 9457 problem.
#![allow(dead_code)] // The variants exist only to describe responses.

use utoipa::IntoResponses;

use crate::error::Problem;

/// Errors of a list.
#[derive(IntoResponses)]
pub enum ListErrors {
    /// A query parameter is malformed (a bad cursor, limit or filter value).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller may not read this list.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The parent resource does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// Errors of a report.
#[derive(IntoResponses)]
pub enum ReportErrors {
    /// A query parameter is malformed, or the moment is in the future.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller may not read this strategy.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The strategy or the period does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// `organisation_id` names an organisation with no part in the
    /// strategy.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// Errors of the annual report and the Local Offer update.
#[derive(IntoResponses)]
pub enum AnnualErrors {
    /// A query parameter is malformed (a year, a day, an indicator id, a
    /// format or an audience), or both a year and days are given.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller may not read this strategy.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The strategy does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The stretch cannot be reported on: `from` after `to`, `to` in the
    /// future, more than 36 months, only one of `from` and `to`, or an
    /// indicator that is not the strategy's. Names the parameter.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// Errors of the six-monthly report.
#[derive(IntoResponses)]
pub enum HalfYearErrors {
    /// A query parameter is malformed (a period id or a day), or both
    /// periods and days are given.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller may not read this strategy.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The strategy does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The half-year cannot be reported on: a period that is open or not
    /// the strategy's, `from` after `to`, `to` in the future, more than 12
    /// months, or no closed period to default to. Names the parameter.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// Errors of a read of one resource.
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// A query parameter is malformed.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller may not read this resource.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// Errors of a create.
#[derive(IntoResponses)]
pub enum CreateErrors {
    /// The body is not valid JSON.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller's role or organisation does not allow this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The parent resource does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// It would duplicate an existing resource.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The body is larger than 256 KiB.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Fields are missing, of the wrong type or invalid; `errors` lists them.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// Errors of a batch written all or nothing: any item's error, naming it.
#[derive(IntoResponses)]
pub enum BatchErrors {
    /// The body is not valid JSON.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller may not write one of the items.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// An item names a resource that does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// An item conflicts with other data.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// An item names a version that is no longer current.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    /// The body is larger than 256 KiB.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Items are invalid; `errors` lists each field by its path.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// Errors of a partial update.
#[derive(IntoResponses)]
pub enum UpdateErrors {
    /// The body is not valid JSON, or If-Match is malformed.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller's role or organisation does not allow this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The change conflicts with other data.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The resource changed since the version named in If-Match.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    /// The body is larger than 256 KiB.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Fields are of the wrong type or invalid; `errors` lists them.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// If-Match is missing.
    #[response(status = 428, content_type = "application/problem+json")]
    PreconditionRequired(Problem),
}

/// Errors of a delete.
#[derive(IntoResponses)]
pub enum DeleteErrors {
    /// If-Match is malformed.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the token is invalid or expired.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The caller's role or organisation does not allow this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Other data still depends on it, or its state forbids deletion.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The resource changed since the version named in If-Match.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    /// If-Match is missing.
    #[response(status = 428, content_type = "application/problem+json")]
    PreconditionRequired(Problem),
}

/// Errors of the sign-in endpoints.
#[derive(IntoResponses)]
pub enum AuthErrors {
    /// The body is not valid JSON.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// The credentials or token were not accepted.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Fields are missing or of the wrong type.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}

/// Errors of signing in.
#[derive(IntoResponses)]
pub enum LoginErrors {
    /// The body is not valid JSON.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// The email and password were not accepted (the same answer whether or
    /// not the email has an account).
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Fields are missing or of the wrong type.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// Too many failed sign-ins for this email or from this address: locked
    /// for a while.
    #[response(
        status = 429,
        content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds until sign-in may be tried again"))
    )]
    TooManyRequests(Problem),
}

/// The version a write is based on, as the OpenAPI document describes the
/// `If-Match` header of a write that needs one.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The ETag of the version you read
    #[param(rename = "If-Match")]
    if_match: String,
}

/// A read answered from the client's copy.
#[derive(IntoResponses)]
#[response(
    status = 304,
    description = "Not modified since the ETag in If-None-Match"
)]
pub struct NotModified;
