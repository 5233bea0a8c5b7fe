//! The data gathered for a stretch arranged as the report: what JSON
//! answers, and what the papers are written from.

use chrono_tz::Tz;

use super::{
    ActionNextSteps, AnnualAmbition, AnnualReport, BoardAnswer, MilestoneDue, NextSteps,
    NotAsExpected, PriorityAnswered, span_words,
};
use crate::domain::Rag;
use crate::domain::half_year::{Span, contains};
use crate::services::achievements::AchievementView;
use crate::services::priorities::PriorityView;
use crate::services::review::{Annual, Paper, Report};

/// The title of a paper.
pub fn title(paper: Paper, strategy: &str, span: &str) -> String {
    match paper {
        Paper::Annual => format!("{strategy}: annual report to committee, {span}"),
        Paper::LocalOffer => {
            format!("{strategy}: update on the Local Offer for Care Leavers, {span}")
        }
    }
}

/// Arranges the data as the report.
pub fn report(data: Annual) -> AnnualReport {
    let Annual {
        paper,
        report,
        from,
        to,
        periods,
        achievements,
        slipped,
        priorities,
        ahead,
    } = data;
    let zone = report.zone;
    let next_steps = next_steps_of(&report, ahead);
    // An achievement linked to no ambition of the plan (none, or only ones
    // since removed) is shown across the strategy rather than lost.
    let numbers: Vec<i32> = report.ambitions.iter().map(|s| s.ambition.number).collect();
    let unplaced: Vec<AchievementView> = achievements
        .iter()
        .filter(|a| !a.ambitions.iter().any(|s| numbers.contains(&s.number)))
        .cloned()
        .collect();
    let mut indicators = Vec::new();
    let ambitions = report
        .ambitions
        .into_iter()
        .map(|section| {
            indicators.extend(section.indicators);
            let number = section.ambition.number;
            AnnualAmbition {
                number,
                title: section.ambition.title,
                summary: section.summary,
                actions: section.actions,
                achievements: achievements
                    .iter()
                    .filter(|a| a.ambitions.iter().any(|s| s.number == number))
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    let young_people_asked = priorities.into_iter().map(|p| answered(p, zone)).collect();
    AnnualReport {
        title: title(paper, &report.strategy.name, &span_words(from, to)),
        paper,
        strategy: report.strategy,
        from,
        to,
        as_at: report.as_at,
        summary: report.summary,
        trend: periods,
        ambitions,
        across_the_strategy: unplaced,
        not_as_expected: NotAsExpected {
            actions: report.exceptions,
            milestones: slipped,
        },
        indicators,
        pledges: report.pledges,
        pledge_texts: report.pledge_texts,
        young_people_asked,
        next_steps,
    }
}

/// The next steps of the red and amber actions, and the milestones due in
/// the months ahead.
fn next_steps_of(report: &Report, ahead: Span) -> NextSteps {
    NextSteps {
        from: ahead.from,
        to: ahead.to,
        actions: report
            .ambitions
            .iter()
            .flat_map(|s| &s.actions)
            .filter(|a| matches!(a.rag, Rag::Red | Rag::Amber))
            .map(|a| ActionNextSteps {
                reference: a.reference.clone(),
                title: a.title.clone(),
                lead: a.lead.clone(),
                rag: a.rag,
                next_steps: a.next_steps.clone(),
            })
            .collect(),
        milestones: report
            .ambitions
            .iter()
            .flat_map(|s| &s.actions)
            .flat_map(|a| a.milestones.iter().map(move |m| (a, m)))
            .filter(|(_, m)| m.completed_on.is_none() && contains(ahead, m.due_date))
            .map(|(a, m)| MilestoneDue {
                action: a.reference.clone(),
                action_title: a.title.clone(),
                lead: a.lead.clone(),
                title: m.title.clone(),
                due_date: m.due_date,
            })
            .collect(),
    }
}

/// A priority and the board's answers, each on the board's day.
fn answered(p: PriorityView, zone: Tz) -> PriorityAnswered {
    PriorityAnswered {
        title: p.title,
        said: p.said,
        raised_on: p.raised_on,
        status: p.status,
        answers: p
            .answers
            .into_iter()
            .map(|a| BoardAnswer {
                answered_on: a.answered_at.with_timezone(&zone).date_naive(),
                status: a.status,
                message: a.message,
            })
            .collect(),
    }
}
