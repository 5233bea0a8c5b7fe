//! The service's refusals of the achievement form, shown under the boxes
//! they are about and in the form's words: the service counts only the
//! figures and voices sent, the page counts its rows.

use super::super::priorities::worded;
use crate::error::AppError;
use crate::web::forms::Errors;

/// The form's row of each figure and voice sent, in the order sent.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    pub figures: Vec<usize>,
    pub voices: Vec<usize>,
}

/// A field's name in a sentence, and what to ask for when it was left
/// empty.
pub(super) fn field_words(field: &str) -> (&'static str, &'static str) {
    match field {
        "title" => ("The title", "Enter a title"),
        "achieved" => (
            "What the partnership achieved",
            "Enter what the partnership achieved",
        ),
        "meant" => (
            "What it meant",
            "Enter what it meant for children and young people",
        ),
        "achieved_on" => ("The day it was achieved", "Enter the day it was achieved"),
        "ambition_ids" => (
            "One of the ambitions chosen",
            "Select ambitions of this strategy",
        ),
        "commitment_ids" => (
            "One of the commitments chosen",
            "Select commitments of this strategy",
        ),
        "action_ids" => (
            "One of the actions chosen",
            "Select the actions that produced it",
        ),
        "organisation_id" => ("The organisation", "Select the actions that produced it"),
        "figures" => ("The figures", "Enter the figures"),
        "voices" => ("The voices", "Enter the voices"),
        _ => ("This", "Check this"),
    }
}

/// A figure's or voice's box in a sentence (`n` counts from one), and
/// what to ask for when it was left empty.
fn row_words(list: &str, part: &str, n: usize) -> (String, String) {
    let (label, ask) = match (list, part) {
        ("figures", "label") => ("What figure {n} counts", "Enter what figure {n} counts"),
        ("figures", "value") => ("The value of figure {n}", "Enter the value of figure {n}"),
        ("figures", "unit") => ("The unit of figure {n}", "Enter the unit of figure {n}"),
        ("figures", "as_of") => ("The date of figure {n}", "Enter the date of figure {n}"),
        ("figures", _) => ("The indicator value figure {n} cites", "Check figure {n}"),
        ("voices", "text") => ("What voice {n} says", "Enter what voice {n} says"),
        ("voices", "role") => (
            "The role of voice {n}",
            "Enter who said voice {n}, by role only",
        ),
        ("voices", "age_band") => (
            "The age band of voice {n}",
            "Select the age band of voice {n}",
        ),
        ("voices", "consent_organisation_id") => (
            "The organisation that recorded consent for voice {n}",
            "Select the organisation that recorded consent for voice {n}",
        ),
        ("voices", "consent_on") => (
            "The day consent was recorded for voice {n}",
            "Enter the day consent was recorded for voice {n}",
        ),
        _ => ("Voice {n}", "Check voice {n}"),
    };
    let n = n.to_string();
    (label.replace("{n}", &n), ask.replace("{n}", &n))
}

/// The page's box for a field the service named, with its words: the
/// service counts only the figures and voices sent, the page counts its
/// rows (`voices[1].text` may be the box `voices-2-text`).
fn shown_as(field: &str, rows: &Rows) -> (String, String, String) {
    let (list, rest) = field.split_once('[').unwrap_or((field, ""));
    let sent = |rows: &[usize]| {
        let (index, part) = rest.split_once("].").unwrap_or(("", ""));
        let row = index
            .parse::<usize>()
            .ok()
            .and_then(|i| rows.get(i).copied());
        row.map(|row| (row, part.to_owned()))
    };
    let row = match list {
        "figures" => sent(&rows.figures),
        "voices" => sent(&rows.voices),
        _ => None,
    };
    if let Some((row, part)) = row {
        // A cited value has no box of its own: its label's box stands for it.
        let boxed = if part == "indicator_value_id" {
            "label"
        } else {
            part.as_str()
        };
        let (label, ask) = row_words(list, &part, row + 1);
        return (format!("{list}-{row}-{boxed}"), label, ask);
    }
    let key = match list {
        "organisation_id" => "action_ids",
        other => other,
    };
    let (label, ask) = field_words(list);
    (key.to_owned(), label.to_owned(), ask.to_owned())
}

/// The service's refusal, under the form's boxes, in the form's words.
pub fn refused(error: AppError, rows: &Rows) -> Result<Errors, AppError> {
    let mut shown = Errors::none();
    for error in Errors::from_refusal(error)?.0 {
        let (key, label, ask) = shown_as(&error.field, rows);
        let message = match key.as_str() {
            "tags" if error.field == "tags" => format!("Give {}", error.message.to_lowercase()),
            "tags" => format!("Each tag {}", error.message.to_lowercase()),
            _ if error.message.to_lowercase().starts_with("is needed") => ask,
            _ => worded(&label, &ask, &error.message),
        };
        shown.add(&key, message);
    }
    Ok(shown)
}
