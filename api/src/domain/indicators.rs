//! Impact indicators: what a value may be, and what is derived from a
//! series of values — the latest, the change, the direction of travel and
//! whether it is on track against a straight line from baseline to target.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::review::Direction;
use super::validation::{FieldError, NAME_MAX};

text_enum! {
    /// What an indicator counts.
    pub enum Unit {
        Percent => "percent",
        Count => "count",
        Money => "money",
        Days => "days",
    }
}

impl Unit {
    /// Whether the parts of a breakdown add up to the whole: counts and sums
    /// of money do; percentages and averages of days do not.
    pub fn is_additive(self) -> bool {
        matches!(self, Unit::Count | Unit::Money)
    }
}

text_enum! {
    /// Which way is better.
    pub enum Polarity {
        HigherIsBetter => "higher_is_better",
        LowerIsBetter => "lower_is_better",
    }
}

impl Polarity {
    /// Whether `value` is at least as good as `than`.
    fn at_least_as_good(self, value: Decimal, than: Decimal) -> bool {
        match self {
            Polarity::HigherIsBetter => value >= than,
            Polarity::LowerIsBetter => value <= than,
        }
    }
}

/// Where the latest value stands against the straight line from baseline to
/// target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trajectory {
    /// At or beyond the target.
    TargetMet,
    /// At or beyond where the straight line says it should be by the
    /// latest value's date.
    OnTrack,
    /// Behind the straight line.
    OffTrack,
    /// No value recorded yet.
    NoData,
}

/// Decimals travel as JSON numbers, whole ones as integers (80, not 80.0),
/// and are read from numbers (or numeric strings).
pub mod json_number {
    use rust_decimal::Decimal;
    use rust_decimal::prelude::ToPrimitive;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        let value = value.normalize();
        match value.to_i64() {
            Some(whole) if value.scale() == 0 => serializer.serialize_i64(whole),
            _ => serializer.serialize_f64(value.to_f64().unwrap_or_default()),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        <Decimal as Deserialize>::deserialize(deserializer)
    }

