//! Renders the board report for people: CSV for spreadsheets, Markdown,
//! and a self-contained printable HTML page; and the plain-language version
//! for the children in care council.

pub mod csv;
pub mod html;
pub mod markdown;
pub mod plain;

use crate::domain::Rag;
use crate::domain::review::Direction;

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
