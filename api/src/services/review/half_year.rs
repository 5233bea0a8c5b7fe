//! The six-monthly report to the young people's council: the board report
//! at the end of a half-year (closed reporting periods, or two days), and
//! every priority of theirs raised or answered in it, with the answers
//! given then. `report::half_year` writes it in plain words.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::moment::{MomentQuery, PeriodBrief};
use super::report::{Report, report};
use crate::db::organisations::{self, OrganisationFilter, OrganisationRef};
use crate::db::priorities as db_priorities;
use crate::db::{Conn, Pool, periods, strategies};
use crate::domain::OrganisationKind;
use crate::domain::half_year::{self as rules, PeriodFacts, Span};
use crate::error::AppError;
use crate::paging::PageRequest;
use crate::services::context::{Ctx, missing, visible};
use crate::services::priorities::{self, PriorityView};

/// Which half-year the report covers: closed reporting periods, or two
/// days; by default the last two closed periods.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HalfYearQuery {
    /// Closed reporting periods of the strategy, comma-separated. The
    /// report covers the earliest one's first day to the latest one's last
    /// day, at most 12 months, and shows the state the latest closed with.
    /// Not with `from` and `to`. By default the last two closed periods.
    #[param(value_type = Option<String>, example = "0190a0a0-0000-7000-8000-000000000001,0190a0a0-0000-7000-8000-000000000002")]
    pub(crate) period_ids: Option<String>,
    /// The first day covered (`YYYY-MM-DD`), with `to`.
    #[param(value_type = Option<String>, format = Date)]
    pub(crate) from: Option<String>,
    /// The last day covered (`YYYY-MM-DD`), with `from`: not in the future
    /// and at most 12 months after `from`. The report shows the state at
    /// the end of this day.
    #[param(value_type = Option<String>, format = Date)]
    pub(crate) to: Option<String>,
}

impl HalfYearQuery {
    /// The periods named, by id.
    pub fn periods(ids: &[Uuid]) -> HalfYearQuery {
        HalfYearQuery {
            period_ids: Some(
                ids.iter()
                    .map(Uuid::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ..HalfYearQuery::default()
        }
    }

    /// From one day to another.
    pub fn days(from: NaiveDate, to: NaiveDate) -> HalfYearQuery {
        HalfYearQuery {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            ..HalfYearQuery::default()
        }
    }
}

/// What the report is made of.
#[derive(Debug)]
pub struct HalfYear {
    /// The board report at the end of the half-year: the latest period's
    /// closing snapshot, or the end of `to`.
    pub(crate) report: Report,
    /// The first day covered.
    pub(crate) from: NaiveDate,
    /// The last day covered.
    pub(crate) to: NaiveDate,
    /// The periods covered, earliest first; empty when given as days.
    pub(crate) periods: Vec<PeriodBrief>,
    /// The young people's council the report is for, when the strategy
    /// has one.
    pub(crate) council: Option<OrganisationRef>,
    /// The priorities raised or answered in the half-year, oldest raised
    /// first, each as it stood at the report's moment, with only the
    /// answers given in the half-year.
    pub(crate) priorities: Vec<PriorityView>,
}

pub(super) fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub(super) fn day(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    text.parse::<NaiveDate>()
        .map_err(|_| AppError::BadRequest(format!("{field} must be a date as YYYY-MM-DD")))
}

fn ids(text: &str) -> Result<Vec<Uuid>, AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<Uuid>().map_err(|_| {
                AppError::BadRequest(format!("period_ids: {t:?} is not a reporting period id"))
            })
        })
        .collect()
}

