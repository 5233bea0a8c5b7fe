//! Sending queued mail over SMTP with lettre: one transport for the
//! process, built from `SMTP_URL`; each message carries a Message-ID made
//! from its job's key, so a retry after a cut-off is recognisable, and the
//! RFC 8058 one-click unsubscribe headers.

use std::pin::Pin;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Letter;
use crate::db::Pool;
use crate::db::jobs::Job;
use crate::db::mail as store;
use crate::domain::mail::message_id;
use crate::services::jobs::Handler;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `List-Unsubscribe: <https://...>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(ListUnsubscribe(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, BoxError> {
        Ok(OneClick)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// The handler of `mail` jobs.
pub struct SmtpMailer {
    pool: Pool,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl SmtpMailer {
    /// A mailer sending through the server `url` names (lettre's form:
    /// `smtp://host:port`, `smtps://user:password@host`,
    /// `smtp://host?tls=required`) as `from`; Message-IDs end in `domain`.
    pub fn new(pool: Pool, url: &str, from: &str, domain: &str) -> Result<SmtpMailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL is not a usable SMTP address: {e}"))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("MAIL_FROM is not an email address: {e}"))?;
        Ok(SmtpMailer {
            pool,
            transport,
            from,
            domain: domain.to_owned(),
        })
    }

    async fn deliver(&self, job: &Job) -> Result<(), String> {
        let letter: Letter = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("the job holds no message: {e}"))?;
        {
            let mut conn = self.pool.get().await.map_err(|e| e.to_string())?;
            let wanted = store::still_wanted(&mut conn, letter.user_id, letter.kind)
                .await
                .map_err(|e| e.to_string())?;
            if !wanted {
                tracing::info!(job = %job.id, kind = %letter.kind, "recipient no longer wants this mail; not sent");
                return Ok(());
            }
        }
        let to = Mailbox::new(
            Some(letter.to_name.clone()),
            letter
                .to
                .parse()
                .map_err(|e| format!("the recipient's address is not usable: {e}"))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(letter.subject.clone())
            .message_id(Some(message_id(job.idempotency_key(), &self.domain)))
            .header(ListUnsubscribe(letter.unsubscribe.clone()))
            .header(OneClick)
            .multipart(MultiPart::alternative_plain_html(
                letter.text.clone(),
                letter.html.clone(),
            ))
            .map_err(|e| format!("the message could not be built: {e}"))?;
        let sent = self.transport.send(message).await;
        let outcome = if sent.is_ok() { "delivered" } else { "failed" };
        metrics::counter!("mail_deliveries_total", "outcome" => outcome).increment(1);
        sent.map_err(|e| format!("the SMTP server did not take the message: {e}"))?;
        Ok(())
    }
}

impl Handler for SmtpMailer {
    fn handle<'a>(
        &'a self,
        job: &'a Job,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(self.deliver(job))
    }
}
