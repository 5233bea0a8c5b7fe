//! Prometheus metrics: the recorder, installed once when METRICS_ADDR is
//! set, the middleware counting requests by route template, and the
//! listener of its own that serves `GET /metrics` and nothing else. Without
//! METRICS_ADDR no recorder is installed, and every `metrics::` macro in the
//! service records into nothing.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{App, Error, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests answered, by method, route template and status.
pub const REQUESTS: &str = "http_requests_total";
/// Time to answer a request, by method and route template.
pub const DURATION: &str = "http_request_duration_seconds";
/// The route label of a request no route matched (or refused before
/// routing): a scanner trying a thousand paths makes one series, not a
/// thousand.
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds of the request-time buckets: requests here take from a
/// millisecond (a cached read) to about a second (a large report).
const REQUEST_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
/// Upper bounds of the waits for a database connection: a free one comes
/// in microseconds, a new one in milliseconds; seconds mean the pool is
/// too small (DATABASE_TIMEOUT_MS ends the wait, 3 s by default).
const POOL_WAIT_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1.0, 3.0,
];
/// How often histogram samples are folded in between scrapes, so that
/// they do not pile up in memory when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static RECORDING: AtomicBool = AtomicBool::new(false);

/// Builds the recorder and installs it as the process's recorder; its
/// handle renders what was recorded. Fails when one is installed already.
pub fn install(pool_wait: &str) -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &REQUEST_BUCKETS)?
        .set_buckets_for_metric(Matcher::Full(pool_wait.to_owned()), &POOL_WAIT_BUCKETS)?
        .install_recorder()?;
    RECORDING.store(true, Ordering::Relaxed);
    Ok(handle)
}

/// Sets gauges that are read rather than counted, just before a scrape.
pub type Refresh = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

struct Exporter {
    handle: PrometheusHandle,
    refresh: Refresh,
}

/// The metrics listener on `addr`: `GET /metrics` and nothing else, on one
/// worker, sharing nothing with the public listener but the recorder and
/// what `refresh` reads. It ignores signals: whoever runs it stops it once
/// the public listener has drained.
pub fn listener(addr: &str, handle: PrometheusHandle, refresh: Refresh) -> std::io::Result<Server> {
    let upkeep = handle.clone();
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(UPKEEP_EVERY);
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let exporter = web::Data::new(Exporter { handle, refresh });
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(exporter.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .bind(addr)?
    .run())
}

async fn scrape(exporter: web::Data<Exporter>) -> HttpResponse {
    (exporter.refresh)().await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(exporter.handle.render())
}

/// Counts each request and times it, labelled by the route's template
/// (`/api/v1/actions/{id}`), never by its path.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if !RECORDING.load(Ordering::Relaxed) {
        return next.call(req).await;
    }
    let started = Instant::now();
    let method = method_label(req.method());
    let answered = next.call(req).await;
    // The router has matched the answered request, so its template is a
    // lookup. An error here was raised before routing (a query string over
    // the limit, a refused origin): no route saw it.
    let (status, template) = match &answered {
        Ok(response) => (response.status(), response.request().match_pattern()),
        Err(error) => (error.as_response_error().status_code(), None),
    };
    let route = route_label(template);
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status_label(status))
        .increment(1);
    metrics::histogram!(DURATION, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    answered
}

/// The route label: the matched route's template, or one fixed value for
/// a request no route matched.
pub fn route_label(template: Option<String>) -> String {
    template.unwrap_or_else(|| UNMATCHED.to_owned())
}

/// The method label: the methods of HTTP, and `other` for any other word a
/// client sends, so that made-up methods cannot make series.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_label(status: StatusCode) -> String {
    status.as_u16().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_labelled_by_its_template_and_no_route_by_one_word() {
        assert_eq!(
            route_label(Some("/api/v1/actions/{id}".to_owned())),
            "/api/v1/actions/{id}"
        );
        assert_eq!(route_label(None), "unmatched");
    }

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let made_up = Method::from_bytes(b"PROPFIND").unwrap();
        assert_eq!(method_label(&made_up), "other");
        let other = Method::from_bytes(b"X1234").unwrap();
        assert_eq!(method_label(&other), "other");
    }

    #[test]
    fn statuses_are_labelled_by_their_number() {
        assert_eq!(status_label(StatusCode::NOT_FOUND), "404");
    }
}
