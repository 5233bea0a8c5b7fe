//! What callers send: a priority to raise, an answer of the board, and
//! which priorities a list holds.

use chrono::NaiveDate;
use garde::Validate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::PriorityStatus;
use crate::domain::validation::{NAME_MAX, TEXT_MAX, not_blank, printable};

/// A priority to raise.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "strategy_id": "0190a0a0-0000-7000-8000-000000000001",
    "title": "Mental health support when you live outside Nottinghamshire",
    "said": "When I moved to Derby I had to start again on a waiting list.",
    "why_it_matters": "A third of us live outside the county.",
    "raised_on": "2024-03-12",
    "raised_at": "No Labels meeting",
    "ambition_ids": [],
    "commitment_ids": []
}))]
pub struct RaisePriority {
    #[garde(skip)]
    pub(crate) strategy_id: Uuid,
    /// The young people's council raising it: required from an
    /// administrator recording it on the council's behalf; a member raises
    /// it for their own organisation.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) organisation_id: Option<Uuid>,
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    /// What young people said, in their own words.
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) said: String,
    #[garde(length(chars, min = 1, max = TEXT_MAX), custom(not_blank), custom(printable))]
    pub(crate) why_it_matters: String,
    /// The day it was raised (not in the future).
    #[garde(skip)]
    pub(crate) raised_on: NaiveDate,
    /// Where it was raised ("No Labels meeting").
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) raised_at: String,
    /// Ambitions of the strategy it touches.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) ambition_ids: Vec<Uuid>,
    /// Commitments of the strategy it touches.
    #[garde(length(max = 100))]
    #[serde(default)]
    pub(crate) commitment_ids: Vec<Uuid>,
}

/// An answer of the board. Accepting says what will be done, by whom and
/// by when; declining says why; done says what changed; every answer has
/// a message to young people. Texts young people read keep each sentence
/// to 25 words or fewer.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "status": "accepted",
    "message": "Thank you. We agree and we will act on this.",
    "response": "The health trust will keep your worker when you move.",
    "owner_organisation_id": "0190a0a0-0000-7000-8000-000000000002",
    "deliver_by": "2025-03-31",
    "action_ids": ["0190a0a0-0000-7000-8000-000000000003"]
}))]
pub struct AnswerPriority {
    #[garde(skip)]
    pub(crate) status: PriorityStatus,
    /// The message to young people.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) message: String,
    /// Accepting: what will be done.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    #[serde(default)]
    pub(crate) response: Option<String>,
    /// Accepting: the partner of the strategy that will do it.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) owner_organisation_id: Option<Uuid>,
    /// Accepting: by when.
    #[garde(skip)]
    #[serde(default)]
    pub(crate) deliver_by: Option<NaiveDate>,
    /// Declining: why, in plain words.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    #[serde(default)]
    pub(crate) decline_reason: Option<String>,
    /// Done: what changed, in plain words.
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    #[serde(default)]
    pub(crate) outcome: Option<String>,
    /// The actions of the strategy that answer it (replacing those linked
    /// before); absent keeps them. Not with a decline.
    #[garde(inner(length(max = 100)))]
    #[serde(default)]
    pub(crate) action_ids: Option<Vec<Uuid>>,
}

/// Which priorities a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriorityQuery {
    pub(crate) strategy_id: Option<Uuid>,
    /// Raised by this organisation.
    pub(crate) organisation_id: Option<Uuid>,
    /// Only these statuses, comma-separated (`raised,accepted`).
    pub(crate) status: Option<String>,
}
