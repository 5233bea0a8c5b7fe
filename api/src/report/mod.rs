//! Renders the board report for people: CSV for spreadsheets, Markdown,
//! and a self-contained printable HTML page; and the plain-language version
//! for the children in care council.

pub mod csv;
pub mod html;
pub mod markdown;
pub mod plain;

use crate::domain::Rag;
use crate::domain::review::Direction;
use crate::services::review::{Report, Source};

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

/// When the report describes, in words: "2024-25 Q2 (closed 14 October
/// 2024)" or "as at 26 November 2026", with names escaped by `escape`.
pub fn moment(report: &Report, escape: fn(&str) -> String) -> String {
    let when = report.as_at.format("%-d %B %Y").to_string();
    match (&report.source, &report.period) {
        (Source::Snapshot, Some(p)) => format!("{} (closed {when})", escape(&p.name)),
        (_, Some(p)) => format!("as at {when} (period {})", escape(&p.name)),
        _ => format!("as at {when}"),
    }
}
