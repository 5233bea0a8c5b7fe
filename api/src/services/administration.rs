//! The areas of the service's set-up, and who may work in each: what the
//! administration pages offer a caller before any record is read or
//! written (an empty form, the index of areas). Each area opens to those
//! the permission table names for its operations, which check again.

use super::context::{Ctx, authorize};
use crate::domain::{Actor, permissions};
use crate::error::AppError;

/// A part of the service's set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Strategies, their ambitions and commitments.
    Strategies,
    /// Partner organisations.
    Organisations,
    /// User accounts.
    Users,
    /// System tokens.
    Tokens,
    /// The audit trail.
    Audit,
    /// Importing a delivery plan from a spreadsheet.
    Import,
    /// Other systems' webhook endpoints.
    Webhooks,
    /// Queued work that failed every attempt.
    Jobs,
}

impl Area {
    /// Every area, in the order the index lists them.
    pub const ALL: [Area; 8] = [
        Area::Strategies,
        Area::Organisations,
        Area::Users,
        Area::Tokens,
        Area::Webhooks,
        Area::Jobs,
        Area::Audit,
        Area::Import,
    ];

    fn open_to(self, actor: &Actor) -> bool {
        match self {
            Area::Strategies | Area::Organisations => permissions::can_manage_strategy(actor),
            Area::Users | Area::Tokens => permissions::can_manage_users(actor),
            Area::Audit => permissions::can_read_audit(actor),
            Area::Import => permissions::can_manage_actions(actor),
            Area::Webhooks => permissions::can_manage_webhooks(actor),
            Area::Jobs => permissions::can_manage_jobs(actor),
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            Area::Strategies | Area::Organisations => {
                "only administrators can set up strategies and organisations"
            }
            Area::Users => "only administrators can manage users",
            Area::Tokens => "only administrators can manage system tokens",
            Area::Audit => "only administrators and the chair can read the audit log",
            Area::Import => "only administrators and the chair can import actions",
            Area::Webhooks => "only administrators manage webhooks",
            Area::Jobs => "only administrators see and retry queued work",
        }
    }
}

/// The areas the caller may work in; refused when there are none.
pub fn areas(ctx: &Ctx) -> Result<Vec<Area>, AppError> {
    let open: Vec<Area> = Area::ALL
        .into_iter()
        .filter(|area| area.open_to(&ctx.actor))
        .collect();
    authorize(
        !open.is_empty(),
        "only administrators and the chair can use the administration pages",
    )?;
    Ok(open)
}

/// Lets the caller into one area, or refuses as its operations would.
pub fn enter(ctx: &Ctx, area: Area) -> Result<(), AppError> {
    authorize(area.open_to(&ctx.actor), area.refusal())
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::clock::{Clock, DEFAULT_TIME_ZONE};
    use crate::domain::Role;

    fn ctx(role: Role) -> Ctx {
        Ctx {
            actor: Actor::User {
                id: Uuid::nil(),
                role,
                organisation_id: Some(Uuid::nil()),
            },
            request_id: None,
            clock: Clock::system(DEFAULT_TIME_ZONE),
            mail: None,
        }
    }

    #[test]
    fn each_role_sees_the_areas_the_permission_table_gives_it() {
        assert_eq!(areas(&ctx(Role::Admin)).unwrap(), Area::ALL);
        assert_eq!(
            areas(&ctx(Role::Chair)).unwrap(),
            [Area::Audit, Area::Import]
        );
        for role in [Role::Member, Role::Viewer] {
            assert!(matches!(areas(&ctx(role)), Err(AppError::Forbidden(_))));
            for area in Area::ALL {
                assert!(enter(&ctx(role), area).is_err(), "{role} {area:?}");
            }
        }
        assert!(enter(&ctx(Role::Chair), Area::Users).is_err());
        assert!(enter(&ctx(Role::Chair), Area::Audit).is_ok());
    }
}
