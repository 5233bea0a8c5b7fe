-- What the partnership achieved and what it meant for young people, with
-- the evidence: figures, and voices (a quote or a short story). No names or
-- other details of children are held: a voice names its speaker only by
-- role and age band, and the service refuses text with obvious identifiers.
-- An achievement is a `draft` until the chair approves it for reports;
-- `returned` is a draft the chair sent back with a comment.
CREATE TABLE achievements (
    id               uuid PRIMARY KEY,
    strategy_id      uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    -- The organisation that wrote it: its members may edit the draft.
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- What the partnership achieved.
    achieved         text NOT NULL,
    -- What this has meant for children, young people and care leavers.
    meant            text NOT NULL,
    -- When it was achieved: which reports it belongs to.
    achieved_on      date NOT NULL,
    -- Free tags; "Local Offer" puts it in the Local Offer update.
    tags             text[] NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'returned', 'approved')),
    -- The chair's comment when returning it (or approving it).
    review_comment   text,
    reviewed_by      uuid REFERENCES users (id) ON DELETE RESTRICT,
    reviewed_at      timestamptz,
    created_by       uuid REFERENCES users (id) ON DELETE RESTRICT,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT achievements_approved_by_someone CHECK (status <> 'approved' OR reviewed_at IS NOT NULL),
    CONSTRAINT achievements_returned_says_why CHECK (status <> 'returned' OR review_comment IS NOT NULL)
);
CREATE INDEX achievements_strategy_id_idx ON achievements (strategy_id, status, achieved_on);
CREATE INDEX achievements_organisation_id_idx ON achievements (organisation_id);
CREATE INDEX achievements_updated_at_idx ON achievements (updated_at);

-- The ambitions and commitments it serves.
CREATE TABLE achievement_statements (
    achievement_id  uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    -- Checked at commit, so deleting a strategy, which removes both its
    -- statements and its achievements in whichever order, goes through;
    -- deleting a statement still in use does not.
    statement_id    uuid NOT NULL REFERENCES statements (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (achievement_id, statement_id)
);
CREATE INDEX achievement_statements_statement_id_idx ON achievement_statements (statement_id);

-- The actions that produced it.
CREATE TABLE achievement_actions (
    achievement_id  uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    action_id       uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    PRIMARY KEY (achievement_id, action_id)
);
CREATE INDEX achievement_actions_action_id_idx ON achievement_actions (action_id);

-- Figures it gives: a value with its unit and date, or an indicator's
-- recorded value it cites (whose number, unit and date are the indicator's).
CREATE TABLE achievement_figures (
    id                  uuid PRIMARY KEY,
    achievement_id      uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    position            integer NOT NULL,
    -- What is counted: "care leavers in education, employment or training".
    label               text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    value               numeric,
    unit                text,
    as_of               date,
    -- Checked at commit, as achievement_statements.statement_id is.
    indicator_value_id  uuid REFERENCES indicator_values (id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT achievement_figures_value_or_citation CHECK (
        (indicator_value_id IS NULL AND value IS NOT NULL AND unit IS NOT NULL AND as_of IS NOT NULL)
        OR (indicator_value_id IS NOT NULL AND value IS NULL AND unit IS NULL AND as_of IS NULL)),
    UNIQUE (achievement_id, position)
);
CREATE INDEX achievement_figures_indicator_value_id_idx ON achievement_figures (indicator_value_id);

-- Voices: a quote or a short story; who said it only as a role and an age
-- band; whether consent to publish was recorded, by which organisation and
-- when.
CREATE TABLE achievement_voices (
    id                        uuid PRIMARY KEY,
    achievement_id            uuid NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    position                  integer NOT NULL,
    kind                      text NOT NULL CHECK (kind IN ('quote', 'story')),
    text                      text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    -- "care leaver", "social worker", "foster carer".
    role                      text NOT NULL CHECK (length(role) BETWEEN 1 AND 80),
    age_band                  text CHECK (age_band IN ('under-11', '11-15', '16-17', '18-20', '21-24', '25-and-over')),
    consent_organisation_id   uuid REFERENCES organisations (id) ON DELETE RESTRICT,
    consent_on                date,
    CONSTRAINT achievement_voices_consent_whole CHECK ((consent_organisation_id IS NULL) = (consent_on IS NULL)),
    UNIQUE (achievement_id, position)
);
