//! What the set-up forms share: fields read from a posted form (where a
//! box may be ticked many times), the options a form offers, refusals
//! worded against the form's own fields, and what differs between a record
//! as saved and the form that came back stale.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::{StatementKind, StrategyStatus};
use crate::error::AppError;
use crate::web::forms::{DateParts, Errors};

/// A posted form's fields, in the order sent.
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The value of `name` as typed, or nothing.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Every value sent as `name`: the boxes ticked.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The three boxes of the date input `name`.
    pub fn date(&self, name: &str) -> DateParts {
        DateParts::new(
            self.text(&format!("{name}-day")),
            self.text(&format!("{name}-month")),
            self.text(&format!("{name}-year")),
        )
    }

    /// The version of the record the form was read at.
    pub fn version(&self) -> Option<i32> {
        self.text("version").trim().parse().ok()
    }
}

/// The ids of the options chosen. The form offers only ids, so anything
/// else was not sent from it.
pub fn ids(values: &[String]) -> Result<Vec<Uuid>, AppError> {
    values
        .iter()
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::BadRequest("the form could not be read".into()))
        })
        .collect()
}

/// A date that may be left empty, or the GOV.UK message for one half
/// typed.
pub fn optional_date(parts: &DateParts, what: &str) -> Result<Option<NaiveDate>, String> {
    if [&parts.day, &parts.month, &parts.year]
        .iter()
        .all(|p| p.trim().is_empty())
    {
        return Ok(None);
    }
    parts.parse(what).map(Some)
}

/// One option of a select, a set of radios or a set of checkboxes.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: &'static str,
    pub chosen: bool,
}

impl Choice {
    /// An option chosen when its value is among `chosen`.
    pub fn of(value: impl ToString, label: impl Into<String>, chosen: &[String]) -> Choice {
        let value = value.to_string();
        Choice {
            chosen: chosen.contains(&value),
            value,
            label: label.into(),
            hint: "",
        }
    }
}

/// Whether none of the options is chosen (a select then shows its prompt).
pub fn none_chosen(choices: &[Choice]) -> bool {
    !choices.iter().any(|c| c.chosen)
}

/// The id of the `index`th input of a group named `name`: the first is the
/// field's own, where the error summary's link lands.
pub fn option_id(name: &str, index: &usize) -> String {
    match *index {
        0 => name.to_owned(),
        n => format!("{name}-{n}"),
    }
}

/// How the pages name a kind of statement.
#[derive(Debug, Clone, Copy)]
pub struct KindWords {
    /// In addresses: `/admin/strategies/{id}/ambitions`.
    pub path: &'static str,
    pub heading: &'static str,
    pub noun: &'static str,
    pub article: &'static str,
}

pub fn kind_words(kind: StatementKind) -> KindWords {
    match kind {
        StatementKind::Ambition => KindWords {
            path: "ambitions",
            heading: "Ambitions",
            noun: "ambition",
            article: "an",
        },
        StatementKind::Commitment => KindWords {
            path: "commitments",
            heading: "Commitments",
            noun: "commitment",
            article: "a",
        },
    }
}

/// The kind of statement an address names.
pub fn kind_at(path: &str) -> Result<StatementKind, AppError> {
    [StatementKind::Ambition, StatementKind::Commitment]
        .into_iter()
        .find(|kind| kind_words(*kind).path == path)
        .ok_or_else(|| AppError::NotFound("no page".into()))
}

/// A strategy's status in words.
pub fn status_label(status: &StrategyStatus) -> &'static str {
    match status {
        StrategyStatus::Draft => "Draft",
        StrategyStatus::Active => "Active",
        StrategyStatus::Archived => "Archived",
    }
}

/// The GOV.UK tag colour for a strategy's status; the tag's word says it
/// too.
pub fn status_class(status: &StrategyStatus) -> &'static str {
    match status {
        StrategyStatus::Draft => "govuk-tag--yellow",
        StrategyStatus::Active => "govuk-tag--green",
        StrategyStatus::Archived => "govuk-tag--grey",
    }
}

