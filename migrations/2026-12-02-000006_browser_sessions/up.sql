-- Signed-in browsers. The cookie holds a random secret; only its SHA-256
-- digest is kept, so a copy of the database signs nobody in. A session ends
-- when idle too long, at its absolute expiry, on sign-out, and (deleted in
-- the same transaction) when its user is deactivated or changes password,
-- role or organisation; every instance reads the same rows.
CREATE TABLE browser_sessions (
    token_hash    bytea PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Every form of the session carries this; a POST without it is refused.
    csrf_token    text NOT NULL CHECK (length(csrf_token) >= 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    CONSTRAINT browser_sessions_expiry_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX browser_sessions_expiry ON browser_sessions (expires_at);
