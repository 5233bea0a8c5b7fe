//! The rules of the service, free of HTTP and SQL: roles and the permission
//! table, the value sets, and validation.

#[macro_use]
pub mod enums;
pub mod achievements;
pub mod allowed;
pub mod annual;
pub mod delivery;
pub mod erasure;
pub mod half_year;
pub mod identifiers;
pub mod indicators;
pub mod jobs;
pub mod mail;
pub mod permissions;
pub mod plain_words;
pub mod priorities;
pub mod rag;
pub mod review;
pub mod spreadsheet;
pub mod validation;
pub mod webhooks;

pub use allowed::AllowedAction;
pub use enums::{
    AchievementStatus, Entity, JobState, OrganisationKind, PriorityStatus, Rag, Role,
    StatementKind, StrategyStatus, UpdateKind,
};
pub use permissions::Actor;
