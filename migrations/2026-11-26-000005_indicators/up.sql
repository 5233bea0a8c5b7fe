-- Impact indicators: a strategy's success measures, and their values over
-- time, optionally broken down by one dimension (such as district).

CREATE TABLE indicators (
    id                     uuid PRIMARY KEY,
    strategy_id            uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    title                  text NOT NULL,
    description            text NOT NULL DEFAULT '',
    unit                   text NOT NULL CHECK (unit IN ('percent', 'count', 'money', 'days')),
    direction              text NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    baseline_value         numeric NOT NULL,
    baseline_date          date NOT NULL,
    target_value           numeric NOT NULL,
    target_date            date NOT NULL,
    owner_organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    -- What a value's breakdown is by ("district"), and the categories it
    -- may name, in the order reports show them.
    breakdown_dimension    text,
    breakdown_categories   text[] NOT NULL DEFAULT '{}',
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT indicators_title_key UNIQUE (strategy_id, title),
    CONSTRAINT indicators_dates_order CHECK (target_date > baseline_date),
    CONSTRAINT indicators_categories_need_dimension
        CHECK (breakdown_dimension IS NOT NULL OR cardinality(breakdown_categories) = 0)
);
CREATE INDEX indicators_owner_idx ON indicators (owner_organisation_id);
CREATE INDEX indicators_updated_at_idx ON indicators (updated_at);

-- The ambitions an indicator measures.
CREATE TABLE indicator_ambitions (
    indicator_id  uuid NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    ambition_id   uuid NOT NULL,
    -- Pins the reference to an ambition, not a commitment.
    ambition_kind text NOT NULL DEFAULT 'ambition' CHECK (ambition_kind = 'ambition'),
    PRIMARY KEY (indicator_id, ambition_id),
    CONSTRAINT indicator_ambitions_ambition_fkey FOREIGN KEY (ambition_id, ambition_kind)
        REFERENCES statements (id, kind) ON DELETE RESTRICT
);
CREATE INDEX indicator_ambitions_ambition_idx ON indicator_ambitions (ambition_id);

-- One value per indicator per date. `value` is the stated total; the
-- breakdown is a list of {category, value}.
CREATE TABLE indicator_values (
    id            uuid PRIMARY KEY,
    indicator_id  uuid NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    period_id     uuid REFERENCES reporting_periods (id) ON DELETE RESTRICT,
    as_of         date NOT NULL,
    value         numeric NOT NULL,
    breakdown     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(breakdown) = 'array'),
    source        text NOT NULL DEFAULT '',
    note          text NOT NULL DEFAULT '',
    recorded_by   uuid REFERENCES users (id) ON DELETE RESTRICT,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT indicator_values_indicator_as_of_key UNIQUE (indicator_id, as_of)
);
CREATE INDEX indicator_values_period_idx ON indicator_values (period_id) WHERE period_id IS NOT NULL;
CREATE INDEX indicator_values_updated_at_idx ON indicator_values (updated_at);

-- Every version of every value, the current one included, so a report for
-- a past date shows the figures known then.
CREATE TABLE indicator_value_versions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    value_id    uuid NOT NULL REFERENCES indicator_values (id) ON DELETE CASCADE,
    version     integer NOT NULL,
    as_of       date NOT NULL,
    period_id   uuid,
    value       numeric NOT NULL,
    breakdown   jsonb NOT NULL,
    source      text NOT NULL,
    note        text NOT NULL,
    changed_by  uuid REFERENCES users (id) ON DELETE RESTRICT,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT indicator_value_versions_key UNIQUE (value_id, version)
);

-- Each indicator, with what was derived from it, when a period closed.
CREATE TABLE period_indicator_snapshots (
    period_id     uuid NOT NULL REFERENCES reporting_periods (id) ON DELETE CASCADE,
    indicator_id  uuid NOT NULL,
    state         jsonb NOT NULL,
    PRIMARY KEY (period_id, indicator_id)
);
