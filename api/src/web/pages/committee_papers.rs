//! The committee papers' part of the reports page: the annual report for a
//! year, or the Local Offer update for the last six whole months, for the
//! committee or for young people, as a Word document or a page; the
//! choices read into the service's query, its refusals put against the
//! form's fields.

use serde::Deserialize;
use uuid::Uuid;

use crate::error::AppError;
use crate::report::annual::{AnnualAudience, AnnualFormat};
use crate::services::review::{AnnualQuery, LocalOfferQuery};
use crate::web::forms::{Errors, sentence};

/// A choice as sent, without the spaces around it.
fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("").trim()
}

/// The choices of the committee papers' form, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct PaperChoice {
    #[serde(default)]
    pub(super) strategy_id: Option<String>,
    /// `annual` or `local_offer`.
    #[serde(default)]
    paper: Option<String>,
    #[serde(default)]
    paper_year: Option<String>,
    /// `committee` or `young_people`.
    #[serde(default)]
    paper_audience: Option<String>,
    /// `docx` or `html`.
    #[serde(default)]
    paper_format: Option<String>,
}

/// Which paper, once the choices are read.
pub(super) enum Which {
    Annual(AnnualQuery),
    LocalOffer(LocalOfferQuery),
}

/// A paper to render, once the choices are read.
pub(super) struct PaperChosen {
    pub(super) strategy_id: Uuid,
    pub(super) which: Which,
    pub(super) audience: AnnualAudience,
    pub(super) format: AnnualFormat,
}

impl PaperChoice {
    /// Whether `value` is chosen for `field` (by default when nothing was
    /// sent and `default`).
    pub(super) fn is(&self, field: &str, value: &str, default: bool) -> bool {
        let sent = match field {
            "paper" => &self.paper,
            "paper_audience" => &self.paper_audience,
            _ => &self.paper_format,
        };
        match text(sent) {
            "" => default,
            chosen => chosen == value,
        }
    }

    /// The year as sent.
    pub(super) fn year(&self) -> &str {
        text(&self.paper_year)
    }

    pub(super) fn read(&self, errors: &mut Errors) -> Option<PaperChosen> {
        let strategy_id = text(&self.strategy_id).parse::<Uuid>().ok();
        if strategy_id.is_none() {
            errors.add("strategy_id", "Choose the strategy to report on");
        }
        let which = match text(&self.paper) {
            "" | "annual" => {
                let year = self.year();
                if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) {
                    Some(Which::Annual(AnnualQuery {
                        year: Some(year.to_owned()),
                        ..AnnualQuery::default()
                    }))
                } else {
                    errors.add("paper_year", "Enter the year as four digits, like 2024");
                    None
                }
            }
            "local_offer" => Some(Which::LocalOffer(LocalOfferQuery::default())),
            _ => {
                errors.add("paper", "Choose which paper to write");
                None
            }
        };
        let audience = match text(&self.paper_audience) {
            "" | "committee" => Some(AnnualAudience::Committee),
            "young_people" => Some(AnnualAudience::YoungPeople),
            _ => None,
        };
        if audience.is_none() {
            errors.add("paper_audience", "Choose whom the paper is for");
        }
        let format = match text(&self.paper_format) {
            "" | "docx" => Some(AnnualFormat::Docx),
            "html" => Some(AnnualFormat::Html),
            _ => None,
        };
        if format.is_none() {
            errors.add("paper_format", "Choose a format");
        }
        Some(PaperChosen {
            strategy_id: strategy_id?,
            which: which?,
            audience: audience?,
            format: format?,
        })
    }
}

/// A refusal of the paper as errors against the form's year.
pub(super) fn refusal(error: AppError) -> Result<Errors, AppError> {
    let mut errors = Errors::none();
    match error {
        AppError::Validation(refused) => {
            for e in refused {
                errors.add("paper_year", sentence(&format!("The year {}", e.message)));
            }
        }
        AppError::BadRequest(message) => errors.add("paper_year", sentence(&message)),
        other => return Err(other),
    }
    Ok(errors)
}
