//! The six-monthly report to the young people's council, "You said, we
//! did", in plain words: how the work towards each ambition is going, how
//! each partner keeps each of the strategy's promises (commitments), and
//! what the board did about every priority raised or answered in the
//! half-year. Short sentences, no ratings by letter or colour, and every
//! acronym spelt out the first time the document uses it: the words are
//! written once, here, so JSON, Markdown and HTML say the same.

pub mod words;

use std::collections::{HashMap, HashSet};

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Rendered;
use super::labels::long_date;
use super::plain::{figures, how_it_is_going, what_happens_next};
use crate::domain::plain_words::explain_acronyms;
use crate::domain::{PriorityStatus, Rag};
use crate::error::AppError;
use crate::services::priorities::{PriorityAnswerView, PriorityView};
use crate::services::review::{HalfYear, PeriodBrief, Report, ReportAction};

// A format of the six-monthly report, as the `format` query parameter
// names it (a `//` comment: a `///` one would become the parameter's
// description in the API description, which has its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HalfYearFormat {
    #[default]
    Json,
    Md,
    Html,
}

impl HalfYearFormat {
    /// The media type, with its character set where it is text.
    pub fn content_type(self) -> &'static str {
        match self {
            HalfYearFormat::Json => "application/json",
            HalfYearFormat::Md => "text/markdown; charset=utf-8",
            HalfYearFormat::Html => "text/html; charset=utf-8",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            HalfYearFormat::Json => "json",
            HalfYearFormat::Md => "md",
            HalfYearFormat::Html => "html",
        }
    }
}

/// The six-monthly report to the young people's council. Texts people
/// wrote (the plan's lines, partners' pledges and news, young people's
/// words, the board's messages) are quoted as written, with acronyms
/// spelt out; every other text is the service's own.
#[derive(Debug, Serialize, ToSchema)]
pub struct HalfYearReport {
    pub title: String,
    /// Whom it is for.
    pub council: String,
    /// The first day covered.
    pub from: NaiveDate,
    /// The last day covered.
    pub to: NaiveDate,
    /// The moment the state shown was read: when the latest period closed,
    /// or the end of `to`.
    pub as_at: DateTime<Utc>,
    /// The reporting periods covered; empty when given as days.
    pub periods: Vec<PeriodBrief>,
    /// What the report is, in a few paragraphs.
    pub introduction: Vec<String>,
    pub ambitions: Vec<AmbitionProgress>,
    pub commitments: Vec<CommitmentProgress>,
    pub you_said_we_did: YouSaidWeDid,
    /// The last words.
    pub closing: Vec<String>,
}

/// How the work towards one ambition is going.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmbitionProgress {
    pub number: i32,
    /// The ambition, e.g. "Is safe and feels safe".
    pub ambition: String,
    /// How its work is going, counted in words.
    pub summary: String,
    /// The measures of the ambition, each with its latest figure.
    pub how_we_know: Vec<Measure>,
    pub promises: Vec<Promise>,
}

/// A measure of an ambition and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct Measure {
    /// What is measured, as the board names it.
    pub measure: String,
    /// The latest figure, the aim, and whether we are on course for it.
    pub figures: String,
}

/// One action of the plan, in plain words.
#[derive(Debug, Serialize, ToSchema)]
pub struct Promise {
    /// The plan's "We will ..." line.
    pub what_we_said_we_would_do: String,
    /// Who is leading it.
    pub who: String,
    pub how_it_is_going: String,
    /// What the people leading it last told the board, in their words.
    pub what_they_told_us: Option<String>,
    /// What they will do next, in their words, or when young people will
    /// hear.
    pub what_happens_next: String,
}

/// How the partners keep one of the strategy's promises (a commitment).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentProgress {
    pub number: i32,
    /// The promise, e.g. "We will ensure that your voice is heard".
    pub commitment: String,
    /// How many partners said how they keep it, and how it is going.
    pub summary: String,
    pub partners: Vec<PartnerPledge>,
}

