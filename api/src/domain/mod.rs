//! The rules of the service, free of HTTP and SQL: roles and the permission
//! table, the value sets, and validation.

#[macro_use]
pub mod enums;
pub mod permissions;
pub mod validation;

pub use enums::{OrganisationKind, Role, StatementKind, StrategyStatus};
pub use permissions::Actor;
