//! The pages, one module per journey. Each handler reads the form, calls
//! one service operation and chooses the page to answer with; the rules
//! are the services'.

mod account;
mod achievements;
mod action;
mod admin;
mod committee_papers;
mod dashboard;
mod home;
mod indicators;
mod mail;
mod milestones;
mod periods;
mod plan;
pub mod pledges;
mod priorities;
mod reports;
mod setup;
mod sign_in;
mod six_monthly;
mod trend;

use actix_web::web;
use serde::Deserialize;

use crate::domain::StrategyStatus;
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, PageParams};
use crate::services::Ctx;
use crate::services::strategies::{self, StrategyQuery, StrategyView};
use crate::state::AppState;

use super::format::{Chrome, Section};
use super::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    sign_in::configure(cfg);
    home::configure(cfg);
    action::configure(cfg);
    dashboard::configure(cfg);
    milestones::configure(cfg);
    indicators::configure(cfg);
    periods::configure(cfg);
    plan::configure(cfg);
    reports::configure(cfg);
    pledges::configure(cfg);
    priorities::configure(cfg);
    achievements::configure(cfg);
    account::configure(cfg);
    mail::configure(cfg);
    trend::configure(cfg);
    setup::configure(cfg);
    admin::configure(cfg);
}

/// What a page was redirected to after a change, to say it worked. Only
/// these words are shown, never text from the address.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    done: Option<String>,
}

impl Done {
    fn banner(&self) -> Option<&'static str> {
        Some(match self.done.as_deref()? {
            "update" => "Your update has been saved",
            "note" => "Your note has been saved",
            "challenge" => "Your challenge has been sent to the lead organisation",
            "milestone-added" => "The milestone has been added",
            "milestone-moved" => "The milestone's due date has been moved",
            "milestone-completed" => "The milestone has been marked complete",
            "pledge" => "Your pledge has been saved",
            "value" => "The value has been recorded",
            "period-created" => "The reporting period has been added",
            "period-closed" => "The reporting period has been closed and its ratings kept",
            "strategy-created" => "The strategy has been added",
            "strategy-saved" => "The strategy has been saved",
            "ambition-added" => "The ambition has been added",
            "ambition-saved" => "The ambition has been saved",
            "ambition-deleted" => "The ambition has been deleted",
            "commitment-added" => "The commitment has been added",
            "commitment-saved" => "The commitment has been saved",
            "commitment-deleted" => "The commitment has been deleted",
            "action-created" => "The action has been added to the plan",
            "action-saved" => "The action has been saved",
            "action-archived" => {
                "The action has been archived: it has left the live plan and kept its history"
            }
            "action-restored" => "The action is back in the live plan",
            "priority-raised" => "Your priority has been sent to the board",
            "priority-answered" => "The board's answer has been saved for young people to read",
            "achievement-written" => {
                "Your achievement has been saved as a draft for the chair to approve"
            }
            "achievement-saved" => "The achievement has been saved",
            "achievement-approved" => "The achievement has been approved for reports",
            "achievement-returned" => {
                "The achievement has been returned to its writers with your comment"
            }
            "achievement-deleted" => "The achievement has been deleted",
            "signed-out" => "You have signed out",
            "password" => "Your password has been changed: sign in with your new password",
            "mail" => "Your email choices have been saved",
            _ => return None,
        })
    }
}

/// The frame of a page for a signed-in user.
fn chrome(signed: &SignedIn, section: Section, done: &Done) -> Chrome {
    Chrome {
        user: Some(signed.name.clone()),
        role: signed.ctx.actor.role(),
        has_organisation: signed.ctx.actor.organisation_id().is_some(),
        csrf_token: signed.csrf_token.clone(),
        section,
        banner: done.banner(),
    }
}

/// The first `limit` items of a list: pages show whole lists (at most
/// the API's page size), not pages of them.
fn first(limit: i64) -> PageParams {
    PageParams {
        limit: Some(limit),
        cursor: None,
        updated_since: None,
    }
}

/// Every strategy the user can read, for a page to choose from.
async fn readable_strategies(state: &AppState, ctx: &Ctx) -> Result<Vec<StrategyView>, AppError> {
    let query = StrategyQuery {
        status: None,
        partner_id: None,
        q: None,
    };
    Ok(strategies::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items)
}

/// The strategy a page shows when none is asked for: the newest active
/// one (or, with none active, the newest).
fn newest(strategies: &[StrategyView]) -> Option<&StrategyView> {
    strategies.iter().max_by_key(|s| {
        (
            s.status == StrategyStatus::Active,
            s.period_start,
            s.created_at,
        )
    })
}

/// A form with no fields but its token (sign out, mark complete).
#[derive(Debug, Deserialize)]
pub struct Versioned {
    version: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners_say_only_their_own_words() {
        let done = |text: &str| Done {
            done: Some(text.into()),
        };
        assert_eq!(done("note").banner(), Some("Your note has been saved"));
        assert_eq!(done("<script>").banner(), None);
        assert_eq!(Done::default().banner(), None);
    }
}
