//! The young people's version of the paper: the same sections in plain
//! words, with short sentences, no ratings by letter or colour, and every
//! acronym spelt out the first time the paper uses it. The words of the
//! six-monthly report are used again, so the two read alike.

use std::collections::HashSet;

use super::AnnualReport;
use super::committee::{figure_value, voice_by};
use super::document::Document;
use crate::domain::Rag;
use crate::domain::plain_words::explain_acronyms;
use crate::report::charts::indicator_description;
use crate::report::half_year::words::{
    ambition_summary, commitment_summary, pledge_going, span_words,
};
use crate::report::labels::{long_date, value_label};
use crate::report::plain::{figures, how_it_is_going};
use crate::services::achievements::AchievementView;
use crate::services::review::Paper;

/// The section headings of the young people's version, in order.
pub const SECTIONS: [&str; 7] = [
    "How it is going",
    "What we did and what it meant",
    "What did not go so well",
    "How we know",
    "What our partners promised",
    "You said, we did",
    "What happens next",
];

/// Spells out each acronym the first time the document uses it: texts
/// must be said in the order the document shows them.
struct Writer {
    seen: HashSet<&'static str>,
    doc: Document,
}

impl Writer {
    fn say(&mut self, text: &str) -> String {
        explain_acronyms(text, &mut self.seen)
    }

    fn heading(&mut self, level: u8, text: &str) {
        let text = self.say(text);
        self.doc.heading(level, text);
    }

    fn paragraph(&mut self, text: &str) {
        let text = self.say(text);
        self.doc.paragraph(text);
    }
}

/// The young people's paper.
pub fn document(r: &AnnualReport) -> Document {
    let span = span_words(r.from, r.to);
    let title = match r.paper {
        Paper::Annual => format!("What we did for you: {span}"),
        Paper::LocalOffer => format!("The Local Offer for Care Leavers: what we did, {span}"),
    };
    let mut w = Writer {
        seen: HashSet::new(),
        doc: Document::new(String::new(), String::new(), r.title.clone()),
    };
    w.doc.title = w.say(&title);
    w.doc.subtitle = w.say(&format!(
        "This is our report about {}. It tells you how things were on {}.",
        r.strategy.name,
        long_date(r.to)
    ));
    going(&mut w, r);
    achieved(&mut w, r);
    not_so_well(&mut w, r);
    measures(&mut w, r);
    promises(&mut w, r);
    you_said(&mut w, r);
    next(&mut w, r);
    w.doc
}

fn going(w: &mut Writer, r: &AnnualReport) {
    w.heading(1, SECTIONS[0]);
    w.paragraph(&ambition_summary(&r.summary).replace(" for this ambition", ""));
    for a in &r.ambitions {
        w.heading(2, &format!("Ambition {}: {}", a.number, a.title));
        w.paragraph(&ambition_summary(&a.summary));
    }
}

fn achievement(w: &mut Writer, a: &AchievementView) {
    w.heading(3, &a.title);
    w.paragraph(&format!("What we did: {}", a.achieved));
    w.paragraph(&format!("What it meant: {}", a.meant));
    for f in &a.figures {
        w.paragraph(&format!("{}: {}.", f.label, figure_value(f)));
    }
    for v in &a.voices {
        let text = w.say(&v.text);
        let by = w.say(&voice_by(v));
        w.doc.quote(text, by);
    }
}

fn achieved(w: &mut Writer, r: &AnnualReport) {
    w.heading(1, SECTIONS[1]);
    let none =
        r.ambitions.iter().all(|a| a.achievements.is_empty()) && r.across_the_strategy.is_empty();
    if none {
        w.paragraph("We have no stories to tell you about this time yet.");
        return;
    }
    for a in r.ambitions.iter().filter(|a| !a.achievements.is_empty()) {
        w.heading(2, &a.title);
        for x in &a.achievements {
            achievement(w, x);
        }
    }
    if !r.across_the_strategy.is_empty() {
        w.heading(2, "Across everything we do");
        for x in &r.across_the_strategy {
            achievement(w, x);
        }
    }
}

