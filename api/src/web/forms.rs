//! Forms as people fill them in: every field is text, kept as typed so a
//! refused form comes back with it; errors are shown against the field
//! they belong to and listed in the error summary.

use chrono::NaiveDate;

use crate::domain::validation::FieldError;
use crate::error::AppError;

/// What was wrong with a form, field by field, in the order shown.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn none() -> Errors {
        Errors::default()
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Adds an error unless the field already has one.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push(FieldError::new(field, message));
        }
    }

    /// The errors a service operation refused a form with, or the error
    /// itself when it is not about fields (those become pages).
    pub fn from_refusal(error: AppError) -> Result<Errors, AppError> {
        match error {
            AppError::Validation(errors) => Ok(Errors(
                errors
                    .into_iter()
                    .map(|e| FieldError::new(e.field, sentence(&e.message)))
                    .collect(),
            )),
            other => Err(other),
        }
    }

    /// Where the error summary's link for a field goes: the field's input
    /// (the first input, for a date).
    pub fn anchor(&self, field: &str) -> String {
        // A date of a repeated row (`voices-1-consent_on`) is named by its
        // last part.
        let last = field.rsplit('-').next().unwrap_or(field);
        if last != field && matches!(last, "as_of" | "consent_on") {
            return format!("{field}-day");
        }
        match field {
            "due_date" | "as_of" | "completed_on" | "as_at" | "starts_on" | "ends_on"
            | "start_date" | "target_date" | "period_start" | "period_end" | "expires_on"
            | "since" | "until" | "from" | "to" | "raised_on" | "deliver_by" | "achieved_on" => {
                format!("{field}-day")
            }
            // A breakdown's error is about the table: its first box.
            "breakdown" => "part-0".to_owned(),
            _ => field.to_owned(),
        }
    }
}

/// A message as a sentence: capital first letter. The services' messages
/// are written to follow a field name ("title: must not be blank").
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Text as typed, or nothing when only spaces were typed.
pub fn given(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| text.to_owned())
}

/// The three boxes of a GOV.UK date input, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct DateParts {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub year: String,
}

impl DateParts {
    /// The boxes as typed.
    pub fn new(day: String, month: String, year: String) -> DateParts {
        DateParts { day, month, year }
    }

    pub fn of(date: NaiveDate) -> DateParts {
        use chrono::Datelike;
        DateParts {
            day: date.day().to_string(),
            month: date.month().to_string(),
            year: date.year().to_string(),
        }
    }

    /// The date typed, or the GOV.UK message for what is wrong with it.
    pub fn parse(&self, what: &str) -> Result<NaiveDate, String> {
        let parts = [&self.day, &self.month, &self.year].map(|p| p.trim());
        if parts.iter().all(|p| p.is_empty()) {
            return Err(format!("Enter {what}"));
        }
        let missing: Vec<&str> = ["day", "month", "year"]
            .into_iter()
            .zip(parts)
            .filter(|(_, p)| p.is_empty())
            .map(|(name, _)| name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{} must include a {}",
                sentence(what),
                missing.join(" and ")
            ));
        }
        let [day, month, year] = parts.map(|p| p.parse::<u32>().ok());
        match (day, month, year) {
            (Some(d), Some(m), Some(y)) if (1000..=9999).contains(&y) => {
                NaiveDate::from_ymd_opt(y as i32, m, d)
                    .ok_or_else(|| format!("{} must be a real date", sentence(what)))
            }
            _ => Err(format!("{} must be a real date", sentence(what))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(day: &str, month: &str, year: &str) -> DateParts {
        DateParts {
            day: day.into(),
            month: month.into(),
            year: year.into(),
        }
    }

    #[test]
    fn dates_are_read_as_govuk_date_inputs_ask() {
        assert_eq!(
            parts("31", "3", "2025").parse("the new due date"),
            Ok(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap())
        );
        assert_eq!(
            parts("", "", "").parse("the new due date").unwrap_err(),
            "Enter the new due date"
        );
        assert_eq!(
            parts("31", "", "2025")
                .parse("the new due date")
                .unwrap_err(),
            "The new due date must include a month"
        );
        assert_eq!(
            parts("31", "2", "2025")
                .parse("the new due date")
                .unwrap_err(),
            "The new due date must be a real date"
        );
        assert_eq!(
            parts("1", "2", "25").parse("the new due date").unwrap_err(),
            "The new due date must be a real date"
        );
    }

    #[test]
    fn refusals_become_field_errors_as_sentences() {
        let errors = Errors::from_refusal(AppError::validation(
            "commentary",
            "a red rating needs a commentary",
        ))
        .unwrap();
        assert_eq!(
            errors.get("commentary"),
            Some("A red rating needs a commentary")
        );
        assert!(Errors::from_refusal(AppError::Forbidden("no".into())).is_err());
    }

    #[test]
    fn a_summary_link_lands_on_a_dates_first_box_in_repeated_rows_too() {
        let errors = Errors::none();
        assert_eq!(errors.anchor("achieved_on"), "achieved_on-day");
        assert_eq!(
            errors.anchor("voices-1-consent_on"),
            "voices-1-consent_on-day"
        );
        assert_eq!(errors.anchor("figures-0-as_of"), "figures-0-as_of-day");
        assert_eq!(errors.anchor("voices-1-text"), "voices-1-text");
        assert_eq!(errors.anchor("decline-message"), "decline-message");
    }

    #[test]
    fn blank_text_is_not_given() {
        assert_eq!(given("  "), None);
        assert_eq!(given(" a "), Some(" a ".into()));
    }
}
