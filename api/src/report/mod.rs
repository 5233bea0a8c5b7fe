//! Renders the board report for people: CSV for spreadsheets, Markdown,
//! and a self-contained printable HTML page; and the plain-language version
//! for the children in care council. `render` chooses the format and the
//! audience; HTML and Markdown come from the templates in
//! `api/templates/report/`. `half_year` writes the six-monthly report to
//! the children in care council, "You said, we did"; `annual` the annual
//! report to committee and the Local Offer update, as a page or a Word
//! document.

pub mod annual;
pub mod charts;
pub mod csv;
pub mod escape;
#[cfg(test)]
mod fixture;
pub mod half_year;
pub mod html;
pub mod labels;
pub mod markdown;
pub mod plain;
mod render;

pub use render::{Audience, Format, PAGE_POLICY, Rendered, render};
