//! The committee's paper, written out section by section in the order a
//! committee reads it.

use rust_decimal::Decimal;

use super::document::Document;
use super::{AnnualReport, span_words};
use crate::domain::Rag;
use crate::domain::review::RagCounts;
use crate::report::charts::indicator_description;
use crate::report::labels::{long_date, value_label};
use crate::services::achievements::{AchievementView, FigureView, VoiceView};
use crate::services::review::Paper;

/// The ambitions' headings and the achievements under each; what is linked
/// to no ambition comes last.
pub const ACROSS: &str = "Across the strategy";

/// The section headings, in order. "What young people asked for" is left
/// out when nothing was asked or answered in the stretch.
pub const SECTIONS: [&str; 7] = [
    "Summary",
    "Progress and achievements by ambition",
    "Where progress was not as expected",
    "Indicators",
    "How partners met their commitments",
    "What young people asked for",
    "Next steps",
];

/// The counts of a RAG summary as table rows: Red, Amber, Green, Blue,
/// Not rated, Total.
pub fn rag_rows(counts: &RagCounts) -> Vec<Vec<String>> {
    [
        ("Red", counts.red),
        ("Amber", counts.amber),
        ("Green", counts.green),
        ("Blue", counts.blue),
        ("Not rated", counts.not_rated),
        ("Total", counts.total),
    ]
    .into_iter()
    .map(|(label, n)| vec![label.to_owned(), n.to_string()])
    .collect()
}

fn counts_in_words(counts: &RagCounts) -> String {
    format!(
        "{} red, {} amber, {} green, {} blue (complete) and {} not rated",
        counts.red, counts.amber, counts.green, counts.blue, counts.not_rated
    )
}

/// The paper for the committee.
pub fn document(r: &AnnualReport) -> Document {
    let span = span_words(r.from, r.to);
    let mut doc = Document::new(
        r.title.clone(),
        format!(
            "The position as at {}; covering {} to {}.",
            long_date(r.to),
            long_date(r.from),
            long_date(r.to)
        ),
        match r.paper {
            Paper::Annual => "Annual report on the work of the partnership board".to_owned(),
            Paper::LocalOffer => "Six-monthly update on the Local Offer for Care Leavers".into(),
        },
    );
    doc.paragraph(purpose(r, &span));
    summary(&mut doc, r);
    ambitions(&mut doc, r);
    not_as_expected(&mut doc, r);
    indicators(&mut doc, r);
    commitments(&mut doc, r);
    asked(&mut doc, r);
    next_steps(&mut doc, r);
    doc
}

fn purpose(r: &AnnualReport, span: &str) -> String {
    match r.paper {
        Paper::Annual => format!(
            "This report tells the committee about the work of the partnership board and the \
             impact of {} in {span}: progress and key achievements by ambition, where progress \
             was not as expected, the indicators, how partners met their commitments, what young \
             people asked for and the next steps.",
            r.strategy.name
        ),
        Paper::LocalOffer => format!(
            "This update tells the committee about the impact of the Local Offer for Care \
             Leavers in {span}: the achievements recorded for it, with the chosen indicators, \
             alongside the progress of {} as a whole.",
            r.strategy.name
        ),
    }
}

fn summary(doc: &mut Document, r: &AnnualReport) {
    doc.heading(1, SECTIONS[0]);
    doc.paragraph(format!(
        "As at {}, the plan's {} actions were rated {}.",
        long_date(r.to),
        r.summary.total,
        counts_in_words(&r.summary)
    ));
    doc.table(
        "Actions by rating",
        &["Rating", "Actions"],
        rag_rows(&r.summary),
        &[1],
    );
    if r.trend.is_empty() {
        doc.paragraph("No reporting period closed in this time, so there is no trend to show.");
        return;
    }
    doc.paragraph(format!(
        "The ratings each reporting period closed with, from {} to {}:",
        r.trend[0].period.name,
        r.trend[r.trend.len() - 1].period.name
    ));
    let rows = r
        .trend
        .iter()
        .map(|p| {
            let c = &p.counts;
            let mut row = vec![p.period.name.clone()];
            row.extend(
                [c.red, c.amber, c.green, c.blue, c.not_rated, c.total].map(|n| n.to_string()),
            );
            row
        })
        .collect();
    doc.table(
        "Ratings by reporting period",
        &[
            "Period",
            "Red",
            "Amber",
            "Green",
            "Blue",
            "Not rated",
            "Total",
        ],
        rows,
        &[1, 2, 3, 4, 5, 6],
    );
}

