//! The whole plan, read-only: every action by ambition, and search by text.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use serde::Deserialize;

use super::{Done, chrome, first};
use crate::domain::{AllowedAction, StatementKind};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::actions::{self, ActionQuery, ActionView};
use crate::services::statements::{self, StatementView};
use crate::services::strategies::{self, StrategyQuery, StrategyView};
use crate::state::AppState;
use crate::web::format::{Chrome, Section};
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/plan", web::get().to(show));
}

#[derive(Debug, Default, Deserialize)]
struct Search {
    #[serde(default)]
    q: String,
}

/// An ambition and the actions serving it (by their place in `found`).
struct Group {
    ambition: StatementView,
    actions: Vec<usize>,
}

struct StrategyPlan {
    strategy: StrategyView,
    groups: Vec<Group>,
    found: Vec<ActionView>,
}

#[derive(Template)]
#[template(path = "web/plan.html")]
struct PlanPage {
    chrome: Chrome,
    q: String,
    plans: Vec<StrategyPlan>,
}

impl PlanPage {
    fn may_add_to(&self, strategy: &StrategyView) -> bool {
        strategy
            .allowed_actions
            .contains(&AllowedAction::CreateAction)
    }
}

async fn plan_of(
    state: &AppState,
    ctx: &Ctx,
    strategy: StrategyView,
    q: &str,
) -> Result<StrategyPlan, AppError> {
    let ambitions = statements::list(
        &state.pool,
        ctx,
        strategy.id,
        StatementKind::Ambition,
        &first(MAX_LIMIT),
    )
    .await?
    .items;
    let query = ActionQuery {
        strategy_id: Some(strategy.id),
        q: (!q.trim().is_empty()).then(|| q.trim().to_owned()),
        ..Default::default()
    };
    let found = actions::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    let groups = ambitions
        .into_iter()
        .map(|ambition| Group {
            actions: found
                .iter()
                .enumerate()
                .filter(|(_, a)| a.ambitions.iter().any(|s| s.id == ambition.id))
                .map(|(i, _)| i)
                .collect(),
            ambition,
        })
        .collect();
    Ok(StrategyPlan {
        strategy,
        groups,
        found,
    })
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    search: Query<Search>,
) -> Result<HttpResponse, PageError> {
    let query = StrategyQuery {
        status: None,
        partner_id: None,
        q: None,
    };
    let strategies = strategies::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    let mut plans = Vec::new();
    for strategy in strategies {
        plans.push(plan_of(&state, &signed.ctx, strategy, &search.q).await?);
    }
    let data = PlanPage {
        chrome: chrome(&signed, Section::Plan, &Done::default()),
        q: search.q.clone(),
        plans,
    };
    Ok(page(StatusCode::OK, &data)?)
}