    pub mod option {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(
            value: &Option<Decimal>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => super::serialize(value, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Decimal>, D::Error> {
            Option::<Decimal>::deserialize(deserializer)
        }
    }
}

/// Values are kept to this many decimal places...
pub const MAX_DECIMALS: u32 = 4;

/// Most categories a breakdown dimension may have, and most parts a value.
pub const MAX_CATEGORIES: usize = 100;

/// ...and below this size, which keeps every value exact as a JSON number.
pub fn value_limit() -> Decimal {
    Decimal::new(100_000_000_000, 0)
}

/// Checks that a value (a total, a part, a baseline or a target) makes
/// sense in its unit. Returns what is wrong, in plain words.
pub fn check_value(unit: Unit, value: Decimal) -> Result<(), String> {
    if value.normalize().scale() > MAX_DECIMALS {
        return Err(format!("must have at most {MAX_DECIMALS} decimal places"));
    }
    if value.abs() >= value_limit() {
        return Err("must be less than 100,000,000,000 in size".into());
    }
    match unit {
        Unit::Percent if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED => {
            Err("a percentage must be between 0 and 100".into())
        }
        Unit::Count if value < Decimal::ZERO || !value.fract().is_zero() => {
            Err("a count must be a whole number, not negative".into())
        }
        Unit::Days if value < Decimal::ZERO => Err("a number of days must not be negative".into()),
        _ => Ok(()),
    }
}

/// A target must not be worse than the baseline it starts from.
pub fn check_target(polarity: Polarity, baseline: Decimal, target: Decimal) -> Result<(), String> {
    if polarity.at_least_as_good(target, baseline) {
        Ok(())
    } else {
        Err(match polarity {
            Polarity::HigherIsBetter => "must not be below the baseline when higher is better",
            Polarity::LowerIsBetter => "must not be above the baseline when lower is better",
        }
        .into())
    }
}

/// One part of a value's breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Part {
    /// One of the indicator's categories.
    #[schema(example = "Ashfield")]
    pub category: String,
    #[schema(value_type = f64, example = 12)]
    #[serde(with = "json_number")]
    pub value: Decimal,
}

/// The sum of a breakdown's parts, where parts of this unit add up.
pub fn breakdown_sum(unit: Unit, parts: &[Part]) -> Option<Decimal> {
    (unit.is_additive() && !parts.is_empty()).then(|| parts.iter().map(|p| p.value).sum())
}

/// Whether a breakdown's parts fail to add up to its stated total.
pub fn breakdown_mismatch(unit: Unit, total: Decimal, parts: &[Part]) -> bool {
    breakdown_sum(unit, parts).is_some_and(|sum| sum != total)
}

/// Checks a breakdown against what the indicator allows: a dimension, its
/// categories (when it lists them), each named once, each value sensible.
pub fn check_parts(
    unit: Unit,
    dimension: Option<&str>,
    categories: &[String],
    parts: &[Part],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if parts.is_empty() {
        return errors;
    }
    if dimension.is_none() {
        errors.push(FieldError::new(
            "breakdown",
            "this indicator has no breakdown dimension; record the total only",
        ));
        return errors;
    }
    let mut seen = HashSet::new();
    for (i, part) in parts.iter().enumerate() {
        let name = part.category.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control)
        {
            errors.push(FieldError::new(
                format!("breakdown[{i}].category"),
                format!("must be a name of 1 to {NAME_MAX} characters"),
            ));
        } else if !categories.is_empty() && !categories.contains(&part.category) {
            errors.push(FieldError::new(
                format!("breakdown[{i}].category"),
                format!("must be one of {}", categories.join(", ")),
            ));
        } else if !seen.insert(part.category.as_str()) {
            errors.push(FieldError::new(
                format!("breakdown[{i}].category"),
                "appears more than once",
            ));
        }
        if let Err(message) = check_value(unit, part.value) {
            errors.push(FieldError::new(format!("breakdown[{i}].value"), message));
        }
    }
    errors
}

/// A breakdown whose parts do not add up to the total is a mistake unless
/// the recorder says it is not (some records have no district, say).
pub fn check_total(
    unit: Unit,
    total: Decimal,
    parts: &[Part],
    accepted: bool,
) -> Option<FieldError> {
    let sum = breakdown_sum(unit, parts)?;
    (sum != total && !accepted).then(|| {
        FieldError::new(
            "breakdown",
            format!(
                "the parts add up to {}, not the total {}; send accept_breakdown_mismatch: true to record it anyway",
                sum.normalize(),
                total.normalize()
            ),
        )
    })
}

/// Puts parts in the order of the indicator's categories (when it lists
/// them), so every value of an indicator reads the same way.
pub fn in_category_order(categories: &[String], mut parts: Vec<Part>) -> Vec<Part> {
    if !categories.is_empty() {
        parts.sort_by_key(|p| categories.iter().position(|c| *c == p.category));
    }
    parts
}

/// A value at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Point {
    pub date: NaiveDate,
    #[schema(value_type = f64)]
    #[serde(with = "json_number")]
    pub value: Decimal,
}

/// What an indicator aims for.
#[derive(Debug, Clone, Copy)]
pub struct Course {
    pub polarity: Polarity,
    pub baseline: Point,
    pub target: Point,
}

impl Course {
    /// Where the straight line from baseline to target stands on `date`:
    /// the baseline before it starts, the target after it ends.
    pub fn expected_at(&self, date: NaiveDate) -> Decimal {
        let (start, end) = (self.baseline.date, self.target.date);
        if date <= start {
            return self.baseline.value;
        }
        if date >= end {
            return self.target.value;
        }
        let elapsed = Decimal::from((date - start).num_days());
        let span = Decimal::from((end - start).num_days());
        let rise = self.target.value - self.baseline.value;
        (self.baseline.value + rise * elapsed / span).round_dp(MAX_DECIMALS)
    }

