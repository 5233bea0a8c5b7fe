-- Partner organisations, user accounts, refresh tokens, strategies with their
-- ambitions and commitments, and the append-only audit trail.

CREATE TABLE organisations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    short_name  text,
    kind        text NOT NULL CHECK (kind IN (
                    'council', 'district_council', 'nhs_trust', 'integrated_care_board',
                    'police', 'probation', 'college', 'university', 'employer_body',
                    'careers_service', 'voluntary_group', 'young_peoples_voice', 'other')),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (lower(name));
CREATE INDEX organisations_updated_at_idx ON organisations (updated_at);

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    email            text NOT NULL CHECK (email = lower(email)),
    name             text NOT NULL,
    role             text NOT NULL CHECK (role IN ('admin', 'chair', 'member', 'viewer')),
    organisation_id  uuid REFERENCES organisations (id) ON DELETE RESTRICT,
    password_hash    text NOT NULL,
    active           boolean NOT NULL DEFAULT true,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_member_has_organisation CHECK (role <> 'member' OR organisation_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_organisation_id_idx ON users (organisation_id);

-- Opaque refresh tokens, stored as SHA-256 digests. A token is used once: using
-- it marks it rotated and issues its successor in the same family. Presenting a
-- rotated token again revokes the whole family.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE strategies (
    id            uuid PRIMARY KEY,
    title         text NOT NULL,
    vision        text NOT NULL DEFAULT '',
    period_start  date NOT NULL,
    period_end    date NOT NULL,
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT strategies_period_order CHECK (period_end >= period_start)
);
CREATE INDEX strategies_updated_at_idx ON strategies (updated_at);

-- The board's membership: the organisations that are partners to a strategy.
CREATE TABLE strategy_partners (
    strategy_id      uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    PRIMARY KEY (strategy_id, organisation_id)
);
CREATE INDEX strategy_partners_organisation_id_idx ON strategy_partners (organisation_id);

-- Ambitions and commitments share one shape (a numbered statement of a
-- strategy), so they share one table distinguished by kind. The (id, kind)
-- key lets other tables reference "a commitment" or "an ambition" specifically.
CREATE TABLE statements (
    id           uuid PRIMARY KEY,
    strategy_id  uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('ambition', 'commitment')),
    number       integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT statements_number_key UNIQUE (strategy_id, kind, number),
    CONSTRAINT statements_id_kind_key UNIQUE (id, kind)
);
CREATE INDEX statements_updated_at_idx ON statements (updated_at);

-- Who changed what, when, with the row before and after. Written in the same
-- transaction as the change; txid records the writing transaction so that
-- readers can order changes by commit.
CREATE TABLE audit_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    txid           xid8 NOT NULL DEFAULT pg_current_xact_id(),
    actor_user_id  uuid REFERENCES users (id) ON DELETE RESTRICT,
    entity         text NOT NULL,
    entity_id      uuid NOT NULL,
    action         text NOT NULL,
    before         jsonb,
    after          jsonb,
    request_id     text
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
