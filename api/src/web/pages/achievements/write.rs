//! The form that writes an achievement and the form that changes one.
//! "Add another figure" and "Add another voice" send the form back with
//! one more empty row, so no script is needed; a refused form comes back
//! with everything typed, and a change read before someone else's shows
//! what is saved now beside what was typed.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path, Query};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::super::setup::fields::{
    Choice, Difference, Fields, chosen_names, date_words, differences,
};
use super::super::{Done, chrome, first};
use super::form::{AchievementForm, FigureRow, VoiceRow};
use super::refusals::{Rows, refused};
use super::{age_band_words, strategy, writable_actions};
use crate::concurrency::Precondition;
use crate::domain::achievements::{AGE_BANDS, FIGURES_MAX, NO_IDENTIFIERS, VOICES_MAX};
use crate::domain::{AllowedAction, Role, StatementKind};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::achievements::{self, AchievementView};
use crate::services::organisations::{self, OrganisationQuery};
use crate::services::statements;
use crate::services::strategies::StrategyView;
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{Chrome, Section};
use crate::web::forms::Errors;
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const FORBIDDEN: &str =
    "board members write achievements for actions their organisation leads or supports";

const ACTIONS_NEEDED: &str = "Select at least one action your organisation leads or supports";

/// What the form offers to choose from, as (value, label).
struct Offered {
    ambitions: Vec<(String, String)>,
    commitments: Vec<(String, String)>,
    actions: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
}

async fn offered(
    state: &AppState,
    ctx: &Ctx,
    strategy_id: Uuid,
    saved: Option<&AchievementView>,
) -> Result<Offered, AppError> {
    let of_kind = async |kind| -> Result<Vec<(String, String)>, AppError> {
        Ok(
            statements::list(&state.pool, ctx, strategy_id, kind, &first(MAX_LIMIT))
                .await?
                .items
                .into_iter()
                .map(|s| (s.id.to_string(), format!("{}. {}", s.number, s.title)))
                .collect(),
        )
    };
    let mut actions: Vec<(String, String)> = writable_actions(state, ctx, strategy_id)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), format!("{}: {}", a.reference, a.title)))
        .collect();
    // The actions it names already stay on offer, whoever leads them.
    for linked in saved.iter().flat_map(|a| &a.actions) {
        let id = linked.id.to_string();
        if !actions.iter().any(|(value, _)| *value == id) {
            actions.push((id, format!("{}: {}", linked.reference, linked.title)));
        }
    }
    let query = OrganisationQuery {
        kind: None,
        q: None,
        strategy_id: None,
    };
    let organisations = organisations::list(&state.pool, ctx, query, &first(MAX_LIMIT))
        .await?
        .items
        .into_iter()
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    Ok(Offered {
        ambitions: of_kind(StatementKind::Ambition).await?,
        commitments: of_kind(StatementKind::Commitment).await?,
        actions,
        organisations,
    })
}

fn choices(offered: &[(String, String)], chosen: &[String]) -> Vec<Choice> {
    offered
        .iter()
        .map(|(value, label)| Choice::of(value, label.clone(), chosen))
        .collect()
}

#[derive(Template)]
#[template(path = "web/achievement_form.html")]
struct FormPage {
    chrome: Chrome,
    strategy: StrategyView,
    /// The achievement changed; none when one is written.
    achievement: Option<AchievementView>,
    form: AchievementForm,
    errors: Errors,
    /// After a stale form: where the achievement as saved differs from it.
    conflict: Option<Vec<Difference>>,
    ambitions: Vec<Choice>,
    commitments: Vec<Choice>,
    actions: Vec<Choice>,
    organisations: Vec<(String, String)>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.achievement {
            Some(a) => format!("/achievements/{}/edit", a.id),
            None => "/achievements/new".to_owned(),
        }
    }

    fn back(&self) -> String {
        match &self.achievement {
            Some(a) => format!("/achievements/{}", a.id),
            None => format!("/achievements?strategy_id={}", self.strategy.id),
        }
    }

    fn no_identifiers(&self) -> &'static str {
        NO_IDENTIFIERS
    }

    fn key(&self, list: &str, index: &usize, part: &str) -> String {
        format!("{list}-{index}-{part}")
    }

    fn may_add_figure(&self) -> bool {
        self.form.figures.len() < FIGURES_MAX
    }

    fn may_add_voice(&self) -> bool {
        self.form.voices.len() < VOICES_MAX
    }

    fn kinds(&self, voice: &VoiceRow) -> Vec<Choice> {
        let chosen = std::slice::from_ref(&voice.kind);
        vec![
            Choice::of("quote", "A quote, in their words", chosen),
            Choice::of("story", "A short story about them", chosen),
        ]
    }

    fn age_bands(&self, voice: &VoiceRow) -> Vec<Choice> {
        let chosen = std::slice::from_ref(&voice.age_band);
        AGE_BANDS
            .iter()
            .map(|band| Choice::of(band, age_band_words(band), chosen))
            .collect()
    }

    fn consenting(&self, voice: &VoiceRow) -> Vec<Choice> {
        choices(
            &self.organisations,
            std::slice::from_ref(&voice.consent_organisation),
        )
    }

    fn cites(&self, figure: &FigureRow) -> bool {
        !figure.cites.is_empty()
    }
}

