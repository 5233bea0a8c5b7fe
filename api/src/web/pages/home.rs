//! "Your organisation": what the signed-in member's organisation leads,
//! supports, pledges and records, and what is due from it.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use chrono_tz::Tz;

use super::pledges::{PledgeRow, rows};
use super::{Done, chrome, first};
use crate::domain::Role;
use crate::error::AppError;
use crate::http::read_after::ReadPool;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::actions::ActionView;
use crate::services::portfolio::{self, OpenChallenge, Portfolio, PortfolioQuery};
use crate::services::priorities::{self, PriorityQuery, PriorityView};
use crate::state::AppState;
use crate::web::format::{self, Chrome, Section};
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(show));
}

#[derive(Template)]
#[template(path = "web/home.html")]
struct HomePage<'a> {
    chrome: Chrome,
    portfolio: &'a Portfolio,
    /// Each commitment with the organisation's pledge, or a gap.
    pledges: Vec<PledgeRow>,
    leads: Vec<&'a ActionView>,
    supports: Vec<&'a ActionView>,
    /// For a member of the young people's council: its priorities.
    priorities: Option<Vec<PriorityView>>,
    /// For those who answer priorities: how many wait for an answer, and
    /// how many of those are overdue.
    waiting: Option<(usize, usize)>,
    zone: Tz,
}

impl HomePage<'_> {
    fn update_due(&self, action: &ActionView) -> bool {
        self.portfolio.update_due.contains(&action.id)
    }

    /// The first milestone not yet complete.
    fn next_milestone(&self, action: &ActionView) -> Option<String> {
        let next = action
            .milestones
            .as_ref()?
            .iter()
            .filter(|m| m.completed_on.is_none())
            .min_by_key(|m| m.due_date)?;
        Some(format!("{}: {}", format::date(&next.due_date), next.title))
    }

    fn overdue_milestones(&self, action: &ActionView) -> usize {
        action
            .milestones
            .as_ref()
            .map_or(0, |ms| ms.iter().filter(|m| m.overdue).count())
    }

    /// The action a challenge is on, among those the organisation leads.
    fn challenged(&self, challenge: &OpenChallenge) -> Option<&ActionView> {
        self.leads
            .iter()
            .copied()
            .find(|a| a.id == challenge.action_id)
    }

    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        format::moment(at, &self.zone)
    }

    fn date(&self, day: &chrono::NaiveDate) -> String {
        format::date(day)
    }

    fn last_reported(&self, action: &ActionView) -> String {
        action.last_reported_at.as_ref().map_or_else(
            || "Never".to_owned(),
            |at| format::date(&at.with_timezone(&self.zone).date_naive()),
        )
    }
}

/// The young people's council's priorities, for one of its members.
async fn council_priorities(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Option<Vec<PriorityView>>, AppError> {
    let Some(council) = priorities::voice_of(&state.pool, ctx).await? else {
        return Ok(None);
    };
    let query = PriorityQuery {
        strategy_id: None,
        organisation_id: Some(council.id),
        status: None,
    };
    let mut raised = priorities::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    // The newest first: what the council is waiting to hear about.
    raised.reverse();
    Ok(Some(raised))
}

/// How many priorities wait for the board's answer (and how many are
/// overdue), for the chair and administrators, who answer them.
async fn waiting(state: &AppState, ctx: &Ctx) -> Result<Option<(usize, usize)>, AppError> {
    if !matches!(ctx.actor.role(), Some(Role::Chair | Role::Admin)) {
        return Ok(None);
    }
    let query = PriorityQuery {
        strategy_id: None,
        organisation_id: None,
        status: Some("raised".into()),
    };
    let raised = priorities::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    let overdue = raised.iter().filter(|p| p.overdue).count();
    Ok(Some((raised.len(), overdue)))
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    reads: ReadPool,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let mut portfolio = portfolio::mine(&reads, &signed.ctx, PortfolioQuery::default()).await?;
    let organisation = portfolio.organisation.as_ref().map(|o| o.id);
    let pledges = match organisation {
        Some(org) => {
            let pledges = std::mem::take(&mut portfolio.pledges);
            rows(&state, &signed.ctx, org, pledges).await?
        }
        None => Vec::new(),
    };
    let (leads, supports) = portfolio
        .actions
        .iter()
        .partition(|a| Some(a.lead_organisation.id) == organisation);
    let data = HomePage {
        priorities: council_priorities(&state, &signed.ctx).await?,
        waiting: waiting(&state, &signed.ctx).await?,
        chrome: chrome(&signed, Section::Home, &done),
        portfolio: &portfolio,
        pledges,
        leads,
        supports,
        zone: state.clock.zone(),
    };
    Ok(page(StatusCode::OK, &data)?)
}
