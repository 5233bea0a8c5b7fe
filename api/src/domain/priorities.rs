//! The rules of the young people's council's priorities: the steps a
//! priority may take, what each answer of the board must say, when an
//! answer is overdue, and what the chair's dashboard shows of them.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::enums::{PriorityStatus, Rag};
use super::plain_words::message_problem;
use super::validation::FieldError;

use PriorityStatus::*;

/// The statuses a priority may move to from `from`: the board accepts or
/// declines what was raised; accepted work starts and is done (or is done
/// at once). Declined and done are final: young people raise a new
/// priority to ask again.
pub fn next_statuses(from: PriorityStatus) -> &'static [PriorityStatus] {
    match from {
        Raised => &[Accepted, Declined],
        Accepted => &[InProgress, Done],
        InProgress => &[Done],
        Declined | Done => &[],
    }
}

/// The day the board's answer is due: `days` after the priority was raised.
pub fn response_due(raised_on: NaiveDate, days: u32) -> NaiveDate {
    raised_on
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a priority still waiting for an answer is past its due day.
pub fn overdue(status: PriorityStatus, response_due_on: NaiveDate, today: NaiveDate) -> bool {
    status == Raised && today > response_due_on
}

/// What an answer of the board says, as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The status it moves the priority to.
    pub status: PriorityStatus,
    /// The message to young people.
    pub message: &'a str,
    /// What will be done (accepting).
    pub response: Option<&'a str>,
    /// Which organisation will do it (accepting).
    pub owner_organisation_id: Option<Uuid>,
    /// By when (accepting).
    pub deliver_by: Option<NaiveDate>,
    /// Why not (declining).
    pub decline_reason: Option<&'a str>,
    /// What changed (done).
    pub outcome: Option<&'a str>,
}

/// Why an answer cannot be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerRefusal {
    /// The priority cannot move to that status from where it is.
    Step(String),
    /// The answer leaves out what the status needs, or says it in a way
    /// young people would struggle to read.
    Fields(Vec<FieldError>),
}

/// Checks an answer to a priority at `from`: the step must be allowed,
/// each status must say what it needs (accepting: what, by whom, by when;
/// declining: a reason; done: what changed), nothing that belongs to
/// another status may be given, and every text young people read must
/// keep to short sentences.
pub fn check_answer(from: PriorityStatus, answer: &Answer) -> Result<(), AnswerRefusal> {
    if !next_statuses(from).contains(&answer.status) {
        let allowed: Vec<&str> = next_statuses(from).iter().map(|s| s.as_str()).collect();
        return Err(AnswerRefusal::Step(if allowed.is_empty() {
            format!("the priority is {from}: it takes no further answers")
        } else {
            format!(
                "a priority that is {from} can move to {} only, not to {}",
                allowed.join(" or "),
                answer.status
            )
        }));
    }
    let mut errors = Vec::new();
    let mut text = |field: &str, value: Option<&str>, needed: bool, when: &str| match value {
        Some(v) if v.trim().is_empty() && needed => {
            errors.push(FieldError::new(field, format!("must not be blank {when}")))
        }
        Some(v) if !needed && !v.trim().is_empty() => {
            errors.push(FieldError::new(field, format!("is given only {when}")))
        }
        Some(v) => {
            if let Some(problem) = message_problem(v) {
                errors.push(FieldError::new(field, problem));
            }
        }
        None if needed => errors.push(FieldError::new(field, format!("is required {when}"))),
        None => {}
    };
    text("message", Some(answer.message), true, "with every answer");
    let accepting = answer.status == Accepted;
    text(
        "response",
        answer.response,
        accepting,
        "when accepting: what will be done",
    );
    text(
        "decline_reason",
        answer.decline_reason,
        answer.status == Declined,
        "when declining: why, in plain words",
    );
    text(
        "outcome",
        answer.outcome,
        answer.status == Done,
        "when the work is done: what changed",
    );
    let mut given = |field: &str, present: bool, what: &str| match (present, accepting) {
        (false, true) => errors.push(FieldError::new(
            field,
            format!("is required when accepting: {what}"),
        )),
        (true, false) => errors.push(FieldError::new(
            field,
            format!("is given only when accepting: {what}"),
        )),
        _ => {}
    };
    given(
        "owner_organisation_id",
        answer.owner_organisation_id.is_some(),
        "the partner that will do it",
    );
    given("deliver_by", answer.deliver_by.is_some(), "by when");
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AnswerRefusal::Fields(errors))
    }
}

