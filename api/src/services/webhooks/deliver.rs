//! Delivering the change feed to webhook endpoints, on the queue: a
//! periodic task queues one job per endpoint behind the feed, and the job
//! sends that endpoint's next events, one per request, in feed order,
//! moving its cursor after each answered one.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use diesel_async::AsyncConnection;
use serde_json::json;
use uuid::Uuid;

use crate::db::changes::{self as feed, ChangeRow};
use crate::db::jobs::Job;
use crate::db::webhooks::{self as store, Attempt, Endpoint, EndpointChanges, Owner};
use crate::db::{Conn, Pool};
use crate::domain::Entity;
use crate::domain::webhooks::{
    AddressPolicy, Tie, job_key, secret_key, should_disable, sign, strategy_tie, wants_kind,
    webhook_id,
};
use crate::error::AppError;
use crate::services::audit::{Change, Event, record};
use crate::services::changes::{actor_names, published, view};
use crate::services::jobs::{self, Enqueue, Handler, Periodic};
use crate::services::webhooks::checks::addresses;
use crate::services::webhooks::send::Sender;
use crate::services::webhooks::views::WebhookView;

/// The kind of the queue's webhook jobs.
pub const KIND: &str = "webhook";

/// Attempts of a webhook job: so many that time, not attempts, disables a
/// failing endpoint.
pub const MAX_ATTEMPTS: i32 = 100_000;

/// How deliveries run.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// Which targets may be called.
    pub policy: AddressPolicy,
    /// Hours an endpoint may fail before it is disabled.
    pub disable_after_hours: u32,
    /// How long a request may take.
    pub timeout: Duration,
    /// Most events one job sends (more follow in the next job).
    pub batch: i64,
    /// How often endpoints behind the feed are looked for.
    pub every: Duration,
}

impl DeliverySettings {
    /// The defaults with these address rules and disabling time.
    pub fn new(policy: AddressPolicy, disable_after_hours: u32) -> DeliverySettings {
        DeliverySettings {
            policy,
            disable_after_hours,
            timeout: Duration::from_secs(10),
            batch: 20,
            every: Duration::from_secs(1),
        }
    }
}

/// Queues a delivery job for each enabled endpoint behind the feed that
/// has none. Two instances doing it at once queue one job: its key names
/// the endpoint's cursor.
pub struct Enqueuer {
    every: Duration,
}

impl Enqueuer {
    /// Looks every `settings.every`.
    pub fn new(settings: &DeliverySettings) -> Arc<Enqueuer> {
        Arc::new(Enqueuer {
            every: settings.every,
        })
    }
}

impl Periodic for Enqueuer {
    fn name(&self) -> &'static str {
        "webhook endpoints behind the change feed"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(
        &'a self,
        pool: &'a Pool,
    ) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>> {
        Box::pin(async move {
            let mut conn = pool.get().await?;
            for (id, position, event_id) in store::behind(&mut conn, &Entity::PRIVATE).await? {
                jobs::enqueue(&mut conn, delivery_job(id, position, event_id)).await?;
            }
            Ok(())
        })
    }
}

/// The job that delivers an endpoint's events after its cursor
/// `(position, event_id)`; the key names the cursor, so however many
/// instances queue it, it is one job.
fn delivery_job(id: Uuid, position: i64, event_id: i64) -> Enqueue {
    Enqueue {
        kind: KIND,
        key: job_key(id, position, event_id),
        payload: json!({ "endpoint_id": id }),
        run_at: Utc::now(),
        max_attempts: Some(MAX_ATTEMPTS),
    }
}

/// Runs webhook jobs.
pub struct Deliveries {
    pool: Pool,
    settings: DeliverySettings,
    sender: Sender,
}

impl Deliveries {
    /// A handler delivering through its own HTTP client.
    pub fn new(pool: Pool, settings: DeliverySettings) -> Arc<Deliveries> {
        Arc::new(Deliveries {
            pool,
            sender: Sender::start(settings.timeout),
            settings,
        })
    }
}

impl Handler for Deliveries {
    fn handle<'a>(
        &'a self,
        job: &'a Job,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let id = job
                .payload()
                .get("endpoint_id")
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse::<Uuid>().ok())
                .ok_or_else(|| "the job names no endpoint".to_owned())?;
            self.exclusively(id).await
        })
    }
}

/// How one delivery ended.
enum Outcome {
    /// Delivered, or not wanted: the cursor moves on.
    Done,
    /// Failed: retried later (`Err`), or the endpoint was disabled.
    Failed(Result<(), String>),
}

