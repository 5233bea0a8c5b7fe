//! ETags for every successful read that does not carry its own: a digest of
//! the body, so a client polling a list, a dashboard or a report gets
//! `304 Not Modified` while nothing has changed.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::services::changes::DataStamp;

/// A weak validator: the same representation, byte for byte, has the same
/// tag (weak, because compression may change the bytes on the wire).
pub fn digest_tag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether an `If-None-Match` value names this tag (weak comparison).
pub fn matches(if_none_match: &str, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(tag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == wanted)
}

pub async fn tag_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.call(req).await?;
    if !is_read
        || response.status() != StatusCode::OK
        || response.headers().contains_key(header::ETAG)
    {
        return Ok(response.map_into_boxed_body());
    }
    let (req, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let tag = digest_tag(&bytes);
    if if_none_match.is_some_and(|v| matches(&v, &tag)) {
        let not_modified = HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .finish();
        return Ok(ServiceResponse::new(req, not_modified));
    }
    head.headers_mut().insert(
        header::ETAG,
        header::HeaderValue::from_str(&tag).expect("a hex tag is a valid header"),
    );
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

/// A tag for a view computed from much of the data (a dashboard, a
/// report): it changes when any change commits, when the board's day
/// turns, or with the query.
pub fn data_tag(stamp: &DataStamp, req: &HttpRequest) -> String {
    let request = format!("{}?{}", req.path(), req.query_string());
    let digest = Sha256::digest(request.as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "W/\"{}-{}-{hex}\"",
        stamp.position,
        stamp.day.format("%Y%m%d")
    )
}

/// 304 when the client's copy carries this tag.
pub fn not_modified(req: &HttpRequest, tag: &str) -> Option<HttpResponse> {
    let sent = req.headers().get(header::IF_NONE_MATCH)?.to_str().ok()?;
    matches(sent, tag).then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, tag.to_owned()))
            .finish()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_body_has_the_same_weak_tag() {
        let tag = digest_tag(b"{\"items\":[]}");
        assert!(tag.starts_with("W/\"") && tag.len() == 3 + 24 + 1, "{tag}");
        assert_eq!(tag, digest_tag(b"{\"items\":[]}"));
        assert_ne!(tag, digest_tag(b"{\"items\":[1]}"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let tag = digest_tag(b"x");
        let strong = tag.trim_start_matches("W/");
        assert!(matches(&tag, &tag));
        assert!(matches(strong, &tag));
        assert!(matches(&format!("\"other\", {tag}"), &tag));
        assert!(matches("*", &tag));
        assert!(!matches("\"other\"", &tag));
    }
}
