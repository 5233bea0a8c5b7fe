//! GOV.UK Frontend's built files and the pages' own, compiled into the
//! binary (so one file is the whole service) and served with a year-long
//! cache: their URLs carry the version, so a new release is a new URL.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// Changes whenever any asset changes, so browsers never keep a stale one.
pub const VERSION: &str = "5.14.0-1";

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:literal) => {
        Asset {
            path: $path,
            content_type: $type,
            body: include_bytes!(concat!("../../static/", $path)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("govuk/govuk-frontend.min.css", "text/css; charset=utf-8"),
    asset!(
        "govuk/govuk-frontend.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("govuk/images/govuk-crest.svg", "image/svg+xml"),
    asset!("govuk/LICENSE.txt", "text/plain; charset=utf-8"),
    asset!("app/app.css", "text/css; charset=utf-8"),
    asset!("app/app.mjs", "text/javascript; charset=utf-8"),
    asset!("app/js-enabled.js", "text/javascript; charset=utf-8"),
];

/// The URL of an asset, as pages link it.
pub fn url(path: &str) -> String {
    format!("/assets/{VERSION}/{path}")
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{version}/{path:.*}", web::get().to(serve));
}

async fn serve(path: web::Path<(String, String)>) -> HttpResponse {
    let (version, path) = path.into_inner();
    let Some(asset) = ASSETS.iter().find(|a| a.path == path) else {
        return HttpResponse::NotFound().finish();
    };
    let cache = if version == VERSION {
        "public, max-age=31536000, immutable"
    } else {
        // An old page asking for an old version gets today's file, briefly.
        "public, max-age=300"
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(asset.body)
}
