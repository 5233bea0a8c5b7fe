//! The notices that follow a change, queued in its transaction: a
//! challenge from the chair, a period closed, a priority raised.

use std::collections::HashSet;

use uuid::Uuid;

use super::letter::{Item, Notice};
use super::{MailKind, send};
use crate::db::mail as store;
use crate::db::periods::Period;
use crate::db::priorities::Priority;
use crate::db::progress_updates::ProgressUpdate;
use crate::db::{Conn, actions::Action};
use crate::domain::review::{self as rules, ActionState};
use crate::error::AppError;
use crate::services::context::Ctx;

/// Tells the lead organisation's members that the chair challenged its
/// action, with the chair's words.
pub(crate) async fn challenged(
    conn: &mut Conn,
    ctx: &Ctx,
    action: &Action,
    challenge: &ProgressUpdate,
) -> Result<usize, AppError> {
    let Some(links) = ctx.mail.clone() else {
        return Ok(0);
    };
    let recipients = store::members_of(conn, &[action.lead_organisation_id]).await?;
    let words: Vec<&str> = [
        challenge.commentary.as_str(),
        challenge.progress.as_str(),
        challenge.next_steps.as_str(),
        challenge.risks.as_str(),
    ]
    .into_iter()
    .filter(|t| !t.is_empty())
    .collect();
    let subject = format!("The chair challenged {} {}", action.reference, action.title);
    send(
        conn,
        &links,
        MailKind::Challenged,
        &challenge.id.to_string(),
        recipients,
        |_| Notice {
            subject: subject.clone(),
            intro: vec![format!(
                "The board's chair has challenged action {} ({}), which your organisation leads:",
                action.reference, action.title
            )],
            quote: Some(words.join("\n\n")),
            action: Some((
                "Answer with an update or a note".into(),
                format!("/actions/{}", action.id),
            )),
            why: "You receive this because your organisation leads the action.".into(),
            ..Notice::default()
        },
    )
    .await
}

/// Sends the chair and the board the exceptions of a period that closed:
/// red and amber actions, overdue milestones and who did not report.
pub(crate) async fn period_closed(
    conn: &mut Conn,
    ctx: &Ctx,
    period: &Period,
    states: &[ActionState],
    reported: &HashSet<Uuid>,
) -> Result<usize, AppError> {
    let Some(links) = ctx.mail.clone() else {
        return Ok(0);
    };
    let today = ctx
        .clock
        .local_date(period.closed_at.unwrap_or_else(chrono::Utc::now));
    let sections = exceptions(period, states, reported, today);
    let summary = if sections.is_empty() {
        "Nothing needs the board's attention: no action is red or amber, no milestone is overdue and every lead organisation reported.".to_owned()
    } else {
        "These need the board's attention:".to_owned()
    };
    let recipients = store::board(conn, period.strategy_id).await?;
    let subject = format!("{} is closed: the exceptions", period.name);
    send(
        conn,
        &links,
        MailKind::PeriodClosed,
        &period.id.to_string(),
        recipients,
        |_| Notice {
            subject: subject.clone(),
            intro: vec![
                format!("The reporting period {} has closed.", period.name),
                summary.clone(),
            ],
            sections: sections.clone(),
            action: Some((
                "Read the period's review".into(),
                format!(
                    "/strategies/{}/dashboard?period_id={}",
                    period.strategy_id, period.id
                ),
            )),
            why: "You receive this because you sit on the board.".into(),
            ..Notice::default()
        },
    )
    .await
}

/// The exceptions of a closed period, as headed lists: red and amber
/// actions, overdue milestones, lead organisations that did not report.
fn exceptions(
    period: &Period,
    states: &[ActionState],
    reported: &HashSet<Uuid>,
    today: chrono::NaiveDate,
) -> Vec<(String, Vec<Item>)> {
    let action_item = |id: Uuid, label: String, detail: String| Item {
        label,
        detail,
        path: format!("/actions/{id}"),
    };
    let exceptions: Vec<Item> = rules::exception_order(states)
        .into_iter()
        .map(|a| {
            action_item(
                a.id,
                format!("{} {}", a.reference, a.title),
                format!("{}, led by {}", a.rag, a.lead.name),
            )
        })
        .collect();
    let overdue: Vec<Item> = rules::overdue_milestones(states, today, usize::MAX)
        .items
        .into_iter()
        .map(|m| {
            action_item(
                m.action.id,
                format!("{} {}: {}", m.action.reference, m.action.title, m.title),
                format!("due {}, {} days overdue", m.due_date, m.days_overdue),
            )
        })
        .collect();
    let missing: Vec<Item> = rules::missing_reports(states, reported)
        .into_iter()
        .map(|m| Item {
            label: m.organisation.name,
            detail: format!("leads {} actions", m.actions_led),
            path: format!(
                "/strategies/{}/dashboard?period_id={}",
                period.strategy_id, period.id
            ),
        })
        .collect();
    let mut sections = Vec::new();
    for (heading, items) in [
        ("Red and amber actions", exceptions),
        ("Overdue milestones", overdue),
        ("Organisations that did not report", missing),
    ] {
        if !items.is_empty() {
            sections.push((heading.to_owned(), items));
        }
    }
    sections
}

/// Tells every chair that the young people's council raised a priority.
pub(crate) async fn priority_raised(
    conn: &mut Conn,
    ctx: &Ctx,
    priority: &Priority,
) -> Result<usize, AppError> {
    let Some(links) = ctx.mail.clone() else {
        return Ok(0);
    };
    let recipients = store::chairs(conn).await?;
    let subject = format!(
        "The young people's council raised a priority: {}",
        priority.title
    );
    send(
        conn,
        &links,
        MailKind::PriorityRaised,
        &priority.id.to_string(),
        recipients,
        |_| Notice {
            subject: subject.clone(),
            intro: vec![format!(
                "The young people's council raised a priority for the board: {}. In their words:",
                priority.title
            )],
            quote: Some(priority.said.clone()),
            action: Some((
                "Read it and give the board's answer".into(),
                format!("/priorities/{}", priority.id),
            )),
            why: "You receive this because you chair the board.".into(),
            ..Notice::default()
        },
    )
    .await
}
