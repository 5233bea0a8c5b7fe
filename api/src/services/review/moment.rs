//! Which moment a review describes: now, the end of a past day where the
//! board is, or a reporting period (a closed one from its snapshot).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::db::Conn;
use crate::db::periods::{self, Period};
use crate::error::AppError;
use crate::services::context::Ctx;

/// Which moment to review: now (neither given), the end of a past day, or a
/// reporting period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MomentQuery {
    /// Review as at the end of this day, from history.
    pub(crate) as_at: Option<NaiveDate>,
    /// Review as at this period: a closed period from its snapshot, an open
    /// one as at its last day.
    pub(crate) period_id: Option<Uuid>,
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Current values.
    Live,
    /// Reconstructed from the history of updates.
    History,
    /// Read from the snapshot taken when the period closed.
    Snapshot,
}

/// A reporting period, as the review names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodBrief {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) starts_on: NaiveDate,
    pub(crate) ends_on: NaiveDate,
    pub(crate) closed_at: Option<DateTime<Utc>>,
}

impl From<&Period> for PeriodBrief {
    fn from(p: &Period) -> Self {
        PeriodBrief {
            id: p.id,
            name: p.name.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            closed_at: p.closed_at,
        }
    }
}

/// The moment a review describes.
pub(super) struct Moment {
    /// The instant: now, the end of a past day, or when a period closed.
    pub(super) at: DateTime<Utc>,
    /// The day it falls on, where the board is.
    pub(super) today: NaiveDate,
    /// Where the state at that moment comes from.
    pub(super) source: Source,
    /// The period reviewed, or the one current at the moment.
    pub(super) period: Option<Period>,
}

/// Works out what moment a query names. Days are the board's days: "as at
/// 31 March" ends at midnight where the board is.
pub(super) async fn resolve(
    conn: &mut Conn,
    ctx: &Ctx,
    strategy_id: Uuid,
    query: &MomentQuery,
) -> Result<Moment, AppError> {
    let clock = &ctx.clock;
    let now = ctx.stamp(conn).await?;
    let today = clock.local_date(now);
    let live = |period| Moment {
        at: now,
        today,
        source: Source::Live,
        period,
    };
    let as_at = |day: NaiveDate, period| Moment {
        at: clock.end_of_day(day),
        today: day,
        source: Source::History,
        period,
    };
    match (query.as_at, query.period_id) {
        (Some(_), Some(_)) => Err(AppError::BadRequest(
            "give as_at or period_id, not both".into(),
        )),
        (None, None) => {
            let current = periods::current(conn, strategy_id, today).await?;
            Ok(live(current))
        }
        (Some(day), None) if day > today => Err(AppError::BadRequest(
            "as_at must not be in the future".into(),
        )),
        (Some(day), None) if day == today => {
            let current = periods::current(conn, strategy_id, day).await?;
            Ok(live(current))
        }
        (Some(day), None) => {
            let period = periods::containing(conn, strategy_id, day).await?;
            Ok(as_at(day, period))
        }
        (None, Some(id)) => {
            let period = periods::find(conn, id)
                .await
                .ok()
                .filter(|p| p.strategy_id == strategy_id)
                .ok_or_else(|| {
                    AppError::NotFound("no such reporting period in this strategy".into())
                })?;
            match period.closed_at {
                Some(closed_at) => Ok(Moment {
                    at: closed_at,
                    today: clock.local_date(closed_at),
                    source: Source::Snapshot,
                    period: Some(period),
                }),
                None if period.ends_on >= today => Ok(live(Some(period))),
                None => Ok(as_at(period.ends_on, Some(period))),
            }
        }
    }
}