/// A priority as the chair's review sees it at a moment.
#[derive(Debug, Clone)]
pub struct PriorityState {
    pub id: Uuid,
    pub title: String,
    pub status: PriorityStatus,
    pub raised_on: NaiveDate,
    pub response_due_on: NaiveDate,
    /// The actions that answer it.
    pub action_ids: Vec<Uuid>,
}

/// A priority waiting for the board's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AwaitingAnswer {
    pub id: Uuid,
    pub title: String,
    pub raised_on: NaiveDate,
    pub response_due_on: NaiveDate,
    /// Past its due day.
    pub overdue: bool,
}

/// An action answering an accepted priority, with its rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ActionAtRisk {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub rag: Rag,
}

/// An accepted priority some of whose actions are rated red or amber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PriorityAtRisk {
    pub id: Uuid,
    pub title: String,
    pub status: PriorityStatus,
    /// Its actions rated red or amber, red first.
    pub actions: Vec<ActionAtRisk>,
}

/// What the chair's dashboard shows of the young people's priorities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct PriorityReview {
    /// Waiting for the board's answer: overdue ones first, then by the day
    /// the answer is due.
    pub awaiting_answer: Vec<AwaitingAnswer>,
    /// Accepted or in progress, with actions rated red or amber.
    pub at_risk: Vec<PriorityAtRisk>,
}

