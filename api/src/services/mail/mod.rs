//! Email notices: each is one queued job per message and recipient,
//! written in the transaction of the change that causes it, holding the
//! message as rendered then. A worker with the SMTP handler sends it,
//! after checking that its recipient still wants it.

mod letter;
pub mod notices;
pub mod preferences;
pub mod reminders;
pub mod smtp;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::domain::mail::{MailKind, MailLinks, UnsubscribeKey};
pub use letter::Item;
use letter::Notice;

use super::jobs::{self, Enqueue};
use crate::db::Conn;
use crate::db::mail::{self as store, Recipient};
use crate::error::AppError;

/// The kind of job that sends an email.
pub const JOB_KIND: &str = "mail";

/// A job's payload: the message as rendered when it was queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Letter {
    /// Whose it is: their preference is checked again before it goes.
    pub user_id: Uuid,
    /// Which notice it is.
    pub kind: MailKind,
    /// The recipient's address and name.
    pub to: String,
    /// The recipient's name.
    pub to_name: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The one-click unsubscribe address (List-Unsubscribe).
    pub unsubscribe: String,
}

/// Queues one message of `kind` to each recipient who has not turned it
/// off, in the caller's transaction; how many were queued. `key` names
/// each message (with the recipient's id appended) and `compose` writes
/// it for one recipient.
pub(crate) async fn send(
    conn: &mut Conn,
    links: &MailLinks,
    kind: MailKind,
    key: &str,
    recipients: Vec<Recipient>,
    compose: impl Fn(&Recipient) -> Notice,
) -> Result<usize, AppError> {
    let ids: Vec<Uuid> = recipients.iter().map(|r| r.id).collect();
    let out = store::opted_out(conn, &ids, kind).await?;
    let mut queued = 0;
    for recipient in recipients.iter().filter(|r| !out.contains(&r.id)) {
        let unsubscribe = links.unsubscribe(recipient.id, kind);
        let notice = compose(recipient);
        let (text, html) = notice.render(links, &recipient.name, &unsubscribe)?;
        let letter = Letter {
            user_id: recipient.id,
            kind,
            to: recipient.email.clone(),
            to_name: recipient.name.clone(),
            subject: notice.subject.clone(),
            text,
            html,
            unsubscribe,
        };
        let work = Enqueue {
            kind: JOB_KIND,
            key: format!("mail:{kind}:{key}:{}", recipient.id),
            payload: serde_json::to_value(&letter).map_err(AppError::internal)?,
            run_at: chrono::Utc::now(),
            max_attempts: None,
        };
        if jobs::enqueue(conn, work).await? {
            queued += 1;
        }
    }
    Ok(queued)
}
