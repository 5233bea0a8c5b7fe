//! An archived action has left the live plan: its history stays as it was,
//! so it takes no more reports, milestones or changes until it is restored.

use chrono::{DateTime, Utc};

use crate::error::AppError;

/// Refuses a change to an action archived at `archived_at`.
pub fn ensure_live(archived_at: Option<DateTime<Utc>>) -> Result<(), AppError> {
    match archived_at {
        Some(_) => Err(AppError::Conflict(
            "this action is archived: restore it before reporting on it or changing it".into(),
        )),
        None => Ok(()),
    }
}