/// Where the achievement as saved differs from a stale form.
fn compare(saved: &AchievementView, form: &AchievementForm, offered: &Offered) -> Vec<Difference> {
    let was = AchievementForm::of(saved);
    let named = |list: &[(String, String)], chosen: &[String]| chosen_names(&choices(list, chosen));
    let organisation = |id: &str| {
        offered
            .organisations
            .iter()
            .find(|(value, _)| value == id)
            .map_or_else(|| "an organisation".to_owned(), |(_, name)| name.clone())
    };
    differences(vec![
        ("Title", was.title.clone(), form.title.clone()),
        (
            "What the partnership achieved",
            was.achieved.clone(),
            form.achieved.clone(),
        ),
        ("What it meant", was.meant.clone(), form.meant.clone()),
        (
            "Day achieved",
            date_words(&was.achieved_on),
            date_words(&form.achieved_on),
        ),
        (
            "Ambitions",
            named(&offered.ambitions, &was.ambitions),
            named(&offered.ambitions, &form.ambitions),
        ),
        (
            "Commitments",
            named(&offered.commitments, &was.commitments),
            named(&offered.commitments, &form.commitments),
        ),
        (
            "Actions",
            named(&offered.actions, &was.actions),
            named(&offered.actions, &form.actions),
        ),
        ("Tags", was.tag_words(), form.tag_words()),
        ("Figures", was.figure_words(), form.figure_words()),
        (
            "Voices",
            was.voice_words(organisation),
            form.voice_words(organisation),
        ),
    ])
}

/// How the form page answers: what went wrong decides the status.
fn status_of(errors: &Errors, stale: bool) -> StatusCode {
    if stale {
        StatusCode::CONFLICT
    } else if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    strategy: StrategyView,
    achievement: Option<AchievementView>,
    form: AchievementForm,
    errors: Errors,
    stale: bool,
) -> Result<HttpResponse, PageError> {
    let offered = offered(state, &signed.ctx, strategy.id, achievement.as_ref()).await?;
    if achievement.is_none() && offered.actions.is_empty() {
        return Err(AppError::Forbidden(FORBIDDEN.into()).into());
    }
    let conflict = match (&achievement, stale) {
        (Some(saved), true) => Some(compare(saved, &form, &offered)),
        _ => None,
    };
    let status = status_of(&errors, stale);
    let data = FormPage {
        chrome: chrome(signed, Section::Achievements, &Done::default()),
        ambitions: choices(&offered.ambitions, &form.ambitions),
        commitments: choices(&offered.commitments, &form.commitments),
        actions: choices(&offered.actions, &form.actions),
        organisations: offered.organisations,
        strategy,
        achievement,
        form,
        errors,
        conflict,
    };
    Ok(page(status, &data)?)
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    strategy_id: Option<Uuid>,
    /// The action the achievement came from, ticked already.
    #[serde(default)]
    action_id: Option<Uuid>,
}

pub async fn new(
    state: Data<AppState>,
    signed: SignedIn,
    query: Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    let (strategy, _) = strategy(&state, &signed.ctx, query.strategy_id).await?;
    let mut form = AchievementForm::blank();
    form.actions.extend(query.action_id.map(|a| a.to_string()));
    form_page(&state, &signed, strategy, None, form, Errors::none(), false).await
}

/// The row a button asked to add, if one did: the form comes back with
/// it, and nothing is written.
fn added(fields: &Fields, form: &mut AchievementForm) -> bool {
    match fields.text("add").as_str() {
        "figure" if form.figures.len() < FIGURES_MAX => form.figures.push(FigureRow::default()),
        "voice" if form.voices.len() < VOICES_MAX => form.voices.push(VoiceRow::default()),
        "figure" | "voice" => {}
        _ => return false,
    }
    true
}

/// What the service said to a form: written, refused field by field (with
/// the rows it counted), stale, or a page of its own.
enum Outcome {
    Written(Uuid),
    Refused(Errors),
    Stale,
}

