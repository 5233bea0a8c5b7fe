//! The sentences the six-monthly report writes itself: short, in plain
//! words, naming no rating by letter or colour. A partner's name, which is
//! as long as the partner made it, stands beside a label rather than in
//! one of these sentences.

use chrono::{Datelike, NaiveDate};

use crate::domain::review::RagCounts;
use crate::domain::{PriorityStatus, Rag};
use crate::report::labels::long_date;
use crate::services::priorities::PriorityView;
use crate::services::review::HalfYear;

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "October 2024 to March 2025" for whole months, or the days written out.
pub fn span_words(from: NaiveDate, to: NaiveDate) -> String {
    let whole_months = from.day() == 1 && to.succ_opt().is_none_or(|next| next.day() == 1);
    let month = |d: NaiveDate| d.format("%B %Y").to_string();
    match (
        whole_months,
        (from.year(), from.month()) == (to.year(), to.month()),
    ) {
        (true, true) => month(from),
        (true, false) => format!("{} to {}", month(from), month(to)),
        (false, _) => format!("{} to {}", long_date(from), long_date(to)),
    }
}

/// How the work towards an ambition is going, counted in words.
pub fn ambition_summary(counts: &RagCounts) -> String {
    if counts.total == 0 {
        return "There is no work planned for this ambition yet.".into();
    }
    let is = |n: u32| if n == 1 { "is" } else { "are" };
    let mut out = vec![format!(
        "We said we would do {} for this ambition.",
        plural(counts.total, "thing", "things")
    )];
    if counts.blue > 0 {
        out.push(format!("{} {} done.", counts.blue, is(counts.blue)));
    }
    if counts.green > 0 {
        out.push(format!("{} {} going well.", counts.green, is(counts.green)));
    }
    if counts.amber > 0 {
        let have = if counts.amber == 1 { "has" } else { "have" };
        out.push(format!(
            "{} {have} some problems, which are being sorted out.",
            counts.amber
        ));
    }
    if counts.red > 0 {
        out.push(format!(
            "{} {} not going well, and the board is helping to put {} right.",
            counts.red,
            is(counts.red),
            if counts.red == 1 { "it" } else { "them" }
        ));
    }
    if counts.not_rated > 0 {
        out.push(format!(
            "We have not yet heard how {} of them {} going.",
            counts.not_rated,
            is(counts.not_rated)
        ));
    }
    out.join(" ")
}

/// How a partner's pledge is going, in words (`None`: no pledge yet).
pub fn pledge_going(rag: Option<Rag>) -> &'static str {
    match rag {
        None => "They have not yet told us how they will keep this promise.",
        Some(Rag::Blue) => "They have done everything they promised.",
        Some(Rag::Green) => "Going well.",
        Some(Rag::Amber) => "There are some problems, and they are sorting them out.",
        Some(Rag::Red) => "This is not going well. The board is working with them to put it right.",
        Some(Rag::NotRated) => "They have not yet said how well this is going.",
    }
}

/// How many partners said how they keep a promise, and how it is going.
pub fn commitment_summary(ratings: &[Option<Rag>]) -> String {
    let partners = ratings.len() as u32;
    if partners == 0 {
        return "The board has no partners to ask about this promise yet.".into();
    }
    let mut counts = RagCounts::default();
    for rag in ratings.iter().flatten() {
        counts.add(*rag);
    }
    let has = |n: u32| if n == 1 { "has" } else { "have" };
    let mut out = vec![format!(
        "{} of {} have told us how they keep this promise.",
        counts.total,
        plural(partners, "partner", "partners")
    )];
    if counts.blue > 0 {
        out.push(format!(
            "{} {} done everything they promised.",
            counts.blue,
            has(counts.blue)
        ));
    }
    if counts.green > 0 {
        out.push(format!(
            "For {}, it is going well.",
            plural(counts.green, "partner", "partners")
        ));
    }
    if counts.amber > 0 {
        out.push(format!(
            "{} {} some problems and {} sorting them out.",
            counts.amber,
            has(counts.amber),
            if counts.amber == 1 { "is" } else { "are" }
        ));
    }
    if counts.red > 0 {
        out.push(format!(
            "For {}, it is not going well yet, and the board is helping.",
            plural(counts.red, "partner", "partners")
        ));
    }
    if counts.not_rated > 0 {
        out.push(format!(
            "{} {} not yet said how it is going.",
            counts.not_rated,
            has(counts.not_rated)
        ));
    }
    out.join(" ")
}

/// Where a priority stands, as young people read it. Who does the work is
/// said beside it: a partner's name is as long as the partner made it.
pub fn where_it_stands(p: &PriorityView) -> String {
    let delivery = p
        .deliver_by
        .map(|by| format!(" It will be done by {}.", long_date(by)))
        .unwrap_or_default();
    let due = long_date(p.response_due_on);
    match p.status {
        PriorityStatus::Raised if p.overdue => format!(
            "We have not answered yet. Our answer was due by {due}, so it is late. We are sorry."
        ),
        PriorityStatus::Raised => format!("We have not answered yet. We will answer by {due}."),
        PriorityStatus::Accepted => format!("We said yes.{delivery}"),
        PriorityStatus::InProgress => format!("We said yes, and the work has started.{delivery}"),
        PriorityStatus::Done => "We said yes, and the work is done.".into(),
        PriorityStatus::Declined => "We said no.".into(),
    }
}

