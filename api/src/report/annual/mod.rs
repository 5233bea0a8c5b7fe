//! The annual report to committee and the six-monthly Local Offer update,
//! as the papers a service director takes to the Corporate Parenting
//! Panel: JSON, one printable A4 page, or a Word document (real headings,
//! tables with header rows, charts with alternative text). The committee's
//! version and the young people's one (plain words, no ratings by letter
//! or colour) are both written as a [`document::Document`] first, so the
//! page and the Word document say the same.

mod arrange;
mod committee;
pub mod document;
mod docx;
mod page;
mod plain;
mod png;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Rendered;
use crate::domain::annual::calendar_year;
use crate::domain::half_year::Span;
use crate::domain::review::{Exception, Named, PledgeMatrix, RagCounts};
use crate::domain::{PriorityStatus, Rag};
use crate::error::AppError;
use crate::services::achievements::AchievementView;
use crate::services::indicators::IndicatorSummary;
use crate::services::review::{
    Annual, Paper, PeriodCounts, PledgeText, ReportAction, SlippedMilestone,
};

// A format of the paper, as the `format` query parameter names it (a `//`
// comment: a `///` one would become the parameter's description in the API
// description, which has its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnualFormat {
    #[default]
    Json,
    Html,
    Docx,
}

// Whom the paper is written for, as the `audience` query parameter names
// it (a `//` comment for the reason `AnnualFormat`'s is).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnualAudience {
    /// The committee: ratings, references, commentary.
    #[default]
    Committee,
    /// Children and young people: plain words, no ratings by letter or
    /// colour, every acronym spelt out.
    YoungPeople,
}

/// The media type of a Word document.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

impl AnnualFormat {
    /// The media type, with its character set where it is text.
    pub fn content_type(self) -> &'static str {
        match self {
            AnnualFormat::Json => "application/json",
            AnnualFormat::Html => "text/html; charset=utf-8",
            AnnualFormat::Docx => DOCX,
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            AnnualFormat::Json => "json",
            AnnualFormat::Html => "html",
            AnnualFormat::Docx => "docx",
        }
    }
}

/// One ambition's progress and achievements.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnualAmbition {
    pub number: i32,
    pub title: String,
    /// The ratings of the actions whose first ambition this is.
    pub summary: RagCounts,
    pub actions: Vec<ReportAction>,
    /// The approved achievements of the stretch linked to this ambition.
    pub achievements: Vec<AchievementView>,
}

/// Where progress was not as expected.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotAsExpected {
    /// Red and amber actions at the end of the stretch, with their
    /// commentary.
    pub actions: Vec<Exception>,
    /// Milestones moved in the stretch or overdue at its end.
    pub milestones: Vec<SlippedMilestone>,
}

/// A red or amber action's next steps.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionNextSteps {
    pub reference: String,
    pub title: String,
    pub lead: Named,
    pub rag: Rag,
    pub next_steps: String,
}

/// A milestone due after the stretch.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDue {
    /// The action's reference.
    pub action: String,
    pub action_title: String,
    pub lead: Named,
    pub title: String,
    pub due_date: NaiveDate,
}

/// What comes next.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextSteps {
    /// The first day looked at: the day after the stretch.
    pub from: NaiveDate,
    /// The last day looked at, six months after the stretch.
    pub to: NaiveDate,
    pub actions: Vec<ActionNextSteps>,
    pub milestones: Vec<MilestoneDue>,
}

/// A priority of the young people's council and the board's answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriorityAnswered {
    pub title: String,
    pub said: String,
    pub raised_on: NaiveDate,
    pub status: PriorityStatus,
    /// The board's messages in the stretch, oldest first.
    pub answers: Vec<BoardAnswer>,
}

/// A message of the board to young people.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardAnswer {
    /// The day it was given, where the board is.
    pub answered_on: NaiveDate,
    pub status: PriorityStatus,
    pub message: String,
}