    pub fn trajectory(&self, latest: Option<Point>) -> Trajectory {
        let Some(latest) = latest else {
            return Trajectory::NoData;
        };
        if self
            .polarity
            .at_least_as_good(latest.value, self.target.value)
        {
            Trajectory::TargetMet
        } else if self
            .polarity
            .at_least_as_good(latest.value, self.expected_at(latest.date))
        {
            Trajectory::OnTrack
        } else {
            Trajectory::OffTrack
        }
    }

    /// Better, the same or worse than an earlier value.
    pub fn travel(&self, earlier: Decimal, now: Decimal) -> Direction {
        if now == earlier {
            Direction::Same
        } else if self.polarity.at_least_as_good(now, earlier) {
            Direction::Better
        } else {
            Direction::Worse
        }
    }
}

/// What is derived from an indicator's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub latest: Option<Point>,
    pub previous: Option<Point>,
    pub change_since_baseline: Option<Decimal>,
    pub change_since_previous: Option<Decimal>,
    /// Against the previous value, or the baseline when there is one value.
    pub direction_of_travel: Direction,
    /// The straight line's value at the latest value's date.
    pub expected: Option<Decimal>,
    pub trajectory: Trajectory,
}

/// Derives the figures from a series in any order (one value per date).
pub fn derive(course: &Course, series: &[Point]) -> Derived {
    let mut sorted: Vec<Point> = series.to_vec();
    sorted.sort_by_key(|p| p.date);
    let latest = sorted.last().copied();
    let previous = sorted.len().checked_sub(2).map(|i| sorted[i]);
    Derived {
        latest,
        previous,
        change_since_baseline: latest.map(|l| l.value - course.baseline.value),
        change_since_previous: latest.zip(previous).map(|(l, p)| l.value - p.value),
        direction_of_travel: match latest {
            Some(l) => course.travel(previous.unwrap_or(course.baseline).value, l.value),
            None => Direction::Unknown,
        },
        expected: latest.map(|l| course.expected_at(l.date)),
        trajectory: course.trajectory(latest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn n(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn point(date: &str, value: &str) -> Point {
        Point {
            date: d(date),
            value: n(value),
        }
    }

    /// 80% on 1 April 2022 rising to 85% on 1 April 2025: 1,096 days.
    fn eet() -> Course {
        Course {
            polarity: Polarity::HigherIsBetter,
            baseline: point("2022-04-01", "80"),
            target: point("2025-04-01", "85"),
        }
    }

    /// 40 down to 20 over 100 days.
    fn falling() -> Course {
        Course {
            polarity: Polarity::LowerIsBetter,
            baseline: point("2024-01-01", "40"),
            target: point("2024-04-10", "20"),
        }
    }

    #[test]
    fn the_straight_line_runs_from_baseline_to_target() {
        let c = falling();
        assert_eq!(c.expected_at(d("2023-06-01")), n("40"));
        assert_eq!(c.expected_at(d("2024-01-01")), n("40"));
        // 25 of 100 days: 40 - 20 * 0.25.
        assert_eq!(c.expected_at(d("2024-01-26")), n("35"));
        // 50 of 100 days.
        assert_eq!(c.expected_at(d("2024-02-20")), n("30"));
        assert_eq!(c.expected_at(d("2024-04-10")), n("20"));
        assert_eq!(c.expected_at(d("2025-01-01")), n("20"));
        // 548 of 1,096 days is exactly half way: 82.5.
        assert_eq!(eet().expected_at(d("2023-10-01")), n("82.5"));
        // 365 of 1,096 days: 80 + 5 * 365 / 1096 = 81.66514..., to 4 places.
        assert_eq!(eet().expected_at(d("2023-04-01")), n("81.6651"));
    }

    #[test]
    fn on_track_means_at_or_beyond_the_line() {
        let c = falling();
        assert_eq!(c.trajectory(None), Trajectory::NoData);
        // Expected 30 on 20 February: lower is better.
        assert_eq!(
            c.trajectory(Some(point("2024-02-20", "30"))),
            Trajectory::OnTrack
        );
        assert_eq!(
            c.trajectory(Some(point("2024-02-20", "29"))),
            Trajectory::OnTrack
        );
        assert_eq!(
            c.trajectory(Some(point("2024-02-20", "31"))),
            Trajectory::OffTrack
        );
        assert_eq!(
            c.trajectory(Some(point("2024-02-20", "20"))),
            Trajectory::TargetMet
        );
        let e = eet();
        assert_eq!(
            e.trajectory(Some(point("2023-10-01", "82.4"))),
            Trajectory::OffTrack
        );
        assert_eq!(
            e.trajectory(Some(point("2023-10-01", "82.5"))),
            Trajectory::OnTrack
        );
        assert_eq!(
            e.trajectory(Some(point("2024-01-01", "86"))),
            Trajectory::TargetMet
        );
        // After the target date the line stands at the target.
        assert_eq!(
            e.trajectory(Some(point("2025-06-30", "84.9"))),
            Trajectory::OffTrack
        );
    }

    #[test]
    fn derived_figures_from_a_series_in_any_order() {
        let series = [
            point("2023-10-01", "81"),
            point("2022-07-01", "79"),
            point("2023-01-01", "80.5"),
        ];
        let got = derive(&eet(), &series);
        assert_eq!(got.latest, Some(point("2023-10-01", "81")));
        assert_eq!(got.previous, Some(point("2023-01-01", "80.5")));
        assert_eq!(got.change_since_baseline, Some(n("1")));
        assert_eq!(got.change_since_previous, Some(n("0.5")));
        assert_eq!(got.direction_of_travel, Direction::Better);
        assert_eq!(got.expected, Some(n("82.5")));
        assert_eq!(got.trajectory, Trajectory::OffTrack);
    }

    #[test]
    fn one_value_travels_from_the_baseline() {
        let got = derive(&falling(), &[point("2024-02-20", "42")]);
        assert_eq!(got.previous, None);
        assert_eq!(got.change_since_previous, None);
        assert_eq!(got.change_since_baseline, Some(n("2")));
        assert_eq!(got.direction_of_travel, Direction::Worse);
        assert_eq!(got.trajectory, Trajectory::OffTrack);
        let none = derive(&falling(), &[]);
        assert_eq!(none.direction_of_travel, Direction::Unknown);
        assert_eq!(none.trajectory, Trajectory::NoData);
        assert_eq!(none.expected, None);
        let same = derive(&falling(), &[point("2024-01-10", "40")]);
        assert_eq!(same.direction_of_travel, Direction::Same);
    }

    #[test]
    fn values_must_make_sense_in_their_unit() {
        assert!(check_value(Unit::Percent, n("100")).is_ok());
        assert!(check_value(Unit::Percent, n("0")).is_ok());
        assert!(check_value(Unit::Percent, n("100.01")).is_err());
        assert!(check_value(Unit::Percent, n("-1")).is_err());
        assert!(check_value(Unit::Count, n("12")).is_ok());
        assert!(check_value(Unit::Count, n("12.0")).is_ok());
        assert!(check_value(Unit::Count, n("12.5")).is_err());
        assert!(check_value(Unit::Count, n("-3")).is_err());
        assert!(check_value(Unit::Days, n("-0.5")).is_err());
        assert!(check_value(Unit::Money, n("-2500.50")).is_ok());
        assert!(check_value(Unit::Money, n("1.23456")).is_err());
        assert!(check_value(Unit::Money, n("1.23450")).is_ok());
        assert!(check_value(Unit::Money, n("99999999999.9999")).is_ok());
        assert!(check_value(Unit::Money, n("100000000000")).is_err());
    }

    #[test]
    fn a_target_must_not_be_worse_than_its_baseline() {
        assert!(check_target(Polarity::HigherIsBetter, n("80"), n("85")).is_ok());
        assert!(check_target(Polarity::HigherIsBetter, n("80"), n("80")).is_ok());
        assert!(check_target(Polarity::HigherIsBetter, n("80"), n("75")).is_err());
        assert!(check_target(Polarity::LowerIsBetter, n("10"), n("5")).is_ok());
        assert!(check_target(Polarity::LowerIsBetter, n("10"), n("12")).is_err());
    }

    fn part(category: &str, value: &str) -> Part {
        Part {
            category: category.into(),
            value: n(value),
        }
    }

    #[test]
    fn a_breakdown_names_known_categories_once() {
        let districts: Vec<String> = ["Ashfield", "Bassetlaw"].map(String::from).to_vec();
        let good = [part("Ashfield", "3"), part("Bassetlaw", "4")];
        assert!(check_parts(Unit::Count, Some("district"), &districts, &good).is_empty());
        let fields = |parts: &[Part], dimension, categories: &[String]| -> Vec<String> {
            check_parts(Unit::Count, dimension, categories, parts)
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(&good, None, &[]), ["breakdown"]);
        assert_eq!(
            fields(
                &[
                    part("Ashfield", "3"),
                    part("Gotham", "1"),
                    part("Ashfield", "2.5")
                ],
                Some("district"),
                &districts
            ),
            [
                "breakdown[1].category",
                "breakdown[2].category",
                "breakdown[2].value"
            ]
        );
        // Without a list of categories, any name will do, once.
        assert!(fields(&[part("Gotham", "1")], Some("district"), &[]).is_empty());
        assert_eq!(
            fields(
                &[part(" ", "1"), part("a\u{0}b", "2")],
                Some("district"),
                &[]
            ),
            ["breakdown[0].category", "breakdown[1].category"]
        );
        let ordered = in_category_order(&districts, vec![good[1].clone(), good[0].clone()]);
        assert_eq!(ordered, good);
    }

    #[test]
    fn a_mismatched_breakdown_needs_accepting() {
        let parts = [part("a", "3"), part("b", "4")];
        assert!(check_total(Unit::Count, n("7"), &parts, false).is_none());
        let refused = check_total(Unit::Count, n("8"), &parts, false).unwrap();
        assert_eq!(refused.field, "breakdown");
        assert!(refused.message.contains("add up to 7, not the total 8"));
        assert!(check_total(Unit::Count, n("8"), &parts, true).is_none());
        assert!(check_total(Unit::Percent, n("50"), &parts, false).is_none());
    }

    #[test]
    fn only_additive_breakdowns_are_summed() {
        let parts = |values: &[&str]| -> Vec<Part> {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| Part {
                    category: format!("c{i}"),
                    value: n(v),
                })
                .collect()
        };
        assert_eq!(
            breakdown_sum(Unit::Count, &parts(&["3", "4", "5"])),
            Some(n("12"))
        );
        assert!(!breakdown_mismatch(
            Unit::Count,
            n("12"),
            &parts(&["3", "4", "5"])
        ));
        assert!(breakdown_mismatch(
            Unit::Count,
            n("13"),
            &parts(&["3", "4", "5"])
        ));
        assert!(!breakdown_mismatch(
            Unit::Money,
            n("0.3"),
            &parts(&["0.1", "0.2"])
        ));
        assert_eq!(breakdown_sum(Unit::Percent, &parts(&["80", "90"])), None);
        assert!(!breakdown_mismatch(
            Unit::Percent,
            n("85"),
            &parts(&["80", "95"])
        ));
        assert_eq!(breakdown_sum(Unit::Count, &[]), None);
    }
}