/// One partner's pledge to keep a promise.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerPledge {
    pub who: String,
    /// What the partner pledged, in its own words; absent when it has not.
    pub pledge: Option<String>,
    pub how_it_is_going: String,
}

/// What young people asked the board for, and what the board did.
#[derive(Debug, Serialize, ToSchema)]
pub struct YouSaidWeDid {
    pub introduction: Vec<String>,
    pub priorities: Vec<PriorityStory>,
}

/// One priority raised or answered in the half-year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriorityStory {
    /// The priority, as young people named it.
    pub title: String,
    /// What young people said, in their words.
    pub said: String,
    pub why_it_matters: String,
    /// The day it was raised.
    pub raised_on: NaiveDate,
    /// When it was raised, as a sentence.
    pub raised: String,
    /// Where it was raised, e.g. "No Labels meeting".
    pub raised_at: String,
    /// Where it stands at the report's moment.
    pub where_it_stands: String,
    /// Accepted: the partner doing the work.
    pub who_will_do_it: Option<String>,
    /// The board's answers in the half-year, oldest first.
    pub answers: Vec<AnswerStory>,
    /// The work of the plan that answers it.
    pub actions: Vec<LinkedAction>,
}

/// One answer of the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerStory {
    /// The day it was given, where the board is.
    pub answered_on: NaiveDate,
    /// What the board did that day, as a sentence.
    pub what_we_did: String,
    /// The board's message to young people.
    pub message: String,
    /// Accepting: what will be done.
    pub what_we_will_do: Option<String>,
    /// Accepting: the partner that will do it.
    pub who_will_do_it: Option<String>,
    /// Accepting: the day it will be done by, written out.
    pub by_when: Option<String>,
    /// Declining: why not.
    pub why_not: Option<String>,
    /// Done: what changed.
    pub what_changed: Option<String>,
}

/// An action that answers a priority.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedAction {
    /// The plan's "We will ..." line.
    pub what_we_will_do: String,
    /// Who is leading it.
    pub who: Option<String>,
    pub how_it_is_going: String,
}

/// Writes every text of one document, spelling out each acronym the first
/// time the document uses it. Texts must be written in the order the
/// documents show them.
struct Writer {
    seen: HashSet<&'static str>,
}

impl Writer {
    fn say(&mut self, text: &str) -> String {
        explain_acronyms(text, &mut self.seen)
    }

    fn quote(&mut self, text: Option<&str>) -> Option<String> {
        text.map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| self.say(t))
    }

    fn all(&mut self, texts: Vec<String>) -> Vec<String> {
        texts.iter().map(|t| self.say(t)).collect()
    }
}

fn ambitions(report: &Report, w: &mut Writer) -> Vec<AmbitionProgress> {
    report
        .ambitions
        .iter()
        .map(|section| {
            let ambition = w.say(&section.ambition.title);
            let summary = w.say(&words::ambition_summary(&section.summary));
            let how_we_know = section
                .indicators
                .iter()
                .map(|i| Measure {
                    measure: w.say(&i.title),
                    figures: w.say(&figures(i)),
                })
                .collect();
            let promises = section
                .actions
                .iter()
                .map(|a| Promise {
                    what_we_said_we_would_do: w.say(&a.description),
                    who: w.say(&a.lead.name),
                    how_it_is_going: w.say(how_it_is_going(a.rag)),
                    what_they_told_us: w.quote(Some(&a.progress)),
                    what_happens_next: w.say(&what_happens_next(a)),
                })
                .collect();
            AmbitionProgress {
                number: section.ambition.number,
                ambition,
                summary,
                how_we_know,
                promises,
            }
        })
        .collect()
}

