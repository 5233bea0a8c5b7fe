//! Reports to download: the board report or the young people's version, in
//! any of its formats, now, as at a day or for a period, of the whole plan
//! or of one organisation's part (for its own governance); and the
//! six-monthly report to the young people's council, for two closed
//! periods or from one day to another; and the committee's papers, the
//! annual report and the Local Offer update.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use actix_web::web::{self, Data, Query};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use super::committee_papers::{self, PaperChoice, Which};
use super::six_monthly::{self, HalfYearChoice};
use super::{Done, chrome, newest, readable_strategies};
use crate::error::AppError;
use crate::report::annual as annual_report;
use crate::report::half_year as half_year_report;
use crate::report::{self, Audience, Format};
use crate::services::periods::{self, PeriodView};
use crate::services::review::{self, MomentQuery};
use crate::services::strategies::StrategyView;
use crate::state::AppState;
use crate::web::format::{Chrome, Section};
use crate::web::forms::{DateParts, Errors, sentence};
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/reports", web::get().to(show))
        .route("/reports/download", web::get().to(download))
        .route("/reports/half-year", web::get().to(download_half_year))
        .route("/reports/committee", web::get().to(download_paper));
}

/// The choices of the report form, as sent (a GET form: the address of a
/// download says what it holds and can be shared).
#[derive(Debug, Default, Deserialize)]
pub struct Choice {
    #[serde(default)]
    strategy_id: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    format: Option<String>,
    /// `now`, `period` or `date`.
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    period_id: Option<String>,
    #[serde(default, rename = "as_at-day")]
    day: String,
    #[serde(default, rename = "as_at-month")]
    month: String,
    #[serde(default, rename = "as_at-year")]
    year: String,
    #[serde(default)]
    organisation_id: Option<String>,
}

/// A report to render, once the choices are read.
struct Chosen {
    strategy_id: Uuid,
    audience: Audience,
    format: Format,
    moment: MomentQuery,
    organisation_id: Option<Uuid>,
}

impl Choice {
    fn text(field: &Option<String>) -> &str {
        field.as_deref().unwrap_or("").trim()
    }

    fn when(&self) -> &str {
        match Self::text(&self.when) {
            "" => "now",
            other => other,
        }
    }

    fn read(&self, errors: &mut Errors) -> Option<Chosen> {
        let strategy_id = Self::text(&self.strategy_id).parse::<Uuid>().ok();
        if strategy_id.is_none() {
            errors.add("strategy_id", "Choose the strategy to report on");
        }
        let audience = match Self::text(&self.audience) {
            "" | "board" => Some(Audience::Board),
            "young_people" => Some(Audience::YoungPeople),
            _ => None,
        };
        if audience.is_none() {
            errors.add("audience", "Choose whom the report is for");
        }
        let format = match Self::text(&self.format) {
            "" | "html" => Some(Format::Html),
            "md" => Some(Format::Md),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        };
        if format.is_none() {
            errors.add("format", "Choose a format");
        }
        let mut moment = MomentQuery::default();
        match self.when() {
            "now" => {}
            "period" => match Self::text(&self.period_id).parse::<Uuid>() {
                Ok(id) => moment.period_id = Some(id),
                Err(_) => errors.add("period_id", "Choose a reporting period"),
            },
            "date" => match self.date().parse("the day the report describes") {
                Ok(day) => moment.as_at = Some(day),
                Err(message) => errors.add("as_at", message),
            },
            _ => errors.add("when", "Choose when the report describes"),
        }
        let organisation_id = match Self::text(&self.organisation_id) {
            "" => None,
            text => match text.parse::<Uuid>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("organisation_id", "Choose an organisation from the list");
                    None
                }
            },
        };
        if errors.any() {
            return None;
        }
        Some(Chosen {
            strategy_id: strategy_id?,
            audience: audience?,
            format: format?,
            moment,
            organisation_id,
        })
    }

    fn date(&self) -> DateParts {
        DateParts::new(self.day.clone(), self.month.clone(), self.year.clone())
    }
}

#[derive(Template)]
#[template(path = "web/reports.html")]
struct ReportsPage {
    chrome: Chrome,
    strategies: Vec<StrategyView>,
    strategy: StrategyView,
    periods: Vec<PeriodView>,
    choice: Choice,
    date: DateParts,
    /// The signed-in member's organisation, offered first.
    own_organisation: Option<Uuid>,
    /// Whom the six-monthly report is for, by name.
    council: String,
    half_year: HalfYearChoice,
    from_date: DateParts,
    to_date: DateParts,
    /// The committee papers' form.
    paper: PaperChoice,
    /// The year the annual report is for: as sent, or last year.
    paper_year: String,
    errors: Errors,
}

