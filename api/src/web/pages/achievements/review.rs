//! An achievement in full: what it says, its figures and voices, its
//! status and the chair's comment; for the chair and administrators, the
//! forms that approve it for reports or return it to its writers; for its
//! writers, links to change or delete it (deleting after a page that asks
//! to be sure). A decision read before someone else's change comes back
//! with what was typed.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path, Query};
use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::super::setup::fields::Fields;
use super::super::{Done, chrome};
use super::age_band_words;
use crate::concurrency::Precondition;
use crate::domain::{AchievementStatus, AllowedAction};
use crate::error::AppError;
use crate::services::achievements::{self, AchievementView, ReviewAchievement, VoiceView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{Errors, given, sentence};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

/// The chair's two decisions, each with its own form on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Approve,
    Return,
}

impl Decision {
    /// The form's name: its address and the id of its comment box.
    fn name(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Return => "return",
        }
    }

    fn comment_id(self) -> String {
        format!("{}-comment", self.name())
    }
}

#[derive(Template)]
#[template(path = "web/achievement.html")]
struct AchievementPage {
    chrome: Chrome,
    achievement: AchievementView,
    /// The comment typed in each decision's form.
    approve_comment: String,
    return_comment: String,
    /// The version the decision forms carry.
    version: i32,
    errors: Errors,
    /// The decision sent was read before someone else's change.
    conflict: Option<Decision>,
    zone: Tz,
}

impl AchievementPage {
    fn may(&self, what: AllowedAction) -> bool {
        self.achievement.allowed_actions.contains(&what)
    }

    /// Its writers may delete it until it is in reports; those who
    /// approve it, at any time.
    fn may_delete(&self) -> bool {
        self.may(AllowedAction::Delete)
            && (self.achievement.status != AchievementStatus::Approved
                || self.may(AllowedAction::Return))
    }

    fn date(&self, day: &NaiveDate) -> String {
        format::date(day)
    }

    fn when(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    /// Who spoke, as the voice describes them: "care leaver, aged 21 to 24".
    fn speaker(&self, voice: &VoiceView) -> String {
        match voice.age_band.as_deref() {
            Some(band) => format!("{}, aged {}", voice.role, age_band_words(band)),
            None => voice.role.clone(),
        }
    }

    fn number(&self, value: &Option<rust_decimal::Decimal>) -> String {
        value.map(|v| v.normalize().to_string()).unwrap_or_default()
    }

    fn returning(&self) -> bool {
        self.achievement.status == AchievementStatus::Approved
    }

    fn conflict_anchor(&self) -> String {
        self.conflict
            .map_or_else(|| "review".to_owned(), Decision::comment_id)
    }
}

fn achievement_page(
    state: &AppState,
    signed: &SignedIn,
    achievement: AchievementView,
    typed: Option<(Decision, String)>,
    errors: Errors,
    conflict: bool,
    done: &Done,
) -> AchievementPage {
    let comment = |decision| match &typed {
        Some((d, text)) if *d == decision => text.clone(),
        _ => String::new(),
    };
    AchievementPage {
        chrome: chrome(signed, Section::Achievements, done),
        approve_comment: comment(Decision::Approve),
        return_comment: comment(Decision::Return),
        version: achievement.version,
        achievement,
        errors,
        conflict: typed.filter(|_| conflict).map(|(d, _)| d),
        zone: state.clock.zone(),
    }
}

pub async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let achievement = achievements::get(&state.pool, &signed.ctx, *id).await?;
    let data = achievement_page(
        &state,
        &signed,
        achievement,
        None,
        Errors::none(),
        false,
        &done,
    );
    Ok(page(StatusCode::OK, &data)?)
}