fn commitments(report: &Report, w: &mut Writer) -> Vec<CommitmentProgress> {
    let matrix = &report.pledges;
    matrix
        .commitments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ratings: Vec<Option<Rag>> = matrix
                .rows
                .iter()
                .map(|row| row.cells.get(i).copied().flatten())
                .collect();
            let commitment = w.say(&c.title);
            let summary = w.say(&words::commitment_summary(&ratings));
            let partners = matrix
                .rows
                .iter()
                .zip(&ratings)
                .map(|(row, rag)| {
                    let text = report
                        .pledge_texts
                        .iter()
                        .find(|t| {
                            t.organisation.id == row.organisation.id && t.commitment == c.number
                        })
                        .map(|t| t.text.as_str());
                    PartnerPledge {
                        who: w.say(&row.organisation.name),
                        pledge: w.quote(text),
                        how_it_is_going: w.say(words::pledge_going(*rag)),
                    }
                })
                .collect();
            CommitmentProgress {
                number: c.number,
                commitment,
                summary,
                partners,
            }
        })
        .collect()
}

fn answer(a: &PriorityAnswerView, zone: Tz, w: &mut Writer) -> AnswerStory {
    let day = a.answered_at.with_timezone(&zone).date_naive();
    AnswerStory {
        answered_on: day,
        what_we_did: w.say(&words::what_we_did(a.status, day)),
        message: w.say(a.message.trim()),
        what_we_will_do: w.quote(a.response.as_deref()),
        who_will_do_it: w.quote(a.owner_organisation.as_ref().map(|o| o.name.as_str())),
        by_when: a.deliver_by.map(|d| w.say(&long_date(d))),
        why_not: w.quote(a.decline_reason.as_deref()),
        what_changed: w.quote(a.outcome.as_deref()),
    }
}

fn you_said_we_did(data: &HalfYear, w: &mut Writer) -> YouSaidWeDid {
    let actions: HashMap<&str, &ReportAction> = data
        .report
        .ambitions
        .iter()
        .flat_map(|s| &s.actions)
        .map(|a| (a.reference.as_str(), a))
        .collect();
    let new = data
        .priorities
        .iter()
        .filter(|p| data.from <= p.raised_on && p.raised_on <= data.to)
        .count() as u32;
    let earlier = data.priorities.len() as u32 - new;
    YouSaidWeDid {
        introduction: vec![w.say(&words::priorities_introduction(new, earlier))],
        priorities: data
            .priorities
            .iter()
            .map(|p| story(p, &actions, data.report.zone, w))
            .collect(),
    }
}

/// One priority's story: what young people said, where it stands, the
/// board's answers in the half-year and the work that answers it (as the
/// board report at the same moment rates it).
fn story(
    p: &PriorityView,
    actions: &HashMap<&str, &ReportAction>,
    zone: Tz,
    w: &mut Writer,
) -> PriorityStory {
    let title = w.say(&p.title);
    let said = w.say(&p.said);
    let why_it_matters = w.say(&p.why_it_matters);
    let raised = w.say(&format!("You raised this on {}.", long_date(p.raised_on)));
    let raised_at = w.say(p.raised_at.trim());
    let where_it_stands = w.say(&words::where_it_stands(p));
    let who_will_do_it = match p.status {
        PriorityStatus::Accepted | PriorityStatus::InProgress => {
            w.quote(p.owner_organisation.as_ref().map(|o| o.name.as_str()))
        }
        _ => None,
    };
    let answers = p.answers.iter().map(|a| answer(a, zone, w)).collect();
    let actions = p
        .actions
        .iter()
        .map(|linked| {
            let known = actions.get(linked.reference.as_str());
            let description = known.map_or(&linked.description, |a| &a.description);
            let rag = known.map_or(linked.rag, |a| a.rag);
            LinkedAction {
                what_we_will_do: w.say(description),
                who: known.map(|a| w.say(&a.lead.name)),
                how_it_is_going: w.say(how_it_is_going(rag)),
            }
        })
        .collect();
    PriorityStory {
        title,
        said,
        why_it_matters,
        raised_on: p.raised_on,
        raised,
        raised_at,
        where_it_stands,
        who_will_do_it,
        answers,
        actions,
    }
}