/// The annual report to committee, or the Local Offer update.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnualReport {
    pub title: String,
    pub paper: Paper,
    pub strategy: Named,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The moment the state shown was read: the end of `to`.
    pub as_at: DateTime<Utc>,
    /// The ratings of every action at the end of the stretch.
    pub summary: RagCounts,
    /// The closed periods that ended in the stretch, with their ratings.
    pub trend: Vec<PeriodCounts>,
    pub ambitions: Vec<AnnualAmbition>,
    /// Approved achievements linked to no ambition.
    pub across_the_strategy: Vec<AchievementView>,
    pub not_as_expected: NotAsExpected,
    pub indicators: Vec<IndicatorSummary>,
    pub pledges: PledgeMatrix,
    pub pledge_texts: Vec<PledgeText>,
    /// The young people's council's priorities raised or answered in the
    /// stretch.
    pub young_people_asked: Vec<PriorityAnswered>,
    pub next_steps: NextSteps,
}

/// "2024", or "1 April 2024 to 31 March 2025".
pub fn span_words(from: NaiveDate, to: NaiveDate) -> String {
    match calendar_year(Span { from, to }) {
        Some(year) => year.to_string(),
        None => format!(
            "{} to {}",
            super::labels::long_date(from),
            super::labels::long_date(to)
        ),
    }
}

/// The name to save the paper under: `annual-report-2024.docx`,
/// `local-offer-update-2024-06-01-to-2024-11-30.html`; the young people's
/// version says so.
pub fn file_name(data: &Annual, audience: AnnualAudience, format: AnnualFormat) -> String {
    let paper = match data.paper {
        Paper::Annual => "annual-report",
        Paper::LocalOffer => "local-offer-update",
    };
    let span = match calendar_year(Span {
        from: data.from,
        to: data.to,
    }) {
        Some(year) => year.to_string(),
        None => format!("{}-to-{}", data.from, data.to),
    };
    let who = match audience {
        AnnualAudience::Committee => "",
        AnnualAudience::YoungPeople => "-young-people",
    };
    format!("{paper}-{span}{who}.{}", format.extension())
}

/// [`render`] on a thread for blocking work: drawing the charts and
/// packing a Word document take long enough that they would hold up the
/// other requests sharing the caller's worker.
pub async fn render_apart(
    data: Annual,
    audience: AnnualAudience,
    format: AnnualFormat,
) -> Result<Rendered, AppError> {
    tokio::task::spawn_blocking(move || render(data, audience, format))
        .await
        .map_err(AppError::internal)?
}

/// The paper for `audience` in `format`. JSON is the committee's
/// [`AnnualReport`], or the young people's document. Fails only if a
/// template, an image or serialisation fails, as an internal error.
pub fn render(
    data: Annual,
    audience: AnnualAudience,
    format: AnnualFormat,
) -> Result<Rendered, AppError> {
    let file = file_name(&data, audience, format);
    let report = arrange::report(data);
    let body = match (audience, format) {
        (AnnualAudience::Committee, AnnualFormat::Json) => {
            serde_json::to_vec(&report).map_err(AppError::internal)?
        }
        (AnnualAudience::Committee, _) => write(&committee::document(&report), format, &report)?,
        (AnnualAudience::YoungPeople, _) => write(&plain::document(&report), format, &report)?,
    };
    Ok(Rendered {
        content_type: format.content_type(),
        body,
        file_name: (format == AnnualFormat::Docx).then_some(file),
        self_contained_page: format == AnnualFormat::Html,
    })
}

