//! Serving the views computed from much of the data (the dashboard, the
//! trend, the board report) through the view cache: the key a request
//! names, and the answer made from what the cache holds.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use uuid::Uuid;

use crate::clock::Clock;
use crate::error::AppError;
use crate::report::{self, Rendered};
use crate::services::changes::DataStamp;
use crate::state::view_cache::{Served, View, ViewKey};

/// The cache key of `view` of a strategy as this request asks for it.
pub fn key(
    view: View,
    strategy_id: Uuid,
    stamp: &DataStamp,
    req: &HttpRequest,
    clock: &Clock,
) -> ViewKey {
    ViewKey::new(
        view,
        strategy_id,
        req.query_string(),
        stamp.position,
        stamp.day,
        clock.now(),
    )
}

/// A view served as JSON.
pub fn json<T: Serialize>(value: &T) -> Result<Served, AppError> {
    let body = serde_json::to_vec(value).map_err(|e| AppError::Internal(Box::new(e)))?;
    Ok(Served {
        content_type: "application/json",
        body: Bytes::from(body),
        file_name: None,
        self_contained_page: false,
    })
}

/// A rendered report, as served.
pub fn rendered(rendered: Rendered) -> Served {
    Served {
        content_type: rendered.content_type,
        body: Bytes::from(rendered.body),
        file_name: rendered.file_name,
        self_contained_page: rendered.self_contained_page,
    }
}

/// The answer for a view, with its ETag; a self-contained page under the
/// policy that lets nothing load or run.
pub fn respond(served: &Served, tag: String) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_TYPE, served.content_type));
    response.insert_header((header::ETAG, tag));
    if let Some(name) = &served.file_name {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ));
    }
    if served.self_contained_page {
        response.insert_header((header::CONTENT_SECURITY_POLICY, report::PAGE_POLICY));
    }
    response.body(served.body.clone())
}
