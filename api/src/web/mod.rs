//! The web pages: the second door, for people in a browser. Pages call the
//! same service operations as the JSON API; what is here is only how a
//! browser asks (forms, cookies, redirects) and how it is answered (HTML
//! in the GOV.UK Frontend design). Every page works without JavaScript.

mod assets;
mod csrf;
mod format;
mod forms;
mod pages;
mod respond;
mod session;
mod upload;

use actix_web::web;

pub use respond::not_found_page;

/// The pages and their assets.
pub fn configure(cfg: &mut web::ServiceConfig) {
    assets::configure(cfg);
    pages::configure(cfg);
}
