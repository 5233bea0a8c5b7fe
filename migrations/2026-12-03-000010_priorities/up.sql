-- Priorities that the young people's council raises for a board, and the
-- board's answers. A priority is raised by an organisation of kind
-- `young_peoples_voice` (through the adults who support it: no child's
-- personal data is held). Each answer of the board, with the message young
-- people read, is kept in `priority_steps`, which is append-only; the
-- priority's status is where the last of them left it.
CREATE TABLE priorities (
    id                     uuid PRIMARY KEY,
    strategy_id            uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    -- The young people's council that raised it.
    organisation_id        uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    title                  text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- What young people said, in their own words.
    said                   text NOT NULL,
    why_it_matters         text NOT NULL,
    -- When and where it was raised: "No Labels meeting", 2024-03-12.
    raised_on              date NOT NULL,
    raised_at              text NOT NULL,
    -- The board answers by this day.
    response_due_on        date NOT NULL,
    status                 text NOT NULL DEFAULT 'raised'
                           CHECK (status IN ('raised', 'accepted', 'declined', 'in_progress', 'done')),
    raised_by              uuid REFERENCES users (id) ON DELETE RESTRICT,
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX priorities_strategy_id_idx ON priorities (strategy_id, status);
CREATE INDEX priorities_updated_at_idx ON priorities (updated_at);

-- The ambitions and commitments a priority touches.
CREATE TABLE priority_statements (
    priority_id   uuid NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    statement_id  uuid NOT NULL REFERENCES statements (id) ON DELETE RESTRICT,
    PRIMARY KEY (priority_id, statement_id)
);
CREATE INDEX priority_statements_statement_id_idx ON priority_statements (statement_id);

-- The actions that answer a priority, new or existing.
CREATE TABLE priority_actions (
    priority_id  uuid NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    action_id    uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    PRIMARY KEY (priority_id, action_id)
);
CREATE INDEX priority_actions_action_id_idx ON priority_actions (action_id);

-- Each answer of the board: the status it moved the priority to, the
-- message to young people, and what it said with it (accepting: what will
-- be done, by whom, by when; declining: why; done: what changed).
CREATE TABLE priority_steps (
    id                     uuid PRIMARY KEY,
    priority_id            uuid NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    status                 text NOT NULL
                           CHECK (status IN ('accepted', 'declined', 'in_progress', 'done')),
    message                text NOT NULL,
    response               text,
    owner_organisation_id  uuid REFERENCES organisations (id) ON DELETE RESTRICT,
    deliver_by             date,
    decline_reason         text,
    outcome                text,
    action_ids             uuid[] NOT NULL DEFAULT '{}',
    author_id              uuid REFERENCES users (id) ON DELETE RESTRICT,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT priority_steps_accepted_says_what CHECK (
        status <> 'accepted'
        OR (response IS NOT NULL AND owner_organisation_id IS NOT NULL AND deliver_by IS NOT NULL)),
    CONSTRAINT priority_steps_declined_says_why CHECK (status <> 'declined' OR decline_reason IS NOT NULL),
    CONSTRAINT priority_steps_done_says_what_changed CHECK (status <> 'done' OR outcome IS NOT NULL)
);
CREATE INDEX priority_steps_priority_id_idx ON priority_steps (priority_id, created_at);

CREATE FUNCTION priority_steps_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the answers to a priority are append-only; give a new answer instead'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER priority_steps_append_only
    BEFORE UPDATE ON priority_steps
    FOR EACH ROW EXECUTE FUNCTION priority_steps_append_only();
