//! Words and numbers as people read them in a report: ratings and
//! directions in words, dates written out, values in their units, and an
//! indicator's row of a report table.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::Rag;
use crate::domain::indicators::{Trajectory, Unit};
use crate::domain::review::Direction;
use crate::services::indicators::IndicatorSummary;
use crate::services::review::{Report, ReportAction, Source};

/// A rating as words, so colour is never the only signal.
pub fn rag_label(rag: Rag) -> &'static str {
    rag.label()
}

pub fn direction_label(direction: Direction) -> &'static str {
    match direction {
        Direction::Better => "Better",
        Direction::Same => "Same",
        Direction::Worse => "Worse",
        Direction::Unknown => "-",
    }
}

/// An arrow for a direction of travel, shown beside its word (the arrow
/// alone is decoration).
pub fn direction_arrow(direction: Direction) -> &'static str {
    match direction {
        Direction::Better => "↑",
        Direction::Same => "→",
        Direction::Worse => "↓",
        Direction::Unknown => "·",
    }
}

/// A day as people write it: "26 November 2026".
pub fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// When the report describes, in words: "2024-25 Q2 (closed 14 October
/// 2024)" or "as at 26 November 2026". Plain text: the template that shows
/// it escapes it.
pub fn moment(report: &Report) -> String {
    let when = long_date(report.day);
    match (&report.source, &report.period) {
        (Source::Snapshot, Some(p)) => format!("{} (closed {when})", p.name),
        (_, Some(p)) => format!("as at {when} (period {})", p.name),
        _ => format!("as at {when}"),
    }
}

/// What the owners last said of an action: its commentary, or its progress
/// when the newest report has no commentary.
pub fn latest_commentary(action: &ReportAction) -> &str {
    if action.commentary.trim().is_empty() {
        &action.progress
    } else {
        &action.commentary
    }
}

pub fn trajectory_label(trajectory: Trajectory) -> &'static str {
    match trajectory {
        Trajectory::TargetMet => "Target met",
        Trajectory::OnTrack => "On track",
        Trajectory::OffTrack => "Off track",
        Trajectory::NoData => "No data yet",
    }
}

/// Groups the digits of a whole number in threes: 1234567 -> 1,234,567.
fn grouped(whole: &str) -> String {
    let (sign, digits) = whole
        .strip_prefix('-')
        .map_or(("", whole), |rest| ("-", rest));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A value in its unit, as people write it: 82.5%, 1,204, £2,500.00, 12 days.
pub fn value_label(unit: Unit, value: Decimal) -> String {
    let value = value.normalize();
    let number = |v: Decimal| {
        let text = v.to_string();
        match text.split_once('.') {
            Some((whole, fraction)) => format!("{}.{fraction}", grouped(whole)),
            None => grouped(&text),
        }
    };
    match unit {
        Unit::Percent => format!("{}%", number(value)),
        Unit::Count => number(value),
        Unit::Money => {
            // Pounds and pence, or whole pounds.
            let mut pounds = value.abs().round_dp(2);
            if !pounds.fract().is_zero() {
                pounds.rescale(2);
            }
            let sign = if value.is_sign_negative() { "-" } else { "" };
            format!("{sign}£{}", number(pounds))
        }
        Unit::Days if value == Decimal::ONE => "1 day".into(),
        Unit::Days => format!("{} days", number(value)),
    }
}

/// A change in its unit, signed: +2.5 points, -3, +£100.
pub fn change_label(unit: Unit, change: Decimal) -> String {
    let sign = if change.is_sign_negative() { "-" } else { "+" };
    let size = value_label(unit, change.abs());
    match unit {
        Unit::Percent => format!("{sign}{} points", size.trim_end_matches('%')),
        _ => format!("{sign}{size}"),
    }
}

/// The cells of an indicator's row in a report table: indicator, owner,
/// baseline, latest, change since baseline, direction, target, on track.
pub fn indicator_cells(i: &IndicatorSummary) -> [String; 8] {
    let f = &i.figures;
    let date = |d: chrono::NaiveDate| d.format("%b %Y").to_string();
    let latest = match &f.latest {
        Some(l) => {
            let mut text = format!("{} ({})", value_label(i.unit, l.value), date(l.as_of));
            if let (true, Some(sum)) = (l.breakdown_mismatch, l.breakdown_sum) {
                text.push_str(&format!(
                    "; breakdown adds up to {}",
                    value_label(i.unit, sum)
                ));
            }
            text
        }
        None => "-".into(),
    };
    [
        i.title.clone(),
        i.owner.name.clone(),
        format!(
            "{} ({})",
            value_label(i.unit, i.baseline.value),
            date(i.baseline.date)
        ),
        latest,
        f.change_since_baseline
            .map_or("-".into(), |c| change_label(i.unit, c)),
        direction_label(f.direction_of_travel).into(),
        format!(
            "{} by {}",
            value_label(i.unit, i.target.value),
            date(i.target.date)
        ),
        trajectory_label(f.trajectory).into(),
    ]
}

/// The headings of `indicator_cells`.
pub const INDICATOR_HEADINGS: [&str; 8] = [
    "Indicator",
    "Owner",
    "Baseline",
    "Latest",
    "Change since baseline",
    "Direction",
    "Target",
    "On track",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn values_read_as_people_write_them() {
        assert_eq!(value_label(Unit::Percent, n("82.50")), "82.5%");
        assert_eq!(value_label(Unit::Count, n("1234567")), "1,234,567");
        assert_eq!(value_label(Unit::Count, n("120")), "120");
        assert_eq!(value_label(Unit::Money, n("2500")), "£2,500");
        assert_eq!(value_label(Unit::Money, n("-1234.5")), "-£1,234.50");
        assert_eq!(value_label(Unit::Days, n("1")), "1 day");
        assert_eq!(value_label(Unit::Days, n("21.5")), "21.5 days");
        assert_eq!(change_label(Unit::Percent, n("2.5")), "+2.5 points");
        assert_eq!(change_label(Unit::Count, n("-3")), "-3");
        assert_eq!(change_label(Unit::Money, n("0")), "+£0");
    }
}
