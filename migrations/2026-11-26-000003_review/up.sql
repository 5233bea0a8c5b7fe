-- Reporting periods and the snapshots taken when one is closed, so that
-- trend and past reports are exact whatever changes later.

CREATE TABLE reporting_periods (
    id           uuid PRIMARY KEY,
    strategy_id  uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    name         text NOT NULL,
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    closed_at    timestamptz,
    closed_by    uuid REFERENCES users (id) ON DELETE RESTRICT,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reporting_periods_name_key UNIQUE (strategy_id, name),
    CONSTRAINT reporting_periods_dates_order CHECK (ends_on >= starts_on)
);
CREATE INDEX reporting_periods_strategy_idx ON reporting_periods (strategy_id, starts_on);

-- Each action as it stood when the period closed. No foreign key to
-- actions: a deleted action stays in the periods it was part of.
CREATE TABLE period_action_snapshots (
    period_id  uuid NOT NULL REFERENCES reporting_periods (id) ON DELETE CASCADE,
    action_id  uuid NOT NULL,
    rag        text NOT NULL CHECK (rag IN ('red', 'amber', 'green', 'blue', 'not_rated')),
    state      jsonb NOT NULL,
    PRIMARY KEY (period_id, action_id)
);
CREATE INDEX period_action_snapshots_action_idx ON period_action_snapshots (action_id);

-- Each pledge as it stood when the period closed.
CREATE TABLE period_pledge_snapshots (
    period_id        uuid NOT NULL REFERENCES reporting_periods (id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL,
    commitment_id    uuid NOT NULL,
    rag              text NOT NULL CHECK (rag IN ('red', 'amber', 'green', 'blue', 'not_rated')),
    state            jsonb NOT NULL,
    PRIMARY KEY (period_id, organisation_id, commitment_id)
);

-- The period an update reports on.
ALTER TABLE progress_updates
    ADD COLUMN period_id uuid REFERENCES reporting_periods (id) ON DELETE RESTRICT;
CREATE INDEX progress_updates_period_idx ON progress_updates (period_id) WHERE period_id IS NOT NULL;
