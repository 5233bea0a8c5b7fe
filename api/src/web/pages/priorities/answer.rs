//! A priority in full: what young people said, the board's answer as it
//! stands, the actions that answer it and the history of answers; and,
//! for those who answer priorities, one form for each status it may move
//! to next. A refused answer comes back with what was typed and what is
//! wrong; an answer read before someone else's comes back with what they
//! answered and what was typed.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path, Query};
use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::super::setup::fields::{Choice, Fields, ids, optional_date};
use super::super::{Done, chrome, first};
use super::show_refusal;
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, PriorityStatus};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::actions::{self, ActionQuery};
use crate::services::priorities::{self, AnswerPriority, PriorityAnswerView, PriorityView};
use crate::services::strategies;
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{DateParts, Errors};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

/// The hint under every text young people read.
const PLAIN_WORDS: &str = "Young people will read this. Keep each sentence to 25 words or fewer.";

/// Each field of an answer: its name in a sentence, and what to ask for
/// when it was left empty.
const FIELDS: [(&str, &str, &str); 7] = [
    (
        "message",
        "The message to young people",
        "Enter a message to young people",
    ),
    (
        "response",
        "What will be done",
        "Enter what the board will do",
    ),
    (
        "owner_organisation_id",
        "The partner",
        "Select the partner that will do it",
    ),
    (
        "deliver_by",
        "The date it will be done by",
        "Enter the date it will be done by",
    ),
    (
        "decline_reason",
        "The reason",
        "Enter why the board will not take it forward",
    ),
    (
        "outcome",
        "What changed",
        "Enter what changed for young people",
    ),
    (
        "action_ids",
        "One of the actions chosen",
        "Select actions of the live plan",
    ),
];

/// An answer form as typed.
#[derive(Debug, Default, Clone)]
struct AnswerForm {
    message: String,
    response: String,
    owner: String,
    deliver_by: DateParts,
    decline_reason: String,
    outcome: String,
    actions: Vec<String>,
    /// The priority's version the form was read at.
    version: Option<i32>,
}

impl AnswerForm {
    fn read(fields: &Fields) -> AnswerForm {
        AnswerForm {
            message: fields.text("message"),
            response: fields.text("response"),
            owner: fields.text("owner_organisation_id"),
            deliver_by: fields.date("deliver_by"),
            decline_reason: fields.text("decline_reason"),
            outcome: fields.text("outcome"),
            actions: fields.all("action_ids"),
            version: fields.version(),
        }
    }

    /// An empty form for the priority as it stands, its live actions
    /// ticked.
    fn blank(priority: &PriorityView) -> AnswerForm {
        AnswerForm {
            actions: live_links(priority),
            version: Some(priority.version),
            ..AnswerForm::default()
        }
    }

    /// The texts typed, with their labels, for showing back.
    fn texts(&self) -> Vec<(&'static str, &str)> {
        [
            ("Message to young people", self.message.as_str()),
            ("What will be done", self.response.as_str()),
            ("Why not", self.decline_reason.as_str()),
            ("What changed", self.outcome.as_str()),
        ]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .collect()
    }
}

/// The live actions linked to the priority, as the form's values.
fn live_links(priority: &PriorityView) -> Vec<String> {
    priority
        .actions
        .iter()
        .filter(|a| !a.archived)
        .map(|a| a.id.to_string())
        .collect()
}

/// The form's short name: its anchor and the prefix of its message box.
fn form_id(status: PriorityStatus) -> &'static str {
    match status {
        PriorityStatus::Accepted => "accept",
        PriorityStatus::Declined => "decline",
        PriorityStatus::InProgress => "start",
        PriorityStatus::Done => "finish",
        PriorityStatus::Raised => "raise",
    }
}

/// One of the page's answer forms: the status it moves the priority to,
/// as typed, and what is wrong with it.
struct StatusForm {
    status: PriorityStatus,
    form: AnswerForm,
    errors: Errors,
    /// Accepting: the strategy's partners.
    owners: Vec<Choice>,
    /// Accepting or starting: the strategy's live actions.
    actions: Vec<Choice>,
}