/// The dashboard's view of `priorities` on `today`, given each live
/// action's reference, title and rating.
pub fn review(
    priorities: &[PriorityState],
    actions: &HashMap<Uuid, (String, String, Rag)>,
    today: NaiveDate,
) -> PriorityReview {
    let mut awaiting: Vec<AwaitingAnswer> = priorities
        .iter()
        .filter(|p| p.status == Raised)
        .map(|p| AwaitingAnswer {
            id: p.id,
            title: p.title.clone(),
            raised_on: p.raised_on,
            response_due_on: p.response_due_on,
            overdue: overdue(p.status, p.response_due_on, today),
        })
        .collect();
    awaiting.sort_by(|a, b| {
        (!a.overdue, a.response_due_on, a.raised_on, &a.title).cmp(&(
            !b.overdue,
            b.response_due_on,
            b.raised_on,
            &b.title,
        ))
    });
    let at_risk = priorities
        .iter()
        .filter(|p| matches!(p.status, Accepted | InProgress))
        .filter_map(|p| {
            let mut risky: Vec<ActionAtRisk> = p
                .action_ids
                .iter()
                .filter_map(|id| {
                    let (reference, title, rag) = actions.get(id)?;
                    matches!(rag, Rag::Red | Rag::Amber).then(|| ActionAtRisk {
                        id: *id,
                        reference: reference.clone(),
                        title: title.clone(),
                        rag: *rag,
                    })
                })
                .collect();
            risky.sort_by(|a, b| (a.rag, &a.reference).cmp(&(b.rag, &b.reference)));
            (!risky.is_empty()).then(|| PriorityAtRisk {
                id: p.id,
                title: p.title.clone(),
                status: p.status,
                actions: risky,
            })
        })
        .collect();
    PriorityReview {
        awaiting_answer: awaiting,
        at_risk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn answer(status: PriorityStatus) -> Answer<'static> {
        Answer {
            status,
            message: "Thank you for telling us.",
            response: None,
            owner_organisation_id: None,
            deliver_by: None,
            decline_reason: None,
            outcome: None,
        }
    }

    fn fields(result: Result<(), AnswerRefusal>) -> Vec<String> {
        match result {
            Err(AnswerRefusal::Fields(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn steps_follow_the_life_of_a_priority() {
        assert_eq!(next_statuses(Raised), &[Accepted, Declined]);
        assert_eq!(next_statuses(Accepted), &[InProgress, Done]);
        assert_eq!(next_statuses(InProgress), &[Done]);
        assert!(next_statuses(Declined).is_empty());
        assert!(next_statuses(Done).is_empty());
        for status in PriorityStatus::ALL {
            assert!(
                !next_statuses(*status).contains(&Raised),
                "nothing goes back to raised"
            );
        }
    }

    #[test]
    fn an_answer_out_of_order_is_refused_as_a_step() {
        let refusal = check_answer(Raised, &answer(Done)).unwrap_err();
        assert_eq!(
            refusal,
            AnswerRefusal::Step(
                "a priority that is raised can move to accepted or declined only, not to done"
                    .into()
            )
        );
        assert!(matches!(
            check_answer(Declined, &answer(Accepted)),
            Err(AnswerRefusal::Step(m)) if m.contains("takes no further answers")
        ));
    }

    #[test]
    fn accepting_says_what_by_whom_and_by_when() {
        assert_eq!(
            fields(check_answer(Raised, &answer(Accepted))),
            vec!["response", "owner_organisation_id", "deliver_by"]
        );
        let full = Answer {
            response: Some("We will add a second mental health worker."),
            owner_organisation_id: Some(Uuid::from_u128(1)),
            deliver_by: Some(day("2025-03-31")),
            ..answer(Accepted)
        };
        assert!(check_answer(Raised, &full).is_ok());
    }

    #[test]
    fn declining_needs_a_reason_and_done_needs_what_changed() {
        assert_eq!(
            fields(check_answer(Raised, &answer(Declined))),
            vec!["decline_reason"]
        );
        let blank = Answer {
            decline_reason: Some("  "),
            ..answer(Declined)
        };
        assert_eq!(fields(check_answer(Raised, &blank)), vec!["decline_reason"]);
        assert_eq!(
            fields(check_answer(InProgress, &answer(Done))),
            vec!["outcome"]
        );
        assert!(check_answer(Accepted, &answer(InProgress)).is_ok());
    }

    #[test]
    fn what_belongs_to_another_status_is_refused() {
        let mixed = Answer {
            decline_reason: Some("Because."),
            deliver_by: Some(day("2025-01-01")),
            ..answer(InProgress)
        };
        assert_eq!(
            fields(check_answer(Accepted, &mixed)),
            vec!["decline_reason", "deliver_by"]
        );
    }

    #[test]
    fn every_text_young_people_read_keeps_to_short_sentences() {
        let long = format!("We {} agree.", "really ".repeat(30));
        let wordy = Answer {
            message: &long,
            decline_reason: Some(&long),
            ..answer(Declined)
        };
        assert_eq!(
            fields(check_answer(Raised, &wordy)),
            vec!["message", "decline_reason"]
        );
        let blank = Answer {
            message: " ",
            decline_reason: Some("We cannot pay for it."),
            ..answer(Declined)
        };
        assert_eq!(fields(check_answer(Raised, &blank)), vec!["message"]);
    }

    #[test]
    fn an_answer_is_due_days_after_raising_and_overdue_after_that_day() {
        let due = response_due(day("2024-03-12"), 42);
        assert_eq!(due, day("2024-04-23"));
        assert!(!overdue(Raised, due, due));
        assert!(overdue(Raised, due, day("2024-04-24")));
        assert!(!overdue(Accepted, due, day("2024-04-24")));
    }

    #[test]
    fn the_dashboard_puts_overdue_first_and_flags_accepted_work_at_risk() {
        let state = |n: u128, status, raised: &str, due: &str, actions: Vec<Uuid>| PriorityState {
            id: Uuid::from_u128(n),
            title: format!("P{n}"),
            status,
            raised_on: day(raised),
            response_due_on: day(due),
            action_ids: actions,
        };
        let red = Uuid::from_u128(10);
        let green = Uuid::from_u128(11);
        let amber = Uuid::from_u128(12);
        let actions = HashMap::from([
            (red, ("A1.1".to_owned(), "Red one".to_owned(), Rag::Red)),
            (
                green,
                ("A1.2".to_owned(), "Green one".to_owned(), Rag::Green),
            ),
            (
                amber,
                ("A1.3".to_owned(), "Amber one".to_owned(), Rag::Amber),
            ),
        ]);
        let priorities = vec![
            state(1, Raised, "2024-06-01", "2024-07-13", vec![]),
            state(2, Raised, "2024-01-01", "2024-02-12", vec![]),
            state(3, Raised, "2024-05-01", "2024-06-12", vec![]),
            state(
                4,
                Accepted,
                "2024-01-01",
                "2024-02-12",
                vec![green, amber, red],
            ),
            state(5, InProgress, "2024-01-01", "2024-02-12", vec![green]),
            state(6, Done, "2024-01-01", "2024-02-12", vec![red]),
        ];
        let review = review(&priorities, &actions, day("2024-06-30"));
        let order: Vec<(String, bool)> = review
            .awaiting_answer
            .iter()
            .map(|a| (a.title.clone(), a.overdue))
            .collect();
        assert_eq!(
            order,
            vec![
                ("P2".to_owned(), true),
                ("P3".to_owned(), true),
                ("P1".to_owned(), false)
            ]
        );
        assert_eq!(review.at_risk.len(), 1);
        let risky: Vec<&str> = review.at_risk[0]
            .actions
            .iter()
            .map(|a| a.reference.as_str())
            .collect();
        assert_eq!(risky, vec!["A1.1", "A1.3"]);
    }
}
