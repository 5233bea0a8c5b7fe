//! Field-level validation shared by every request body.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

/// Limits on free text, in characters.
pub const NAME_MAX: usize = 200;
pub const TITLE_MAX: usize = 500;
pub const TEXT_MAX: usize = 20_000;
/// Passwords: long enough to resist guessing, short enough that hashing one
/// cannot be used to tie up the server.
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// One problem with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as a path into the request body (`partner_ids[2]`).
    #[schema(example = "title")]
    pub field: String,
    /// What is wrong with it, in plain words.
    #[schema(example = "length is greater than 500")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Turns garde's report into the field errors a client receives.
pub fn field_errors(report: garde::Report) -> Vec<FieldError> {
    report
        .into_inner()
        .into_iter()
        .map(|(path, error)| FieldError::new(path.to_string(), error.message().to_string()))
        .collect()
}

/// Text that may be absent (in a partial update) or present.
pub trait MaybeText {
    fn text(&self) -> Option<&str>;
}

impl MaybeText for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: MaybeText> MaybeText for Option<T> {
    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(MaybeText::text)
    }
}

/// garde rule: present text must contain something other than whitespace.
pub fn not_blank<T: MaybeText>(value: &T, _context: &()) -> garde::Result {
    match value.text() {
        Some(text) if text.trim().is_empty() => Err(garde::Error::new("must not be blank")),
        _ => Ok(()),
    }
}

/// garde rule: text must not carry NUL or other control characters (other
/// than line breaks and tabs), which PostgreSQL rejects or clients mangle.
pub fn printable<T: MaybeText>(value: &T, _context: &()) -> garde::Result {
    match value.text() {
        Some(text)
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) =>
        {
            Err(garde::Error::new("must not contain control characters"))
        }
        _ => Ok(()),
    }
}

/// garde rule: a password within the length policy.
pub fn password_policy(value: &secrecy::SecretString, _context: &()) -> garde::Result {
    use secrecy::ExposeSecret;
    let length = value.expose_secret().chars().count();
    if length < PASSWORD_MIN {
        Err(garde::Error::new(format!(
            "must be at least {PASSWORD_MIN} characters"
        )))
    } else if length > PASSWORD_MAX {
        Err(garde::Error::new(format!(
            "must be at most {PASSWORD_MAX} characters"
        )))
    } else {
        Ok(())
    }
}

/// Emails are compared and stored in lower case, without surrounding space.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The years a stored date may fall in: wide enough for any strategy, narrow
/// enough to catch a mistyped year (0224, 20224).
pub const YEARS: RangeInclusive<i32> = 1900..=2200;

/// Whether a date falls in `YEARS`.
pub fn plausible(date: NaiveDate) -> bool {
    YEARS.contains(&date.year())
}

/// The error of each named date that is given and outside `YEARS`.
pub fn implausible_dates(dates: &[(&str, Option<NaiveDate>)]) -> Vec<FieldError> {
    dates
        .iter()
        .filter(|(_, date)| date.is_some_and(|d| !plausible(d)))
        .map(|(field, _)| FieldError::new(*field, "must be a year between 1900 and 2200"))
        .collect()
}

/// The errors of a span named by two fields: each date plausible, and the
/// end not before the start.
pub fn span_errors(
    (start_field, start): (&str, Option<NaiveDate>),
    (end_field, end): (&str, Option<NaiveDate>),
) -> Vec<FieldError> {
    let mut errors = implausible_dates(&[(start_field, start), (end_field, end)]);
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        errors.push(FieldError::new(
            end_field,
            format!("must not be before {start_field}"),
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_rejected_and_absent_text_is_not() {
        assert!(not_blank(&"  \n".to_string(), &()).is_err());
        assert!(not_blank(&"Is safe".to_string(), &()).is_ok());
        assert!(not_blank(&None::<String>, &()).is_ok());
        assert!(not_blank(&Some(" ".to_string()), &()).is_err());
    }

    #[test]
    fn control_characters_are_rejected_but_line_breaks_are_not() {
        assert!(printable(&"a\u{0}b".to_string(), &()).is_err());
        assert!(printable(&"a\u{1b}[31m".to_string(), &()).is_err());
        assert!(printable(&"line one\nline two\ttab".to_string(), &()).is_ok());
    }

    #[test]
    fn passwords_follow_the_length_policy() {
        let check = |p: &str| password_policy(&secrecy::SecretString::from(p), &());
        assert!(check("short").is_err());
        assert!(check(&"x".repeat(PASSWORD_MIN)).is_ok());
        assert!(check(&"x".repeat(PASSWORD_MAX + 1)).is_err());
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(normalise_email("  Chair@Example.ORG "), "chair@example.org");
    }

    #[test]
    fn dates_must_be_plausible_and_spans_run_forwards() {
        let day = |text: &str| Some(text.parse::<NaiveDate>().unwrap());
        assert!(implausible_dates(&[("a", day("1900-01-01")), ("b", None)]).is_empty());
        assert_eq!(
            implausible_dates(&[("a", day("0224-03-31")), ("b", day("2201-01-01"))])
                .iter()
                .map(|e| e.field.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        let backwards = span_errors(
            ("starts_on", day("2025-04-01")),
            ("ends_on", day("2025-03-31")),
        );
        assert_eq!(
            backwards,
            [FieldError::new("ends_on", "must not be before starts_on")]
        );
        assert!(span_errors(("starts_on", day("2025-04-01")), ("ends_on", None)).is_empty());
    }
}
