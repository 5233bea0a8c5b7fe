//! Who is who in the demo, and when they act: the contexts of the demo's
//! people, and the time of day they file their reports.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::domain::{Actor, Role};
use crate::error::AppError;
use crate::services::Ctx;

/// The people and ids the plan refers to.
pub struct Cast {
    /// The demo strategy.
    pub strategy_id: Uuid,
    /// The administrator.
    pub admin: Ctx,
    /// The board's chair.
    pub chair: Ctx,
    /// A member of each organisation, by slug, with the organisation's id.
    pub members: HashMap<String, (Ctx, Uuid)>,
    /// The strategy's ambitions, by number.
    pub ambitions: HashMap<i32, Uuid>,
    /// The strategy's commitments, by number.
    pub commitments: HashMap<i32, Uuid>,
}

impl Cast {
    /// The member of the organisation with this slug, and its id.
    pub fn member(&self, slug: &str) -> Result<&(Ctx, Uuid), AppError> {
        self.members.get(slug).ok_or_else(|| {
            AppError::internal(format!("demo plan names unknown organisation {slug}"))
        })
    }

    /// The id of the statement with this number.
    pub fn statement(map: &HashMap<i32, Uuid>, number: i32) -> Result<Uuid, AppError> {
        map.get(&number).copied().ok_or_else(|| {
            AppError::internal(format!("demo plan names unknown statement {number}"))
        })
    }
}

/// Mid-morning on a date, when board members tend to file their reports.
pub fn at(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(10, 0, 0).expect("valid time").and_utc()
}

/// The context of a demo user.
pub fn ctx(id: Uuid, role: Role, organisation_id: Option<Uuid>, clock: &Clock) -> Ctx {
    Ctx {
        actor: Actor::User {
            id,
            role,
            organisation_id,
        },
        request_id: Some("demo-data".into()),
        clock: clock.clone(),
        mail: None,
    }
}