fn ambitions(doc: &mut Document, r: &AnnualReport) {
    doc.heading(1, SECTIONS[1]);
    for a in &r.ambitions {
        doc.heading(2, format!("Ambition {}: {}", a.number, a.title));
        doc.paragraph(format!(
            "{} actions have this as their first ambition: {}.",
            a.summary.total,
            counts_in_words(&a.summary)
        ));
        if !a.actions.is_empty() {
            let rows = a
                .actions
                .iter()
                .map(|x| {
                    vec![
                        x.reference.clone(),
                        x.title.clone(),
                        x.lead.name.clone(),
                        x.rag.label().to_owned(),
                        x.progress.clone(),
                    ]
                })
                .collect();
            doc.table(
                format!("The actions of ambition {}", a.number),
                &["Ref", "Action", "Lead", "Rating", "Progress"],
                rows,
                &[],
            );
        }
        if a.achievements.is_empty() {
            doc.paragraph("No achievement was approved for this ambition in this time.");
        }
        for achievement in &a.achievements {
            write_achievement(doc, achievement);
        }
    }
    if !r.across_the_strategy.is_empty() {
        doc.heading(2, ACROSS);
        for achievement in &r.across_the_strategy {
            write_achievement(doc, achievement);
        }
    }
}

/// "care leaver, 21-24".
pub fn voice_by(v: &VoiceView) -> String {
    match v.age_band.as_deref() {
        Some(band) => format!("{}, {band}", v.role),
        None => v.role.clone(),
    }
}

/// "80%", "12 apprenticeships", with the indicator it cites.
pub fn figure_value(f: &FigureView) -> String {
    let number = |v: Decimal| value_label(crate::domain::indicators::Unit::Count, v);
    match (f.value, f.unit.as_deref()) {
        (Some(v), Some("%")) => format!("{}%", v.normalize()),
        (Some(v), Some(unit)) => format!("{} {unit}", number(v)),
        (Some(v), None) => number(v),
        (None, _) => "-".to_owned(),
    }
}

fn write_achievement(doc: &mut Document, a: &AchievementView) {
    doc.heading(3, a.title.clone());
    doc.paragraph(format!("What the partnership achieved: {}", a.achieved));
    doc.paragraph(format!(
        "What this has meant for children, young people and care leavers: {}",
        a.meant
    ));
    if !a.figures.is_empty() {
        let rows = a
            .figures
            .iter()
            .map(|f| {
                vec![
                    f.label.clone(),
                    figure_value(f),
                    f.as_of.map(long_date).unwrap_or_default(),
                    f.indicator.clone().unwrap_or_default(),
                ]
            })
            .collect();
        doc.table(
            format!("Figures: {}", a.title),
            &["Figure", "Value", "As of", "Indicator"],
            rows,
            &[1],
        );
    }
    for v in &a.voices {
        doc.quote(v.text.clone(), voice_by(v));
    }
}

fn not_as_expected(doc: &mut Document, r: &AnnualReport) {
    doc.heading(1, SECTIONS[2]);
    let n = &r.not_as_expected;
    if n.actions.is_empty() {
        doc.paragraph("No action was rated red or amber at the end of this time.");
    } else {
        let rows = n
            .actions
            .iter()
            .map(|e| {
                vec![
                    e.action.reference.clone(),
                    e.action.title.clone(),
                    e.action.lead.name.clone(),
                    e.rag.label().to_owned(),
                    e.commentary.clone(),
                ]
            })
            .collect();
        doc.table(
            "Actions rated red or amber",
            &["Ref", "Action", "Lead", "Rating", "Commentary"],
            rows,
            &[],
        );
    }
    if n.milestones.is_empty() {
        doc.paragraph("No milestone was moved in this time, and none was overdue at its end.");
        return;
    }
    doc.heading(2, "Milestones that slipped");
    let rows = n
        .milestones
        .iter()
        .map(|m| {
            let reasons: Vec<String> = m
                .moves
                .iter()
                .map(|x| {
                    format!(
                        "Moved on {} from {} to {}: {}",
                        long_date(x.moved_on),
                        long_date(x.from_date),
                        long_date(x.to_date),
                        x.reason
                    )
                })
                .collect();
            vec![
                m.action.clone(),
                m.title.clone(),
                m.lead.name.clone(),
                long_date(m.baseline_due),
                long_date(m.due_date),
                if m.overdue { "Overdue" } else { "Not overdue" }.to_owned(),
                reasons.join("; "),
            ]
        })
        .collect();
    doc.table(
        "Milestones moved or overdue",
        &[
            "Ref",
            "Milestone",
            "Lead",
            "First agreed",
            "Due",
            "Status",
            "Reasons",
        ],
        rows,
        &[],
    );
}

