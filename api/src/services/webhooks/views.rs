//! What the webhook operations take and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::webhooks::{Delivery, Endpoint};
use crate::domain::{Actor, AllowedAction, allowed};
use crate::services::input::nullable;

/// Where an endpoint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndpointState {
    /// Receiving events.
    Active,
    /// Its last attempt failed; retried with backoff until it answers or
    /// is disabled.
    Failing,
    /// Receives nothing until an administrator enables it again.
    Disabled,
}

/// A webhook endpoint, without its secret (shown only when it is made or
/// rotated).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    pub(crate) id: Uuid,
    #[schema(example = "https://bi.example.org/hooks/delivery-plan")]
    pub(crate) url: String,
    #[schema(example = "The council's Power BI")]
    pub(crate) description: String,
    /// The kinds of record it receives events about; empty for all.
    #[schema(example = json!(["action", "progress_update"]))]
    pub(crate) entities: Vec<String>,
    /// Only events of this strategy, when set.
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) enabled: bool,
    pub(crate) state: EndpointState,
    /// Since when its attempts have failed, while they do.
    pub(crate) failing_since: Option<DateTime<Utc>>,
    pub(crate) disabled_at: Option<DateTime<Utc>>,
    /// Why it was disabled.
    pub(crate) disabled_reason: Option<String>,
    /// The feed position of the last event it received or skipped.
    pub(crate) position: i64,
    /// The last event at that position it received or skipped.
    pub(crate) event_id: i64,
    pub(crate) created_by: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) version: i32,
    /// What the caller may do with it (absent from the audit trail's copy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(example = json!(["update", "delete"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

impl WebhookView {
    /// The view as `actor` reads it, with what they may do.
    pub(crate) fn for_actor(mut self, actor: &Actor) -> WebhookView {
        self.allowed_actions = allowed::for_webhook(actor);
        self
    }
}

impl From<Endpoint> for WebhookView {
    fn from(row: Endpoint) -> Self {
        let state = if !row.enabled {
            EndpointState::Disabled
        } else if row.failing_since.is_some() {
            EndpointState::Failing
        } else {
            EndpointState::Active
        };
        WebhookView {
            id: row.id,
            url: row.url,
            description: row.description,
            entities: row.entities,
            strategy_id: row.strategy_id,
            enabled: row.enabled,
            state,
            failing_since: row.failing_since,
            disabled_at: row.disabled_at,
            disabled_reason: row.disabled_reason,
            position: row.position,
            event_id: row.event_id,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
            allowed_actions: Vec::new(),
        }
    }
}

/// An endpoint with its secret: the answer to registering it or rotating
/// its secret, the only times the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub(crate) endpoint: WebhookView,
    /// Verifies the signatures (`whsec_` and base64): keep it now, it is
    /// not shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub(crate) secret: String,
}

// Described by its fields in the API description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// An `https` URL on a public address.
    #[schema(example = "https://bi.example.org/hooks/delivery-plan")]
    pub(crate) url: String,
    #[schema(example = "The council's Power BI")]
    pub(crate) description: Option<String>,
    /// Kinds of record wanted (as the change feed names them); absent or
    /// empty for all.
    #[schema(example = json!(["action", "progress_update"]))]
    pub(crate) entities: Option<Vec<String>>,
    /// Only events of this strategy.
    pub(crate) strategy_id: Option<Uuid>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct UpdateWebhook {
    pub(crate) url: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) entities: Option<Vec<String>>,
    /// `null` for every strategy.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub(crate) strategy_id: Option<Option<Uuid>>,
    /// `false` stops deliveries; `true` resumes them from the cursor.
    pub(crate) enabled: Option<bool>,
}

/// One event sent (or tried) to an endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub(crate) id: Uuid,
    /// The feed position of the event.
    pub(crate) position: i64,
    pub(crate) event_id: i64,
    /// The `webhook-id` sent, the same on every attempt.
    #[schema(example = "msg_452_1193")]
    pub(crate) webhook_id: String,
    pub(crate) attempts: i32,
    /// The HTTP status of the last answer, if one came.
    pub(crate) last_status: Option<i32>,
    /// Why the last attempt failed.
    pub(crate) last_error: Option<String>,
    /// `pending` (retried), `delivered` or `failed` (given up when the
    /// endpoint was disabled).
    #[schema(example = "delivered")]
    pub(crate) state: String,
    pub(crate) first_attempt_at: DateTime<Utc>,
    pub(crate) last_attempt_at: DateTime<Utc>,
    pub(crate) delivered_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for DeliveryView {
    fn from(row: Delivery) -> Self {
        DeliveryView {
            id: row.id,
            position: row.position,
            event_id: row.event_id,
            webhook_id: row.webhook_id,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error,
            state: row.state,
            first_attempt_at: row.first_attempt_at,
            last_attempt_at: row.last_attempt_at,
            delivered_at: row.delivered_at,
        }
    }
}
