-- Failed sign-ins, counted in the database so that every instance of the
-- service enforces one limit: per account tried (by the email given, whether
-- or not an account has it) and per client address. One row per key (the
-- SHA-256 of the email or address, never the text): the failures since the
-- window began, and the lock they set. Rows are forgotten once their window
-- and lock are over.
CREATE TABLE sign_in_failures (
    scope            text NOT NULL CHECK (scope IN ('account', 'address')),
    key              text NOT NULL,
    failures         integer NOT NULL CHECK (failures >= 0),
    window_began_at  timestamptz NOT NULL,
    locked_until     timestamptz,
    PRIMARY KEY (scope, key)
);

-- Forgetting keys whose window and lock are over.
CREATE INDEX sign_in_failures_window ON sign_in_failures (window_began_at);
