//! An indicator: its series of values, and the form its owning
//! organisation records a value with (a total, and a breakdown table when
//! the indicator is broken down, say by district).

use std::str::FromStr;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Done, chrome, first};
use crate::domain::AllowedAction;
use crate::domain::indicators::Part;
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::report::labels;
use crate::services::Ctx;
use crate::services::indicators::{self, IndicatorValueView, IndicatorView, RecordValue};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{DateParts, Errors, given};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/indicators/{id}", web::get().to(show))
        .route("/indicators/{id}", web::post().to(record));
}

/// The record form as typed. Breakdown boxes are named `part-<n>`, in the
/// order of the indicator's categories.
#[derive(Debug, Default)]
struct ValueForm {
    date: DateParts,
    value: String,
    parts: Vec<String>,
    source: String,
    note: String,
    deliberate: bool,
}

impl ValueForm {
    fn from_fields(fields: &[(String, String)]) -> ValueForm {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut parts: Vec<(usize, String)> = fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("part-")?.parse().ok()?, v.clone())))
            .collect();
        parts.sort_by_key(|(i, _)| *i);
        ValueForm {
            date: DateParts::new(get("as_of-day"), get("as_of-month"), get("as_of-year")),
            value: get("value"),
            parts: parts.into_iter().map(|(_, v)| v).collect(),
            source: get("source"),
            note: get("note"),
            deliberate: get("deliberate") == "yes",
        }
    }

    fn part(&self, i: impl std::borrow::Borrow<usize>) -> &str {
        self.parts.get(*i.borrow()).map_or("", String::as_str)
    }
}

#[derive(Template)]
#[template(path = "web/indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    indicator: IndicatorView,
    values: Vec<IndicatorValueView>,
    form: ValueForm,
    errors: Errors,
}

impl IndicatorPage {
    fn can_record(&self) -> bool {
        self.indicator
            .allowed_actions
            .contains(&AllowedAction::RecordValue)
    }

    fn value(&self, value: &Decimal) -> String {
        labels::value_label(self.indicator.unit, *value)
    }

    fn date(&self, day: &chrono::NaiveDate) -> String {
        format::date(day)
    }

    fn trajectory(&self) -> &'static str {
        labels::trajectory_label(self.indicator.figures.trajectory)
    }

    fn direction(&self) -> &'static str {
        labels::direction_label(self.indicator.figures.direction_of_travel)
    }
}

async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
) -> Result<(IndicatorView, Vec<IndicatorValueView>), AppError> {
    let indicator = indicators::get(&state.pool, ctx, id).await?;
    let values = indicators::list_values(&state.pool, ctx, id, &first(MAX_LIMIT))
        .await?
        .items;
    Ok((indicator, values))
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let (indicator, values) = load(&state, &signed.ctx, *id).await?;
    let data = IndicatorPage {
        chrome: chrome(&signed, Section::Home, &done),
        form: ValueForm {
            date: DateParts::of(signed.ctx.clock.today()),
            ..Default::default()
        },
        indicator,
        values,
        errors: Errors::none(),
    };
    Ok(page(StatusCode::OK, &data)?)
}

/// A number as typed ("1,204", " 82.5 "), or the GOV.UK message.
fn number(text: &str, what: &str) -> Result<Decimal, String> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    let cleaned = cleaned.trim_end_matches('%').trim_start_matches('£');
    if cleaned.is_empty() {
        return Err(format!("Enter {what}"));
    }
    Decimal::from_str(cleaned).map_err(|_| format!("{} must be a number", capitalised(what)))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn record(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let form = ValueForm::from_fields(&form);
    let (indicator, _) = load(&state, &signed.ctx, *id).await?;
    let mut errors = Errors::none();
    let as_of = form
        .date
        .parse("the date the figure describes")
        .map_err(|m| errors.add("as_of", m))
        .ok();
    let value = number(&form.value, "the total")
        .map_err(|m| errors.add("value", m))
        .ok();
    let mut breakdown = Vec::new();
    for (i, category) in indicator.breakdown_categories.iter().enumerate() {
        let typed = form.part(i);
        if typed.trim().is_empty() {
            continue;
        }
        match number(typed, &format!("the figure for {category}")) {
            Ok(value) => breakdown.push(Part {
                category: category.clone(),
                value,
            }),
            Err(message) => errors.add(&format!("part-{i}"), message),
        }
    }
    if let (Some(as_of), Some(value), false) = (as_of, value, errors.any()) {
        let input = RecordValue {
            period_id: None,
            as_of: Some(as_of),
            value,
            breakdown: (!breakdown.is_empty()).then_some(breakdown),
            source: given(&form.source),
            note: given(&form.note),
            accept_breakdown_mismatch: form.deliberate,
        };
        match indicators::record(&state.pool, &signed.ctx, *id, input).await {
            Ok(_) => return Ok(see_other(&format!("/indicators/{}?done=value#values", *id))),
            Err(error) => {
                for e in Errors::from_refusal(error)?.0 {
                    // The API's way out of a mismatch is a field; here it
                    // is the box below the table.
                    let message = match e.message.split_once("; send accept_breakdown_mismatch") {
                        Some((said, _)) => format!(
                            "{said}. Tick “The parts do not add up on purpose” to record it anyway"
                        ),
                        None => e.message,
                    };
                    errors.add(&e.field, message);
                }
            }
        }
    }
    let (indicator, values) = load(&state, &signed.ctx, *id).await?;
    let data = IndicatorPage {
        chrome: chrome(&signed, Section::Home, &Done::default()),
        indicator,
        values,
        form,
        errors,
    };
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &data)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(number("1,204", "the total"), Ok(Decimal::from(1204)));
        assert_eq!(number(" 82.5% ", "the total"), Ok(Decimal::new(825, 1)));
        assert_eq!(number("", "the total").unwrap_err(), "Enter the total");
        assert_eq!(
            number("lots", "the total").unwrap_err(),
            "The total must be a number"
        );
    }
}
