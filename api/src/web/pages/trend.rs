//! The trend across the closed periods: the ratings at each close as
//! stacked bars, and each action's ratings as a row of tags.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Path};
use askama::Template;
use uuid::Uuid;

use super::{Done, chrome};
use crate::http::read_after::ReadPool;
use crate::report::charts::{Breakdown, Line};
use crate::services::review::{self, Trend};
use crate::web::format::{Chrome, Section};
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/strategies/{id}/trend", web::get().to(show));
}

#[derive(Template)]
#[template(path = "web/trend.html")]
struct TrendPage {
    chrome: Chrome,
    trend: Trend,
    strategy_id: Uuid,
    by_period: Breakdown,
}

/// The closed periods as lines of a breakdown, oldest first.
fn by_period(trend: &Trend) -> Breakdown {
    let lines = trend
        .periods
        .iter()
        .map(|p| Line {
            short: p.period.name.clone(),
            name: p.period.name.clone(),
            href: None,
            counts: p.counts.clone(),
        })
        .collect();
    Breakdown::new(
        "by-period",
        "Ratings at the close of each period",
        "Period",
        lines,
    )
}

async fn show(
    signed: SignedIn,
    reads: ReadPool,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let strategy_id = *id;
    let trend = review::trend(&reads, &signed.ctx, strategy_id).await?;
    let data = TrendPage {
        chrome: chrome(&signed, Section::Dashboard, &Done::default()),
        by_period: by_period(&trend),
        trend,
        strategy_id,
    };
    Ok(page(StatusCode::OK, &data)?)
}
