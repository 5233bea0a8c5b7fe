//! What callers send: an achievement to write or change, the chair's
//! decision, and which achievements a list holds.

use chrono::NaiveDate;
use garde::Validate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::achievements::{FIGURES_MAX, VOICES_MAX};
use crate::domain::enums::VoiceKind;
use crate::domain::validation::{NAME_MAX, TEXT_MAX, not_blank, printable};

/// A figure an achievement gives: its own value with a unit and the day it
/// describes, or an indicator's recorded value it cites (`indicator_value_id`,
/// alone: the number, unit and date are then the indicator's).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureInput {
    /// What is counted: "care leavers in education, employment or training".
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) label: String,
    #[garde(skip)]
    #[serde(default)]
    #[schema(value_type = Option<f64>, example = 80)]
    pub(crate) value: Option<Decimal>,
    /// "%", "young people", "apprenticeships".
    #[garde(inner(length(chars, min = 1, max = 40), custom(printable)))]
    #[serde(default)]
    pub(crate) unit: Option<String>,
    #[garde(skip)]
    #[serde(default)]
    pub(crate) as_of: Option<NaiveDate>,
    /// A recorded value of one of the strategy's indicators.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) indicator_value_id: Option<Uuid>,
}

/// A voice: a quote or a short story. Do not name a child or young person,
/// or give anything that could identify one: describe who said it only by
/// role and age band. Text with an email address, a telephone number, a
/// date that could be a date of birth or a postcode is refused.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "quote",
    "text": "It's nice to know people care about me, and I'm not just a dusty file on a shelf.",
    "role": "care leaver",
    "age_band": "21-24",
    "consent_organisation_id": "0190a0a0-0000-7000-8000-000000000002",
    "consent_on": "2024-05-14"
}))]
pub struct VoiceInput {
    #[garde(skip)]
    pub(crate) kind: VoiceKind,
    #[garde(
        length(chars, min = 1, max = 4000),
        custom(not_blank),
        custom(printable)
    )]
    pub(crate) text: String,
    /// Who said it, by role only: "care leaver", "social worker", "foster carer".
    #[garde(length(chars, min = 1, max = 80), custom(not_blank), custom(printable))]
    pub(crate) role: String,
    /// One of `under-11`, `11-15`, `16-17`, `18-20`, `21-24`, `25-and-over`;
    /// none for an adult speaking in their role.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) age_band: Option<String>,
    /// The organisation that recorded consent to publish (with `consent_on`).
    #[garde(skip)]
    #[serde(default)]
    pub(crate) consent_organisation_id: Option<Uuid>,
    /// The day consent to publish was recorded.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) consent_on: Option<NaiveDate>,
}

/// An achievement, as written or changed (a change sends it whole). A
/// board member writes one for actions their organisation leads or
/// supports (`action_ids` names at least one); the chair and
/// administrators for any. It is a draft until the chair approves it; a
/// member's change to an approved one makes it a draft again.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "strategy_id": "0190a0a0-0000-7000-8000-000000000001",
    "title": "Care leavers' council tax exemption",
    "achieved": "All seven district councils exempt care leavers from council tax to age 25.",
    "meant": "Care leavers set up home without a bill they could not pay.",
    "achieved_on": "2023-04-01",
    "ambition_ids": [],
    "commitment_ids": [],
    "action_ids": ["0190a0a0-0000-7000-8000-000000000003"],
    "tags": ["Local Offer"],
    "figures": [],
    "voices": []
}))]
pub struct WriteAchievement {
    /// The strategy: needed to write one; a change may repeat it, not move it.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) strategy_id: Option<Uuid>,
    /// The organisation writing it: a board member's own (the default);
    /// the chair or an administrator may name any.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) organisation_id: Option<Uuid>,
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    /// What the partnership achieved.
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) achieved: String,
    /// What this has meant for children, young people and care leavers.
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) meant: String,
    /// When it was achieved (not in the future): the reports it belongs to.
    #[garde(skip)]
    pub(crate) achieved_on: NaiveDate,
    /// Ambitions of the strategy it serves.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) ambition_ids: Vec<Uuid>,
    /// Commitments of the strategy it serves.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) commitment_ids: Vec<Uuid>,
    /// The actions of the strategy that produced it.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) action_ids: Vec<Uuid>,
    /// Free tags (at most 10 different ones, each at most 40 characters);
    /// "Local Offer" puts it in the Local Offer update.
    #[garde(length(max = 50), inner(length(chars, max = 100), custom(printable)))]
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[garde(length(max = FIGURES_MAX), dive)]
    #[serde(default)]
    pub(crate) figures: Vec<FigureInput>,
    #[garde(length(max = VOICES_MAX), dive)]
    #[serde(default)]
    pub(crate) voices: Vec<VoiceInput>,
}

/// The chair's decision on an achievement: approving may carry a comment;
/// returning must say what to change.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"comment": "Please add when consent was recorded for the second quote."}))]
pub struct ReviewAchievement {
    #[garde(inner(length(chars, max = TEXT_MAX), custom(printable)))]
    #[serde(default)]
    pub(crate) comment: Option<String>,
}

/// Which achievements a list holds. Drafts and returned ones appear only
/// to their organisation, the chair and administrators.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AchievementQuery {
    pub(crate) strategy_id: Option<Uuid>,
    /// Written by this organisation.
    pub(crate) organisation_id: Option<Uuid>,
    /// Only these statuses, comma-separated (`draft,returned`).
    pub(crate) status: Option<String>,
    /// Only those carrying this tag (`Local Offer`).
    pub(crate) tag: Option<String>,
}