impl StatusForm {
    fn id(&self) -> &'static str {
        form_id(self.status)
    }

    fn message_id(&self) -> String {
        format!("{}-message", self.id())
    }

    fn owner_choices(&self) -> &[Choice] {
        &self.owners
    }

    fn action_choices(&self) -> &[Choice] {
        &self.actions
    }

    fn accepts(&self) -> bool {
        self.status == PriorityStatus::Accepted
    }

    fn declines(&self) -> bool {
        self.status == PriorityStatus::Declined
    }

    fn finishes(&self) -> bool {
        self.status == PriorityStatus::Done
    }

    fn links_actions(&self) -> bool {
        matches!(
            self.status,
            PriorityStatus::Accepted | PriorityStatus::InProgress
        )
    }

    fn heading(&self) -> &'static str {
        match self.status {
            PriorityStatus::Accepted => "Accept it",
            PriorityStatus::Declined => "Do not take it forward",
            PriorityStatus::InProgress => "Start the work",
            PriorityStatus::Done => "Mark it done",
            PriorityStatus::Raised => "",
        }
    }

    fn lead(&self) -> &'static str {
        match self.status {
            PriorityStatus::Accepted => {
                "The board will act on it. Say what will be done, which partner will do it and by when."
            }
            PriorityStatus::Declined => {
                "The board will not act on it. Say why, in words young people will understand."
            }
            PriorityStatus::InProgress => {
                "The work has started. Tell young people what is happening."
            }
            PriorityStatus::Done => "The work is finished. Tell young people what changed.",
            PriorityStatus::Raised => "",
        }
    }

    fn button(&self) -> &'static str {
        match self.status {
            PriorityStatus::Accepted => "Accept the priority",
            PriorityStatus::Declined => "Decline the priority",
            PriorityStatus::InProgress => "Mark as in progress",
            PriorityStatus::Done => "Mark as done",
            PriorityStatus::Raised => "",
        }
    }

    fn actions_hint(&self) -> &'static str {
        if self.accepts() {
            "The actions of the plan that will do it. Select all that apply."
        } else {
            "Change these if other actions of the plan now do the work."
        }
    }
}

/// What the answer forms offer: the partners and the live actions.
#[derive(Default)]
struct Offered {
    partners: Vec<(Uuid, String)>,
    actions: Vec<(Uuid, String)>,
}

async fn offered(
    state: &AppState,
    ctx: &Ctx,
    priority: &PriorityView,
) -> Result<Offered, AppError> {
    if !priority.allowed_actions.contains(&AllowedAction::Answer) {
        return Ok(Offered::default());
    }
    let strategy = strategies::get(&state.pool, ctx, priority.strategy_id).await?;
    let query = ActionQuery {
        strategy_id: Some(priority.strategy_id),
        ..Default::default()
    };
    let live = actions::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    Ok(Offered {
        partners: strategy
            .partners
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
        actions: live
            .into_iter()
            .map(|a| (a.id, format!("{}: {}", a.reference, a.title)))
            .collect(),
    })
}

/// After an answer read before someone else's.
struct Conflict {
    /// The answers given since the page was read.
    answers: Vec<PriorityAnswerView>,
    /// What was typed, when its form is no longer offered: shown so that
    /// nothing is lost.
    unsent: Option<AnswerForm>,
}

#[derive(Template)]
#[template(path = "web/priority.html")]
struct PriorityPage {
    chrome: Chrome,
    priority: PriorityView,
    forms: Vec<StatusForm>,
    /// The status of the form sent, if one was.
    sent: Option<PriorityStatus>,
    /// What is wrong with the form sent, for the error summary.
    errors: Errors,
    conflict: Option<Conflict>,
    zone: Tz,
}

impl PriorityPage {
    fn when(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    fn date(&self, day: &NaiveDate) -> String {
        format::date(day)
    }

    fn plain_words(&self) -> &'static str {
        PLAIN_WORDS
    }

    fn seen(&self) -> String {
        self.priority.updated_at.to_rfc3339()
    }

    fn answered(&self) -> bool {
        self.priority.status != PriorityStatus::Raised
    }

    /// The board's latest message to young people.
    fn latest_message(&self) -> Option<&str> {
        self.priority.answers.last().map(|a| a.message.as_str())
    }

    /// The references of the actions an answer linked, as far as they are
    /// still linked.
    fn references(&self, answer: &PriorityAnswerView) -> String {
        let names: Vec<&str> = self
            .priority
            .actions
            .iter()
            .filter(|a| answer.action_ids.contains(&a.id))
            .map(|a| a.reference.as_str())
            .collect();
        names.join(", ")
    }

