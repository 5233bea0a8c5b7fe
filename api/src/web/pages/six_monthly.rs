//! The six-monthly report's part of the reports page: its form's choices
//! (two closed periods, or two days, and a format), read into the
//! service's query; the service's refusals put against the form's fields;
//! the name of the file downloaded.

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::AppError;
use crate::report::half_year::HalfYearFormat;
use crate::services::periods::PeriodView;
use crate::services::review::HalfYearQuery;
use crate::web::forms::{DateParts, Errors, sentence};

/// A choice as sent, without the spaces around it.
fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("").trim()
}

/// The choices of the six-monthly report's form, as sent: two closed
/// periods, or two days.
#[derive(Debug, Default, Deserialize)]
pub struct HalfYearChoice {
    #[serde(default)]
    pub(super) strategy_id: Option<String>,
    /// `periods` or `dates`.
    #[serde(default)]
    half_year: Option<String>,
    #[serde(default)]
    first_period_id: Option<String>,
    #[serde(default)]
    last_period_id: Option<String>,
    #[serde(default, rename = "from-day")]
    from_day: String,
    #[serde(default, rename = "from-month")]
    from_month: String,
    #[serde(default, rename = "from-year")]
    from_year: String,
    #[serde(default, rename = "to-day")]
    to_day: String,
    #[serde(default, rename = "to-month")]
    to_month: String,
    #[serde(default, rename = "to-year")]
    to_year: String,
    #[serde(default)]
    pub(super) report_format: Option<String>,
}

/// A six-monthly report to render, once the choices are read.
pub(super) struct HalfYearChosen {
    pub(super) strategy_id: Uuid,
    pub(super) query: HalfYearQuery,
    pub(super) format: HalfYearFormat,
}

impl HalfYearChoice {
    fn range(&self) -> &str {
        match text(&self.half_year) {
            "" => "periods",
            other => other,
        }
    }

    pub(super) fn from(&self) -> DateParts {
        DateParts::new(
            self.from_day.clone(),
            self.from_month.clone(),
            self.from_year.clone(),
        )
    }

    pub(super) fn to(&self) -> DateParts {
        DateParts::new(
            self.to_day.clone(),
            self.to_month.clone(),
            self.to_year.clone(),
        )
    }

    /// Whether the form offers `value` as the way to give the half-year:
    /// as sent, or periods when any has closed and days otherwise.
    pub(super) fn range_is(&self, value: &str, any_closed: bool) -> bool {
        if text(&self.half_year).is_empty() && !any_closed {
            return value == "dates";
        }
        self.range() == value
    }

    /// Whether a period is chosen as the first or the `last` of the
    /// report: as sent, or by default the last two closed periods
    /// (`closed`, latest first).
    pub(super) fn period_chosen(
        &self,
        period: &PeriodView,
        last: bool,
        closed: &[&PeriodView],
    ) -> bool {
        let sent = if last {
            &self.last_period_id
        } else {
            &self.first_period_id
        };
        match text(sent) {
            "" => {
                let default = if last {
                    closed.first()
                } else {
                    closed.get(1).or(closed.first())
                };
                default.is_some_and(|p| p.id == period.id)
            }
            chosen => chosen == period.id.to_string(),
        }
    }

    pub(super) fn read(&self, errors: &mut Errors) -> Option<HalfYearChosen> {
        let strategy_id = text(&self.strategy_id).parse::<Uuid>().ok();
        if strategy_id.is_none() {
            errors.add("strategy_id", "Choose the strategy to report on");
        }
        let query = match self.range() {
            "periods" => {
                let period = |field: &Option<String>, name: &str, errors: &mut Errors| {
                    let id = text(field).parse::<Uuid>().ok();
                    if id.is_none() {
                        errors.add(name, "Choose a closed reporting period");
                    }
                    id
                };
                let first = period(&self.first_period_id, "first_period_id", errors);
                let last = period(&self.last_period_id, "last_period_id", errors);
                first
                    .zip(last)
                    .map(|(first, last)| HalfYearQuery::periods(&[first, last]))
            }
            "dates" => {
                let from = self.from().parse("the first day of the report");
                let to = self.to().parse("the last day of the report");
                if let Err(message) = &from {
                    errors.add("from", message.clone());
                }
                if let Err(message) = &to {
                    errors.add("to", message.clone());
                }
                match (from, to) {
                    (Ok(from), Ok(to)) => Some(HalfYearQuery::days(from, to)),
                    _ => None,
                }
            }
            _ => {
                errors.add("half_year", "Choose which half-year the report covers");
                None
            }
        };
        let format = match text(&self.report_format) {
            "" | "html" => Some(HalfYearFormat::Html),
            "md" => Some(HalfYearFormat::Md),
            "json" => Some(HalfYearFormat::Json),
            _ => None,
        };
        if format.is_none() {
            errors.add("report_format", "Choose a format");
        }
        Some(HalfYearChosen {
            strategy_id: strategy_id?,
            query: query?,
            format: format?,
        })
    }
}

/// A refusal of the six-monthly report as errors against the form's
/// fields: the periods against the first period, the days against theirs.
pub(super) fn refusal(error: AppError) -> Result<Errors, AppError> {
    let mut errors = Errors::none();
    match error {
        AppError::Validation(refused) => {
            for e in refused {
                let field = match e.field.as_str() {
                    "from" => "from",
                    "to" => "to",
                    _ => "first_period_id",
                };
                // The service names its parameters; the form names days.
                let message = match field {
                    "from" => format!("The first day {}", e.message),
                    "to" => format!("The last day {}", e.message),
                    _ => e.message,
                }
                .replace("before to", "before the last day")
                .replace("of from", "of the first day");
                errors.add(field, sentence(&message));
            }
        }
        AppError::BadRequest(message) => errors.add("half_year", sentence(&message)),
        other => return Err(other),
    }
    Ok(errors)
}

/// "you-said-we-did-2024-10-01-to-2025-03-31.html".
pub(super) fn file_name(from: NaiveDate, to: NaiveDate, format: HalfYearFormat) -> String {
    format!("you-said-we-did-{from}-to-{to}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_says_which_half_year() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(
            file_name(day("2024-10-01"), day("2025-03-31"), HalfYearFormat::Md),
            "you-said-we-did-2024-10-01-to-2025-03-31.md"
        );
    }

    #[test]
    fn refusals_of_days_and_periods_are_put_against_the_form() {
        let errors = refusal(AppError::Validation(vec![
            crate::domain::validation::FieldError::new("from", "must be on or before to"),
            crate::domain::validation::FieldError::new("period_ids", "the periods cover too much"),
        ]))
        .unwrap();
        assert_eq!(
            errors.get("from"),
            Some("The first day must be on or before the last day")
        );
        assert_eq!(
            errors.get("first_period_id"),
            Some("The periods cover too much")
        );
        let bad = refusal(AppError::BadRequest("from must be a date".into())).unwrap();
        assert_eq!(bad.get("half_year"), Some("From must be a date"));
        assert!(refusal(AppError::Forbidden("no".into())).is_err());
    }
}