/// A board member is refused an achievement none of whose actions their
/// organisation leads or supports: the form was offered to them, so that
/// is about the actions ticked, and the form comes back to tick one.
fn outcome(
    result: Result<AchievementView, AppError>,
    rows: &Rows,
    signed: &SignedIn,
) -> Result<Outcome, PageError> {
    match result {
        Ok(written) => Ok(Outcome::Written(written.id)),
        Err(AppError::PreconditionFailed | AppError::PreconditionRequired) => Ok(Outcome::Stale),
        Err(AppError::Forbidden(_)) if signed.ctx.actor.role() == Some(Role::Member) => {
            let mut errors = Errors::none();
            errors.add("action_ids", ACTIONS_NEEDED);
            Ok(Outcome::Refused(errors))
        }
        Err(error) => Ok(Outcome::Refused(refused(error, rows)?)),
    }
}

pub async fn create(
    state: Data<AppState>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let fields = Fields::new(form);
    let strategy_id = fields
        .text("strategy_id")
        .parse::<Uuid>()
        .map_err(|_| AppError::BadRequest("the form could not be read".into()))?;
    let (strategy, _) = strategy(&state, &signed.ctx, Some(strategy_id)).await?;
    let mut form = AchievementForm::read(&fields);
    if added(&fields, &mut form) {
        return form_page(&state, &signed, strategy, None, form, Errors::none(), false).await;
    }
    let errors = match form.parse(Some(strategy.id))? {
        Ok(asked) => {
            let written = achievements::create(&state.pool, &signed.ctx, asked.input).await;
            match outcome(written, &asked.rows, &signed)? {
                Outcome::Written(id) => {
                    return Ok(see_other(&format!(
                        "/achievements/{id}?done=achievement-written"
                    )));
                }
                Outcome::Refused(errors) => errors,
                // A new achievement has no version to be stale.
                Outcome::Stale => Errors::none(),
            }
        }
        Err(errors) => errors,
    };
    form_page(&state, &signed, strategy, None, form, errors, false).await
}

/// The achievement to change, for those who may change it.
async fn changeable(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
) -> Result<(AchievementView, StrategyView), AppError> {
    let achievement = achievements::get(&state.pool, &signed.ctx, id).await?;
    if !achievement.allowed_actions.contains(&AllowedAction::Update) {
        return Err(AppError::Forbidden(
            "only its organisation, the chair and administrators change an achievement".into(),
        ));
    }
    let (strategy, _) = strategy(state, &signed.ctx, Some(achievement.strategy_id)).await?;
    Ok((achievement, strategy))
}

pub async fn edit(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let (achievement, strategy) = changeable(&state, &signed, *id).await?;
    let mut form = AchievementForm::of(&achievement);
    if form.figures.is_empty() {
        form.figures.push(FigureRow::default());
    }
    if form.voices.is_empty() {
        form.voices.push(VoiceRow::default());
    }
    let achievement = Some(achievement);
    form_page(
        &state,
        &signed,
        strategy,
        achievement,
        form,
        Errors::none(),
        false,
    )
    .await
}

/// Changes an achievement through the same operation as the API's
/// `PUT /achievements/{id}`: sent whole, at the version read.
pub async fn save(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let id = *id;
    let fields = Fields::new(form);
    let (saved, strategy) = changeable(&state, &signed, id).await?;
    let mut form = AchievementForm::read(&fields);
    if added(&fields, &mut form) {
        let saved = Some(saved);
        return form_page(
            &state,
            &signed,
            strategy,
            saved,
            form,
            Errors::none(),
            false,
        )
        .await;
    }
    let (errors, stale) = match form.parse(None)? {
        Ok(asked) => {
            let precondition = form
                .version
                .map_or_else(Precondition::none, Precondition::assume);
            let changed =
                achievements::update(&state.pool, &signed.ctx, id, precondition, asked.input).await;
            match outcome(changed, &asked.rows, &signed)? {
                Outcome::Written(id) => {
                    return Ok(see_other(&format!(
                        "/achievements/{id}?done=achievement-saved"
                    )));
                }
                Outcome::Refused(errors) => (errors, false),
                Outcome::Stale => (Errors::none(), true),
            }
        }
        Err(errors) => (errors, false),
    };
    // Sent again, a stale form replaces the version now saved.
    let now = if stale {
        let now = achievements::get(&state.pool, &signed.ctx, id).await?;
        form.version = Some(now.version);
        now
    } else {
        saved
    };
    form_page(&state, &signed, strategy, Some(now), form, errors, stale).await
}