impl Deliveries {
    /// Delivers to `id` unless another worker is (one delivery at a time
    /// per endpoint keeps its events in order and each sent once).
    async fn exclusively(&self, id: Uuid) -> Result<(), String> {
        let failure = |e: AppError| format!("the database failed: {e}");
        let mut lock = self.pool.get().await.map_err(|e| failure(e.into()))?;
        lock.transaction(async |lock| {
            if !try_lock(lock, id).await? {
                return Ok(Ok(()));
            }
            Ok::<_, AppError>(self.deliver(id).await)
        })
        .await
        .map_err(failure)?
    }

    /// Sends the endpoint's next events in feed order until one fails.
    async fn deliver(&self, id: Uuid) -> Result<(), String> {
        let failure = |e: AppError| format!("the database failed: {e}");
        let mut conn = self.pool.get().await.map_err(|e| failure(e.into()))?;
        let conn = &mut conn;
        let Some(endpoint) = current(conn, id).await.map_err(failure)? else {
            return Ok(());
        };
        let rows = feed::after(
            conn,
            endpoint.position,
            endpoint.event_id,
            &Entity::PRIVATE,
            self.settings.batch,
        )
        .await
        .map_err(|e| failure(e.into()))?;
        let names = actor_names(conn, &rows).await.map_err(failure)?;
        let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= self.settings.batch;
        let last = rows.last().map(|r| (r.position, r.event_id));
        for row in rows {
            match self
                .one(conn, &endpoint, row, &names)
                .await
                .map_err(failure)?
            {
                Outcome::Done => {}
                Outcome::Failed(result) => return result,
            }
        }
        if let (true, Some((position, event_id))) = (full, last) {
            // More are waiting: queue the next batch now rather than at the
            // next look for endpoints behind, so a backlog drains at the
            // receiver's pace.
            jobs::enqueue(conn, delivery_job(id, position, event_id))
                .await
                .map_err(failure)?;
        }
        Ok(())
    }

    /// Sends one event if the endpoint wants it, and records how it went.
    async fn one(
        &self,
        conn: &mut Conn,
        endpoint: &Endpoint,
        row: ChangeRow,
        names: &std::collections::HashMap<Uuid, crate::db::users::UserRef>,
    ) -> Result<Outcome, AppError> {
        let (position, event_id) = (row.position, row.event_id);
        let Some(row) = published(row) else {
            store::advance(conn, endpoint.id, position, event_id).await?;
            return Ok(Outcome::Done);
        };
        if !wanted(conn, endpoint, &row).await? {
            store::advance(conn, endpoint.id, position, event_id).await?;
            return Ok(Outcome::Done);
        }
        let body = serde_json::to_vec(&view(row, names)).map_err(AppError::internal)?;
        let msg_id = webhook_id(position, event_id);
        let sent = self.attempt(endpoint, &msg_id, body).await;
        let outcome = if sent.is_ok() { "delivered" } else { "failed" };
        metrics::counter!("webhook_deliveries_total", "outcome" => outcome).increment(1);
        let mut attempt = Attempt {
            endpoint_id: endpoint.id,
            position,
            event_id,
            webhook_id: &msg_id,
            status: None,
            error: None,
            state: "delivered",
        };
        match sent {
            Ok(status) => {
                attempt.status = Some(i32::from(status));
                conn.transaction(async |conn| {
                    store::record_attempt(conn, &attempt).await?;
                    store::advance(conn, endpoint.id, position, event_id).await?;
                    store::set_failing_since(conn, endpoint.id, None).await?;
                    Ok::<_, AppError>(())
                })
                .await?;
                Ok(Outcome::Done)
            }
            Err((status, error)) => {
                attempt.status = status.map(i32::from);
                attempt.error = Some(&error);
                self.failed(conn, endpoint, attempt).await
            }
        }
    }