    /// Where the conflict's "back to your text" link goes.
    fn typed_anchor(&self) -> String {
        match (&self.conflict, self.sent) {
            (Some(Conflict { unsent: None, .. }), Some(status)) => {
                format!("{}-message", form_id(status))
            }
            _ => "unsent".to_owned(),
        }
    }
}

/// The page's answer forms: the one sent as typed, the others empty.
fn status_forms(
    priority: &PriorityView,
    offered: &Offered,
    sent: Option<(PriorityStatus, &AnswerForm, &Errors)>,
) -> Vec<StatusForm> {
    if !priority.allowed_actions.contains(&AllowedAction::Answer) {
        return Vec::new();
    }
    priority
        .next_statuses
        .iter()
        .map(|status| {
            let (form, errors) = match sent {
                Some((s, form, errors)) if s == *status => (form.clone(), errors.clone()),
                _ => (AnswerForm::blank(priority), Errors::none()),
            };
            let owners = offered
                .partners
                .iter()
                .map(|(id, name)| Choice::of(id, name.clone(), std::slice::from_ref(&form.owner)))
                .collect();
            let actions = offered
                .actions
                .iter()
                .map(|(id, name)| Choice::of(id, name.clone(), &form.actions))
                .collect();
            StatusForm {
                status: *status,
                form,
                errors,
                owners,
                actions,
            }
        })
        .collect()
}

async fn priority_page(
    state: &AppState,
    signed: &SignedIn,
    priority: PriorityView,
    sent: Option<(PriorityStatus, &AnswerForm, &Errors)>,
    conflict: Option<Conflict>,
    done: &Done,
) -> Result<PriorityPage, AppError> {
    let offered = offered(state, &signed.ctx, &priority).await?;
    let forms = status_forms(&priority, &offered, sent);
    Ok(PriorityPage {
        chrome: chrome(signed, Section::Priorities, done),
        sent: sent.map(|(status, _, _)| status),
        errors: sent.map(|(_, _, e)| e.clone()).unwrap_or_default(),
        priority,
        forms,
        conflict,
        zone: state.clock.zone(),
    })
}

pub async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let priority = priorities::get(&state.pool, &signed.ctx, *id).await?;
    let data = priority_page(&state, &signed, priority, None, None, &done).await?;
    Ok(page(StatusCode::OK, &data)?)
}

fn unreadable() -> AppError {
    AppError::BadRequest("the form could not be read".into())
}

/// The answer a form asks for: only the fields of its status, and the
/// actions only when they differ from those linked now. A date that
/// cannot be read is an error of the form's own.
fn answer_of(
    status: PriorityStatus,
    form: &AnswerForm,
    before: &PriorityView,
) -> Result<(AnswerPriority, Errors), AppError> {
    let mut local = Errors::none();
    let accepting = status == PriorityStatus::Accepted;
    let owner_organisation_id = match form.owner.trim() {
        "" => None,
        _ if !accepting => None,
        id => Some(id.parse::<Uuid>().map_err(|_| unreadable())?),
    };
    let deliver_by = if accepting {
        optional_date(&form.deliver_by, "the date it will be done by").unwrap_or_else(|m| {
            local.add("deliver_by", m);
            None
        })
    } else {
        None
    };
    let action_ids = if matches!(
        status,
        PriorityStatus::Accepted | PriorityStatus::InProgress
    ) {
        let mut chosen = ids(&form.actions).map_err(|_| unreadable())?;
        let mut linked = ids(&live_links(before)).map_err(|_| unreadable())?;
        chosen.sort_unstable();
        chosen.dedup();
        linked.sort_unstable();
        (chosen != linked).then_some(chosen)
    } else {
        None
    };
    let text = |wanted: bool, value: &str| wanted.then(|| value.to_owned());
    let input = AnswerPriority {
        status,
        message: form.message.clone(),
        response: text(accepting, &form.response),
        owner_organisation_id,
        deliver_by,
        decline_reason: text(status == PriorityStatus::Declined, &form.decline_reason),
        outcome: text(status == PriorityStatus::Done, &form.outcome),
        action_ids,
    };
    Ok((input, local))
}

