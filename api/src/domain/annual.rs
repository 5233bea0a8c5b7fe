//! The rules of the annual report to committee and of the six-monthly
//! Local Offer update: which stretch of time they cover, and what of the
//! plan falls due after it.

use chrono::{Datelike, Months, NaiveDate};

use super::half_year::Span;
use super::validation::FieldError;

/// The longest stretch a committee paper covers, in months: a strategy
/// runs for three years, and the last annual report may look back on all
/// of it.
pub const MAX_MONTHS: u32 = 36;

/// How far ahead "next steps" look from the end of the stretch, in months:
/// to the next paper of the six-monthly cycle.
pub const AHEAD_MONTHS: u32 = 6;

/// How many whole months a Local Offer update covers by default.
pub const LOCAL_OFFER_MONTHS: u32 = 6;

/// A calendar year, 1 January to 31 December; `None` for a year chrono
/// cannot hold.
pub fn year(year: i32) -> Option<Span> {
    Some(Span {
        from: NaiveDate::from_ymd_opt(year, 1, 1)?,
        to: NaiveDate::from_ymd_opt(year, 12, 31)?,
    })
}

/// Checks a stretch given for a paper: `from` not after `to`, `to` not
/// after `today`, and at most [`MAX_MONTHS`] between them. `field` names
/// the parameter a wrong `to` came from (`to`, or `year`).
pub fn check(
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    field: &str,
) -> Result<Span, Vec<FieldError>> {
    let mut errors = Vec::new();
    if from > to {
        errors.push(FieldError::new("from", "must be on or before to"));
    }
    if to > today {
        errors.push(FieldError::new(field, "must not end in the future"));
    }
    let within = from
        .checked_add_months(Months::new(MAX_MONTHS))
        .is_none_or(|limit| to < limit);
    if from <= to && !within {
        errors.push(FieldError::new(
            field,
            format!("must be within {MAX_MONTHS} months of from"),
        ));
    }
    if errors.is_empty() {
        Ok(Span { from, to })
    } else {
        Err(errors)
    }
}

/// The first day of the month `day` falls in.
fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// The `months` whole months that end with the last whole month before
/// `today`: on 3 December 2026, six months are 1 June to 30 November.
pub fn whole_months_before(today: NaiveDate, months: u32) -> Span {
    let this_month = month_start(today);
    Span {
        from: this_month - Months::new(months),
        to: this_month.pred_opt().expect("a day before"),
    }
}

/// The last whole calendar year before `today`.
pub fn last_whole_year(today: NaiveDate) -> Span {
    year(today.year() - 1).expect("last year is a year")
}

/// Whether a stretch is exactly one calendar year, so a paper can be
/// named by its year.
pub fn calendar_year(span: Span) -> Option<i32> {
    (year(span.from.year()) == Some(span)).then_some(span.from.year())
}

/// The days after `to` that "next steps" look at: the day after it to
/// [`AHEAD_MONTHS`] later.
pub fn ahead_of(to: NaiveDate) -> Span {
    let from = to.succ_opt().unwrap_or(to);
    Span {
        from,
        to: to
            .checked_add_months(Months::new(AHEAD_MONTHS))
            .unwrap_or(to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_year_runs_from_january_to_december() {
        let span = year(2024).unwrap();
        assert_eq!((span.from, span.to), (day("2024-01-01"), day("2024-12-31")));
        assert_eq!(calendar_year(span), Some(2024));
        let april = Span {
            from: day("2024-04-01"),
            to: day("2025-03-31"),
        };
        assert_eq!(calendar_year(april), None);
        assert_eq!(year(i32::MAX), None);
    }

    #[test]
    fn a_stretch_is_checked_for_order_the_future_and_length() {
        let today = day("2026-12-03");
        assert!(check(day("2024-01-01"), day("2024-12-31"), today, "to").is_ok());
        assert!(check(day("2023-12-04"), day("2026-12-03"), today, "to").is_ok());
        let too_long = check(day("2023-12-03"), day("2026-12-03"), today, "to");
        assert_eq!(fields(too_long.unwrap_err()), vec!["to"]);
        let reversed = check(day("2024-02-01"), day("2024-01-01"), today, "to");
        assert_eq!(fields(reversed.unwrap_err()), vec!["from"]);
        let future = check(day("2026-01-01"), day("2026-12-31"), today, "year");
        assert_eq!(fields(future.unwrap_err()), vec!["year"]);
    }

    #[test]
    fn defaults_are_whole_months_and_whole_years() {
        let six = whole_months_before(day("2026-12-03"), 6);
        assert_eq!((six.from, six.to), (day("2026-06-01"), day("2026-11-30")));
        let six = whole_months_before(day("2026-03-31"), 6);
        assert_eq!((six.from, six.to), (day("2025-09-01"), day("2026-02-28")));
        let last = last_whole_year(day("2026-12-03"));
        assert_eq!((last.from, last.to), (day("2025-01-01"), day("2025-12-31")));
    }

    #[test]
    fn next_steps_look_six_months_ahead() {
        let ahead = ahead_of(day("2024-12-31"));
        assert_eq!(
            (ahead.from, ahead.to),
            (day("2025-01-01"), day("2025-06-30"))
        );
    }
}
