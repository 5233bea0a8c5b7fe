//! Rules of the delivery plan: who may report what on an action, and how
//! milestones move.

use chrono::NaiveDate;
use uuid::Uuid;

use super::enums::{Rag, Role, UpdateKind};
use super::permissions::{self, Actor};
use super::validation::FieldError;

/// Why a progress update cannot be posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateRefusal {
    /// The caller may not post this kind of update on this action.
    Forbidden(&'static str),
    /// The update's content breaks a rule.
    Invalid(Vec<FieldError>),
}

/// The text fields of a progress update.
#[derive(Debug, Clone, Default)]
pub struct UpdateText<'a> {
    pub commentary: &'a str,
    pub progress: &'a str,
    pub impact: &'a str,
    pub next_steps: &'a str,
    pub risks: &'a str,
}

impl UpdateText<'_> {
    fn is_blank(&self) -> bool {
        [
            self.commentary,
            self.progress,
            self.impact,
            self.next_steps,
            self.risks,
        ]
        .iter()
        .all(|t| t.trim().is_empty())
    }
}

/// Decides what kind of update the actor is posting, or why they may not.
///
/// A rating comes only from the lead organisation (or an administrator);
/// the chair's unrated reports are challenges; supporting organisations post
/// notes. Red and amber need a commentary; every update needs some text.
pub fn classify_update(
    actor: &Actor,
    lead: Uuid,
    supporting: &[Uuid],
    rag: Option<Rag>,
    text: &UpdateText<'_>,
) -> Result<UpdateKind, UpdateRefusal> {
    let kind = match rag {
        Some(_) if permissions::can_edit_action(actor, lead) => UpdateKind::Update,
        Some(_) if permissions::can_post_note(actor, lead, supporting) => {
            return Err(UpdateRefusal::Forbidden(
                "only the lead organisation can rate this action; post a note without a rag",
            ));
        }
        Some(_) => {
            return Err(UpdateRefusal::Forbidden(
                "only the lead organisation can rate this action",
            ));
        }
        None if !permissions::can_post_note(actor, lead, supporting) => {
            return Err(UpdateRefusal::Forbidden(
                "only the lead and supporting organisations, and the chair, can report on this action",
            ));
        }
        None if matches!(
            actor,
            Actor::User {
                role: Role::Chair,
                ..
            }
        ) =>
        {
            UpdateKind::Challenge
        }
        None => UpdateKind::Note,
    };
    let mut errors = Vec::new();
    if let Some(rag) = rag {
        if !rag.is_assignable() {
            errors.push(FieldError::new(
                "rag",
                "an update rates the action red, amber, green or blue",
            ));
        } else if rag.needs_commentary() && text.commentary.trim().is_empty() {
            errors.push(FieldError::new(
                "commentary",
                format!(
                    "{} {} rating needs a commentary: what is wrong and what is being done",
                    if rag == Rag::Amber { "an" } else { "a" },
                    rag.as_str()
                ),
            ));
        }
    }
    if errors.is_empty() && text.is_blank() {
        errors.push(FieldError::new(
            "commentary",
            "an update needs some text: commentary, progress, impact, next steps or risks",
        ));
    }
    if errors.is_empty() {
        Ok(kind)
    } else {
        Err(UpdateRefusal::Invalid(errors))
    }
}

/// A move of a milestone's due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reschedule {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

/// Checks a requested due date against the current one: moving it needs a
/// reason; keeping it needs none.
pub fn reschedule(
    current: NaiveDate,
    requested: Option<NaiveDate>,
    reason: Option<&str>,
) -> Result<Option<Reschedule>, FieldError> {
    match requested {
        Some(to) if to != current => match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(reason) => Ok(Some(Reschedule {
                from: current,
                to,
                reason: reason.to_owned(),
            })),
            None => Err(FieldError::new(
                "due_date_reason",
                "moving a milestone's due date needs a reason",
            )),
        },
        _ => Ok(None),
    }
}

/// A milestone is overdue when its due date has passed and it is not done.
pub fn milestone_overdue(
    due: NaiveDate,
    completed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    completed_on.is_none() && due < today
}