fn write(
    doc: &document::Document,
    format: AnnualFormat,
    report: &AnnualReport,
) -> Result<Vec<u8>, AppError> {
    match format {
        AnnualFormat::Json => serde_json::to_vec(doc).map_err(AppError::internal),
        AnnualFormat::Html => page::render(doc)
            .map(String::into_bytes)
            .map_err(AppError::internal),
        AnnualFormat::Docx => docx::render(doc, report.as_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plain_words::{rating_words, unexplained_acronyms};
    use crate::report::fixture;
    use document::Block;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn annual(paper: Paper, text: &str) -> Annual {
        Annual {
            paper,
            report: fixture::report("Our strategy for LAC", text),
            from: day("2024-01-01"),
            to: day("2024-12-31"),
            periods: Vec::new(),
            achievements: Vec::new(),
            slipped: Vec::new(),
            priorities: Vec::new(),
            ahead: crate::domain::annual::ahead_of(day("2024-12-31")),
        }
    }

    fn body(paper: Paper, text: &str, audience: AnnualAudience, format: AnnualFormat) -> Rendered {
        render(annual(paper, text), audience, format).unwrap()
    }

    #[test]
    fn each_format_says_how_to_serve_it() {
        let word = body(
            Paper::Annual,
            "x",
            AnnualAudience::Committee,
            AnnualFormat::Docx,
        );
        assert_eq!(word.content_type, DOCX);
        assert_eq!(word.file_name.as_deref(), Some("annual-report-2024.docx"));
        assert!(word.body.starts_with(b"PK"), "a zip archive");
        assert!(!word.self_contained_page);
        let page = body(
            Paper::LocalOffer,
            "x",
            AnnualAudience::YoungPeople,
            AnnualFormat::Html,
        );
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert!(page.self_contained_page && page.file_name.is_none());
        let mut data = annual(Paper::LocalOffer, "x");
        data.from = day("2024-06-01");
        data.to = day("2024-11-30");
        assert_eq!(
            file_name(&data, AnnualAudience::YoungPeople, AnnualFormat::Html),
            "local-offer-update-2024-06-01-to-2024-11-30-young-people.html"
        );
    }

    #[test]
    fn the_page_escapes_what_people_wrote_and_loads_nothing() {
        let page = body(
            Paper::Annual,
            "<script>alert('x')</script>",
            AnnualAudience::Committee,
            AnnualFormat::Html,
        );
        let page = String::from_utf8(page.body).unwrap();
        assert!(!page.contains("<script"));
        assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        for outside in ["src=", "href=", "<link", "@import"] {
            assert!(!page.contains(outside), "{outside}");
        }
        let summary = page.find("<table>").unwrap();
        assert!(page[summary..].starts_with("<table>\n<caption>Actions by rating</caption>"));
        assert!(page.contains("<svg"), "the indicator's chart");
    }

    #[test]
    fn the_committees_json_is_the_report_with_its_summary() {
        let json = body(
            Paper::Annual,
            "x",
            AnnualAudience::Committee,
            AnnualFormat::Json,
        );
        let value: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
        assert_eq!(
            value["summary"],
            serde_json::json!({"red": 1, "amber": 0, "green": 0, "blue": 0, "not_rated": 0, "total": 1})
        );
        assert_eq!(value["next_steps"]["from"], "2025-01-01");
        assert_eq!(value["next_steps"]["actions"][0]["reference"], "A1.1");
        assert_eq!(value["not_as_expected"]["actions"][0]["rag"], "red");
    }

    #[test]
    fn the_young_peoples_version_names_no_rating_and_spells_out_acronyms() {
        let doc = plain::document(&arrange::report(annual(Paper::Annual, "Help from CAMHS.")));
        let mut all = vec![doc.title.clone(), doc.subtitle.clone()];
        for block in &doc.blocks {
            match block {
                Block::Heading { text, .. } | Block::Paragraph { text } => all.push(text.clone()),
                Block::Table { rows, header, .. } => {
                    all.extend(header.iter().cloned());
                    all.extend(rows.iter().flatten().cloned());
                }
                Block::Quote { text, by } => all.extend([text.clone(), by.clone()]),
                Block::Chart { alt, .. } => all.push(alt.clone()),
            }
        }
        let text = all.join("\n");
        assert!(rating_words(&text).is_empty(), "{text}");
        assert_eq!(unexplained_acronyms(&text), Vec::<&str>::new(), "{text}");
        assert!(text.contains("LAC (looked after children)"));
    }

    #[test]
    fn the_committees_document_has_its_sections_in_order() {
        let doc = committee::document(&arrange::report(annual(Paper::Annual, "x")));
        let sections: Vec<&str> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 1, text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let mut expected = committee::SECTIONS.to_vec();
        expected.retain(|s| *s != "What young people asked for");
        assert_eq!(sections, expected);
        let Some(Block::Table { header, rows, .. }) =
            doc.blocks.iter().find(|b| matches!(b, Block::Table { .. }))
        else {
            panic!("no table")
        };
        assert_eq!(header, &["Rating", "Actions"]);
        assert_eq!(rows[0], ["Red", "1"]);
        assert_eq!(rows[5], ["Total", "1"]);
    }
}
