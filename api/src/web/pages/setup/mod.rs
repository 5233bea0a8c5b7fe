//! Setting up a strategy and its delivery plan: the strategies, their
//! ambitions and commitments, and the actions of the plan (added,
//! re-assigned, edited, archived and restored). Administrators set up
//! strategies; administrators and the chair manage actions, as the
//! services decide.

mod action_form;
mod actions;
mod archive;
pub(super) mod fields;
mod statements;
mod strategies;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    strategies::configure(cfg);
    statements::configure(cfg);
    actions::configure(cfg);
    archive::configure(cfg);
}
