//! The form that raises a priority for the board: for members of the
//! young people's council, and for administrators, who name the council
//! it comes from.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Query};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::super::setup::fields::{Choice, Fields, ids};
use super::super::{Done, chrome, first};
use super::{show_refusal, strategy};
use crate::domain::{OrganisationKind, Role, StatementKind};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::organisations::{self, OrganisationQuery};
use crate::services::priorities::{self, RaisePriority};
use crate::services::statements::{self, StatementView};
use crate::services::strategies::StrategyView;
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{Chrome, Section};
use crate::web::forms::{DateParts, Errors};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const FORBIDDEN: &str =
    "only members of the young people's council, and administrators, raise priorities";

/// Who is raising: a member for their own council, or an administrator
/// choosing the council.
enum Raiser {
    Member { council: String },
    Admin { councils: Vec<Choice> },
}

/// Who may raise, as the service says; anyone else is refused before a
/// form is shown or read.
async fn raiser(state: &AppState, signed: &SignedIn) -> Result<Raiser, AppError> {
    if let Some(voice) = priorities::voice_of(&state.pool, &signed.ctx).await? {
        return Ok(Raiser::Member {
            council: voice.name,
        });
    }
    if signed.ctx.actor.role() != Some(Role::Admin) {
        return Err(AppError::Forbidden(FORBIDDEN.into()));
    }
    let query = OrganisationQuery {
        kind: Some(OrganisationKind::YoungPeoplesVoice),
        q: None,
        strategy_id: None,
    };
    let councils = organisations::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
        .await?
        .items
        .into_iter()
        .map(|o| Choice::of(o.id, o.name, &[]))
        .collect();
    Ok(Raiser::Admin { councils })
}

/// The form as typed.
#[derive(Debug, Default, Clone)]
struct RaiseForm {
    organisation: String,
    title: String,
    said: String,
    why_it_matters: String,
    raised_on: DateParts,
    raised_at: String,
    ambitions: Vec<String>,
    commitments: Vec<String>,
}

/// Each field's name in a sentence, and what to ask for when it was left
/// empty.
const FIELDS: [(&str, &str, &str); 8] = [
    (
        "organisation_id",
        "The council",
        "Select the young people's council that raised it",
    ),
    ("title", "The title", "Enter a title for the priority"),
    (
        "said",
        "What young people said",
        "Enter what young people said",
    ),
    (
        "why_it_matters",
        "Why it matters",
        "Enter why it matters to young people",
    ),
    (
        "raised_on",
        "The date it was raised",
        "Enter the date it was raised",
    ),
    (
        "raised_at",
        "Where it was raised",
        "Enter where it was raised",
    ),
    (
        "ambition_ids",
        "One of the ambitions chosen",
        "Select ambitions of this strategy",
    ),
    (
        "commitment_ids",
        "One of the commitments chosen",
        "Select commitments of this strategy",
    ),
];

/// The service's refusal, shown once under each of the form's fields.
fn refused(error: AppError) -> Result<Errors, AppError> {
    let mut shown = Errors::none();
    show_refusal(error, &FIELDS, &mut shown, str::to_owned)?;
    Ok(shown)
}

impl RaiseForm {
    fn read(fields: &Fields) -> RaiseForm {
        RaiseForm {
            organisation: fields.text("organisation_id"),
            title: fields.text("title"),
            said: fields.text("said"),
            why_it_matters: fields.text("why_it_matters"),
            raised_on: fields.date("raised_on"),
            raised_at: fields.text("raised_at"),
            ambitions: fields.all("ambition_ids"),
            commitments: fields.all("commitment_ids"),
        }
    }

