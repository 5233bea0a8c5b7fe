//! The `Link: rel="next"` header of a page, and the response that carries
//! a page.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::paging::Page;

/// The `Link` header to the next page: this request's URL with `param` set
/// to `cursor`, the other parameters kept.
pub fn next_link(req: &HttpRequest, param: &str, cursor: &str) -> (header::HeaderName, String) {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(name, _)| name != param);
    pairs.push((param.into(), cursor.into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    (
        header::LINK,
        format!("<{}?{}>; rel=\"next\"", req.path(), query),
    )
}

/// Answers with a page, adding a `Link` header to the next one.
pub fn respond_page<T: Serialize>(req: &HttpRequest, page: Page<T>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = &page.next_cursor {
        response.insert_header(next_link(req, "cursor", cursor));
    }
    response.json(page)
}
