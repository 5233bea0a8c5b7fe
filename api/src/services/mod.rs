#![warn(missing_docs)]
//! The core's operations, one per use case, called alike by both doors and
//! by the demo. Each authorises the caller first, validates its input, then
//! writes the change and its audit event in one transaction.

pub mod achievements;
pub mod actions;
pub mod administration;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod changes;
pub mod context;
pub mod erasure;
pub mod health;
pub mod indicators;
pub mod input;
pub mod jobs;
pub mod locked;
pub mod mail;
pub mod milestones;
pub mod organisations;
pub mod periods;
pub mod plan_csv;
pub mod pledges;
pub mod portfolio;
pub mod priorities;
pub mod progress;
pub mod review;
pub mod saturation;
pub mod sessions;
pub mod statements;
pub mod strategies;
pub mod tokens;
pub mod users;
pub mod webhooks;

pub use context::Ctx;
