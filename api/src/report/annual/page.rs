//! The paper as one self-contained printable A4 page, on the layout the
//! other reports use; its charts are the board report's SVG line charts.

use askama::Template;

use super::document::{Block, Document};
use crate::report::charts::{self, Svg};
use crate::report::html::css_string;
use crate::services::indicators::IndicatorSummary;

#[derive(Template)]
#[template(path = "report/annual.html")]
struct Page<'a> {
    doc: &'a Document,
}

impl Page<'_> {
    fn chart(&self, id: &str, indicator: &IndicatorSummary) -> Svg {
        charts::of_indicator(id, indicator)
    }

    /// Whether column `i` holds numbers, set right.
    fn number(&self, numeric: &[bool], i: &usize) -> bool {
        numeric.get(*i).copied().unwrap_or(false)
    }

    /// What every printed page's header says, as a CSS string.
    fn running_header(&self) -> String {
        css_string(&self.doc.title)
    }
}

/// The page of a paper.
pub fn render(doc: &Document) -> askama::Result<String> {
    Page { doc }.render()
}
