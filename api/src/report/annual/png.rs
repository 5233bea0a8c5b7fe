//! An indicator's line chart as a PNG for the Word document, drawn as the
//! page's SVG chart is: the recorded values as a solid line with dots, the
//! straight line from baseline to target dashed. It carries no text: the
//! document gives it alternative text and a table of the same numbers.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Stroke, StrokeDash, Transform};

use crate::error::AppError;
use crate::services::indicators::IndicatorSummary;

/// The size of the picture, in pixels.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 320;

const LEFT: f32 = 40.0;
const RIGHT: f32 = 620.0;
const TOP: f32 = 20.0;
const BOTTOM: f32 = 290.0;

fn paint(r: u8, g: u8, b: u8) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, 255);
    paint.anti_alias = true;
    paint
}

fn number(value: Decimal) -> f32 {
    value.to_f32().unwrap_or(0.0)
}

/// Where a value and a day fall on the picture.
struct Scale {
    first: NaiveDate,
    days: f32,
    low: f32,
    high: f32,
}

impl Scale {
    fn of(indicator: &IndicatorSummary) -> Scale {
        let points = indicator
            .series
            .iter()
            .chain([&indicator.baseline, &indicator.target]);
        let (mut first, mut last) = (indicator.baseline.date, indicator.target.date);
        let (mut low, mut high) = (f32::MAX, f32::MIN);
        for p in points {
            first = first.min(p.date);
            last = last.max(p.date);
            low = low.min(number(p.value));
            high = high.max(number(p.value));
        }
        let pad = if high > low { (high - low) * 0.1 } else { 1.0 };
        Scale {
            first,
            days: (last - first).num_days().max(1) as f32,
            low: low - pad,
            high: high + pad,
        }
    }

    fn x(&self, day: NaiveDate) -> f32 {
        LEFT + (RIGHT - LEFT) * (day - self.first).num_days() as f32 / self.days
    }

    fn y(&self, value: Decimal) -> f32 {
        BOTTOM - (BOTTOM - TOP) * (number(value) - self.low) / (self.high - self.low)
    }
}

/// The chart of an indicator as PNG bytes.
pub fn indicator_chart(indicator: &IndicatorSummary) -> Result<Vec<u8>, AppError> {
    let mut pixmap =
        Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| AppError::internal("a chart of no size"))?;
    pixmap.fill(Color::WHITE);
    let scale = Scale::of(indicator);
    let none = Transform::identity();

    let mut axes = PathBuilder::new();
    axes.move_to(LEFT, TOP);
    axes.line_to(LEFT, BOTTOM);
    axes.line_to(RIGHT, BOTTOM);
    if let Some(path) = axes.finish() {
        let stroke = Stroke {
            width: 2.0,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(0xb1, 0xb4, 0xb6), &stroke, none, None);
    }

    let mut course = PathBuilder::new();
    course.move_to(
        scale.x(indicator.baseline.date),
        scale.y(indicator.baseline.value),
    );
    course.line_to(
        scale.x(indicator.target.date),
        scale.y(indicator.target.value),
    );
    if let Some(path) = course.finish() {
        let stroke = Stroke {
            width: 4.0,
            dash: StrokeDash::new(vec![10.0, 6.0], 0.0),
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(0x50, 0x5a, 0x5f), &stroke, none, None);
    }

    let black = paint(0x0b, 0x0c, 0x0c);
    let mut line = PathBuilder::new();
    for (i, p) in indicator.series.iter().enumerate() {
        let (x, y) = (scale.x(p.date), scale.y(p.value));
        if i == 0 {
            line.move_to(x, y);
        } else {
            line.line_to(x, y);
        }
    }
    if let Some(path) = line.finish() {
        let stroke = Stroke {
            width: 4.0,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &black, &stroke, none, None);
    }
    for p in &indicator.series {
        if let Some(dot) = PathBuilder::from_circle(scale.x(p.date), scale.y(p.value), 7.0) {
            pixmap.fill_path(&dot, &black, FillRule::Winding, none, None);
        }
    }
    pixmap.encode_png().map_err(AppError::internal)
}
