//! What the partnership achieved and what it meant for young people: the
//! list of the achievements the user may read, with each one's status;
//! the form that writes or changes one, with its figures and voices; and
//! each achievement's page, where the chair approves it for reports or
//! returns it to its writers. The words the pages use for an
//! achievement's status and for age bands are here.

mod form;
mod refusals;
mod review;
mod write;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, chrome, first, newest, readable_strategies};
use crate::domain::achievements::LOCAL_OFFER;
use crate::domain::{AchievementStatus, Role};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::achievements::{self, AchievementQuery, AchievementView};
use crate::services::actions::{self, ActionQuery, ActionView};
use crate::services::strategies::StrategyView;
use crate::state::AppState;
use crate::web::format::{self, Chrome, Section};
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `new` before `{id}`, which would otherwise take it.
    cfg.route("/achievements", web::get().to(list))
        .route("/achievements/new", web::get().to(write::new))
        .route("/achievements/new", web::post().to(write::create))
        .route("/achievements/{id}", web::get().to(review::show))
        .route("/achievements/{id}/edit", web::get().to(write::edit))
        .route("/achievements/{id}/edit", web::post().to(write::save))
        .route(
            "/achievements/{id}/approve",
            web::post().to(review::approve),
        )
        .route(
            "/achievements/{id}/return",
            web::post().to(review::send_back),
        )
        .route("/achievements/{id}/delete", web::get().to(review::confirm))
        .route("/achievements/{id}/delete", web::post().to(review::delete));
}

/// The order the statuses are listed in: what waits for the chair, what
/// waits for its writers, then what is in reports.
const ORDER: [AchievementStatus; 3] = [
    AchievementStatus::Draft,
    AchievementStatus::Returned,
    AchievementStatus::Approved,
];

/// An achievement's status in words.
pub fn status_label(status: &AchievementStatus) -> &'static str {
    match status {
        AchievementStatus::Draft => "Waiting for approval",
        AchievementStatus::Returned => "Returned for changes",
        AchievementStatus::Approved => "Approved for reports",
    }
}

/// The GOV.UK tag colour for a status; the tag's words say it too.
pub fn status_class(status: &AchievementStatus) -> &'static str {
    match status {
        AchievementStatus::Draft => "govuk-tag--yellow",
        AchievementStatus::Returned => "govuk-tag--orange",
        AchievementStatus::Approved => "govuk-tag--green",
    }
}

/// An age band in words: `21-24` is "21 to 24".
pub fn age_band_words(band: &str) -> String {
    if let Some(age) = band.strip_prefix("under-") {
        format!("under {age}")
    } else if let Some(age) = band.strip_suffix("-and-over") {
        format!("{age} and over")
    } else {
        band.replacen('-', " to ", 1)
    }
}

/// The strategy a page is about: the one asked for, or the newest active
/// one the user can read; and all of them, to choose from.
async fn strategy(
    state: &AppState,
    ctx: &Ctx,
    asked: Option<Uuid>,
) -> Result<(StrategyView, Vec<StrategyView>), AppError> {
    let all = readable_strategies(state, ctx).await?;
    let chosen = match asked {
        Some(id) => all.iter().find(|s| s.id == id),
        None => newest(&all),
    }
    .cloned()
    .ok_or_else(|| AppError::NotFound("no such strategy".into()))?;
    Ok((chosen, all))
}

/// The live actions of a strategy the user may write an achievement for:
/// all of them for the chair and administrators; for a board member,
/// those their organisation leads or supports; for anyone else, none.
async fn writable_actions(
    state: &AppState,
    ctx: &Ctx,
    strategy_id: Uuid,
) -> Result<Vec<ActionView>, AppError> {
    let organisation_id = match ctx.actor.role() {
        Some(Role::Admin | Role::Chair) => None,
        Some(Role::Member) => match ctx.actor.organisation_id() {
            Some(own) => Some(own),
            None => return Ok(Vec::new()),
        },
        _ => return Ok(Vec::new()),
    };
    let query = ActionQuery {
        strategy_id: Some(strategy_id),
        organisation_id,
        ..Default::default()
    };
    Ok(actions::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items)
}

/// The list's address: a strategy and, optionally, one status.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    strategy_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Template)]
#[template(path = "web/achievements.html")]
struct ListPage {
    chrome: Chrome,
    strategy: StrategyView,
    strategies: Vec<StrategyView>,
    /// Every achievement the user may read, newest first.
    all: Vec<AchievementView>,
    /// The status the list is limited to, if any.
    only: Option<AchievementStatus>,
    may_write: bool,
}

impl ListPage {
    fn statuses(&self) -> &'static [AchievementStatus] {
        &ORDER
    }

    fn count(&self, status: &AchievementStatus) -> usize {
        self.all.iter().filter(|a| a.status == *status).count()
    }

    fn shown(&self) -> Vec<&AchievementView> {
        self.all
            .iter()
            .filter(|a| self.only.is_none_or(|s| s == a.status))
            .collect()
    }

    fn is_only(&self, status: &AchievementStatus) -> bool {
        self.only == Some(*status)
    }

    fn date(&self, day: &NaiveDate) -> String {
        format::date(day)
    }

    fn local_offer(&self, a: &AchievementView) -> bool {
        crate::domain::achievements::tagged(&a.tags, LOCAL_OFFER)
    }
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    query: Query<ListQuery>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let asked = match query.strategy_id.as_deref().filter(|t| !t.is_empty()) {
        Some(text) => Some(
            text.parse::<Uuid>()
                .map_err(|_| AppError::NotFound("no such strategy".into()))?,
        ),
        None => None,
    };
    let only = match query.status.as_deref().filter(|t| !t.is_empty()) {
        Some(text) => Some(text.parse::<AchievementStatus>().map_err(|_| {
            AppError::BadRequest("the list can show one status of an achievement only".into())
        })?),
        None => None,
    };
    let (strategy, strategies) = strategy(&state, &signed.ctx, asked).await?;
    let query = AchievementQuery {
        strategy_id: Some(strategy.id),
        ..Default::default()
    };
    let mut all = achievements::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    all.sort_by_key(|a| std::cmp::Reverse((a.achieved_on, a.created_at)));
    let may_write = !writable_actions(&state, &signed.ctx, strategy.id)
        .await?
        .is_empty();
    let data = ListPage {
        chrome: chrome(&signed, Section::Achievements, &done),
        strategy,
        strategies,
        all,
        only,
        may_write,
    };
    Ok(page(StatusCode::OK, &data)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::achievements::AGE_BANDS;

    #[test]
    fn every_status_has_its_own_words_and_colour() {
        let mut labels: Vec<_> = ORDER.iter().map(status_label).collect();
        let mut classes: Vec<_> = ORDER.iter().map(status_class).collect();
        labels.sort();
        labels.dedup();
        classes.sort();
        classes.dedup();
        assert_eq!(labels.len(), AchievementStatus::ALL.len());
        assert_eq!(classes.len(), AchievementStatus::ALL.len());
    }

    #[test]
    fn age_bands_read_as_words() {
        let words: Vec<String> = AGE_BANDS.iter().map(|b| age_band_words(b)).collect();
        assert_eq!(
            words,
            [
                "under 11",
                "11 to 15",
                "16 to 17",
                "18 to 20",
                "21 to 24",
                "25 and over"
            ]
        );
    }
}
