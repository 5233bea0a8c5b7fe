//! What every operation does with the input it is given: garde's rules,
//! partial updates that may clear a field, and trimmed text.

use serde::{Deserialize, Deserializer};

use crate::domain::Rag;
use crate::domain::validation::{FieldError, field_errors};
use crate::error::AppError;

/// Runs garde's rules on an operation's input; 422 with each field's error.
pub fn validate<T: garde::Validate<Context = ()>>(input: &T) -> Result<(), AppError> {
    input
        .validate()
        .map_err(|report| AppError::Validation(field_errors(report)))
}

/// Deserialises a field of a partial update that may be absent (leave as
/// is), `null` (clear) or a value (set): `None`, `Some(None)`, `Some(Some(v))`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Trims surrounding whitespace from text a caller sent.
pub fn trimmed(text: &str) -> String {
    text.trim().to_owned()
}

/// Parses a comma-separated list of RAG values (`red,amber`), as list
/// filters take them.
pub fn rags(text: Option<&str>) -> Result<Vec<Rag>, AppError> {
    values(text, "rag")
}

/// Parses the comma-separated values of the list filter `name`
/// (`raised,accepted`); an unknown one is 400 naming the filter.
pub fn values<T>(text: Option<&str>, name: &str) -> Result<Vec<T>, AppError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<T>()
                .map_err(|e| AppError::BadRequest(format!("{name}: {e}")))
        })
        .collect()
}

/// Fails with 422 naming every field in `errors`, if there are any.
pub fn valid(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}
