-- What each person wants to receive by email: one row per person and kind
-- of notice they changed; a kind without a row is wanted (the default).
CREATE TABLE mail_preferences (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL
                CHECK (kind IN ('update_due', 'period_closed', 'challenged', 'priority_raised')),
    subscribed  boolean NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);

-- Reminders decided once for a period, whichever instance decided first:
-- the row is inserted (ON CONFLICT DO NOTHING) in the transaction that
-- queues the reminder's mail.
CREATE TABLE reminder_runs (
    period_id   uuid NOT NULL REFERENCES reporting_periods (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('update_due')),
    decided_at  timestamptz NOT NULL DEFAULT now(),
    recipients  integer NOT NULL DEFAULT 0 CHECK (recipients >= 0),
    PRIMARY KEY (period_id, kind)
);
