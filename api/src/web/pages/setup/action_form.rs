//! The action form as typed: read from a post or filled from an action,
//! its values read, the change it asks for, and the service's refusals
//! worded for it.

use chrono::NaiveDate;
use uuid::Uuid;

use super::fields::{Fields, Wording, as_shown, ids, optional_date};
use crate::domain::AllowedAction;
use crate::error::AppError;
use crate::services::actions::{ActionView, UpdateAction};
use crate::web::forms::{DateParts, Errors, sentence};
use crate::web::respond::PageError;

/// The action form as typed.
#[derive(Debug, Default, Clone)]
pub struct ActionForm {
    pub reference: String,
    pub title: String,
    pub description: String,
    pub lead: String,
    pub supporters: Vec<String>,
    pub ambitions: Vec<String>,
    pub commitments: Vec<String>,
    pub start_date: DateParts,
    pub target_date: DateParts,
    pub version: Option<i32>,
}

/// Which parts of an action the form changes: what the service lets the
/// caller change.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    /// Reference, lead and supporters.
    pub reassign: bool,
    /// Title, description, ambitions, commitments and dates.
    pub details: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        reassign: true,
        details: true,
    };

    pub fn of(action: &ActionView) -> Parts {
        Parts {
            reassign: action.allowed_actions.contains(&AllowedAction::Reassign),
            details: action.allowed_actions.contains(&AllowedAction::Update),
        }
    }
}

/// The form's values that are not plain text, read.
pub struct Typed {
    pub lead: Option<Uuid>,
    pub supporters: Vec<Uuid>,
    pub ambitions: Vec<Uuid>,
    pub commitments: Vec<Uuid>,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
}

impl ActionForm {
    pub fn read(fields: &Fields) -> ActionForm {
        ActionForm {
            reference: fields.text("reference"),
            title: fields.text("title"),
            description: fields.text("description"),
            lead: fields.text("lead_organisation_id"),
            supporters: fields.all("supporting_organisation_ids"),
            ambitions: fields.all("ambition_ids"),
            commitments: fields.all("commitment_ids"),
            start_date: fields.date("start_date"),
            target_date: fields.date("target_date"),
            version: fields.version(),
        }
    }

    pub fn of(action: &ActionView) -> ActionForm {
        ActionForm {
            reference: action.reference.clone(),
            title: action.title.clone(),
            description: action.description.clone(),
            lead: action.lead_organisation.id.to_string(),
            supporters: action
                .supporting_organisations
                .iter()
                .map(|o| o.id.to_string())
                .collect(),
            ambitions: action.ambitions.iter().map(|s| s.id.to_string()).collect(),
            commitments: action
                .commitments
                .iter()
                .map(|s| s.id.to_string())
                .collect(),
            start_date: action.start_date.map(DateParts::of).unwrap_or_default(),
            target_date: action.target_date.map(DateParts::of).unwrap_or_default(),
            version: Some(action.version),
        }
    }

    /// The parts of the form the caller changes, read; or what is missing
    /// or unreadable before the service is asked.
    pub fn parse(&self, parts: Parts) -> Result<Typed, Refused> {
        let mut errors = Errors::none();
        let mut typed = Typed {
            lead: None,
            supporters: Vec::new(),
            ambitions: Vec::new(),
            commitments: Vec::new(),
            start_date: None,
            target_date: None,
        };
        if parts.reassign {
            if self.reference.trim().is_empty() {
                errors.add("reference", "Enter a reference");
            }
            match self.lead.trim() {
                "" => errors.add("lead_organisation_id", "Select the lead organisation"),
                lead => typed.lead = Some(ids(&[lead.to_owned()])?[0]),
            }
            typed.supporters = ids(&self.supporters)?;
        }
        if parts.details {
            if self.title.trim().is_empty() {
                errors.add("title", "Enter a title");
            }
            typed.ambitions = ids(&self.ambitions)?;
            typed.commitments = ids(&self.commitments)?;
            typed.start_date = optional_date(&self.start_date, "the start date")
                .map_err(|m| errors.add("start_date", m))
                .ok()
                .flatten();
            typed.target_date = optional_date(&self.target_date, "the target date")
                .map_err(|m| errors.add("target_date", m))
                .ok()
                .flatten();
        }
        if errors.any() {
            Err(Refused::Invalid(errors))
        } else {
            Ok(typed)
        }
    }
}

/// The action's fields as the service's messages name them.
pub const WORDING: Wording = Wording {
    asks: &[(
        "ambition_ids",
        "Select at least one ambition the action serves",
    )],
    labels: &[
        ("start_date", "the start date"),
        ("target_date", "the target date"),
    ],
};

/// Why a form comes back, or the page that answers instead.
pub enum Refused {
    /// What was wrong with it, by field.
    Invalid(Errors),
    /// It was read before someone else's change.
    Stale,
    /// Not about the form (not allowed, not found, ...): a page of its own.
    Page(PageError),
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Refused {
        Refused::Page(error.into())
    }
}

/// The service's refusal of a form. A conflict is about the reference
/// (already taken) when `conflict_is_reference`.
pub fn refused(error: AppError, conflict_is_reference: bool) -> Refused {
    match error {
        AppError::PreconditionFailed | AppError::PreconditionRequired => Refused::Stale,
        AppError::Conflict(message) if conflict_is_reference => {
            let mut errors = Errors::none();
            errors.add("reference", sentence(&message));
            Refused::Invalid(errors)
        }
        other => match Errors::from_refusal(other) {
            Ok(errors) => Refused::Invalid(as_shown(errors, WORDING)),
            Err(other) => other.into(),
        },
    }
}

/// The change the form asks for: only what differs from the action as
/// saved, in the parts the caller changes.
pub fn changes(saved: &ActionView, form: &ActionForm, typed: Typed, parts: Parts) -> UpdateAction {
    let differs = |typed: &str, saved: &str| typed.trim() != saved;
    let same_set = |a: &[Uuid], b: &mut dyn Iterator<Item = Uuid>| {
        let mut a = a.to_vec();
        let mut b: Vec<Uuid> = b.collect();
        a.sort();
        a.dedup();
        b.sort();
        a == b
    };
    let mut input = UpdateAction::default();
    if parts.reassign {
        input.reference =
            differs(&form.reference, &saved.reference).then(|| form.reference.clone());
        input.lead_organisation_id = typed.lead.filter(|l| *l != saved.lead_organisation.id);
        let supporters: Vec<Uuid> = typed
            .supporters
            .iter()
            .copied()
            .filter(|s| Some(*s) != typed.lead)
            .collect();
        let were = &mut saved.supporting_organisations.iter().map(|o| o.id);
        input.supporting_organisation_ids = (!same_set(&supporters, were)).then_some(supporters);
    }
    if parts.details {
        input.title = differs(&form.title, &saved.title).then(|| form.title.clone());
        input.description =
            differs(&form.description, &saved.description).then(|| form.description.clone());
        let were = &mut saved.ambitions.iter().map(|s| s.id);
        input.ambition_ids = (!same_set(&typed.ambitions, were)).then_some(typed.ambitions);
        let were = &mut saved.commitments.iter().map(|s| s.id);
        input.commitment_ids = (!same_set(&typed.commitments, were)).then_some(typed.commitments);
        input.start_date = (typed.start_date != saved.start_date).then_some(typed.start_date);
        input.target_date = (typed.target_date != saved.target_date).then_some(typed.target_date);
    }
    input
}
