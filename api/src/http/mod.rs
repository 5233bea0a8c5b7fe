//! The JSON door's HTTP plumbing, shared by all routes: authentication of
//! bearer tokens, extractor configuration, `If-Match` and ETags, the `Link`
//! header of pages, and problem+json answers. Everything here is actix
//! glue; the types it carries come from the core.

pub mod auth;
pub mod conditional;
pub mod docs;
pub mod etag;
pub mod extractors;
pub mod limits;
pub mod pagination;
pub mod problem;
pub mod read_after;
pub mod views;

/// The webhook address rules the service was started with.
pub fn webhook_policy(state: &crate::state::AppState) -> crate::domain::webhooks::AddressPolicy {
    crate::domain::webhooks::AddressPolicy {
        allow_http: state.webhooks.allow_http,
        allow_private: state.webhooks.allow_private,
    }
}

pub use conditional::{expected_version, respond_created, respond_updated, respond_versioned};
pub use pagination::respond_page;
