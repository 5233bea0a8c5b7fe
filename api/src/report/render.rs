//! The choice of format and audience: one report in, the bytes to answer
//! with and what a door needs to know to serve them.

use serde::Deserialize;
use utoipa::ToSchema;

use super::{csv, html, markdown, plain};
use crate::error::AppError;
use crate::services::review::Report;

// A format the report is rendered in, as the `format` query parameter names
// it. (Not a `///` comment: that would become the description of the
// parameter in the API description, which has its own.)
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Json,
    Csv,
    Md,
    Html,
}

// Whom the report is rendered for, as the `audience` query parameter names
// it (a `//` comment for the reason `Format`'s is).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The board and committee: everything, with references.
    #[default]
    Board,
    /// The children in care council: plain language, no codes.
    YoungPeople,
}

impl Format {
    /// The media type of the format, with its character set where it is
    /// text.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// The content security policy of a self-contained report page: nothing
/// may load or run; its styles are inline.
pub const PAGE_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/// A report rendered for one audience in one format.
#[derive(Debug)]
pub struct Rendered {
    /// The media type of `body`, e.g. `text/csv; charset=utf-8`.
    pub content_type: &'static str,
    /// The report itself.
    pub body: Vec<u8>,
    /// The name to save it under when it is meant to be downloaded rather
    /// than shown (CSV): `report-<day>.csv`, the day being the one the
    /// report describes, where the board is.
    pub file_name: Option<String>,
    /// A self-contained HTML page: nothing in it loads or runs, so it can be
    /// served under a policy that forbids scripts and external files.
    pub self_contained_page: bool,
}

/// Renders `report` for `audience` in `format`. JSON is the `Report` itself
/// for the board and `plain::PlainReport` for young people. Fails only if a
/// template or serialisation fails, as an internal error.
pub fn render(report: &Report, audience: Audience, format: Format) -> Result<Rendered, AppError> {
    let body = match audience {
        Audience::Board => board(report, format)?,
        Audience::YoungPeople => young_people(&plain::plain(report), format)?,
    };
    Ok(Rendered {
        content_type: format.content_type(),
        body,
        file_name: matches!(format, Format::Csv).then(|| format!("report-{}.csv", report.day)),
        self_contained_page: matches!(format, Format::Html),
    })
}

fn board(report: &Report, format: Format) -> Result<Vec<u8>, AppError> {
    Ok(match format {
        Format::Json => serde_json::to_vec(report).map_err(AppError::internal)?,
        Format::Csv => csv::render(report),
        Format::Md => markdown::render(report)
            .map_err(AppError::internal)?
            .into_bytes(),
        Format::Html => html::render(report)
            .map_err(AppError::internal)?
            .into_bytes(),
    })
}

fn young_people(report: &plain::PlainReport, format: Format) -> Result<Vec<u8>, AppError> {
    Ok(match format {
        Format::Json => serde_json::to_vec(report).map_err(AppError::internal)?,
        Format::Csv => csv::render_plain(report),
        Format::Md => markdown::render_plain(report)
            .map_err(AppError::internal)?
            .into_bytes(),
        Format::Html => html::render_plain(report)
            .map_err(AppError::internal)?
            .into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn each_format_says_how_to_serve_it() {
        let report = fixture::report("Board", "text");
        for audience in [Audience::Board, Audience::YoungPeople] {
            let csv = render(&report, audience, Format::Csv).unwrap();
            assert_eq!(csv.content_type, "text/csv; charset=utf-8");
            assert_eq!(csv.file_name.as_deref(), Some("report-2024-06-30.csv"));
            assert!(
                csv.body.starts_with("\u{feff}".as_bytes()),
                "byte order mark"
            );
            assert!(!csv.self_contained_page);

            let html = render(&report, audience, Format::Html).unwrap();
            assert_eq!(html.content_type, "text/html; charset=utf-8");
            assert!(html.self_contained_page && html.file_name.is_none());

            let md = render(&report, audience, Format::Md).unwrap();
            assert_eq!(md.content_type, "text/markdown; charset=utf-8");
            assert!(!md.self_contained_page && md.file_name.is_none());

            let json = render(&report, audience, Format::Json).unwrap();
            assert_eq!(json.content_type, "application/json");
            assert!(!json.self_contained_page && json.file_name.is_none());
        }
    }

    #[test]
    fn json_is_the_report_for_the_board_and_the_plain_report_for_young_people() {
        let report = fixture::report("Board", "text");
        let board = render(&report, Audience::Board, Format::Json).unwrap();
        assert_eq!(board.body, serde_json::to_vec(&report).unwrap());
        let young = render(&report, Audience::YoungPeople, Format::Json).unwrap();
        assert_eq!(
            young.body,
            serde_json::to_vec(&plain::plain(&report)).unwrap()
        );
    }

    #[test]
    fn defaults_are_json_for_the_board() {
        assert!(matches!(Format::default(), Format::Json));
        assert!(matches!(Audience::default(), Audience::Board));
    }
}
