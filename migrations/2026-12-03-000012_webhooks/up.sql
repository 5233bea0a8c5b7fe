-- Other systems' URLs that receive the change feed's events as they
-- happen, in feed order, signed per Standard Webhooks. Each endpoint keeps
-- its own cursor in the feed (position, event_id): the last event it has
-- received or skipped, so a failing endpoint holds up no other.
CREATE TABLE webhook_endpoints (
    id               uuid PRIMARY KEY,
    url              text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- Kinds of record wanted; empty for every kind the feed carries.
    entities         text[] NOT NULL DEFAULT '{}',
    -- Only events of this strategy when set.
    strategy_id      uuid REFERENCES strategies (id) ON DELETE CASCADE,
    -- The signing secret, `whsec_` and base64 of random bytes.
    secret           text NOT NULL CHECK (secret LIKE 'whsec\_%'),
    position         bigint NOT NULL DEFAULT 0,
    event_id         bigint NOT NULL DEFAULT 0,
    enabled          boolean NOT NULL DEFAULT true,
    -- When the first of the failures in a row happened; null while it
    -- answers.
    failing_since    timestamptz,
    disabled_at      timestamptz,
    disabled_reason  text,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1
);
CREATE INDEX webhook_endpoints_enabled_idx ON webhook_endpoints (enabled);

-- The delivery log: one row per event sent (or tried) to an endpoint.
CREATE TABLE webhook_deliveries (
    id                uuid PRIMARY KEY,
    endpoint_id       uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    position          bigint NOT NULL,
    event_id          bigint NOT NULL,
    -- The `webhook-id` header: the same for every attempt of this event.
    webhook_id        text NOT NULL,
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status       integer,
    last_error        text,
    state             text NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'delivered', 'failed')),
    first_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_attempt_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at      timestamptz,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, position DESC, event_id DESC);