impl ReportsPage {
    fn is(&self, field: &Option<String>, value: &str, default: bool) -> bool {
        match Choice::text(field) {
            "" => default,
            chosen => chosen == value,
        }
    }

    fn when_is(&self, value: &str) -> bool {
        self.choice.when() == value
    }

    fn period_chosen(&self, period: &PeriodView) -> bool {
        Choice::text(&self.choice.period_id) == period.id.to_string()
    }

    /// The strategy's partners, the user's own organisation first.
    fn organisations(&self) -> Vec<(Uuid, &str, bool)> {
        let mut list: Vec<(Uuid, &str, bool)> = self
            .strategy
            .partners
            .iter()
            .map(|o| (o.id, o.name.as_str(), Some(o.id) == self.own_organisation))
            .collect();
        list.sort_by_key(|(_, _, own)| !own);
        list
    }

    fn organisation_chosen(&self, id: &Uuid) -> bool {
        Choice::text(&self.choice.organisation_id) == id.to_string()
    }

    /// The closed periods, latest first: the six-monthly report covers
    /// closed periods only.
    fn closed_periods(&self) -> Vec<&PeriodView> {
        self.periods
            .iter()
            .rev()
            .filter(|p| p.closed_at.is_some())
            .collect()
    }

    fn half_year_is(&self, value: &str) -> bool {
        self.half_year
            .range_is(value, !self.closed_periods().is_empty())
    }

    fn half_year_period(&self, period: &PeriodView, last: &bool) -> bool {
        self.half_year
            .period_chosen(period, *last, &self.closed_periods())
    }

    fn half_year_format_is(&self, value: &str, default: &bool) -> bool {
        self.is(&self.half_year.report_format, value, *default)
    }
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    choice: Choice,
    errors: Errors,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let forms = (HalfYearChoice::default(), PaperChoice::default());
    render_with(state, signed, choice, forms, errors, status).await
}

/// The page with its forms as chosen, and what was wrong with any.
async fn render_with(
    state: &AppState,
    signed: &SignedIn,
    choice: Choice,
    (half_year, paper): (HalfYearChoice, PaperChoice),
    errors: Errors,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let strategies = readable_strategies(state, &signed.ctx).await?;
    let chosen = Choice::text(&choice.strategy_id).parse::<Uuid>().ok();
    let strategy = strategies
        .iter()
        .find(|s| Some(s.id) == chosen)
        .or_else(|| newest(&strategies))
        .cloned()
        .ok_or_else(|| AppError::NotFound("there is no strategy to report on yet".into()))?;
    let periods = periods::list(&state.pool, &signed.ctx, strategy.id).await?;
    let council = review::half_year::council(&state.pool, &signed.ctx, strategy.id)
        .await?
        .map_or_else(
            || "the young people's council".to_owned(),
            |c| c.short_name.unwrap_or(c.name),
        );
    let data = ReportsPage {
        chrome: chrome(signed, Section::Reports, &Done::default()),
        date: choice.date(),
        own_organisation: signed.ctx.actor.organisation_id(),
        council,
        from_date: half_year.from(),
        to_date: half_year.to(),
        half_year,
        paper_year: match paper.year() {
            "" => (signed.ctx.clock.today().year() - 1).to_string(),
            sent => sent.to_owned(),
        },
        paper,
        strategies,
        strategy,
        periods,
        choice,
        errors,
    };
    Ok(page(status, &data)?)
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    choice: Query<Choice>,
) -> Result<HttpResponse, PageError> {
    render(
        &state,
        &signed,
        choice.into_inner(),
        Errors::none(),
        StatusCode::OK,
    )
    .await
}