/// The half-year a query names: its span, the moment its state is read
/// at, and the periods it covers.
async fn resolve(
    conn: &mut Conn,
    ctx: &Ctx,
    strategy_id: Uuid,
    query: &HalfYearQuery,
) -> Result<(Span, MomentQuery, Vec<PeriodBrief>), AppError> {
    let named = match given(&query.period_ids) {
        Some(text) => Some(ids(text)?),
        None => None,
    };
    let days = (given(&query.from), given(&query.to));
    if named.is_some() && days != (None, None) {
        return Err(AppError::BadRequest(
            "give period_ids, or from and to, not both".into(),
        ));
    }
    match days {
        (Some(from), Some(to)) => {
            let span = rules::check_days(day("from", from)?, day("to", to)?, ctx.clock.today())
                .map_err(AppError::Validation)?;
            let moment = MomentQuery {
                as_at: Some(span.to),
                period_id: None,
            };
            return Ok((span, moment, Vec::new()));
        }
        (Some(_), None) => return Err(AppError::validation("to", "is needed with from")),
        (None, Some(_)) => return Err(AppError::validation("from", "is needed with to")),
        (None, None) => {}
    }
    let stored = periods::for_strategy(conn, strategy_id).await?;
    let facts: Vec<PeriodFacts> = stored
        .iter()
        .map(|p| PeriodFacts {
            id: p.id,
            name: p.name.clone(),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            closed: p.closed_at.is_some(),
        })
        .collect();
    let named = match named {
        Some(named) => named,
        None => {
            let latest = rules::default_periods(&facts);
            if latest.is_empty() {
                return Err(AppError::validation(
                    "period_ids",
                    "none given, and this strategy has no closed reporting period yet: give from and to",
                ));
            }
            latest
        }
    };
    let (span, chosen) = rules::named_periods(&named, &facts).map_err(AppError::Validation)?;
    let latest = chosen.last().expect("at least one period").id;
    let mut covered: Vec<PeriodBrief> = chosen
        .iter()
        .filter_map(|c| stored.iter().find(|p| p.id == c.id))
        .map(PeriodBrief::from)
        .collect();
    covered.sort_by_key(|p| p.starts_on);
    let moment = MomentQuery {
        as_at: None,
        period_id: Some(latest),
    };
    Ok((span, moment, covered))
}

/// The six-monthly report of a strategy to its young people's council.
/// Whoever may read the strategy may read it.
pub async fn half_year(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    query: &HalfYearQuery,
) -> Result<HalfYear, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let (span, moment, covered) = {
        let mut conn = pool.get().await?;
        strategies::find(&mut conn, strategy_id)
            .await
            .map_err(missing("strategy"))?;
        resolve(&mut conn, ctx, strategy_id, query).await?
    };
    let board = report(pool, ctx, strategy_id, &moment, None).await?;
    let mut conn = pool.get().await?;
    let raised = priorities_in(&mut conn, ctx, strategy_id, board.as_at, span).await?;
    let council = council_of(&mut conn, strategy_id).await?;
    Ok(HalfYear {
        report: board,
        from: span.from,
        to: span.to,
        periods: covered,
        council,
        priorities: raised,
    })
}

/// The priorities raised or answered in `span`, each as it stood at `at`,
/// with only the answers given in the span.
pub(super) async fn priorities_in(
    conn: &mut Conn,
    ctx: &Ctx,
    strategy_id: Uuid,
    at: DateTime<Utc>,
    span: Span,
) -> Result<Vec<PriorityView>, AppError> {
    let mut raised = priorities::as_at(conn, ctx, strategy_id, at).await?;
    let clock = &ctx.clock;
    raised.retain(|p| {
        rules::priority_belongs(
            span,
            p.raised_on,
            p.answers.iter().map(|a| clock.local_date(a.answered_at)),
        )
    });
    for p in &mut raised {
        p.answers
            .retain(|a| rules::contains(span, clock.local_date(a.answered_at)));
    }
    Ok(raised)
}

/// The young people's council a strategy reports to, for naming the
/// report before it is made.
pub async fn council(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
) -> Result<Option<OrganisationRef>, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    council_of(&mut conn, strategy_id).await
}

/// The young people's council whose priorities a strategy holds: the one
/// that raised them, or, before any is raised, the only organisation that
/// speaks for young people. `None` when there are several, or none.
async fn council_of(
    conn: &mut Conn,
    strategy_id: Uuid,
) -> Result<Option<OrganisationRef>, AppError> {
    let mut raisers: Vec<Uuid> =
        db_priorities::for_strategy(conn, strategy_id, DateTime::<Utc>::MAX_UTC)
            .await?
            .into_iter()
            .map(|p| p.organisation_id)
            .collect();
    raisers.sort_unstable();
    raisers.dedup();
    if raisers.is_empty() {
        let filter = OrganisationFilter {
            kind: Some(OrganisationKind::YoungPeoplesVoice),
            ..OrganisationFilter::default()
        };
        raisers = organisations::list(conn, &filter, &PageRequest::first(2))
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
    }
    let [only] = raisers[..] else {
        return Ok(None);
    };
    Ok(organisations::refs(conn, &[only]).await?.remove(&only))
}