/// An action is overdue when its target date has passed and it is not complete.
pub fn action_overdue(target: Option<NaiveDate>, rag: Rag, today: NaiveDate) -> bool {
    rag != Rag::Blue && target.is_some_and(|t| t < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAD: Uuid = Uuid::from_u128(1);
    const SUPPORTER: Uuid = Uuid::from_u128(2);

    fn member(org: Uuid) -> Actor {
        Actor::User {
            id: Uuid::from_u128(10),
            role: Role::Member,
            organisation_id: Some(org),
        }
    }

    fn user(role: Role) -> Actor {
        Actor::User {
            id: Uuid::from_u128(11),
            role,
            organisation_id: None,
        }
    }

    fn text(commentary: &str) -> UpdateText<'_> {
        UpdateText {
            commentary,
            ..Default::default()
        }
    }

    fn classify(
        actor: &Actor,
        rag: Option<Rag>,
        commentary: &str,
    ) -> Result<UpdateKind, UpdateRefusal> {
        classify_update(actor, LEAD, &[SUPPORTER], rag, &text(commentary))
    }

    #[test]
    fn the_lead_rates_and_supporters_and_the_chair_do_not() {
        assert_eq!(
            classify(&member(LEAD), Some(Rag::Green), "fine"),
            Ok(UpdateKind::Update)
        );
        assert_eq!(
            classify(&user(Role::Admin), Some(Rag::Blue), "done"),
            Ok(UpdateKind::Update)
        );
        assert!(matches!(
            classify(&member(SUPPORTER), Some(Rag::Green), "fine"),
            Err(UpdateRefusal::Forbidden(_))
        ));
        assert!(matches!(
            classify(&user(Role::Chair), Some(Rag::Red), "why"),
            Err(UpdateRefusal::Forbidden(_))
        ));
    }

    #[test]
    fn unrated_reports_are_notes_or_challenges() {
        assert_eq!(
            classify(&member(LEAD), None, "a note"),
            Ok(UpdateKind::Note)
        );
        assert_eq!(
            classify(&member(SUPPORTER), None, "a note"),
            Ok(UpdateKind::Note)
        );
        assert_eq!(
            classify(&user(Role::Chair), None, "why late?"),
            Ok(UpdateKind::Challenge)
        );
        for outsider in [member(Uuid::from_u128(3)), user(Role::Viewer)] {
            assert!(matches!(
                classify(&outsider, None, "hello"),
                Err(UpdateRefusal::Forbidden(_))
            ));
        }
    }

    #[test]
    fn red_and_amber_need_commentary_and_every_update_needs_text() {
        for rag in [Rag::Red, Rag::Amber] {
            let Err(UpdateRefusal::Invalid(errors)) = classify(&member(LEAD), Some(rag), "  ")
            else {
                panic!("{rag} without commentary was accepted");
            };
            assert_eq!(errors[0].field, "commentary");
        }
        let progress_only = UpdateText {
            progress: "Delivered the training",
            ..Default::default()
        };
        assert_eq!(
            classify_update(&member(LEAD), LEAD, &[], Some(Rag::Green), &progress_only),
            Ok(UpdateKind::Update)
        );
        assert!(matches!(
            classify(&member(LEAD), Some(Rag::Green), ""),
            Err(UpdateRefusal::Invalid(_))
        ));
        assert!(matches!(
            classify(&member(LEAD), Some(Rag::NotRated), "reset"),
            Err(UpdateRefusal::Invalid(_))
        ));
    }

    #[test]
    fn moving_a_due_date_needs_a_reason() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(reschedule(d("2024-01-31"), None, None), Ok(None));
        assert_eq!(
            reschedule(d("2024-01-31"), Some(d("2024-01-31")), None),
            Ok(None)
        );
        assert!(reschedule(d("2024-01-31"), Some(d("2024-03-31")), Some(" ")).is_err());
        assert_eq!(
            reschedule(
                d("2024-01-31"),
                Some(d("2024-03-31")),
                Some("Venue unavailable")
            ),
            Ok(Some(Reschedule {
                from: d("2024-01-31"),
                to: d("2024-03-31"),
                reason: "Venue unavailable".into()
            }))
        );
    }

    #[test]
    fn overdue_means_past_due_and_not_done() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2024-06-01");
        assert!(milestone_overdue(d("2024-05-31"), None, today));
        assert!(!milestone_overdue(
            d("2024-05-31"),
            Some(d("2024-06-01")),
            today
        ));
        assert!(!milestone_overdue(d("2024-06-01"), None, today));
        assert!(action_overdue(Some(d("2024-05-31")), Rag::Green, today));
        assert!(!action_overdue(Some(d("2024-05-31")), Rag::Blue, today));
        assert!(!action_overdue(None, Rag::Red, today));
    }
}
