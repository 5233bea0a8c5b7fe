//! The rules of the six-monthly report to the young people's council:
//! which stretch of time it covers (closed reporting periods, or two
//! days), and which of their priorities belong in it.

use chrono::{Months, NaiveDate};
use uuid::Uuid;

use super::validation::FieldError;

/// The longest stretch a report covers, in months.
pub const MAX_MONTHS: u32 = 12;

/// How many closed periods the report covers when none are named: two
/// quarters make a half-year.
pub const DEFAULT_PERIODS: usize = 2;

/// A reporting period, as these rules see it.
#[derive(Debug, Clone)]
pub struct PeriodFacts {
    pub id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub closed: bool,
}

/// The stretch a report covers, from the first day to the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Whether `to` is no more than [`MAX_MONTHS`] after `from`: 1 April to 31
/// March is a year, 1 April to 1 April is longer.
pub fn within_a_year(from: NaiveDate, to: NaiveDate) -> bool {
    from.checked_add_months(Months::new(MAX_MONTHS))
        .is_none_or(|limit| to < limit)
}

/// Checks two days given for a report: `from` not after `to`, `to` not
/// after `today`, and at most a year between them.
pub fn check_days(
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Span, Vec<FieldError>> {
    let mut errors = Vec::new();
    if from > to {
        errors.push(FieldError::new("from", "must be on or before to"));
    }
    if to > today {
        errors.push(FieldError::new("to", "must not be in the future"));
    }
    if from <= to && !within_a_year(from, to) {
        errors.push(FieldError::new(
            "to",
            format!("must be within {MAX_MONTHS} months of from"),
        ));
    }
    if errors.is_empty() {
        Ok(Span { from, to })
    } else {
        Err(errors)
    }
}

/// The periods named for a report, each a closed period of the strategy
/// (`periods` holds the strategy's own), and the stretch from the
/// earliest start to the latest end, at most a year. The last of the
/// returned periods is the one that ends latest: the report shows the
/// state it closed with.
pub fn named_periods<'a>(
    named: &[Uuid],
    periods: &'a [PeriodFacts],
) -> Result<(Span, Vec<&'a PeriodFacts>), Vec<FieldError>> {
    const FIELD: &str = "period_ids";
    let mut errors = Vec::new();
    let mut chosen: Vec<&PeriodFacts> = Vec::new();
    for id in named {
        match periods.iter().find(|p| p.id == *id) {
            None => errors.push(FieldError::new(
                FIELD,
                format!("{id} is not a reporting period of this strategy"),
            )),
            Some(p) if !p.closed => errors.push(FieldError::new(
                FIELD,
                format!(
                    "{} is still open: the report covers closed periods only",
                    p.name
                ),
            )),
            Some(p) if chosen.iter().any(|c| c.id == p.id) => {}
            Some(p) => chosen.push(p),
        }
    }
    if chosen.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(FIELD, "must name at least one period"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    chosen.sort_by_key(|p| (p.ends_on, p.starts_on));
    let from = chosen.iter().map(|p| p.starts_on).min().expect("not empty");
    let to = chosen.last().expect("not empty").ends_on;
    if !within_a_year(from, to) {
        return Err(vec![FieldError::new(
            FIELD,
            format!(
                "the periods cover {from} to {to}, more than {MAX_MONTHS} months: choose periods within a year"
            ),
        )]);
    }
    Ok((Span { from, to }, chosen))
}

/// The periods a report covers when none are named: the last
/// [`DEFAULT_PERIODS`] closed ones.
pub fn default_periods(periods: &[PeriodFacts]) -> Vec<Uuid> {
    let mut closed: Vec<&PeriodFacts> = periods.iter().filter(|p| p.closed).collect();
    closed.sort_by_key(|p| (p.ends_on, p.starts_on));
    let skip = closed.len().saturating_sub(DEFAULT_PERIODS);
    closed.into_iter().skip(skip).map(|p| p.id).collect()
}

/// Whether a day falls in the stretch.
pub fn contains(span: Span, day: NaiveDate) -> bool {
    span.from <= day && day <= span.to
}

/// Whether a priority belongs in the report: raised in the stretch, or
/// answered in it (`answered_on`: the days of its answers, where the board
/// is).
pub fn priority_belongs(
    span: Span,
    raised_on: NaiveDate,
    mut answered_on: impl Iterator<Item = NaiveDate>,
) -> bool {
    contains(span, raised_on) || answered_on.any(|day| contains(span, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn quarter(n: u128, starts: &str, ends: &str, closed: bool) -> PeriodFacts {
        PeriodFacts {
            id: Uuid::from_u128(n),
            name: format!("Q{n}"),
            starts_on: day(starts),
            ends_on: day(ends),
            closed,
        }
    }

    fn year() -> Vec<PeriodFacts> {
        vec![
            quarter(1, "2024-04-01", "2024-06-30", true),
            quarter(2, "2024-07-01", "2024-09-30", true),
            quarter(3, "2024-10-01", "2024-12-31", true),
            quarter(4, "2025-01-01", "2025-03-31", true),
            quarter(5, "2025-04-01", "2025-06-30", false),
        ]
    }

    #[test]
    fn a_year_is_at_most_twelve_months() {
        assert!(within_a_year(day("2024-04-01"), day("2025-03-31")));
        assert!(!within_a_year(day("2024-04-01"), day("2025-04-01")));
        assert!(within_a_year(day("2024-10-01"), day("2024-10-01")));
    }

    #[test]
    fn days_are_checked_in_order_and_against_today() {
        let today = day("2025-05-01");
        assert_eq!(
            check_days(day("2024-10-01"), day("2025-03-31"), today),
            Ok(Span {
                from: day("2024-10-01"),
                to: day("2025-03-31")
            })
        );
        let fields = |errors: Vec<FieldError>| -> Vec<String> {
            errors.into_iter().map(|e| e.field).collect()
        };
        assert_eq!(
            fields(check_days(day("2025-03-31"), day("2024-10-01"), today).unwrap_err()),
            vec!["from"]
        );
        assert_eq!(
            fields(check_days(day("2025-03-01"), day("2025-06-01"), today).unwrap_err()),
            vec!["to"]
        );
        assert_eq!(
            fields(check_days(day("2023-01-01"), day("2025-03-31"), today).unwrap_err()),
            vec!["to"]
        );
    }

    #[test]
    fn named_periods_span_the_earliest_start_to_the_latest_end() {
        let periods = year();
        let (span, chosen) =
            named_periods(&[Uuid::from_u128(4), Uuid::from_u128(3)], &periods).unwrap();
        assert_eq!(span.from, day("2024-10-01"));
        assert_eq!(span.to, day("2025-03-31"));
        assert_eq!(chosen.last().unwrap().id, Uuid::from_u128(4), "latest last");
        let (whole, _) =
            named_periods(&[Uuid::from_u128(1), Uuid::from_u128(4)], &periods).unwrap();
        assert_eq!(
            (whole.from, whole.to),
            (day("2024-04-01"), day("2025-03-31"))
        );
    }

    #[test]
    fn open_unknown_and_too_long_periods_are_refused() {
        let mut periods = year();
        let open = named_periods(&[Uuid::from_u128(5)], &periods).unwrap_err();
        assert!(open[0].message.contains("Q5 is still open"), "{open:?}");
        let unknown = named_periods(&[Uuid::from_u128(9)], &periods).unwrap_err();
        assert!(
            unknown[0]
                .message
                .contains("not a reporting period of this strategy")
        );
        assert_eq!(unknown[0].field, "period_ids");
        periods.push(quarter(6, "2025-07-01", "2025-09-30", true));
        let long = named_periods(&[Uuid::from_u128(1), Uuid::from_u128(6)], &periods).unwrap_err();
        assert!(long[0].message.contains("more than 12 months"), "{long:?}");
        assert!(named_periods(&[], &periods).is_err());
    }

    #[test]
    fn by_default_the_last_two_closed_periods() {
        assert_eq!(
            default_periods(&year()),
            vec![Uuid::from_u128(3), Uuid::from_u128(4)]
        );
        assert_eq!(default_periods(&year()[..1]), vec![Uuid::from_u128(1)]);
        assert!(default_periods(&year()[4..]).is_empty());
    }

    #[test]
    fn a_priority_belongs_when_raised_or_answered_in_the_stretch() {
        let span = Span {
            from: day("2024-10-01"),
            to: day("2025-03-31"),
        };
        assert!(priority_belongs(
            span,
            day("2024-10-01"),
            std::iter::empty()
        ));
        assert!(priority_belongs(
            span,
            day("2024-06-11"),
            [day("2024-07-16"), day("2024-12-10")].into_iter()
        ));
        assert!(!priority_belongs(
            span,
            day("2024-03-12"),
            [day("2024-04-23"), day("2024-09-30")].into_iter()
        ));
        assert!(!priority_belongs(
            span,
            day("2025-04-01"),
            std::iter::empty()
        ));
    }
}
