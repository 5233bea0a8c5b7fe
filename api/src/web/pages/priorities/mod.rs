//! The young people's council's priorities for the board: the list, with
//! each priority's status in words; the form that raises one; and each
//! priority's page, with the board's answer and, for those who answer,
//! the forms that give it. The words the pages use for a priority's
//! status, and for what the service refuses, are here.

mod answer;
mod raise;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, chrome, first, newest, readable_strategies};
use crate::domain::{PriorityStatus, Role};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::priorities::{self, PriorityQuery, PriorityView};
use crate::services::strategies::StrategyView;
use crate::state::AppState;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{Errors, sentence};
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `new` before `{id}`, which would otherwise take it.
    cfg.route("/priorities", web::get().to(list))
        .route("/priorities/new", web::get().to(raise::new))
        .route("/priorities/new", web::post().to(raise::create))
        .route("/priorities/{id}", web::get().to(answer::show))
        .route("/priorities/{id}/answer", web::post().to(answer::post));
}

/// The order the statuses are listed in: what waits for the board first,
/// then the work under way, then what is finished.
const ORDER: [PriorityStatus; 5] = [
    PriorityStatus::Raised,
    PriorityStatus::Accepted,
    PriorityStatus::InProgress,
    PriorityStatus::Done,
    PriorityStatus::Declined,
];

/// A priority's status in words young people and the board share.
pub fn status_label(status: &PriorityStatus) -> &'static str {
    match status {
        PriorityStatus::Raised => "Waiting for the board's answer",
        PriorityStatus::Accepted => "Accepted",
        PriorityStatus::Declined => "Not taken forward",
        PriorityStatus::InProgress => "In progress",
        PriorityStatus::Done => "Done",
    }
}

/// The GOV.UK tag colour for a status; the tag's words say it too.
pub fn status_class(status: &PriorityStatus) -> &'static str {
    match status {
        PriorityStatus::Raised => "govuk-tag--yellow",
        PriorityStatus::Accepted => "govuk-tag--turquoise",
        PriorityStatus::Declined => "govuk-tag--grey",
        PriorityStatus::InProgress => "govuk-tag--blue",
        PriorityStatus::Done => "govuk-tag--green",
    }
}

/// What the service said about a field, in the form's words: `ask` when
/// the field was left empty, otherwise the service's reason after the
/// field's `label`. The service's messages follow a field's name; a page
/// may have made them sentences already.
pub(in crate::web::pages) fn worded(label: &str, ask: &str, message: &str) -> String {
    let mut chars = message.chars();
    let message: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    let missing = ["must not be blank", "is required", "length is lower than 1"];
    if missing.iter().any(|m| message.starts_with(m)) {
        return ask.to_owned();
    }
    if let Some(most) = message.strip_prefix("length is greater than ") {
        return format!("{label} must be {most} characters or fewer");
    }
    // The plain-words check speaks to the writer already.
    if message.starts_with("young people read this") {
        return sentence(&message);
    }
    format!("{label} {message}")
}

/// A form's fields as refusals name them: the field, its name in a
/// sentence, and what to ask for when it was left empty.
type Words = [(&'static str, &'static str, &'static str)];

/// Adds the service's refusal to `shown`, once under each of the form's
/// fields (`ids[2]` is about the `ids` boxes), in the form's words; `key`
/// gives the page's name for a field.
fn show_refusal(
    error: AppError,
    words: &Words,
    shown: &mut Errors,
    key: impl Fn(&str) -> String,
) -> Result<(), AppError> {
    for error in Errors::from_refusal(error)?.0 {
        let field = error.field.split('[').next().unwrap_or_default();
        let (label, ask) = words
            .iter()
            .find(|(name, _, _)| *name == field)
            .map_or(("This", "Check this"), |(_, label, ask)| (*label, *ask));
        shown.add(&key(field), worded(label, ask, &error.message));
    }
    Ok(())
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

/// The list's address: a strategy and, optionally, one status.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    strategy_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// The priorities with one status.
struct Group {
    status: PriorityStatus,
    priorities: Vec<PriorityView>,
}

impl Group {
    fn id(&self) -> String {
        format!("status-{}", self.status.as_str().replace('_', "-"))
    }
}

#[derive(Template)]
#[template(path = "web/priorities.html")]
struct ListPage {
    chrome: Chrome,
    strategy: StrategyView,
    strategies: Vec<StrategyView>,
    /// Every status with its priorities, in the list's order.
    groups: Vec<Group>,
    /// The status the list is limited to, if any.
    only: Option<PriorityStatus>,
    may_raise: bool,
}

impl ListPage {
    fn total(&self) -> usize {
        self.groups.iter().map(|g| g.priorities.len()).sum()
    }

    fn shown(&self, group: &Group) -> bool {
        self.only.is_none_or(|s| s == group.status)
    }

    fn is_only(&self, status: &PriorityStatus) -> bool {
        self.only == Some(*status)
    }

    fn date(&self, day: &NaiveDate) -> String {
        format::date(day)
    }
}

/// Whether the user may raise a priority: a member of the young people's
/// council, or an administrator raising it on the council's behalf.
async fn may_raise(state: &AppState, signed: &SignedIn) -> Result<bool, AppError> {
    Ok(signed.ctx.actor.role() == Some(Role::Admin)
        || priorities::voice_of(&state.pool, &signed.ctx)
            .await?
            .is_some())
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
        Some(text) => Some(text.parse::<PriorityStatus>().map_err(|_| {
            AppError::BadRequest("the list can show one status of a priority only".into())
        })?),
        None => None,
    };
    let (strategy, strategies) = strategy(&state, &signed.ctx, asked).await?;
    let query = PriorityQuery {
        strategy_id: Some(strategy.id),
        organisation_id: None,
        status: None,
    };
    let mut all = priorities::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    // Waiting longest past its due day first.
    all.sort_by(|a, b| {
        (!a.overdue, a.response_due_on, a.raised_on).cmp(&(
            !b.overdue,
            b.response_due_on,
            b.raised_on,
        ))
    });
    let groups = ORDER
        .iter()
        .map(|status| Group {
            status: *status,
            priorities: all
                .iter()
                .filter(|p| p.status == *status)
                .cloned()
                .collect(),
        })
        .collect();
    let data = ListPage {
        chrome: chrome(&signed, Section::Priorities, &done),
        may_raise: may_raise(&state, &signed).await?,
        strategy,
        strategies,
        groups,
        only,
    };
    Ok(page(StatusCode::OK, &data)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_words_and_colour() {
        let mut labels: Vec<_> = ORDER.iter().map(status_label).collect();
        let mut classes: Vec<_> = ORDER.iter().map(status_class).collect();
        labels.sort();
        labels.dedup();
        classes.sort();
        classes.dedup();
        assert_eq!(labels.len(), PriorityStatus::ALL.len());
        assert_eq!(classes.len(), PriorityStatus::ALL.len());
    }

    #[test]
    fn refusals_ask_for_what_is_missing_in_the_forms_words() {
        assert_eq!(
            worded(
                "The reason",
                "Enter the reason",
                "must not be blank when declining"
            ),
            "Enter the reason"
        );
        assert_eq!(
            worded("The title", "Enter a title", "length is greater than 200"),
            "The title must be 200 characters or fewer"
        );
        assert_eq!(
            worded(
                "The message",
                "Enter a message",
                "young people read this: keep it short"
            ),
            "Young people read this: keep it short"
        );
        assert_eq!(
            worded(
                "The date it was raised",
                "Enter it",
                "must not be in the future"
            ),
            "The date it was raised must not be in the future"
        );
    }
}