    /// What the service is asked for, or what is missing or unreadable.
    fn parse(&self, strategy_id: Uuid, names_council: bool) -> Result<RaisePriority, Errors> {
        let mut errors = Errors::none();
        let organisation_id = if names_council {
            match self.organisation.trim() {
                "" => {
                    errors.add("organisation_id", FIELDS[0].2);
                    None
                }
                id => id.parse::<Uuid>().ok(),
            }
        } else {
            None
        };
        for (name, text) in [
            ("title", &self.title),
            ("said", &self.said),
            ("why_it_matters", &self.why_it_matters),
        ] {
            if text.trim().is_empty() {
                let ask = FIELDS.iter().find(|(n, _, _)| *n == name).map(|f| f.2);
                errors.add(name, ask.unwrap_or_default());
            }
        }
        let raised_on = self
            .raised_on
            .parse("the date it was raised")
            .map_err(|m| errors.add("raised_on", m))
            .ok();
        if self.raised_at.trim().is_empty() {
            errors.add("raised_at", "Enter where it was raised");
        }
        let ambition_ids = ids(&self.ambitions).map_err(|_| {
            errors.add("ambition_ids", "Select ambitions from the list");
        });
        let commitment_ids = ids(&self.commitments).map_err(|_| {
            errors.add("commitment_ids", "Select commitments from the list");
        });
        match (raised_on, ambition_ids, commitment_ids) {
            (Some(raised_on), Ok(ambition_ids), Ok(commitment_ids)) if !errors.any() => {
                Ok(RaisePriority {
                    strategy_id,
                    organisation_id,
                    title: self.title.clone(),
                    said: self.said.clone(),
                    why_it_matters: self.why_it_matters.clone(),
                    raised_on,
                    raised_at: self.raised_at.clone(),
                    ambition_ids,
                    commitment_ids,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "web/priority_new.html")]
struct RaisePage {
    chrome: Chrome,
    strategy: StrategyView,
    /// The council raising it, for a member.
    council: Option<String>,
    /// The councils to choose from, for an administrator.
    councils: Option<Vec<Choice>>,
    form: RaiseForm,
    errors: Errors,
    ambitions: Vec<Choice>,
    commitments: Vec<Choice>,
}

async fn statement_choices(
    state: &AppState,
    ctx: &Ctx,
    strategy_id: Uuid,
    kind: StatementKind,
    chosen: &[String],
) -> Result<Vec<Choice>, AppError> {
    let list: Vec<StatementView> =
        statements::list(&state.pool, ctx, strategy_id, kind, &first(MAX_LIMIT))
            .await?
            .items;
    Ok(list
        .iter()
        .map(|s| Choice::of(s.id, format!("{}. {}", s.number, s.title), chosen))
        .collect())
}

async fn raise_page(
    state: &AppState,
    signed: &SignedIn,
    raiser: Raiser,
    strategy: StrategyView,
    form: RaiseForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    let ambitions = statement_choices(
        state,
        &signed.ctx,
        strategy.id,
        StatementKind::Ambition,
        &form.ambitions,
    )
    .await?;
    let commitments = statement_choices(
        state,
        &signed.ctx,
        strategy.id,
        StatementKind::Commitment,
        &form.commitments,
    )
    .await?;
    let (council, councils) = match raiser {
        Raiser::Member { council } => (Some(council), None),
        Raiser::Admin { councils } => {
            let chosen = std::slice::from_ref(&form.organisation);
            let choices = councils
                .into_iter()
                .map(|c| Choice::of(c.value, c.label, chosen))
                .collect();
            (None, Some(choices))
        }
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let data = RaisePage {
        chrome: chrome(signed, Section::Priorities, &Done::default()),
        strategy,
        council,
        councils,
        form,
        errors,
        ambitions,
        commitments,
    };
    Ok(page(status, &data)?)
}

#[derive(Debug, Default, Deserialize)]
pub struct ForStrategy {
    #[serde(default)]
    strategy_id: Option<Uuid>,
}

pub async fn new(
    state: Data<AppState>,
    signed: SignedIn,
    query: Query<ForStrategy>,
) -> Result<HttpResponse, PageError> {
    let raiser = raiser(&state, &signed).await?;
    let (strategy, _) = strategy(&state, &signed.ctx, query.strategy_id).await?;
    let mut form = RaiseForm::default();
    // One council to choose from: chosen already.
    if let Raiser::Admin { councils } = &raiser
        && let [only] = councils.as_slice()
    {
        form.organisation.clone_from(&only.value);
    }
    raise_page(&state, &signed, raiser, strategy, form, Errors::none()).await
}

pub async fn create(
    state: Data<AppState>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let raiser = raiser(&state, &signed).await?;
    let fields = Fields::new(form);
    let strategy_id = fields
        .text("strategy_id")
        .parse::<Uuid>()
        .map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
    let (strategy, _) = strategy(&state, &signed.ctx, Some(strategy_id)).await?;
    let form = RaiseForm::read(&fields);
    let names_council = matches!(raiser, Raiser::Admin { .. });
    let errors = match form.parse(strategy.id, names_council) {
        Ok(input) => {
            match priorities::raise(
                &state.pool,
                &signed.ctx,
                input,
                state.priority_response_days,
            )
            .await
            {
                Ok(raised) => {
                    return Ok(see_other(&format!(
                        "/priorities/{}?done=priority-raised",
                        raised.id
                    )));
                }
                Err(error) => refused(error)?,
            }
        }
        Err(errors) => errors,
    };
    raise_page(&state, &signed, raiser, strategy, form, errors).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_form_with_gaps_asks_for_each_and_keeps_the_rest() {
        let form = RaiseForm::read(&fields(&[
            ("title", "Driving lessons"),
            ("said", " "),
            ("raised_on-day", "31"),
            ("raised_on-month", "2"),
            ("raised_on-year", "2025"),
        ]));
        let errors = form.parse(Uuid::nil(), true).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "organisation_id",
                "said",
                "why_it_matters",
                "raised_on",
                "raised_at"
            ]
        );
        assert_eq!(
            errors.get("raised_on"),
            Some("The date it was raised must be a real date")
        );
        assert_eq!(form.title, "Driving lessons");
    }

    #[test]
    fn the_services_refusals_are_worded_for_the_form() {
        let refusal = AppError::Validation(vec![
            crate::domain::validation::FieldError::new("raised_on", "must not be in the future"),
            crate::domain::validation::FieldError::new(
                "ambition_ids[1]",
                "is not an ambition of this strategy",
            ),
        ]);
        let shown = refused(refusal).unwrap();
        assert_eq!(
            shown.get("raised_on"),
            Some("The date it was raised must not be in the future")
        );
        assert_eq!(
            shown.get("ambition_ids"),
            Some("One of the ambitions chosen is not an ambition of this strategy")
        );
    }
}