async fn download(
    state: Data<AppState>,
    signed: SignedIn,
    choice: Query<Choice>,
) -> Result<HttpResponse, PageError> {
    let choice = choice.into_inner();
    let mut errors = Errors::none();
    let Some(chosen) = choice.read(&mut errors) else {
        return render(&state, &signed, choice, errors, StatusCode::BAD_REQUEST).await;
    };
    let full = match review::report(
        &state.pool,
        &signed.ctx,
        chosen.strategy_id,
        &chosen.moment,
        chosen.organisation_id,
    )
    .await
    {
        Ok(full) => full,
        // A day still to come, or a period of another strategy: said on the
        // form, with the choices kept.
        Err(AppError::BadRequest(message)) | Err(AppError::NotFound(message))
            if chosen.moment.as_at.is_some() || chosen.moment.period_id.is_some() =>
        {
            let field = if chosen.moment.as_at.is_some() {
                "as_at"
            } else {
                "period_id"
            };
            errors.add(field, sentence(&message));
            return render(&state, &signed, choice, errors, StatusCode::BAD_REQUEST).await;
        }
        Err(error) => {
            errors = Errors::from_refusal(error)?;
            return render(
                &state,
                &signed,
                choice,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let rendered = report::render(&full, chosen.audience, chosen.format)?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_TYPE, rendered.content_type));
    response.insert_header((
        header::CONTENT_DISPOSITION,
        format!(
            "attachment; filename=\"{}\"",
            file_name(
                full.day,
                chosen.audience,
                chosen.format,
                full.organisation.is_some()
            )
        ),
    ));
    if rendered.self_contained_page {
        response.insert_header((header::CONTENT_SECURITY_POLICY, report::PAGE_POLICY));
    }
    Ok(response.body(rendered.body))
}

/// The six-monthly report to the young people's council, as the API
/// answers it for the same half-year and format.
async fn download_half_year(
    state: Data<AppState>,
    signed: SignedIn,
    choice: Query<HalfYearChoice>,
) -> Result<HttpResponse, PageError> {
    let choice = choice.into_inner();
    let mut errors = Errors::none();
    // The board report's form keeps the strategy chosen.
    let back = |strategy_id: Option<String>| Choice {
        strategy_id,
        ..Choice::default()
    };
    let Some(chosen) = choice.read(&mut errors) else {
        let main = back(choice.strategy_id.clone());
        let forms = (choice, PaperChoice::default());
        return render_with(
            &state,
            &signed,
            main,
            forms,
            errors,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let data = match review::half_year(&state.pool, &signed.ctx, chosen.strategy_id, &chosen.query)
        .await
    {
        Ok(data) => data,
        Err(error) => {
            let status = match &error {
                AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let errors = six_monthly::refusal(error)?;
            let main = back(choice.strategy_id.clone());
            let forms = (choice, PaperChoice::default());
            return render_with(&state, &signed, main, forms, errors, status).await;
        }
    };
    let rendered = half_year_report::render(&data, chosen.format)?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_TYPE, rendered.content_type));
    response.insert_header((
        header::CONTENT_DISPOSITION,
        format!(
            "attachment; filename=\"{}\"",
            six_monthly::file_name(data.from, data.to, chosen.format)
        ),
    ));
    if rendered.self_contained_page {
        response.insert_header((header::CONTENT_SECURITY_POLICY, report::PAGE_POLICY));
    }
    Ok(response.body(rendered.body))
}

/// A committee paper, as the API answers it for the same choices.
async fn download_paper(
    state: Data<AppState>,
    signed: SignedIn,
    choice: Query<PaperChoice>,
) -> Result<HttpResponse, PageError> {
    let choice = choice.into_inner();
    let mut errors = Errors::none();
    let main = Choice {
        strategy_id: choice.strategy_id.clone(),
        ..Choice::default()
    };
    let Some(chosen) = choice.read(&mut errors) else {
        let forms = (HalfYearChoice::default(), choice);
        return render_with(
            &state,
            &signed,
            main,
            forms,
            errors,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let (pool, ctx, id) = (&state.pool, &signed.ctx, chosen.strategy_id);
    let data = match &chosen.which {
        Which::Annual(query) => review::annual(pool, ctx, id, query).await,
        Which::LocalOffer(query) => review::local_offer(pool, ctx, id, query).await,
    };
    let data = match data {
        Ok(data) => data,
        Err(error) => {
            let status = match &error {
                AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let errors = committee_papers::refusal(error)?;
            let forms = (HalfYearChoice::default(), choice);
            return render_with(&state, &signed, main, forms, errors, status).await;
        }
    };
    let file = annual_report::file_name(&data, chosen.audience, chosen.format);
    let rendered = annual_report::render_apart(data, chosen.audience, chosen.format).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_TYPE, rendered.content_type));
    response.insert_header((
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{file}\""),
    ));
    if rendered.self_contained_page {
        response.insert_header((header::CONTENT_SECURITY_POLICY, report::PAGE_POLICY));
    }
    Ok(response.body(rendered.body))
}

/// "board-report-2024-06-30.html", "young-peoples-report-....md"; a part's
/// report says so.
fn file_name(day: NaiveDate, audience: Audience, format: Format, part: bool) -> String {
    let who = match audience {
        Audience::Board => "board-report",
        Audience::YoungPeople => "young-peoples-report",
    };
    let part = if part { "-one-organisation" } else { "" };
    let extension = match format {
        Format::Html => "html",
        Format::Md => "md",
        Format::Csv => "csv",
        Format::Json => "json",
    };
    format!("{who}{part}-{day}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_what_the_file_holds() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert_eq!(
            file_name(day, Audience::Board, Format::Html, false),
            "board-report-2024-06-30.html"
        );
        assert_eq!(
            file_name(day, Audience::YoungPeople, Format::Md, true),
            "young-peoples-report-one-organisation-2024-06-30.md"
        );
    }
}
