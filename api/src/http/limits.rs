//! Limits on what a request may carry beyond its body (which the extractors
//! limit).

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::AppError;

/// The longest query string accepted. Every parameter of the API fits in a
/// fraction of it; a longer one is a mistake or an attack.
pub const QUERY_LIMIT: usize = 2048;

pub async fn limit_query(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.query_string().len() > QUERY_LIMIT {
        return Err(AppError::BadRequest(format!(
            "the query string is longer than {QUERY_LIMIT} characters"
        ))
        .into());
    }
    next.call(req).await
}
