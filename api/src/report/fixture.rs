//! A small board report for the renderers' tests: one ambition with one
//! action and one indicator, one exception, one organisation's pledges.
//! Every name and text in it is the text it is built with, so a test can
//! see how each place shows it.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::domain::Rag;
use crate::domain::review::{
    ActionBrief, Direction, Exception, Named, Numbered, PledgeMatrix, PledgeRow, RagCounts,
};
use crate::services::indicators::IndicatorSummary;
use crate::services::review::{AmbitionSection, PledgeText, Report, ReportAction, Source};

fn named(name: &str) -> Named {
    Named {
        id: Uuid::nil(),
        name: name.to_owned(),
    }
}

fn numbered(number: i32, title: &str) -> Numbered {
    Numbered {
        id: Uuid::nil(),
        number,
        title: title.to_owned(),
    }
}

pub fn action(text: &str) -> ReportAction {
    ReportAction {
        reference: "A1.1".into(),
        title: text.into(),
        description: text.into(),
        lead: named(text),
        ambitions: vec![1],
        rag: Rag::Red,
        direction: Direction::Worse,
        commentary: text.into(),
        progress: String::new(),
        next_steps: text.into(),
        reported_at: None,
        target_date: None,
        milestones: Vec::new(),
        milestones_due: 2,
        milestones_done: 1,
        milestones_overdue: 1,
    }
}

fn indicator(text: &str) -> IndicatorSummary {
    serde_json::from_value(serde_json::json!({
        "id": Uuid::nil(),
        "title": text,
        "unit": "days",
        "direction": "lower_is_better",
        "owner": {"id": Uuid::nil(), "name": text},
        "ambitions": [1],
        "baseline": {"date": "2022-03-31", "value": 38},
        "target": {"date": "2025-03-31", "value": 20},
        "latest": {
            "as_of": "2024-03-31", "value": 26, "period_id": null, "breakdown": [],
            "breakdown_sum": null, "breakdown_mismatch": false
        },
        "previous": null,
        "change_since_baseline": -12,
        "change_since_previous": null,
        "direction_of_travel": "better",
        "expected": null,
        "trajectory": "off_track"
    }))
    .expect("an indicator summary")
}

/// A board report of a strategy called `name`, every other text `text`.
pub fn report(name: &str, text: &str) -> Report {
    let mut summary = RagCounts::default();
    summary.add(Rag::Red);
    Report {
        strategy: named(name),
        vision: text.into(),
        as_at: Utc.with_ymd_and_hms(2024, 6, 30, 22, 0, 0).unwrap(),
        day: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        zone: chrono_tz::Europe::London,
        source: Source::History,
        period: None,
        organisation: None,
        summary: summary.clone(),
        exceptions: vec![Exception {
            action: ActionBrief {
                id: Uuid::nil(),
                reference: "A1.1".into(),
                title: text.into(),
                lead: named(text),
            },
            rag: Rag::Red,
            rag_since: None,
            days_at_rating: None,
            commentary: text.into(),
            commentary_at: None,
            direction: Direction::Worse,
            red_periods_in_a_row: 2,
        }],
        ambitions: vec![AmbitionSection {
            ambition: numbered(1, text),
            summary,
            actions: vec![action(text)],
            indicators: vec![indicator(text)],
        }],
        pledges: PledgeMatrix {
            commitments: vec![numbered(1, text), numbered(2, text)],
            rows: vec![PledgeRow {
                organisation: named(text),
                cells: vec![Some(Rag::NotRated), None],
            }],
            gaps: 1,
        },
        pledge_texts: vec![PledgeText {
            organisation: named(text),
            commitment: 1,
            rag: Rag::NotRated,
            text: text.into(),
        }],
    }
}