/// The report in plain words, written in the order the documents show it.
pub fn document(data: &HalfYear) -> HalfYearReport {
    let mut w = Writer {
        seen: HashSet::new(),
    };
    let council = words::council_name(data);
    let title = w.say(&format!(
        "You said, we did: our report to {council} for {}",
        words::span_words(data.from, data.to)
    ));
    let introduction = words::introduction(data, &council);
    let council = w.say(&council);
    let introduction = w.all(introduction);
    let ambitions = ambitions(&data.report, &mut w);
    let commitments = commitments(&data.report, &mut w);
    let you_said_we_did = you_said_we_did(data, &mut w);
    let closing = w.all(words::closing());
    HalfYearReport {
        title,
        council,
        from: data.from,
        to: data.to,
        as_at: data.report.as_at,
        periods: data.periods.clone(),
        introduction,
        ambitions,
        commitments,
        you_said_we_did,
        closing,
    }
}

#[derive(Template)]
#[template(path = "report/half_year.md")]
struct MarkdownDocument<'a> {
    doc: &'a HalfYearReport,
}

#[derive(Template)]
#[template(path = "report/half_year.html")]
struct HtmlPage<'a> {
    doc: &'a HalfYearReport,
}

/// The report in `format`: the plain-words document as JSON, or rendered
/// as Markdown or a self-contained printable page. Fails only if a
/// template or serialisation fails, as an internal error.
pub fn render(data: &HalfYear, format: HalfYearFormat) -> Result<Rendered, AppError> {
    let doc = document(data);
    let body = match format {
        HalfYearFormat::Json => serde_json::to_vec(&doc).map_err(AppError::internal)?,
        HalfYearFormat::Md => MarkdownDocument { doc: &doc }
            .render()
            .map_err(AppError::internal)?
            .into_bytes(),
        HalfYearFormat::Html => HtmlPage { doc: &doc }
            .render()
            .map_err(AppError::internal)?
            .into_bytes(),
    };
    Ok(Rendered {
        content_type: format.content_type(),
        body,
        file_name: None,
        self_contained_page: format == HalfYearFormat::Html,
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::db::organisations::OrganisationRef;
    use crate::domain::plain_words::{
        ACRONYMS, long_sentences, rating_words, unexplained_acronyms,
    };
    use crate::domain::review::{Named, PledgeRow};
    use crate::report::fixture;
    use crate::services::priorities::PriorityAction;
    use crate::services::review::PledgeText;

    fn org(name: &str) -> OrganisationRef {
        OrganisationRef {
            id: Uuid::new_v4(),
            name: name.into(),
            short_name: None,
        }
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn answer(status: PriorityStatus, on: &str, quoted: &str) -> PriorityAnswerView {
        let given = |wanted: PriorityStatus| (status == wanted).then(|| quoted.to_owned());
        PriorityAnswerView {
            status,
            message: format!("Ask your GP about it. {quoted}"),
            response: given(PriorityStatus::Accepted),
            owner_organisation: (status == PriorityStatus::Accepted)
                .then(|| org("Sherwood NHS Trust on behalf of every NHS trust in the county")),
            deliver_by: (status == PriorityStatus::Accepted).then(|| day("2025-03-31")),
            decline_reason: given(PriorityStatus::Declined),
            outcome: given(PriorityStatus::Done),
            action_ids: Vec::new(),
            answered_by: None,
            // Late in the evening in UTC: the next day where the board is.
            answered_at: day(on).and_hms_opt(23, 30, 0).unwrap().and_utc(),
        }
    }

    fn priority(title: &str, status: PriorityStatus, quoted: &str) -> PriorityView {
        let answers: Vec<PriorityAnswerView> = match status {
            PriorityStatus::Raised => Vec::new(),
            other => vec![answer(other, "2024-06-11", quoted)],
        };
        let accepted = answers
            .iter()
            .find(|a| a.status == PriorityStatus::Accepted);
        PriorityView {
            id: Uuid::new_v4(),
            strategy_id: Uuid::nil(),
            organisation: org("No Labels"),
            title: title.into(),
            said: format!("My PA and my EHCP. {quoted}"),
            why_it_matters: quoted.into(),
            raised_on: day("2024-02-13"),
            raised_at: "No Labels meeting at the YJS office".into(),
            response_due_on: day("2024-03-26"),
            overdue: status == PriorityStatus::Raised,
            status,
            ambitions: Vec::new(),
            commitments: Vec::new(),
            response: accepted.and_then(|a| a.response.clone()),
            owner_organisation: accepted.and_then(|a| a.owner_organisation.clone()),
            deliver_by: accepted.and_then(|a| a.deliver_by),
            decline_reason: None,
            outcome: None,
            actions: vec![PriorityAction {
                id: Uuid::nil(),
                reference: "A1.1".into(),
                title: quoted.into(),
                description: quoted.into(),
                rag: Rag::Green,
                archived: false,
            }],
            answers,
            raised_by: None,
            answered_at: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            next_statuses: Vec::new(),
            allowed_actions: Vec::new(),
        }
    }

    /// A half-year whose every text people wrote is `quoted`, with every
    /// rating of actions and pledges and a priority at every status.
    fn half_year(quoted: &str) -> HalfYear {
        let mut report = fixture::report("Our plan for LAC and CIC", quoted);
        let section = &mut report.ambitions[0];
        section.ambition.title = "Is safe with CAMHS".into();
        let ratings = [Rag::Blue, Rag::Green, Rag::Amber, Rag::NotRated, Rag::Green];
        for (i, rag) in ratings.into_iter().enumerate() {
            let mut action = fixture::action(quoted);
            action.reference = format!("A1.{}", i + 2);
            action.rag = rag;
            action.progress = format!("The ICB met. {quoted}");
            section.summary.add(rag);
            section.actions.push(action);
        }
        let ratings = [Rag::Red, Rag::Amber, Rag::Green, Rag::Blue, Rag::NotRated];
        for (i, rag) in ratings.iter().enumerate() {
            let organisation = Named {
                id: Uuid::from_u128(i as u128 + 1),
                name: format!("Partner {i} of the NHS"),
            };
            report.pledge_texts.push(PledgeText {
                organisation: organisation.clone(),
                commitment: 1,
                rag: *rag,
                text: format!("Every SEN pupil. {quoted}"),
            });
            report.pledges.rows.push(PledgeRow {
                organisation,
                cells: vec![Some(*rag), None],
            });
        }
        HalfYear {
            report,
            from: day("2024-01-01"),
            to: day("2024-06-30"),
            periods: Vec::new(),
            council: Some(org("The CIC Council")),
            priorities: vec![
                priority("Help with SEND", PriorityStatus::Raised, quoted),
                priority("Same GP", PriorityStatus::Accepted, quoted),
                priority(
                    "Homes for NEET care leavers",
                    PriorityStatus::InProgress,
                    quoted,
                ),
                priority("Stop saying LAC", PriorityStatus::Done, quoted),
                priority("Free passes", PriorityStatus::Declined, quoted),
            ],
        }
    }

    /// What people wrote, long enough to break the rule were it the
    /// service's own: a test that counted it would fail.
    const RUNS_ON: &str = "This sentence written by a partner runs on and on for far more than \
        twenty-five words because people write what they need to say and the report quotes them \
        exactly as they wrote it.";

    /// The texts the service writes itself.
    fn generated(doc: &HalfYearReport) -> Vec<String> {
        let mut out = vec![doc.title.clone()];
        out.extend(doc.introduction.iter().cloned());
        for a in &doc.ambitions {
            out.push(a.summary.clone());
            out.extend(a.how_we_know.iter().map(|m| m.figures.clone()));
            out.extend(a.promises.iter().map(|p| p.how_it_is_going.clone()));
        }
        for c in &doc.commitments {
            out.push(c.summary.clone());
            out.extend(c.partners.iter().map(|p| p.how_it_is_going.clone()));
        }
        out.extend(doc.you_said_we_did.introduction.iter().cloned());
        for p in &doc.you_said_we_did.priorities {
            out.push(p.raised.clone());
            out.push(p.where_it_stands.clone());
            for a in &p.answers {
                out.push(a.what_we_did.clone());
                out.extend(a.by_when.clone());
            }
            out.extend(p.actions.iter().map(|w| w.how_it_is_going.clone()));
        }
        out.extend(doc.closing.iter().cloned());
        out
    }

    fn markdown(data: &HalfYear) -> String {
        String::from_utf8(render(data, HalfYearFormat::Md).unwrap().body).unwrap()
    }

    fn html(data: &HalfYear) -> String {
        String::from_utf8(render(data, HalfYearFormat::Html).unwrap().body).unwrap()
    }

    /// The words of an HTML page's body, without its markup.
    fn page_text(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        let body = &html[html.find("<body>").unwrap()..];
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn the_services_own_sentences_are_short_and_name_no_rating() {
        let doc = document(&half_year(RUNS_ON));
        let texts = generated(&doc);
        assert!(texts.len() > 40, "{}", texts.len());
        for text in texts {
            assert!(long_sentences(&text).is_empty(), "too long: {text}");
            assert!(rating_words(&text).is_empty(), "a rating word: {text}");
        }
        // The quoted text is there, as written, and would have failed.
        assert_eq!(
            doc.ambitions[0].promises[0].what_we_said_we_would_do,
            RUNS_ON
        );
        assert!(!long_sentences(RUNS_ON).is_empty());
    }

    #[test]
    fn no_acronym_is_left_unexplained_in_markdown_or_html() {
        let data = half_year("The NHS and CAMHS will work with your GP.");
        let md = markdown(&data);
        let page = page_text(&html(&data));
        assert_eq!(unexplained_acronyms(&md), Vec::<&str>::new(), "{md}");
        assert_eq!(unexplained_acronyms(&page), Vec::<&str>::new(), "{page}");
        for (acronym, meaning) in ACRONYMS {
            let explained = format!("{acronym} ({meaning})");
            for (format, text) in [("md", &md), ("html", &page)] {
                let times = text.matches(&explained).count();
                assert!(times <= 1, "{acronym} spelt out {times} times in {format}");
            }
        }
        for used in [
            "LAC", "CIC", "CAMHS", "ICB", "GP", "NHS", "PA", "EHCP", "SEND", "SEN", "NEET", "YJS",
        ] {
            let (_, meaning) = ACRONYMS.iter().find(|(a, _)| *a == used).unwrap();
            assert!(
                md.contains(&format!("{used} ({meaning})")),
                "{used} in markdown"
            );
            assert!(
                page.contains(&format!("{used} ({meaning})")),
                "{used} in html"
            );
        }
    }

    #[test]
    fn an_acronym_is_spelt_out_where_the_document_first_uses_it() {
        let doc = document(&half_year("Ask your GP."));
        assert_eq!(
            doc.title,
            "You said, we did: our report to The CIC (children in care) Council \
             for January 2024 to June 2024"
        );
        assert_eq!(doc.council, "The CIC Council", "already spelt out");
        let md = markdown(&half_year("Ask your GP."));
        let first = md.find("GP").unwrap();
        assert!(
            md[first..].starts_with("GP (family doctor)"),
            "{}",
            &md[first..first + 40]
        );
    }

    #[test]
    fn json_markdown_and_html_say_the_same_words() {
        let data = half_year("Quoted <b>words</b> & more.");
        let doc = document(&data);
        let json: HalfYearReport = doc;
        let md = markdown(&data).replace('\\', "");
        let page = page_text(&html(&data));
        let mut texts = generated(&json);
        for p in &json.you_said_we_did.priorities {
            texts.extend([p.title.clone(), p.said.clone(), p.raised_at.clone()]);
            texts.extend(p.who_will_do_it.clone());
            for a in &p.answers {
                texts.push(a.message.clone());
                texts.extend(a.what_we_will_do.clone());
                texts.extend(a.why_not.clone());
                texts.extend(a.what_changed.clone());
            }
        }
        for c in &json.commitments {
            texts.push(c.commitment.clone());
            texts.extend(c.partners.iter().filter_map(|p| p.pledge.clone()));
        }
        for text in texts {
            assert!(md.contains(&text), "markdown lacks {text:?}");
            assert!(page.contains(&text), "the page lacks {text:?}");
        }
        let body = render(&data, HalfYearFormat::Json).unwrap().body;
        assert_eq!(body, serde_json::to_vec(&document(&data)).unwrap());
    }

    #[test]
    fn where_each_priority_stands_and_what_was_done() {
        let doc = document(&half_year("Words."));
        let stands: Vec<&str> = doc
            .you_said_we_did
            .priorities
            .iter()
            .map(|p| p.where_it_stands.as_str())
            .collect();
        assert_eq!(
            stands,
            vec![
                "We have not answered yet. Our answer was due by 26 March 2024, so it is late. \
                 We are sorry.",
                "We said yes. It will be done by 31 March 2025.",
                "We said yes, and the work has started.",
                "We said yes, and the work is done.",
                "We said no.",
            ]
        );
        let accepted = &doc.you_said_we_did.priorities[1];
        assert!(
            accepted
                .who_will_do_it
                .as_deref()
                .unwrap()
                .starts_with("Sherwood NHS")
        );
        let answer = &accepted.answers[0];
        assert_eq!(answer.what_we_did, "On 12 June 2024, we said yes.");
        assert_eq!(answer.answered_on, day("2024-06-12"), "the board's day");
        assert_eq!(answer.what_we_will_do.as_deref(), Some("Words."));
        assert_eq!(answer.by_when.as_deref(), Some("31 March 2025"));
        let linked = &accepted.actions[0];
        assert_eq!(
            linked.how_it_is_going,
            "This is not going well. The board is working with partners to put it right.",
            "rated as the board report rates A1.1"
        );
        assert_eq!(
            doc.you_said_we_did.introduction,
            vec![
                "Here is what you told us, and what we did about it. \
                  You raised 5 new priorities in this half-year."
            ]
        );
    }

    #[test]
    fn each_commitment_lists_every_partner_with_its_pledge_in_words() {
        let doc = document(&half_year("We pledge."));
        let first = &doc.commitments[0];
        assert_eq!(first.partners.len(), 6);
        assert_eq!(
            first.partners[1].pledge.as_deref(),
            Some("Every SEN (special educational needs) pupil. We pledge.")
        );
        assert_eq!(first.partners[3].how_it_is_going, "Going well.");
        assert_eq!(doc.commitments[1].partners[1].pledge, None);
        assert_eq!(
            doc.commitments[1].partners[1].how_it_is_going,
            "They have not yet told us how they will keep this promise."
        );
        assert!(
            doc.ambitions[0]
                .summary
                .starts_with("We said we would do 6 things")
        );
    }

    #[test]
    fn pages_are_self_contained_and_escape_what_people_wrote() {
        let data = half_year("<script>alert('x')</script> & [link](http://x) | *bold*");
        let page = html(&data);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        for outside in ["<script", "src=", "href=", "<link", "@import"] {
            assert!(!page.contains(outside), "{outside}");
        }
        assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;"));
        let md = markdown(&data);
        assert!(!md.contains("<script>") && md.contains(r"\<script\>"));
        assert!(md.contains(r"\[link\](http://x) \| \*bold\*"));
        let rendered = render(&data, HalfYearFormat::Html).unwrap();
        assert!(rendered.self_contained_page);
        assert_eq!(rendered.content_type, "text/html; charset=utf-8");
        let md = render(&data, HalfYearFormat::Md).unwrap();
        assert!(!md.self_contained_page);
        assert_eq!(md.content_type, "text/markdown; charset=utf-8");
    }
}
