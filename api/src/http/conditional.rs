//! Optimistic concurrency over HTTP: versions travel as strong ETags; writes
//! must name the version they were based on with `If-Match`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, EntityTag, Header, IfMatch, IfNoneMatch};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::concurrency::Precondition;
use crate::error::AppError;

pub fn etag(version: i32) -> EntityTag {
    EntityTag::new_strong(version.to_string())
}

/// The tag of a resource whose representation also shows figures derived
/// from other records: `"<version>.<derived>"`. `If-Match` compares only
/// the version; `If-None-Match` compares the whole tag.
pub fn derived_etag(version: i32, derived: i64) -> EntityTag {
    EntityTag::new_strong(format!("{version}.{derived}"))
}

/// The version named by the request's `If-Match` header.
///
/// Missing: 428. `*` is refused too, since it would let a client overwrite a
/// change it never saw. A tag that is not a version (optionally followed by
/// `.` and a derived part) can never match: 412.
pub fn expected_version(req: &HttpRequest) -> Result<i32, AppError> {
    if !req.headers().contains_key(header::IF_MATCH) {
        return Err(AppError::PreconditionRequired);
    }
    match IfMatch::parse(req) {
        Ok(IfMatch::Items(tags)) => tags
            .iter()
            .filter(|tag| !tag.weak)
            .find_map(|tag| match tag.tag().split_once('.') {
                Some((version, derived)) if derived.parse::<i64>().is_ok() => version.parse().ok(),
                Some(_) => None,
                None => tag.tag().parse::<i32>().ok(),
            })
            .ok_or(AppError::PreconditionFailed),
        Ok(IfMatch::Any) => Err(AppError::PreconditionRequired),
        Err(_) => Err(AppError::BadRequest(
            "the If-Match header is malformed".into(),
        )),
    }
}

/// The version a write is based on, read from `If-Match`. Extraction never
/// fails: the operation asks for the version after it has authorised the
/// caller, so a caller without permission learns that first.
impl FromRequest for Precondition {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let present = req.headers().contains_key(header::IF_MATCH);
        ready(Ok(if present {
            Precondition::named(expected_version(req))
        } else {
            Precondition::none()
        }))
    }
}

/// Answers a read of a versioned resource: 304 when the client's copy is
/// current, otherwise the body with its ETag.
pub fn respond_versioned<T: Serialize>(req: &HttpRequest, version: i32, body: &T) -> HttpResponse {
    respond_tagged(req, etag(version), body)
}

/// As `respond_versioned`, with a tag made by the caller.
pub fn respond_tagged<T: Serialize>(req: &HttpRequest, tag: EntityTag, body: &T) -> HttpResponse {
    if let Ok(IfNoneMatch::Items(tags)) = IfNoneMatch::parse(req)
        && tags.iter().any(|t| t.weak_eq(&tag))
    {
        return HttpResponse::NotModified()
            .insert_header(header::ETag(tag))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header(header::ETag(tag))
        .insert_header((header::VARY, "Authorization"))
        .json(body)
}

/// Answers a create with 201, the new resource's location and its ETag.
pub fn respond_created<T: Serialize>(location: String, version: i32, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header(header::ETag(etag(version)))
        .json(body)
}

/// Answers an update with the new representation and its ETag.
pub fn respond_updated<T: Serialize>(version: i32, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ETag(etag(version)))
        .json(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_match_names_a_version() {
        let req = TestRequest::default()
            .insert_header((header::IF_MATCH, "\"3\""))
            .to_http_request();
        assert_eq!(expected_version(&req).unwrap(), 3);
    }

    #[test]
    fn a_derived_tag_names_its_version_first() {
        let req = TestRequest::default()
            .insert_header((header::IF_MATCH, "\"3.17\""))
            .to_http_request();
        assert_eq!(expected_version(&req).unwrap(), 3);
        assert_eq!(derived_etag(3, 17).tag(), "3.17");
        let garbled = TestRequest::default()
            .insert_header((header::IF_MATCH, "\"3.x\""))
            .to_http_request();
        assert!(matches!(
            expected_version(&garbled),
            Err(AppError::PreconditionFailed)
        ));
    }

    #[test]
    fn missing_wildcard_weak_and_foreign_tags_are_refused() {
        let with = |value: &str| {
            TestRequest::default()
                .insert_header((header::IF_MATCH, value))
                .to_http_request()
        };
        assert!(matches!(
            expected_version(&TestRequest::default().to_http_request()),
            Err(AppError::PreconditionRequired)
        ));
        assert!(matches!(
            expected_version(&with("*")),
            Err(AppError::PreconditionRequired)
        ));
        assert!(matches!(
            expected_version(&with("W/\"3\"")),
            Err(AppError::PreconditionFailed)
        ));
        assert!(matches!(
            expected_version(&with("\"abc\"")),
            Err(AppError::PreconditionFailed)
        ));
    }
}
