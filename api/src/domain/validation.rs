//! Field-level validation shared by every request body.

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
}
