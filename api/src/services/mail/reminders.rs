//! The update-due reminder: when the current period of an active strategy
//! comes within `UPDATE_DUE_DAYS` of its end (the board's days), each
//! member of each lead organisation that has not reported on one or more
//! of its actions in it gets one message listing them. Every instance
//! runs the check; the period's `reminder_runs` row, inserted in the
//! transaction that queues the messages, makes it happen once.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::letter::{Item, Notice};
use super::{MailKind, MailLinks, send};
use crate::clock::Clock;
use crate::db::actions::Action;
use crate::db::mail as store;
use crate::db::periods::{self, Period};
use crate::db::{Conn, Pool};
use crate::domain::mail::update_due;
use crate::error::AppError;
use crate::services::jobs::Periodic;

/// The periodic check of which periods are due their reminder.
pub struct UpdateDueReminders {
    links: Arc<MailLinks>,
    clock: Clock,
    days: u32,
    every: Duration,
}

impl UpdateDueReminders {
    /// Reminds `days` before a period ends, checking every `every`.
    pub fn new(links: Arc<MailLinks>, clock: Clock, days: u32, every: Duration) -> Self {
        UpdateDueReminders {
            links,
            clock,
            days,
            every,
        }
    }

    /// Checks every active strategy once; how many messages it queued.
    pub async fn check(&self, pool: &Pool) -> Result<usize, AppError> {
        let mut conn = pool.get().await?;
        let today = self.clock.today();
        let mut queued = 0;
        for strategy_id in store::active_strategies(&mut conn).await? {
            let Some(period) = periods::current(&mut conn, strategy_id, today).await? else {
                continue;
            };
            if !update_due(period.ends_on, today, self.days) {
                continue;
            }
            queued += conn
                .transaction(async |conn| remind(conn, &self.links, &self.clock, &period).await)
                .await?;
        }
        Ok(queued)
    }
}

impl Periodic for UpdateDueReminders {
    fn name(&self) -> &'static str {
        "update-due reminders"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(
        &'a self,
        pool: &'a Pool,
    ) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>> {
        Box::pin(async move {
            let queued = self.check(pool).await?;
            if queued > 0 {
                tracing::info!(queued, "queued update-due reminders");
            }
            Ok(())
        })
    }
}

/// Decides the period's reminder, unless another run already did, and
/// queues its messages, in the caller's transaction.
async fn remind(
    conn: &mut Conn,
    links: &MailLinks,
    clock: &Clock,
    period: &Period,
) -> Result<usize, AppError> {
    if !store::decide_reminder(conn, period.id, MailKind::UpdateDue, clock.now()).await? {
        return Ok(0);
    }
    let mut led: BTreeMap<Uuid, Vec<Action>> = BTreeMap::new();
    for action in crate::db::actions::for_strategy(conn, period.strategy_id).await? {
        if action.archived_at.is_none() {
            led.entry(action.lead_organisation_id)
                .or_default()
                .push(action);
        }
    }
    let mut queued = 0;
    for (organisation, actions) in led {
        let ids: Vec<Uuid> = actions.iter().map(|a| a.id).collect();
        // The same rule as a member's own list of updates due.
        let reported =
            crate::db::review::reported_actions(conn, organisation, &[period.id], &ids).await?;
        let items: Vec<Item> = actions
            .iter()
            .filter(|a| !reported.contains(&a.id))
            .map(|a| Item {
                label: format!("{} {}", a.reference, a.title),
                detail: String::new(),
                path: format!("/actions/{}", a.id),
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let recipients = store::members_of(conn, &[organisation]).await?;
        let count = items.len();
        queued += send(
            conn,
            links,
            MailKind::UpdateDue,
            &period.id.to_string(),
            recipients,
            |_| Notice {
                subject: format!("Update due by {}: {}", period.ends_on, period.name),
                intro: vec![format!(
                    "The reporting period {} ends on {}. Your organisation has not yet reported on {} of the actions it leads:",
                    period.name,
                    period.ends_on.format("%-d %B %Y"),
                    count
                )],
                sections: vec![("Actions to report on".into(), items.clone())],
                action: Some(("Open your organisation's work".into(), "/".into())),
                why: "You receive this because your organisation leads these actions.".into(),
                ..Notice::default()
            },
        )
        .await?;
    }
    store::count_reminder(conn, period.id, MailKind::UpdateDue, queued as i32).await?;
    Ok(queued)
}
