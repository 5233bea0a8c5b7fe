//! The administrators' pages: partner organisations, user accounts, system
//! tokens, the audit trail and importing a delivery plan. Each page asks the
//! operation it shows (or, for an empty form, `services::administration`)
//! whether the caller may be there, so a member gets the refusal page, not
//! a form the service would refuse.

mod audit;
mod erasure;
mod import;
mod index;
mod jobs;
mod organisations;
mod tokens;
mod users;
mod webhook;
mod webhooks;
mod words;

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use super::{Done, chrome};
use crate::web::format::{Chrome, Section};
use crate::web::forms::Errors;
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    index::configure(cfg);
    organisations::configure(cfg);
    users::configure(cfg);
    erasure::configure(cfg);
    tokens::configure(cfg);
    audit::configure(cfg);
    import::configure(cfg);
    webhooks::configure(cfg);
    webhook::configure(cfg);
    jobs::configure(cfg);
}

/// What an administration page was redirected to after a change, to say it
/// worked. Only these words are shown, never text from the address.
#[derive(Debug, Default, Deserialize)]
pub struct Changed {
    done: Option<String>,
}

impl Changed {
    fn banner(&self) -> Option<&'static str> {
        Some(match self.done.as_deref()? {
            "organisation-added" => "The organisation has been added",
            "organisation-saved" => "The organisation has been changed",
            "organisation-deleted" => "The organisation has been deleted",
            "user-added" => "The account has been created",
            "user-saved" => "The account has been changed",
            "user-deactivated" => "The account has been deactivated and signed out everywhere",
            "user-reactivated" => "The account has been reactivated",
            "user-erased" => "The account's name and email have been erased",
            "token-revoked" => "The token has been revoked and no longer works",
            "webhook-enabled" => "The webhook is enabled: deliveries resume where they stopped",
            "webhook-disabled" => "The webhook is disabled: nothing is sent to it",
            "webhook-deleted" => "The webhook has been deleted",
            "job-retried" => "The job is queued again and will be tried shortly",
            _ => return None,
        })
    }
}

/// The frame of an administration page, with a banner after a change.
fn admin_chrome(signed: &SignedIn, changed: &Changed) -> Chrome {
    let mut frame = chrome(signed, Section::Admin, &Done::default());
    frame.banner = changed.banner();
    frame
}

/// A form shown again: 422 when it was refused, else 200.
fn status(errors: &Errors) -> StatusCode {
    if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// A confirmation page shown again: 409 when the service refused the act or
/// the record changed meanwhile, else 200.
fn confirmation_status(refusal: &Option<String>, conflict: bool) -> StatusCode {
    if refusal.is_some() || conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    }
}

/// Text typed in a select or a filter, or nothing.
fn chosen(text: &Option<String>) -> &str {
    text.as_deref().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners_say_only_their_own_words() {
        let changed = |text: &str| Changed {
            done: Some(text.into()),
        };
        assert_eq!(
            changed("user-added").banner(),
            Some("The account has been created")
        );
        assert_eq!(changed("<b>hi</b>").banner(), None);
        assert_eq!(Changed::default().banner(), None);
    }
}
