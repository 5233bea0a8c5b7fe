//! Optimistic concurrency: every mutable record carries a version, and a
//! write names the version it was based on. The JSON API carries the
//! version as an ETag (`If-Match`); a web form carries it as a hidden field.

use crate::error::AppError;

/// The version a write is based on, as the caller named it. Whether it was
/// named well is kept until the operation asks, so that the operation can
/// authorise the caller first: a caller without permission learns nothing
/// about versions.
#[derive(Debug)]
pub struct Precondition(Option<Result<i32, AppError>>);

impl Precondition {
    /// A precondition on `version`.
    pub fn assume(version: i32) -> Self {
        Precondition(Some(Ok(version)))
    }

    /// No precondition named.
    pub fn none() -> Self {
        Precondition(None)
    }

    /// What a request named: a version, or the error that naming it gave
    /// (a malformed or unusable tag).
    pub fn named(named: Result<i32, AppError>) -> Self {
        Precondition(Some(named))
    }

    /// The version named; 428 when none was.
    pub fn version(self) -> Result<i32, AppError> {
        self.0.unwrap_or(Err(AppError::PreconditionRequired))
    }

    /// The version named, if any (for writes where it is optional).
    pub fn optional(self) -> Result<Option<i32>, AppError> {
        self.0.transpose()
    }
}

/// Fails with 412 unless the stored version is the one the caller read.
pub fn check_version(expected: i32, current: i32) -> Result<(), AppError> {
    if expected == current {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_versions_fail() {
        assert!(check_version(2, 2).is_ok());
        assert!(matches!(
            check_version(1, 2),
            Err(AppError::PreconditionFailed)
        ));
    }

    #[test]
    fn a_missing_version_is_required_only_when_asked_for() {
        assert!(matches!(
            Precondition::none().version(),
            Err(AppError::PreconditionRequired)
        ));
        assert!(matches!(Precondition::none().optional(), Ok(None)));
        assert_eq!(Precondition::assume(4).version().unwrap(), 4);
        assert!(matches!(
            Precondition::named(Err(AppError::PreconditionFailed)).optional(),
            Err(AppError::PreconditionFailed)
        ));
    }
}