fn not_so_well(w: &mut Writer, r: &AnnualReport) {
    w.heading(1, SECTIONS[2]);
    let hard = &r.not_as_expected.actions;
    if hard.is_empty() {
        w.paragraph("Nothing was going badly at the end of this time.");
    }
    for e in hard {
        let description = r
            .ambitions
            .iter()
            .flat_map(|a| &a.actions)
            .find(|a| a.reference == e.action.reference)
            .map_or(e.action.title.as_str(), |a| a.description.as_str());
        let description = description.trim();
        if description.ends_with(['.', '!', '?']) {
            w.paragraph(description);
        } else {
            w.paragraph(&format!("{description}."));
        }
        w.paragraph(how_it_is_going(e.rag));
    }
    let late = r
        .not_as_expected
        .milestones
        .iter()
        .filter(|m| m.overdue || !m.moves.is_empty())
        .count();
    if late > 0 {
        let steps = if late == 1 { "step" } else { "steps" };
        w.paragraph(&format!(
            "{late} {steps} of our plan took longer than we said they would."
        ));
    }
}

fn measures(w: &mut Writer, r: &AnnualReport) {
    w.heading(1, SECTIONS[3]);
    if r.indicators.is_empty() {
        w.paragraph("We have no numbers to show you this time.");
    }
    for (i, indicator) in r.indicators.iter().enumerate() {
        w.heading(2, &indicator.title);
        w.paragraph(&figures(indicator));
        let alt = w.say(&indicator_description(indicator));
        w.doc.chart(format!("measure-{}", i + 1), alt, indicator);
        let unit = indicator.unit;
        let rows = indicator
            .series
            .iter()
            .map(|p| vec![long_date(p.date), value_label(unit, p.value)])
            .collect();
        w.doc
            .table("The numbers in the chart", &["Date", "Number"], rows, &[1]);
    }
}

fn promises(w: &mut Writer, r: &AnnualReport) {
    w.heading(1, SECTIONS[4]);
    let matrix = &r.pledges;
    for (i, c) in matrix.commitments.iter().enumerate() {
        let ratings: Vec<Option<Rag>> = matrix
            .rows
            .iter()
            .map(|row| row.cells.get(i).copied().flatten())
            .collect();
        w.heading(2, &c.title);
        w.paragraph(&commitment_summary(&ratings));
        let rows: Vec<Vec<String>> = matrix
            .rows
            .iter()
            .zip(&ratings)
            .map(|(row, rag)| vec![w.say(&row.organisation.name), w.say(pledge_going(*rag))])
            .collect();
        w.doc.table(
            format!("How each partner keeps promise {}", c.number),
            &["Partner", "How it is going"],
            rows,
            &[],
        );
    }
}

fn you_said(w: &mut Writer, r: &AnnualReport) {
    if r.young_people_asked.is_empty() {
        return;
    }
    w.heading(1, SECTIONS[5]);
    for p in &r.young_people_asked {
        w.heading(2, &p.title);
        w.paragraph(&format!("You said: {}", p.said));
        for a in &p.answers {
            w.paragraph(&format!(
                "On {}, we told you: {}",
                long_date(a.answered_on),
                a.message
            ));
        }
    }
}

fn next(w: &mut Writer, r: &AnnualReport) {
    w.heading(1, SECTIONS[6]);
    let n = &r.next_steps;
    for a in &n.actions {
        let what = if a.next_steps.trim().is_empty() {
            "We will tell you at the next update."
        } else {
            a.next_steps.trim()
        };
        w.paragraph(&format!("{}: {what}", a.title));
    }
    let due = n.milestones.len();
    w.paragraph(&format!(
        "By {}, we plan to finish {due} more {}.",
        long_date(n.to),
        if due == 1 { "step" } else { "steps" }
    ));
    w.paragraph("If anything here is not clear, please ask us. We want to know what you think.");
}
