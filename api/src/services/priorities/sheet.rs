//! A strategy's priorities as a spreadsheet: one row per priority with the
//! board's answer as it stands, for the board's officer and for other
//! systems that keep a "You said, we did" log.

use ::csv::Writer;
use uuid::Uuid;

use super::view::PriorityView;
use crate::domain::PriorityStatus;
use crate::domain::spreadsheet::{cell, with_bom};
use crate::error::AppError;

/// The columns, in order.
pub const COLUMNS: [&str; 19] = [
    "Title",
    "Raised on",
    "Where it was raised",
    "Raised by",
    "What young people said",
    "Why it matters",
    "Ambitions",
    "Commitments",
    "Status",
    "Answer due",
    "Overdue",
    "First answered",
    "What will be done",
    "By whom",
    "By when",
    "Why not",
    "What changed",
    "Actions",
    "Latest message to young people",
];

/// How a status reads in the sheet.
pub fn status_words(status: PriorityStatus) -> &'static str {
    match status {
        PriorityStatus::Raised => "Waiting for the board's answer",
        PriorityStatus::Accepted => "Accepted",
        PriorityStatus::Declined => "Not taken forward",
        PriorityStatus::InProgress => "In progress",
        PriorityStatus::Done => "Done",
    }
}

fn numbers(statements: &[crate::db::statements::StatementRef]) -> String {
    statements
        .iter()
        .map(|s| s.number.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

/// The sheet of `priorities`, with a byte order mark so that Excel reads
/// it as UTF-8; answered times are written as the board's dates by
/// `local_date`.
pub fn render(
    priorities: &[PriorityView],
    local_date: impl Fn(chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate,
) -> Result<Vec<u8>, AppError> {
    let mut writer = Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(AppError::internal)?;
    for p in priorities {
        let actions: Vec<&str> = p.actions.iter().map(|a| a.reference.as_str()).collect();
        let optional = |text: &Option<String>| cell(text.as_deref().unwrap_or_default());
        writer
            .write_record([
                cell(&p.title),
                p.raised_on.to_string(),
                cell(&p.raised_at),
                cell(&p.organisation.name),
                cell(&p.said),
                cell(&p.why_it_matters),
                numbers(&p.ambitions),
                numbers(&p.commitments),
                status_words(p.status).to_owned(),
                p.response_due_on.to_string(),
                if p.overdue { "Yes" } else { "No" }.to_owned(),
                p.answered_at
                    .map(|t| local_date(t).to_string())
                    .unwrap_or_default(),
                optional(&p.response),
                p.owner_organisation
                    .as_ref()
                    .map(|o| cell(&o.name))
                    .unwrap_or_default(),
                p.deliver_by.map(|d| d.to_string()).unwrap_or_default(),
                optional(&p.decline_reason),
                optional(&p.outcome),
                actions.join(";"),
                p.answers
                    .last()
                    .map(|a| cell(&a.message))
                    .unwrap_or_default(),
            ])
            .map_err(AppError::internal)?;
    }
    Ok(with_bom(&writer.into_inner().map_err(AppError::internal)?))
}

/// The name a strategy's sheet is saved under.
pub fn file_name(strategy_id: Uuid) -> String {
    format!("priorities-{strategy_id}.csv")
}
