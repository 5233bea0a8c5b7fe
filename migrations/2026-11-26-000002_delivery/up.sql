-- The delivery plan: actions with their owners and links, milestones,
-- progress updates (append-only), and organisations' pledges.

CREATE TABLE actions (
    id                    uuid PRIMARY KEY,
    strategy_id           uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    reference             text NOT NULL,
    title                 text NOT NULL,
    description           text NOT NULL DEFAULT '',
    lead_organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    start_date            date,
    target_date           date,
    rag                   text NOT NULL DEFAULT 'not_rated'
                          CHECK (rag IN ('red', 'amber', 'green', 'blue', 'not_rated')),
    -- When the current rating was first given, so a report can say how long
    -- an action has held it.
    rag_since             timestamptz,
    -- The newest update or note from the action's owners (the chair's
    -- challenges do not count), kept here so reviews need not scan history.
    last_reported_at      timestamptz,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT actions_reference_key UNIQUE (strategy_id, reference),
    CONSTRAINT actions_dates_order CHECK (start_date IS NULL OR target_date IS NULL OR target_date >= start_date)
);
CREATE INDEX actions_lead_organisation_id_idx ON actions (lead_organisation_id);
CREATE INDEX actions_updated_at_idx ON actions (updated_at);
CREATE INDEX actions_strategy_rag_idx ON actions (strategy_id, rag);

CREATE TABLE action_supporters (
    action_id        uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    PRIMARY KEY (action_id, organisation_id)
);
CREATE INDEX action_supporters_organisation_id_idx ON action_supporters (organisation_id);

-- The ambitions and commitments an action serves.
CREATE TABLE action_statements (
    action_id     uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    statement_id  uuid NOT NULL REFERENCES statements (id) ON DELETE RESTRICT,
    PRIMARY KEY (action_id, statement_id)
);
CREATE INDEX action_statements_statement_id_idx ON action_statements (statement_id);

CREATE TABLE milestones (
    id            uuid PRIMARY KEY,
    action_id     uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    title         text NOT NULL,
    -- The due date first agreed; it never changes, so late delivery stays visible.
    baseline_due  date NOT NULL,
    due_date      date NOT NULL,
    completed_on  date,
    note          text NOT NULL DEFAULT '',
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX milestones_action_id_idx ON milestones (action_id, due_date);
CREATE INDEX milestones_open_due_idx ON milestones (due_date) WHERE completed_on IS NULL;

-- Every move of a milestone's due date, with its reason.
CREATE TABLE milestone_reschedules (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    milestone_id  uuid NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    from_date     date NOT NULL,
    to_date       date NOT NULL,
    reason        text NOT NULL CHECK (btrim(reason) <> ''),
    changed_by    uuid REFERENCES users (id) ON DELETE RESTRICT,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX milestone_reschedules_milestone_id_idx ON milestone_reschedules (milestone_id);

-- Reports on an action. Append-only: a correction is a new update.
CREATE TABLE progress_updates (
    id               uuid PRIMARY KEY,
    action_id        uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    author_id        uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    -- The author's organisation when they wrote it.
    organisation_id  uuid REFERENCES organisations (id) ON DELETE RESTRICT,
    -- update: carries a rating; note: from the lead or a supporter, without
    -- one; challenge: from the chair.
    kind             text NOT NULL CHECK (kind IN ('update', 'note', 'challenge')),
    rag              text CHECK (rag IN ('red', 'amber', 'green', 'blue')),
    commentary       text NOT NULL DEFAULT '',
    progress         text NOT NULL DEFAULT '',
    impact           text NOT NULL DEFAULT '',
    next_steps       text NOT NULL DEFAULT '',
    risks            text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT progress_updates_rated_kind CHECK ((kind = 'update') = (rag IS NOT NULL)),
    CONSTRAINT progress_updates_commentary_required
        CHECK (rag IS NULL OR rag NOT IN ('red', 'amber') OR btrim(commentary) <> '')
);
CREATE INDEX progress_updates_action_idx ON progress_updates (action_id, created_at DESC, id DESC);
CREATE INDEX progress_updates_created_at_idx ON progress_updates (created_at);

CREATE FUNCTION progress_updates_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'progress updates are append-only; post a correction instead'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER progress_updates_append_only
    BEFORE UPDATE ON progress_updates
    FOR EACH ROW EXECUTE FUNCTION progress_updates_append_only();

-- One pledge per organisation per commitment.
CREATE TABLE pledges (
    id               uuid PRIMARY KEY,
    strategy_id      uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    commitment_id    uuid NOT NULL,
    -- Pins the reference to a commitment, not an ambition.
    commitment_kind  text NOT NULL DEFAULT 'commitment' CHECK (commitment_kind = 'commitment'),
    text             text NOT NULL,
    rag              text NOT NULL DEFAULT 'not_rated'
                     CHECK (rag IN ('red', 'amber', 'green', 'blue', 'not_rated')),
    updated_by       uuid REFERENCES users (id) ON DELETE RESTRICT,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pledges_organisation_commitment_key UNIQUE (organisation_id, commitment_id),
    CONSTRAINT pledges_commitment_fkey FOREIGN KEY (commitment_id, commitment_kind)
        REFERENCES statements (id, kind) ON DELETE RESTRICT
);
CREATE INDEX pledges_strategy_id_idx ON pledges (strategy_id);
CREATE INDEX pledges_commitment_id_idx ON pledges (commitment_id);
CREATE INDEX pledges_updated_at_idx ON pledges (updated_at);

-- Every version of every pledge, the current one included.
CREATE TABLE pledge_versions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pledge_id   uuid NOT NULL REFERENCES pledges (id) ON DELETE CASCADE,
    version     integer NOT NULL,
    text        text NOT NULL,
    rag         text NOT NULL,
    changed_by  uuid REFERENCES users (id) ON DELETE RESTRICT,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pledge_versions_key UNIQUE (pledge_id, version)
);

CREATE INDEX audit_events_id_entity_idx ON audit_events (entity, id);
