//! Webhooks: other systems' endpoints that receive the change feed's
//! events as they happen, signed per Standard Webhooks. Administrators
//! register and manage them (`manage`); each instance's worker notices
//! endpoints behind the feed and delivers to them (`deliver`) over one
//! HTTP client (`send`).

mod checks;
pub mod deliver;
pub mod manage;
mod send;
mod views;

pub use deliver::{Deliveries, DeliverySettings, Enqueuer, KIND};
pub use manage::{create, delete, deliveries, get, list, rotate_secret, update};
pub use views::{
    CreateWebhook, DeliveryView, EndpointState, UpdateWebhook, WebhookView, WebhookWithSecret,
};