/// The service's refusal of a decision, on the page: its comment box for
/// what is wrong with the comment or the decision; each voice without
/// consent for an approval.
fn refused(decision: Decision, error: AppError) -> Result<Errors, AppError> {
    let mut shown = Errors::none();
    if let AppError::Conflict(message) = error {
        shown.add(&decision.comment_id(), sentence(&message));
        return Ok(shown);
    }
    for error in Errors::from_refusal(error)?.0 {
        let voice = error
            .field
            .strip_prefix("voices[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok());
        match voice {
            Some(i) => shown.add(
                &format!("voice-{i}"),
                format!(
                    "Voice {} has no consent to publish recorded: change the achievement to record who gave it and when, or remove the voice",
                    i + 1
                ),
            ),
            None if decision == Decision::Return => shown.add(
                &decision.comment_id(),
                "Enter what the writers should change",
            ),
            None => shown.add(&decision.comment_id(), error.message),
        }
    }
    Ok(shown)
}

async fn decide(
    state: &AppState,
    id: Uuid,
    posted: Posted<Vec<(String, String)>>,
    decision: Decision,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let fields = Fields::new(form);
    let comment = fields.text("comment");
    let precondition = fields
        .version()
        .map_or_else(Precondition::none, Precondition::assume);
    let input = ReviewAchievement {
        comment: given(&comment),
    };
    let result = match decision {
        Decision::Approve => {
            achievements::approve(&state.pool, &signed.ctx, id, precondition, input).await
        }
        Decision::Return => {
            achievements::send_back(&state.pool, &signed.ctx, id, precondition, input).await
        }
    };
    let (errors, conflict) = match result {
        Ok(_) => {
            let done = match decision {
                Decision::Approve => "achievement-approved",
                Decision::Return => "achievement-returned",
            };
            return Ok(see_other(&format!("/achievements/{id}?done={done}")));
        }
        Err(AppError::PreconditionFailed | AppError::PreconditionRequired) => {
            (Errors::none(), true)
        }
        Err(error) => (refused(decision, error)?, false),
    };
    let now = achievements::get(&state.pool, &signed.ctx, id).await?;
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let typed = Some((decision, comment));
    let data = achievement_page(
        state,
        &signed,
        now,
        typed,
        errors,
        conflict,
        &Done::default(),
    );
    Ok(page(status, &data)?)
}

/// Approves it for reports, through the same operation as the API's
/// `POST /achievements/{id}/approve`.
pub async fn approve(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    decide(&state, *id, posted, Decision::Approve).await
}

/// Returns it to its writers with a comment, through the same operation
/// as the API's `POST /achievements/{id}/return`.
pub async fn send_back(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    decide(&state, *id, posted, Decision::Return).await
}

#[derive(Template)]
#[template(path = "web/achievement_delete.html")]
struct DeletePage {
    chrome: Chrome,
    achievement: AchievementView,
    /// Why the service would not delete it.
    refusal: Option<String>,
    /// It changed after the page was read.
    conflict: bool,
}

async fn delete_page(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
    refusal: Option<String>,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let achievement = achievements::get(&state.pool, &signed.ctx, id).await?;
    if !achievement.allowed_actions.contains(&AllowedAction::Delete) {
        return Err(AppError::Forbidden(
            "only its organisation, the chair and administrators delete an achievement".into(),
        )
        .into());
    }
    let status = if refusal.is_some() || conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let data = DeletePage {
        chrome: chrome(signed, Section::Achievements, &Done::default()),
        achievement,
        refusal,
        conflict,
    };
    Ok(page(status, &data)?)
}

pub async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    delete_page(&state, &signed, *id, None, false).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    version: i32,
}

pub async fn delete(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let id = *id;
    let strategy_id = achievements::get(&state.pool, &signed.ctx, id)
        .await?
        .strategy_id;
    let deleted = achievements::delete(
        &state.pool,
        &signed.ctx,
        id,
        Precondition::assume(form.version),
    )
    .await;
    match deleted {
        Ok(()) => Ok(see_other(&format!(
            "/achievements?strategy_id={strategy_id}&done=achievement-deleted"
        ))),
        Err(AppError::PreconditionFailed) => delete_page(&state, &signed, id, None, true).await,
        Err(AppError::Conflict(message)) => {
            delete_page(&state, &signed, id, Some(sentence(&message)), false).await
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldError;

    #[test]
    fn a_refused_approval_names_each_voice_without_consent() {
        let refusal = AppError::Validation(vec![FieldError::new(
            "voices[1].consent_organisation_id",
            "no consent to publish is recorded for this voice",
        )]);
        let shown = refused(Decision::Approve, refusal).unwrap();
        assert!(
            shown
                .get("voice-1")
                .unwrap()
                .starts_with("Voice 2 has no consent")
        );
        let returned = refused(
            Decision::Return,
            AppError::validation("comment", "is needed: tell the writers what to change"),
        )
        .unwrap();
        assert_eq!(
            returned.get("return-comment"),
            Some("Enter what the writers should change")
        );
        let twice = refused(
            Decision::Return,
            AppError::Conflict("this achievement is returned already".into()),
        )
        .unwrap();
        assert_eq!(
            twice.get("return-comment"),
            Some("This achievement is returned already")
        );
    }
}