    /// Sends one signed request; the 2xx status, or the status (if any)
    /// and why it failed.
    async fn attempt(
        &self,
        endpoint: &Endpoint,
        msg_id: &str,
        body: Vec<u8>,
    ) -> Result<u16, (Option<u16>, String)> {
        let found = addresses(&endpoint.url, self.settings.policy)
            .await
            .map_err(|e| (None, format!("not sent: the URL {e}")))?;
        let key = secret_key(&endpoint.secret).map_err(|e| (None, e))?;
        let timestamp = Utc::now().timestamp();
        let headers = vec![
            ("webhook-id", msg_id.to_owned()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", sign(&key, msg_id, timestamp, &body)),
        ];
        let status = self
            .sender
            .post(&endpoint.url, found[0], headers, body)
            .await
            .map_err(|e| (None, e))?;
        match status {
            200..=299 => Ok(status),
            300..=399 => Err((
                Some(status),
                format!("answered {status}: redirects are not followed"),
            )),
            _ => Err((Some(status), format!("answered {status}"))),
        }
    }

    /// Records a failed attempt: retried later, or, once the endpoint has
    /// failed for the whole allowance, the endpoint is disabled.
    async fn failed(
        &self,
        conn: &mut Conn,
        endpoint: &Endpoint,
        mut attempt: Attempt<'_>,
    ) -> Result<Outcome, AppError> {
        let now = Utc::now();
        let since = endpoint.failing_since.unwrap_or(now);
        let error = attempt.error.unwrap_or("failed").to_owned();
        if !should_disable(since, now, self.settings.disable_after_hours) {
            attempt.state = "pending";
            conn.transaction(async |conn| {
                store::record_attempt(conn, &attempt).await?;
                store::set_failing_since(conn, endpoint.id, Some(since)).await?;
                Ok::<_, AppError>(())
            })
            .await?;
            return Ok(Outcome::Failed(Err(error)));
        }
        attempt.state = "failed";
        let reason = format!(
            "failing since {} (more than {} hours); last: {error}",
            since.format("%Y-%m-%d %H:%M UTC"),
            self.settings.disable_after_hours
        );
        conn.transaction(async |conn| {
            store::record_attempt(conn, &attempt).await?;
            disable(conn, endpoint.id, reason).await
        })
        .await?;
        tracing::warn!(endpoint = %endpoint.id, %error, "webhook endpoint disabled after failing too long");
        Ok(Outcome::Failed(Ok(())))
    }
}

/// Takes the endpoint's delivery lock for the caller's transaction;
/// whether it was free.
async fn try_lock(conn: &mut Conn, id: Uuid) -> Result<bool, AppError> {
    use diesel::sql_types::{Bool, Text};
    #[derive(diesel::QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    use diesel_async::RunQueryDsl;
    let row =
        diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked")
            .bind::<Text, _>(format!("webhook:{id}"))
            .get_result::<Locked>(conn)
            .await?;
    Ok(row.locked)
}

/// The endpoint, when it still exists and is enabled.
async fn current(conn: &mut Conn, id: Uuid) -> Result<Option<Endpoint>, AppError> {
    use diesel::OptionalExtension;
    Ok(store::find(conn, id)
        .await
        .optional()?
        .filter(|e| e.enabled))
}

/// Whether the endpoint asked for this event: its kind, and its strategy
/// (by the rule of `domain::webhooks::strategy_tie`).
async fn wanted(conn: &mut Conn, endpoint: &Endpoint, row: &ChangeRow) -> Result<bool, AppError> {
    if !wants_kind(&endpoint.entities, row.entity) {
        return Ok(false);
    }
    let Some(wanted) = endpoint.strategy_id else {
        return Ok(true);
    };
    let record = row.after.as_ref().or(row.before.as_ref());
    let strategy = match strategy_tie(row.entity, row.entity_id, record) {
        Tie::Strategy(id) => Some(id),
        Tie::Action(id) => store::strategy_of(conn, Owner::Action, id).await?,
        Tie::Indicator(id) => store::strategy_of(conn, Owner::Indicator, id).await?,
        Tie::None => None,
    };
    Ok(strategy == Some(wanted))
}

/// Disables an endpoint that failed too long, audited as the service's
/// own change.
async fn disable(conn: &mut Conn, id: Uuid, reason: String) -> Result<(), AppError> {
    let before = store::find_for_update(conn, id).await?;
    let changes = EndpointChanges {
        enabled: Some(false),
        disabled_at: Some(Some(Utc::now())),
        disabled_reason: Some(Some(reason)),
        ..EndpointChanges::default()
    };
    let after = store::update(conn, id, &changes).await?;
    let event = Event {
        entity: Entity::WebhookEndpoint,
        entity_id: id,
        change: Change::Update,
    };
    let (before, after) = (WebhookView::from(before), WebhookView::from(after));
    record(conn, None, None, event, Some(&before), Some(&after)).await
}
