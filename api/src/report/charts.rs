//! Charts drawn on the server as SVG, for the pages and the HTML report:
//! horizontal stacked bars of RAG counts, and an indicator's values against
//! the straight line from its baseline to its target.
//!
//! Every chart is an image with a title and a description for screen
//! readers, shows each rating by colour, pattern and word (never colour
//! alone), and carries its numbers as `data-` attributes; the page puts the
//! same numbers in a table beside it. Styling is by presentation attributes
//! only, so the charts obey a content security policy without inline styles
//! and look the same inside a self-contained report.

use std::fmt::{self, Write};

use askama::filters::Escaper;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::escape::Html;
use super::labels;
use crate::domain::Rag;
use crate::domain::indicators::Point;
use crate::domain::review::{RagCounts, Review, StatementCounts};
use crate::services::indicators::IndicatorSummary;

/// Finished SVG markup, written into a page unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a rating is drawn: its fill, the pattern laid over it, and the
/// colour of a count written on it.
struct Look {
    fill: &'static str,
    ink: &'static str,
}

/// The GOV.UK palette the tags and the report use.
fn look(rag: Rag) -> Look {
    match rag {
        Rag::Red => Look {
            fill: "#d4351c",
            ink: "#ffffff",
        },
        Rag::Amber => Look {
            fill: "#f47738",
            ink: "#0b0c0c",
        },
        Rag::Green => Look {
            fill: "#00703c",
            ink: "#ffffff",
        },
        Rag::Blue => Look {
            fill: "#1d70b8",
            ink: "#ffffff",
        },
        Rag::NotRated => Look {
            fill: "#f3f2f1",
            ink: "#0b0c0c",
        },
    }
}

/// The pattern that tells each rating apart without its colour: stripes
/// one way for red, dots for amber, plain green, stripes the other way for
/// blue (complete), and an outline only for not rated.
fn pattern(id: &str, rag: Rag) -> String {
    let Look { fill, .. } = look(rag);
    let name = rag.as_str();
    let overlay = match rag {
        Rag::Red => {
            r##"<path d="M0 8L8 0" stroke="#ffffff" stroke-opacity="0.55" stroke-width="2"/>"##
        }
        Rag::Amber => r##"<circle cx="4" cy="4" r="1.4" fill="#0b0c0c" fill-opacity="0.45"/>"##,
        Rag::Green => "",
        Rag::Blue => {
            r##"<path d="M0 0L8 8" stroke="#ffffff" stroke-opacity="0.5" stroke-width="2"/>"##
        }
        Rag::NotRated => {
            r##"<path d="M0 4H8" stroke="#505a5f" stroke-opacity="0.5" stroke-width="1"/>"##
        }
    };
    format!(
        r#"<pattern id="{id}-{name}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{fill}"/>{overlay}</pattern>"#
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = Html.write_escaped_str(&mut out, text);
    out
}

fn count_of(counts: &RagCounts, rag: Rag) -> u32 {
    match rag {
        Rag::Red => counts.red,
        Rag::Amber => counts.amber,
        Rag::Green => counts.green,
        Rag::Blue => counts.blue,
        Rag::NotRated => counts.not_rated,
    }
}

/// The order bars are stacked in: the ratings that need attention first.
const STACK: [Rag; 5] = [Rag::Red, Rag::Amber, Rag::Green, Rag::Blue, Rag::NotRated];

/// One bar: what it counts and the counts.
#[derive(Debug, Clone)]
pub struct Bar<'a> {
    /// A short name that fits beside the bar ("Ambition 2", "Police").
    pub label: String,
    pub counts: &'a RagCounts,
}

/// What every chart is called and how it is described to people who
/// cannot see it. `id` must be unique on the page.
#[derive(Debug, Clone, Copy)]
pub struct Caption<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

const BAR_WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 170.0;
const TOTAL_WIDTH: f64 = 48.0;
const ROW: f64 = 30.0;
const LEGEND: f64 = 34.0;

