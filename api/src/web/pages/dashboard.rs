//! The chair's dashboard: the state of the plan as charts and tables, now,
//! as at a past day or for a reporting period. The address carries the
//! moment (`?as_at=2024-03-31` or `?period_id=...`), so a view can be
//! bookmarked and shared.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, chrome, newest, readable_strategies};
use crate::error::AppError;
use crate::http::read_after::ReadPool;
use crate::report::charts::{self, Breakdown, Svg};
use crate::report::labels;
use crate::services::indicators::IndicatorSummary;
use crate::services::periods::{self, PeriodView};
use crate::services::review::{self, Dashboard, DashboardQuery, MomentQuery, Source};
use crate::state::AppState;
use crate::web::format::{Chrome, Section};
use crate::web::forms::{DateParts, Errors};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(choose))
        .route("/strategies/{id}/dashboard", web::get().to(show));
}

/// The moment asked for: canonical (`as_at`, `period_id`) from a link, or
/// the date boxes of the "as at" form, which are turned into a canonical
/// address.
#[derive(Debug, Default, Deserialize)]
pub struct View {
    #[serde(default)]
    as_at: Option<String>,
    #[serde(default)]
    period_id: Option<String>,
    #[serde(rename = "as_at-day")]
    day: Option<String>,
    #[serde(rename = "as_at-month")]
    month: Option<String>,
    #[serde(rename = "as_at-year")]
    year: Option<String>,
}

impl View {
    fn typed_date(&self) -> Option<DateParts> {
        if self.day.is_none() && self.month.is_none() && self.year.is_none() {
            return None;
        }
        let part = |p: &Option<String>| p.clone().unwrap_or_default();
        Some(DateParts::new(
            part(&self.day),
            part(&self.month),
            part(&self.year),
        ))
    }

    /// The moment as the service reads it, or what is wrong with the
    /// address.
    fn moment(&self) -> Result<MomentQuery, String> {
        let as_at = match self.as_at.as_deref().filter(|t| !t.is_empty()) {
            Some(text) => Some(
                text.parse::<NaiveDate>()
                    .map_err(|_| "The date must be a real date".to_owned())?,
            ),
            None => None,
        };
        let period_id = match self.period_id.as_deref().filter(|t| !t.is_empty()) {
            Some(text) => Some(
                text.parse::<Uuid>()
                    .map_err(|_| "Choose a reporting period from the list".to_owned())?,
            ),
            None => None,
        };
        Ok(MomentQuery { as_at, period_id })
    }
}

/// The address of a strategy's dashboard at a moment.
pub fn address(strategy_id: Uuid, moment: &MomentQuery) -> String {
    match (moment.as_at, moment.period_id) {
        (Some(day), _) => format!("/strategies/{strategy_id}/dashboard?as_at={day}"),
        (None, Some(period)) => format!("/strategies/{strategy_id}/dashboard?period_id={period}"),
        (None, None) => format!("/strategies/{strategy_id}/dashboard"),
    }
}

#[derive(Template)]
#[template(path = "web/dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    dashboard: &'a Dashboard,
    strategy_id: Uuid,
    periods: Vec<PeriodView>,
    /// The period chosen in the selector, if the view is of one.
    chosen_period: Option<Uuid>,
    date: DateParts,
    /// The day asked for, when the view is of a past day.
    day: Option<NaiveDate>,
    errors: Errors,
    breakdowns: Vec<Breakdown>,
    zone: Tz,
}

impl DashboardPage<'_> {
    fn moment(&self) -> String {
        let d = self.dashboard;
        match (&d.source, &d.period) {
            (Source::Snapshot, Some(p)) => {
                format!("{}, as it stood when the period closed", p.name)
            }
            (Source::History, _) => format!(
                "As at the end of {}",
                labels::long_date(
                    self.day
                        .or(d.period.as_ref().map(|p| p.ends_on))
                        .unwrap_or_else(|| d.as_at.with_timezone(&self.zone).date_naive())
                )
            ),
            _ => format!("Now ({})", crate::web::format::moment(&d.as_at, &self.zone)),
        }
    }

    fn chart_id(&self, group: &usize, index: &usize) -> String {
        format!("indicator-{group}-{index}")
    }

    fn indicator_chart(&self, id: &str, indicator: &IndicatorSummary) -> Svg {
        charts::of_indicator(id, indicator)
    }

    fn value(&self, indicator: &IndicatorSummary, value: &rust_decimal::Decimal) -> String {
        labels::value_label(indicator.unit, *value)
    }

    fn day(&self, day: &NaiveDate) -> String {
        labels::long_date(*day)
    }

    fn trajectory(&self, indicator: &IndicatorSummary) -> &'static str {
        labels::trajectory_label(indicator.figures.trajectory)
    }

    fn is_chosen(&self, period: &PeriodView) -> bool {
        self.chosen_period == Some(period.id)
    }
}

/// The dashboard of the newest active strategy the user can read.
async fn choose(state: Data<AppState>, signed: SignedIn) -> Result<HttpResponse, PageError> {
    let strategies = readable_strategies(&state, &signed.ctx).await?;
    let newest = newest(&strategies)
        .ok_or_else(|| AppError::NotFound("there is no strategy to review yet".into()))?;
    Ok(see_other(&address(newest.id, &MomentQuery::default())))
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    reads: ReadPool,
    id: Path<Uuid>,
    view: Query<View>,
) -> Result<HttpResponse, PageError> {
    let strategy_id = *id;
    let mut errors = Errors::none();
    let mut date = DateParts::default();
    // The "as at" form's boxes: a real date becomes the canonical address.
    if let Some(typed) = view.typed_date() {
        match typed.parse("the date to view") {
            Ok(day) => {
                let moment = MomentQuery {
                    as_at: Some(day),
                    period_id: None,
                };
                return Ok(see_other(&address(strategy_id, &moment)));
            }
            Err(message) => errors.add("as_at", message),
        }
        date = typed;
    }
    let mut moment = view.moment().unwrap_or_else(|message| {
        errors.add("as_at", message);
        MomentQuery::default()
    });
    if let Some(day) = moment.as_at {
        date = DateParts::of(day);
    }
    let query = DashboardQuery::default();
    let dashboard = match review::dashboard(
        &reads,
        &signed.ctx,
        strategy_id,
        &moment,
        &query,
        state.stale_days,
    )
    .await
    {
        // A moment the service cannot show (a future day): say so on the
        // page and show now.
        Err(AppError::BadRequest(message)) => {
            errors.add("as_at", crate::web::forms::sentence(&message));
            moment = MomentQuery::default();
            review::dashboard(
                &reads,
                &signed.ctx,
                strategy_id,
                &moment,
                &query,
                state.stale_days,
            )
            .await?
        }
        other => other?,
    };
    let periods = periods::list(&reads, &signed.ctx, strategy_id).await?;
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let data = DashboardPage {
        chrome: chrome(&signed, Section::Dashboard, &Done::default()),
        breakdowns: charts::of_review(&dashboard.review),
        dashboard: &dashboard,
        strategy_id,
        periods,
        chosen_period: moment.period_id,
        date,
        day: moment.as_at,
        errors,
        zone: state.clock.zone(),
    };
    Ok(page(status, &data)?)
}