/// How a form words the service's refusals: what to ask for instead when
/// a field is refused (a box that must be ticked), and what to call the
/// fields a message names ("must not be before period_start").
#[derive(Debug, Default, Clone, Copy)]
pub struct Wording<'a> {
    pub asks: &'a [(&'a str, &'a str)],
    pub labels: &'a [(&'a str, &'a str)],
}

/// A refusal's field errors as the form shows them: under the form's own
/// field (`ambition_ids[2]` is about the `ambition_ids` boxes), the first
/// for each field, in the form's words.
pub fn as_shown(refused: Errors, wording: Wording<'_>) -> Errors {
    let mut shown = Errors::none();
    for error in refused.0 {
        let field = error.field.split('[').next().unwrap_or_default();
        let message = match wording.asks.iter().find(|(name, _)| *name == field) {
            Some((_, ask)) => (*ask).to_owned(),
            None => wording
                .labels
                .iter()
                .fold(error.message, |m, (name, label)| m.replace(name, label)),
        };
        shown.add(field, message);
    }
    shown
}

/// A field whose saved value is not what a stale form holds.
#[derive(Debug, Clone)]
pub struct Difference {
    pub label: &'static str,
    pub saved: String,
    pub typed: String,
}

/// The fields, of (label, saved, typed), whose values differ.
pub fn differences(fields: Vec<(&'static str, String, String)>) -> Vec<Difference> {
    fields
        .into_iter()
        .filter(|(_, saved, typed)| saved.trim() != typed.trim())
        .map(|(label, saved, typed)| Difference {
            label,
            saved,
            typed,
        })
        .collect()
}

/// A date as a person reads it in a comparison, or "Not set".
pub fn date_words(parts: &DateParts) -> String {
    match optional_date(parts, "the date") {
        Ok(Some(day)) => crate::web::format::date(&day),
        Ok(None) => "Not set".to_owned(),
        Err(_) => format!("{}/{}/{}", parts.day, parts.month, parts.year),
    }
}

/// Names of the chosen options, in the options' order.
pub fn chosen_names(choices: &[Choice]) -> String {
    let names: Vec<&str> = choices
        .iter()
        .filter(|c| c.chosen)
        .map(|c| c.label.as_str())
        .collect();
    if names.is_empty() {
        "None".to_owned()
    } else {
        names.join("; ")
    }
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
    fn ticked_boxes_are_read_as_sent() {
        let form = fields(&[("ids", "a"), ("title", "T"), ("ids", "b"), ("version", "3")]);
        assert_eq!(form.all("ids"), ["a", "b"]);
        assert_eq!(form.text("title"), "T");
        assert_eq!(form.text("missing"), "");
        assert_eq!(form.version(), Some(3));
        assert!(ids(&["not an id".to_owned()]).is_err());
    }

    #[test]
    fn an_empty_date_is_none_and_half_a_date_is_wrong() {
        let empty = DateParts::default();
        assert_eq!(optional_date(&empty, "the target date"), Ok(None));
        let half = DateParts::new("31".into(), String::new(), "2025".into());
        assert_eq!(
            optional_date(&half, "the target date").unwrap_err(),
            "The target date must include a month"
        );
    }

    #[test]
    fn refusals_are_shown_once_under_the_forms_field() {
        let refused = Errors(vec![
            crate::domain::validation::FieldError::new("title", "length is lower than 1"),
            crate::domain::validation::FieldError::new("title", "must not be blank"),
            crate::domain::validation::FieldError::new("ambition_ids[1]", "must be an ambition"),
        ]);
        let wording = Wording {
            asks: &[("title", "Enter a title")],
            labels: &[("ambition", "outcome")],
        };
        let shown = as_shown(refused, wording);
        assert_eq!(shown.0.len(), 2);
        assert_eq!(shown.get("title"), Some("Enter a title"));
        assert_eq!(shown.get("ambition_ids"), Some("must be an outcome"));
    }

    #[test]
    fn only_what_differs_is_listed() {
        let found = differences(vec![
            ("Title", "Same".into(), "Same ".into()),
            ("Reference", "A1".into(), "A2".into()),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "Reference");
    }
}
