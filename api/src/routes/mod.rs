//! HTTP routes: one module per resource. Handlers only extract, call a
//! service operation, and shape the response.

mod achievements;
mod actions;
mod audit;
mod auth;
mod changes;
pub mod health;
mod indicators;
mod jobs;
mod mail;
mod milestones;
mod organisations;
mod plan;
mod pledges;
mod priorities;
mod rag;
mod review;
mod statements;
mod strategies;
mod tokens;
mod users;
mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.configure(auth::configure)
        .configure(mail::configure)
        .configure(organisations::configure)
        .configure(users::configure)
        .configure(tokens::configure)
        .configure(strategies::configure)
        .configure(statements::ambitions::configure)
        .configure(statements::commitments::configure)
        .configure(plan::configure)
        .configure(actions::configure)
        .configure(milestones::configure)
        .configure(pledges::configure)
        .configure(priorities::configure)
        .configure(achievements::configure)
        .configure(indicators::configure)
        .configure(audit::configure)
        .configure(jobs::configure)
        .configure(webhooks::configure)
        .configure(changes::configure)
        .configure(rag::configure)
        .configure(review::configure);
}