/// What the board did on the day of an answer.
pub fn what_we_did(status: PriorityStatus, day: NaiveDate) -> String {
    let day = long_date(day);
    match status {
        PriorityStatus::Accepted => format!("On {day}, we said yes."),
        PriorityStatus::Declined => format!("On {day}, we said no."),
        PriorityStatus::InProgress => format!("On {day}, the work started."),
        PriorityStatus::Done => format!("On {day}, we finished the work."),
        PriorityStatus::Raised => format!("On {day}, we answered."),
    }
}

pub fn council_name(data: &HalfYear) -> String {
    match &data.council {
        Some(c) => c.short_name.clone().unwrap_or_else(|| c.name.clone()),
        None => "the young people's council".into(),
    }
}

pub fn introduction(data: &HalfYear, council: &str) -> Vec<String> {
    let report = &data.report;
    vec![
        format!(
            "Every six months, the board tells {council} how it is doing. \
             This report covers {} to {}. It shows where things stood on {}.",
            long_date(data.from),
            long_date(data.to),
            long_date(report.day)
        ),
        format!("It is about our plan: {}.", report.strategy.name.trim()),
        "First, how we are doing on each of our ambitions. Next, how partners are keeping \
         their promises to you. Last, what we did about the priorities you raised."
            .into(),
    ]
}

/// What "You said, we did" begins with: how many priorities were raised
/// in the half-year (`new`) and how many raised before were answered.
pub fn priorities_introduction(new: u32, earlier: u32) -> String {
    if new + earlier == 0 {
        return "You did not raise any new priorities in this half-year. \
                The board gave no new answers to earlier ones."
            .into();
    }
    let mut out = vec!["Here is what you told us, and what we did about it.".to_owned()];
    if new > 0 {
        out.push(format!(
            "You raised {} in this half-year.",
            plural(new, "new priority", "new priorities")
        ));
    }
    if earlier > 0 {
        out.push(format!(
            "We also gave new answers on {} you raised before.",
            plural(earlier, "priority", "priorities")
        ));
    }
    out.join(" ")
}

/// The last words.
pub fn closing() -> Vec<String> {
    vec![
        "We will write to you again in six months.".into(),
        "If anything here is not clear, please ask us. We want to know what you think.".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plain_words::{long_sentences, rating_words};
    use crate::report::plain::how_it_is_going;

    fn reads_well(text: &str) {
        assert!(long_sentences(text).is_empty(), "too long: {text}");
        assert!(rating_words(text).is_empty(), "a rating word: {text}");
        assert!(!text.trim().is_empty());
    }

    const RATINGS: [Rag; 5] = [Rag::Red, Rag::Amber, Rag::Green, Rag::Blue, Rag::NotRated];

    #[test]
    fn every_count_of_every_rating_reads_well() {
        // Up to two of each rating, in every combination: one and many.
        for n in 0..3u32.pow(5) {
            let mut counts = RagCounts::default();
            let mut ratings = Vec::new();
            for (i, rag) in RATINGS.iter().enumerate() {
                for _ in 0..(n / 3u32.pow(i as u32)) % 3 {
                    counts.add(*rag);
                    ratings.push(Some(*rag));
                }
            }
            reads_well(&ambition_summary(&counts));
            ratings.push(None);
            reads_well(&commitment_summary(&ratings));
        }
        reads_well(&commitment_summary(&[]));
        for rag in RATINGS {
            reads_well(pledge_going(Some(rag)));
            reads_well(how_it_is_going(rag));
        }
        reads_well(pledge_going(None));
    }

    #[test]
    fn counts_are_said_in_words_a_reader_can_check() {
        let mut counts = RagCounts::default();
        for rag in [Rag::Blue, Rag::Green, Rag::Green, Rag::Red] {
            counts.add(rag);
        }
        assert_eq!(
            ambition_summary(&counts),
            "We said we would do 4 things for this ambition. 1 is done. 2 are going well. \
             1 is not going well, and the board is helping to put it right."
        );
        assert_eq!(
            ambition_summary(&RagCounts::default()),
            "There is no work planned for this ambition yet."
        );
        assert_eq!(
            commitment_summary(&[Some(Rag::Green), None, Some(Rag::Amber)]),
            "2 of 3 partners have told us how they keep this promise. \
             For 1 partner, it is going well. 1 has some problems and is sorting them out."
        );
    }

    #[test]
    fn every_answer_and_the_closing_words_read_well() {
        let day = NaiveDate::from_ymd_opt(2024, 9, 30).unwrap();
        for status in PriorityStatus::ALL {
            reads_well(&what_we_did(*status, day));
        }
        for (new, earlier) in [(0, 0), (1, 0), (0, 1), (2, 3)] {
            reads_well(&priorities_introduction(new, earlier));
        }
        for text in closing() {
            reads_well(&text);
        }
    }

    #[test]
    fn whole_months_are_named_and_other_spans_have_their_days() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(
            span_words(day("2024-10-01"), day("2025-03-31")),
            "October 2024 to March 2025"
        );
        assert_eq!(
            span_words(day("2024-02-01"), day("2024-02-29")),
            "February 2024"
        );
        assert_eq!(
            span_words(day("2024-10-02"), day("2025-03-31")),
            "2 October 2024 to 31 March 2025"
        );
    }
}