/// The service's refusal of the form for `status`, under the form's own
/// fields (its message box is named for the form), after the form's own
/// errors (a date it could not read).
fn refused(status: PriorityStatus, local: Errors, error: AppError) -> Result<Errors, AppError> {
    let mut shown = Errors::none();
    for error in local.0 {
        shown.add(&keyed(status, &error.field), error.message);
    }
    show_refusal(error, &FIELDS, &mut shown, |field| keyed(status, field))?;
    Ok(shown)
}

/// The page's name for a field of the form for `status`.
fn keyed(status: PriorityStatus, field: &str) -> String {
    if field == "message" {
        format!("{}-message", form_id(status))
    } else {
        field.to_owned()
    }
}

/// Gives the board's answer through the same operation as the API's
/// `POST /priorities/{id}/answers`.
pub async fn post(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let id = *id;
    let fields = Fields::new(form);
    let status = fields
        .text("status")
        .parse::<PriorityStatus>()
        .map_err(|_| unreadable())?;
    let seen = fields.text("seen").parse::<DateTime<Utc>>().ok();
    let form = AnswerForm::read(&fields);
    let before = priorities::get(&state.pool, &signed.ctx, id).await?;
    let (input, local) = answer_of(status, &form, &before)?;
    let precondition = form
        .version
        .map_or_else(Precondition::none, Precondition::assume);
    // A date that could not be read is sent as none, so the operation
    // still checks the rest: accepting without a date is always refused.
    let error = match priorities::answer(&state.pool, &signed.ctx, id, precondition, input).await {
        Ok(_) => {
            return Ok(see_other(&format!(
                "/priorities/{id}?done=priority-answered"
            )));
        }
        Err(error) => error,
    };
    let (errors, conflict, status_code) = match error {
        AppError::PreconditionFailed | AppError::PreconditionRequired => {
            (Errors::none(), true, StatusCode::CONFLICT)
        }
        other => (
            refused(status, local, other)?,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let now = priorities::get(&state.pool, &signed.ctx, id).await?;
    let mut typed = form;
    let conflict = conflict.then(|| {
        typed.version = Some(now.version);
        let offered = now.next_statuses.contains(&status)
            && now.allowed_actions.contains(&AllowedAction::Answer);
        Conflict {
            answers: now
                .answers
                .iter()
                .filter(|a| seen.is_none_or(|seen| a.answered_at > seen))
                .cloned()
                .collect(),
            unsent: (!offered).then(|| typed.clone()),
        }
    });
    let data = priority_page(
        &state,
        &signed,
        now,
        Some((status, &typed, &errors)),
        conflict,
        &Done::default(),
    )
    .await?;
    Ok(page(status_code, &data)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldError;

    #[test]
    fn refusals_are_shown_under_the_sent_forms_fields() {
        let refusal = AppError::Validation(vec![
            FieldError::new("message", "must not be blank with every answer"),
            FieldError::new(
                "decline_reason",
                "is required when declining: why, in plain words",
            ),
        ]);
        let shown = refused(PriorityStatus::Declined, Errors::none(), refusal).unwrap();
        assert_eq!(
            shown.get("decline-message"),
            Some("Enter a message to young people")
        );
        assert_eq!(
            shown.get("decline_reason"),
            Some("Enter why the board will not take it forward")
        );
    }

    #[test]
    fn a_date_the_form_could_not_read_stands_over_the_services_word() {
        let mut local = Errors::none();
        local.add(
            "deliver_by",
            "The date it will be done by must be a real date",
        );
        let refusal = AppError::Validation(vec![FieldError::new(
            "deliver_by",
            "is required when accepting: by when",
        )]);
        let shown = refused(PriorityStatus::Accepted, local, refusal).unwrap();
        assert_eq!(shown.0.len(), 1);
        assert_eq!(
            shown.get("deliver_by"),
            Some("The date it will be done by must be a real date")
        );
    }

    #[test]
    fn the_plain_words_check_speaks_for_itself() {
        let refusal = AppError::Validation(vec![FieldError::new(
            "outcome",
            "young people read this: keep each sentence to 25 words or fewer",
        )]);
        let shown = refused(PriorityStatus::Done, Errors::none(), refusal).unwrap();
        assert_eq!(
            shown.get("outcome"),
            Some("Young people read this: keep each sentence to 25 words or fewer")
        );
    }
}