fn indicators(doc: &mut Document, r: &AnnualReport) {
    doc.heading(1, SECTIONS[3]);
    if r.indicators.is_empty() {
        doc.paragraph("No indicator is shown in this report.");
    }
    for (i, indicator) in r.indicators.iter().enumerate() {
        doc.heading(2, indicator.title.clone());
        doc.chart(
            format!("indicator-{}", i + 1),
            indicator_description(indicator),
            indicator,
        );
        let unit = indicator.unit;
        let mut rows = vec![vec![
            "Baseline".to_owned(),
            long_date(indicator.baseline.date),
            value_label(unit, indicator.baseline.value),
        ]];
        rows.extend(indicator.series.iter().map(|p| {
            vec![
                "Recorded".to_owned(),
                long_date(p.date),
                value_label(unit, p.value),
            ]
        }));
        rows.push(vec![
            "Target".to_owned(),
            long_date(indicator.target.date),
            value_label(unit, indicator.target.value),
        ]);
        doc.table(
            format!("{}: the numbers of the chart", indicator.title),
            &["", "Date", "Value"],
            rows,
            &[2],
        );
    }
}

fn commitments(doc: &mut Document, r: &AnnualReport) {
    doc.heading(1, SECTIONS[4]);
    let matrix = &r.pledges;
    doc.paragraph(format!(
        "Each partner pledges how it meets each of the strategy's {} commitments; {} pledges \
         were missing at the end of this time.",
        matrix.commitments.len(),
        matrix.gaps
    ));
    let mut header = vec!["Organisation".to_owned()];
    header.extend(
        matrix
            .commitments
            .iter()
            .map(|c| format!("Commitment {}", c.number)),
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = matrix
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.organisation.name.clone()];
            cells.extend(
                row.cells
                    .iter()
                    .map(|c| c.map_or("No pledge", Rag::label).to_owned()),
            );
            cells
        })
        .collect();
    doc.table("Pledges by partner and commitment", &header, rows, &[]);
    for c in &matrix.commitments {
        let texts: Vec<Vec<String>> = r
            .pledge_texts
            .iter()
            .filter(|t| t.commitment == c.number)
            .map(|t| {
                vec![
                    t.organisation.name.clone(),
                    t.rag.label().to_owned(),
                    t.text.clone(),
                ]
            })
            .collect();
        if texts.is_empty() {
            continue;
        }
        doc.heading(2, format!("Commitment {}: {}", c.number, c.title));
        doc.table(
            format!("Pledges to commitment {}", c.number),
            &["Organisation", "Rating", "Pledge"],
            texts,
            &[],
        );
    }
}

fn asked(doc: &mut Document, r: &AnnualReport) {
    if r.young_people_asked.is_empty() {
        return;
    }
    doc.heading(1, SECTIONS[5]);
    for p in &r.young_people_asked {
        doc.heading(2, p.title.clone());
        doc.paragraph(format!("Raised on {}: {}", long_date(p.raised_on), p.said));
        if p.answers.is_empty() {
            doc.paragraph("The board gave no answer in this time.");
        }
        for a in &p.answers {
            doc.paragraph(format!(
                "The board's answer on {}: {}",
                long_date(a.answered_on),
                a.message
            ));
        }
    }
}

fn next_steps(doc: &mut Document, r: &AnnualReport) {
    doc.heading(1, SECTIONS[6]);
    let n = &r.next_steps;
    if n.actions.is_empty() {
        doc.paragraph("No action was rated red or amber, so none has recovery steps to report.");
    } else {
        let rows = n
            .actions
            .iter()
            .map(|a| {
                vec![
                    a.reference.clone(),
                    a.title.clone(),
                    a.lead.name.clone(),
                    a.rag.label().to_owned(),
                    a.next_steps.clone(),
                ]
            })
            .collect();
        doc.table(
            "Next steps of the actions rated red or amber",
            &["Ref", "Action", "Lead", "Rating", "Next steps"],
            rows,
            &[],
        );
    }
    doc.paragraph(format!(
        "Milestones due from {} to {}:",
        long_date(n.from),
        long_date(n.to)
    ));
    if n.milestones.is_empty() {
        doc.paragraph("None.");
        return;
    }
    let rows = n
        .milestones
        .iter()
        .map(|m| {
            vec![
                m.action.clone(),
                m.title.clone(),
                m.lead.name.clone(),
                long_date(m.due_date),
            ]
        })
        .collect();
    doc.table(
        "Milestones due in the next six months",
        &["Ref", "Milestone", "Lead", "Due"],
        rows,
        &[],
    );
}