/// Horizontal stacked bars, one per row, on a common scale.
pub fn stacked_bars(caption: Caption<'_>, bars: &[Bar<'_>]) -> Svg {
    let Caption { id, .. } = caption;
    let height = LEGEND + ROW * bars.len().max(1) as f64 + 6.0;
    let mut svg = open(caption, BAR_WIDTH, height);
    svg.push_str("<defs>");
    for rag in STACK {
        svg.push_str(&pattern(id, rag));
    }
    svg.push_str("</defs>");
    legend(&mut svg, id);

    let most = bars
        .iter()
        .map(|b| b.counts.total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let span = BAR_WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
    for (row, bar) in bars.iter().enumerate() {
        let y = LEGEND + ROW * row as f64;
        let c = bar.counts;
        let _ = write!(
            svg,
            r#"<g class="app-chart__bar" data-label="{}" data-red="{}" data-amber="{}" data-green="{}" data-blue="{}" data-not-rated="{}" data-total="{}">"#,
            escape(&bar.label),
            c.red,
            c.amber,
            c.green,
            c.blue,
            c.not_rated,
            c.total
        );
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="14" fill="#0b0c0c">{}</text>"##,
            LABEL_WIDTH - 8.0,
            y + 19.0,
            escape(&clip(&bar.label, 24))
        );
        let mut x = LABEL_WIDTH;
        for rag in STACK {
            let n = count_of(c, rag);
            if n == 0 {
                continue;
            }
            let w = span * f64::from(n) / most;
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="22" fill="url(#{id}-{})" stroke="#0b0c0c" stroke-width="0.5" data-rag="{}" data-count="{n}"/>"##,
                y + 4.0,
                rag.as_str(),
                rag.as_str(),
            );
            if w >= 20.0 {
                let _ = write!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="13" font-weight="bold" fill="{}" stroke="{}" stroke-width="3" paint-order="stroke">{n}</text>"##,
                    x + w / 2.0,
                    y + 20.0,
                    look(rag).ink,
                    halo(rag),
                );
            }
            x += w;
        }
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="14" fill="#0b0c0c">{}</text></g>"##,
            x + 6.0,
            y + 19.0,
            c.total
        );
    }
    svg.push_str("</svg>");
    Svg(svg)
}

/// The outline that keeps a count legible over its pattern.
fn halo(rag: Rag) -> &'static str {
    match look(rag).ink {
        "#ffffff" => "#0b0c0c",
        _ => "#ffffff",
    }
}

/// The key: each rating's pattern beside its word.
fn legend(svg: &mut String, id: &str) {
    let mut x = 0.0;
    for rag in STACK {
        let label = rag.label();
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="4" width="18" height="18" fill="url(#{id}-{})" stroke="#0b0c0c" stroke-width="0.5"/><text x="{:.1}" y="18" font-size="13" fill="#0b0c0c">{label}</text>"##,
            rag.as_str(),
            x + 24.0,
        );
        x += 24.0 + 8.0 * label.len() as f64 + 22.0;
    }
}

fn clip(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(most - 1).collect();
    short.push('…');
    short
}

/// The opening tag, the accessible name and the description.
fn open(caption: Caption<'_>, width: f64, height: f64) -> String {
    let Caption {
        id,
        title,
        description,
    } = caption;
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="Arial, Helvetica, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(description)
    )
}

/// One line of a breakdown: what is counted, as the chart names it
/// (short) and as the table does (in full), with the counts.
#[derive(Debug, Clone)]
pub struct Line {
    pub short: String,
    pub name: String,
    /// Where the name links to, on pages that link.
    pub href: Option<String>,
    pub counts: RagCounts,
}

impl Line {
    /// The counts in the tables' column order: red, amber, green, blue,
    /// not rated, total.
    pub fn cells(&self) -> [u32; 6] {
        let c = &self.counts;
        [c.red, c.amber, c.green, c.blue, c.not_rated, c.total]
    }
}

/// Counts of ratings broken down one way, as a chart and as the table of
/// the same numbers, which pages and reports show together.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// Unique on the page; the chart's and the table's ids derive from it.
    pub id: &'static str,
    pub heading: &'static str,
    /// The heading of the table's first column ("Ambition").
    pub first_column: &'static str,
    pub chart: Svg,
    pub lines: Vec<Line>,
}

