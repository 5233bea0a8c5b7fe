//! The report in plain language for children and young people: per
//! ambition, what we said we would do, how it is going and what happens
//! next, without codes or jargon.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::labels::value_label;
use crate::domain::Rag;
use crate::domain::indicators::Trajectory;
use crate::services::indicators::IndicatorSummary;
use crate::services::review::{Report, ReportAction};

#[derive(Debug, Serialize, ToSchema)]
pub struct PlainReport {
    pub title: String,
    pub as_at: DateTime<Utc>,
    /// The day it describes, where the board is.
    #[serde(skip)]
    pub day: NaiveDate,
    pub ambitions: Vec<PlainAmbition>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlainAmbition {
    /// The ambition, e.g. "Is safe and feels safe".
    pub ambition: String,
    pub promises: Vec<PlainPromise>,
    /// One sentence per measure of the ambition, with its latest figure.
    pub how_we_know: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlainPromise {
    pub what_we_said_we_would_do: String,
    pub how_it_is_going: String,
    pub what_happens_next: String,
    /// Who is leading this.
    pub who: String,
}

/// How a rating reads to a young person.
pub fn how_it_is_going(rag: Rag) -> &'static str {
    match rag {
        Rag::Blue => "Done.",
        Rag::Green => "Going well.",
        Rag::Amber => "There are some problems, and the people responsible are sorting them out.",
        Rag::Red => "This is not going well. The board is working with partners to put it right.",
        Rag::NotRated => "The people responsible have not yet said how well this is going.",
    }
}

/// What happens next on an action: what its owners said they will do,
/// or, when they have not said, when young people will hear.
pub fn what_happens_next(a: &ReportAction) -> String {
    if a.rag == Rag::Blue {
        "Nothing more: this is finished.".to_owned()
    } else if a.next_steps.trim().is_empty() {
        "We will tell you at the next update.".to_owned()
    } else {
        a.next_steps.trim().to_owned()
    }
}

/// A measure and where it stands, in one or two sentences.
pub fn how_we_know(i: &IndicatorSummary) -> String {
    format!("{}: {}", i.title, figures(i))
}

/// Where a measure stands, without its name: its latest figure, the aim
/// and whether we are on course for it.
pub fn figures(i: &IndicatorSummary) -> String {
    let aim = format!(
        "the aim is {} by {}",
        value_label(i.unit, i.target.value),
        i.target.date.format("%B %Y")
    );
    let Some(latest) = &i.figures.latest else {
        return format!("no figures yet; {aim}.");
    };
    let how = match i.figures.trajectory {
        Trajectory::TargetMet => " We have reached it.",
        Trajectory::OnTrack => " We are on course to reach it.",
        Trajectory::OffTrack => " We are behind where we want to be.",
        Trajectory::NoData => "",
    };
    format!(
        "{} in {}; {aim}.{how}",
        value_label(i.unit, latest.value),
        latest.as_of.format("%B %Y")
    )
}

pub fn plain(report: &Report) -> PlainReport {
    PlainReport {
        title: match &report.organisation {
            Some(o) => format!("{}: what {} is doing", report.strategy.name, o.name),
            None => report.strategy.name.clone(),
        },
        as_at: report.as_at,
        day: report.day,
        ambitions: report
            .ambitions
            .iter()
            .map(|section| PlainAmbition {
                ambition: section.ambition.title.clone(),
                promises: section
                    .actions
                    .iter()
                    .map(|a| {
                        let mut going = how_it_is_going(a.rag).to_owned();
                        if !a.progress.trim().is_empty() {
                            going.push(' ');
                            going.push_str(a.progress.trim());
                        }
                        PlainPromise {
                            what_we_said_we_would_do: a.description.clone(),
                            how_it_is_going: going,
                            what_happens_next: what_happens_next(a),
                            who: a.lead.name.clone(),
                        }
                    })
                    .collect(),
                how_we_know: section.indicators.iter().map(how_we_know).collect(),
            })
            .collect(),
    }
}
