//! The report as CSV: one row per action, UTF-8 with a byte order mark so
//! that Excel opens it with the right characters.

use ::csv::Writer;

use super::labels::{direction_label, rag_label};
use super::plain::PlainReport;
use crate::domain::spreadsheet::{cell, with_bom};
use crate::services::review::Report;

fn finish(writer: Writer<Vec<u8>>) -> Vec<u8> {
    with_bom(&writer.into_inner().unwrap_or_default())
}

pub fn render(report: &Report) -> Vec<u8> {
    let mut writer = Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "Reference",
        "Action",
        "Ambitions",
        "Lead organisation",
        "RAG",
        "Direction",
        "Commentary",
        "Progress",
        "Next steps",
        "Last reported",
        "Target date",
        "Milestones due",
        "Milestones done",
        "Milestones overdue",
    ]);
    for section in &report.ambitions {
        for a in &section.actions {
            let ambitions: Vec<String> = a.ambitions.iter().map(ToString::to_string).collect();
            let _ = writer.write_record([
                cell(&a.reference),
                cell(&a.title),
                ambitions.join(" "),
                cell(&a.lead.name),
                rag_label(a.rag).to_owned(),
                direction_label(a.direction).to_owned(),
                cell(&a.commentary),
                cell(&a.progress),
                cell(&a.next_steps),
                a.reported_at
                    .map(|t| t.with_timezone(&report.zone).date_naive().to_string())
                    .unwrap_or_default(),
                a.target_date.map(|d| d.to_string()).unwrap_or_default(),
                a.milestones_due.to_string(),
                a.milestones_done.to_string(),
                a.milestones_overdue.to_string(),
            ]);
        }
    }
    finish(writer)
}

pub fn render_plain(report: &PlainReport) -> Vec<u8> {
    let mut writer = Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "Ambition",
        "What we said we would do",
        "How it is going",
        "What happens next",
        "Who is leading this",
    ]);
    for ambition in &report.ambitions {
        for p in &ambition.promises {
            let _ = writer.write_record([
                cell(&ambition.ambition),
                cell(&p.what_we_said_we_would_do),
                cell(&p.how_it_is_going),
                cell(&p.what_happens_next),
                cell(&p.who),
            ]);
        }
    }
    finish(writer)
}