impl Breakdown {
    pub fn new(
        id: &'static str,
        heading: &'static str,
        first_column: &'static str,
        lines: Vec<Line>,
    ) -> Breakdown {
        let description = format!(
            "{heading}: for each of {} lines, how many actions are rated red, amber, green, blue (complete) and not rated. The table below gives the same numbers.",
            lines.len()
        );
        let bars: Vec<Bar<'_>> = lines
            .iter()
            .map(|l| Bar {
                label: l.short.clone(),
                counts: &l.counts,
            })
            .collect();
        let chart = stacked_bars(
            Caption {
                id,
                title: heading,
                description: &description,
            },
            &bars,
        );
        Breakdown {
            id,
            heading,
            first_column,
            chart,
            lines,
        }
    }
}

/// The four breakdowns of the ratings, each as a chart and a table.
pub fn of_review(review: &Review) -> Vec<Breakdown> {
    let totals = vec![Line {
        short: "All actions".into(),
        name: "All actions".into(),
        href: None,
        counts: review.totals.clone(),
    }];
    let statements = |list: &[StatementCounts], kind: &str| {
        list.iter()
            .map(|s| Line {
                short: format!("{kind} {}", s.statement.number),
                name: format!("{kind} {}: {}", s.statement.number, s.statement.title),
                href: None,
                counts: s.counts.clone(),
            })
            .collect::<Vec<_>>()
    };
    let leads = review
        .by_lead_organisation
        .iter()
        .map(|o| Line {
            short: o.organisation.name.clone(),
            name: o.organisation.name.clone(),
            href: None,
            counts: o.counts.clone(),
        })
        .collect();
    vec![
        Breakdown::new("totals", "All actions by rating", "Actions", totals),
        Breakdown::new(
            "by-ambition",
            "Ratings by ambition",
            "Ambition",
            statements(&review.by_ambition, "Ambition"),
        ),
        Breakdown::new(
            "by-commitment",
            "Ratings by commitment",
            "Commitment",
            statements(&review.by_commitment, "Commitment"),
        ),
        Breakdown::new(
            "by-lead",
            "Ratings by lead organisation",
            "Lead organisation",
            leads,
        ),
    ]
}

/// An indicator's course: where it started and where it aims to be.
#[derive(Debug, Clone, Copy)]
pub struct Course<'a> {
    pub baseline: &'a Point,
    pub target: &'a Point,
}

const LINE_WIDTH: f64 = 320.0;
const LINE_HEIGHT: f64 = 170.0;
const PLOT_LEFT: f64 = 58.0;
const PLOT_RIGHT: f64 = 308.0;
const PLOT_TOP: f64 = 30.0;
const PLOT_BOTTOM: f64 = 140.0;

