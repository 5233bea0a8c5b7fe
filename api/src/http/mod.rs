//! HTTP plumbing shared by all routes: extractor configuration, pagination,
//! conditional requests, and the authenticated request context.

pub mod auth;
pub mod conditional;
pub mod etag;
pub mod extractors;
pub mod limits;
pub mod pagination;

pub use conditional::{expected_version, respond_created, respond_updated, respond_versioned};
pub use pagination::{Page, PageParams, respond_page};
pub mod docs;