/// A small line chart of an indicator's values (a solid line with dots)
/// against the straight line from baseline to target (dashed), with the
/// axes' ends labelled by `label` (the indicator's unit).
pub fn indicator_line(
    caption: Caption<'_>,
    values: &[Point],
    course: Course<'_>,
    label: impl Fn(Decimal) -> String,
) -> Svg {
    let mut svg = open(caption, LINE_WIDTH, LINE_HEIGHT);
    let all = values.iter().chain([course.baseline, course.target]);
    let (mut first, mut last) = (course.baseline.date, course.target.date);
    let (mut low, mut high) = (course.baseline.value, course.baseline.value);
    for p in all {
        first = first.min(p.date);
        last = last.max(p.date);
        low = low.min(p.value);
        high = high.max(p.value);
    }
    let days = (last - first).num_days().max(1) as f64;
    let (lo, hi) = (to_f64(low), to_f64(high));
    let pad = if hi > lo { (hi - lo) * 0.1 } else { 1.0 };
    let (lo, hi) = (lo - pad, hi + pad);
    let x =
        |d: NaiveDate| PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (d - first).num_days() as f64 / days;
    let y = |v: Decimal| PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (to_f64(v) - lo) / (hi - lo);

    // The key.
    svg.push_str(
        r##"<line x1="4" y1="12" x2="28" y2="12" stroke="#0b0c0c" stroke-width="2"/><text x="34" y="16" font-size="12" fill="#0b0c0c">Recorded</text><line x1="110" y1="12" x2="134" y2="12" stroke="#505a5f" stroke-width="2" stroke-dasharray="5 3"/><text x="140" y="16" font-size="12" fill="#0b0c0c">Straight line to target</text>"##,
    );
    // The axes, labelled at their ends.
    let _ = write!(
        svg,
        r##"<path d="M{PLOT_LEFT} {PLOT_TOP}V{PLOT_BOTTOM}H{PLOT_RIGHT}" fill="none" stroke="#b1b4b6"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#0b0c0c">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#0b0c0c">{}</text><text x="{PLOT_LEFT}" y="158" font-size="11" fill="#0b0c0c">{}</text><text x="{PLOT_RIGHT}" y="158" text-anchor="end" font-size="11" fill="#0b0c0c">{}</text>"##,
        PLOT_LEFT - 4.0,
        y(high) + 4.0,
        escape(&label(high)),
        PLOT_LEFT - 4.0,
        y(low) + 4.0,
        escape(&label(low)),
        first.format("%b %Y"),
        last.format("%b %Y"),
    );
    let _ = write!(
        svg,
        r##"<line class="app-chart__course" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#505a5f" stroke-width="2" stroke-dasharray="5 3" data-baseline-date="{}" data-baseline-value="{}" data-target-date="{}" data-target-value="{}"/>"##,
        x(course.baseline.date),
        y(course.baseline.value),
        x(course.target.date),
        y(course.target.value),
        course.baseline.date,
        course.baseline.value.normalize(),
        course.target.date,
        course.target.value.normalize(),
    );
    if !values.is_empty() {
        svg.push_str(r##"<polyline fill="none" stroke="#0b0c0c" stroke-width="2" points=""##);
        for p in values {
            let _ = write!(svg, "{:.1},{:.1} ", x(p.date), y(p.value));
        }
        svg.push_str(r#""/>"#);
        for p in values {
            let _ = write!(
                svg,
                r##"<circle class="app-chart__point" cx="{:.1}" cy="{:.1}" r="3.5" fill="#0b0c0c" data-date="{}" data-value="{}"/>"##,
                x(p.date),
                y(p.value),
                p.date,
                p.value.normalize(),
            );
        }
    }
    svg.push_str("</svg>");
    Svg(svg)
}

/// The line chart of an indicator, titled and described from its figures.
pub fn of_indicator(id: &str, indicator: &IndicatorSummary) -> Svg {
    let unit = indicator.unit;
    let value = |v: Decimal| labels::value_label(unit, v);
    let title = format!(
        "{}: recorded values and the line to the target",
        indicator.title
    );
    let description = indicator_description(indicator);
    indicator_line(
        Caption {
            id,
            title: &title,
            description: &description,
        },
        &indicator.series,
        Course {
            baseline: &indicator.baseline,
            target: &indicator.target,
        },
        value,
    )
}

/// What an indicator's chart shows, in words: its course from baseline to
/// target, how many values it draws and the latest.
pub fn indicator_description(indicator: &IndicatorSummary) -> String {
    let unit = indicator.unit;
    let value = |v: Decimal| labels::value_label(unit, v);
    let latest = indicator.figures.latest.as_ref().map_or_else(
        || "No value has been recorded yet.".to_owned(),
        |l| {
            format!(
                "The latest is {} on {}.",
                value(l.value),
                labels::long_date(l.as_of)
            )
        },
    );
    format!(
        "From a baseline of {} on {} to a target of {} by {}. {} values recorded. {latest}",
        value(indicator.baseline.value),
        labels::long_date(indicator.baseline.date),
        value(indicator.target.value),
        labels::long_date(indicator.target.date),
        indicator.series.len(),
    )
}

fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(red: u32, amber: u32, green: u32, blue: u32, not_rated: u32) -> RagCounts {
        RagCounts {
            red,
            amber,
            green,
            blue,
            not_rated,
            total: red + amber + green + blue + not_rated,
        }
    }

    fn caption(id: &str) -> Caption<'_> {
        Caption {
            id,
            title: "Ratings by ambition",
            description: "Actions by rating for each ambition",
        }
    }

    /// The `data-` attribute `name` of every element that has it.
    fn attributes<'a>(svg: &'a Svg, name: &str) -> Vec<&'a str> {
        let key = format!(" {name}=\"");
        svg.as_str()
            .match_indices(&key)
            .map(|(at, _)| {
                let rest = &svg.as_str()[at + key.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    #[test]
    fn bars_carry_their_counts_and_draw_only_what_is_there() {
        let a = counts(2, 1, 5, 0, 0);
        let b = counts(0, 0, 1, 3, 2);
        let svg = stacked_bars(
            caption("by-ambition"),
            &[
                Bar {
                    label: "Ambition 1".into(),
                    counts: &a,
                },
                Bar {
                    label: "Ambition 2".into(),
                    counts: &b,
                },
            ],
        );
        assert_eq!(attributes(&svg, "data-label"), ["Ambition 1", "Ambition 2"]);
        assert_eq!(attributes(&svg, "data-red"), ["2", "0"]);
        assert_eq!(attributes(&svg, "data-not-rated"), ["0", "2"]);
        assert_eq!(attributes(&svg, "data-total"), ["8", "6"]);
        // One segment per rating held, in the stacking order.
        assert_eq!(
            attributes(&svg, "data-rag"),
            ["red", "amber", "green", "green", "blue", "not_rated"]
        );
        assert_eq!(
            attributes(&svg, "data-count"),
            ["2", "1", "5", "1", "3", "2"]
        );
    }

    #[test]
    fn a_chart_is_named_and_described_and_says_each_rating_in_words() {
        let a = counts(1, 0, 0, 0, 0);
        let svg = stacked_bars(
            caption("totals"),
            &[Bar {
                label: "All <actions>".into(),
                counts: &a,
            }],
        );
        let text = svg.as_str();
        assert!(text.contains(r#"role="img" aria-labelledby="totals-title totals-desc""#));
        assert!(text.contains(r#"<title id="totals-title">Ratings by ambition</title>"#));
        assert!(text.contains("All &lt;actions&gt;"));
        for rag in STACK {
            assert!(
                text.contains(&format!(">{}</text>", rag.label())),
                "{rag:?}"
            );
            assert!(text.contains(&format!(r#"<pattern id="totals-{}""#, rag.as_str())));
        }
        // No inline style: the pages' content security policy forbids it.
        assert!(!text.contains("style="));
    }

    #[test]
    fn bars_share_one_scale() {
        let long = counts(0, 0, 10, 0, 0);
        let short = counts(0, 0, 5, 0, 0);
        let svg = stacked_bars(
            caption("scale"),
            &[
                Bar {
                    label: "Long".into(),
                    counts: &long,
                },
                Bar {
                    label: "Short".into(),
                    counts: &short,
                },
            ],
        );
        let widths: Vec<f64> = attributes(&svg, "width")
            .iter()
            .filter_map(|w| w.parse().ok())
            .collect();
        let span = BAR_WIDTH - LABEL_WIDTH - TOTAL_WIDTH;
        assert!(widths.contains(&span), "{widths:?}");
        assert!(widths.contains(&(span / 2.0)), "{widths:?}");
    }

    fn point(date: &str, value: i64) -> Point {
        Point {
            date: date.parse().unwrap(),
            value: Decimal::from(value),
        }
    }

    #[test]
    fn a_line_chart_carries_each_value_and_the_course() {
        let baseline = point("2022-03-31", 70);
        let target = point("2025-03-31", 80);
        let values = [point("2022-06-30", 71), point("2022-09-30", 74)];
        let svg = indicator_line(
            caption("eet"),
            &values,
            Course {
                baseline: &baseline,
                target: &target,
            },
            |v| format!("{v}%"),
        );
        assert_eq!(attributes(&svg, "data-date"), ["2022-06-30", "2022-09-30"]);
        assert_eq!(attributes(&svg, "data-value"), ["71", "74"]);
        assert_eq!(attributes(&svg, "data-target-value"), ["80"]);
        assert_eq!(attributes(&svg, "data-baseline-date"), ["2022-03-31"]);
        assert!(svg.as_str().contains(">80%</text>"));
        assert!(svg.as_str().contains(">70%</text>"));
    }

    #[test]
    fn a_line_chart_without_values_still_shows_the_course() {
        let baseline = point("2022-03-31", 5);
        let target = point("2025-03-31", 5);
        let svg = indicator_line(
            caption("flat"),
            &[],
            Course {
                baseline: &baseline,
                target: &target,
            },
            |v| v.to_string(),
        );
        assert!(!svg.as_str().contains("polyline"));
        assert!(!svg.as_str().contains("NaN"));
        assert_eq!(attributes(&svg, "data-target-date"), ["2025-03-31"]);
    }
}
