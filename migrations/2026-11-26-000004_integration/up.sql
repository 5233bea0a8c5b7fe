-- Read-only credentials for other systems (a BI dashboard, an app). The
-- secret is shown once; only its SHA-256 digest is kept.
CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    token_hash    bytea NOT NULL UNIQUE,
    strategy_id   uuid REFERENCES strategies (id) ON DELETE CASCADE,
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at > created_at)
);

-- The change feed's order is commit order. Transactions take their place in
-- it at commit: a deferred trigger bumps one counter row, and the row lock
-- it takes is held until the transaction has committed and become visible.
-- So a reader that sees position n + 1 also sees position n, and a mirror
-- that reads from its last position never misses or repeats a change, even
-- when transactions commit in another order than they started.
--
-- The events of one transaction share a random `change_id` (kept in a
-- transaction-local setting) rather than the transaction id, which a
-- restored database could meet again.
CREATE TABLE change_clock (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position   bigint NOT NULL
);
INSERT INTO change_clock (position) VALUES (0);

CREATE TABLE change_transactions (
    position      bigint PRIMARY KEY,
    change_id     uuid NOT NULL UNIQUE,
    committed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION current_change_id() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    id text := current_setting('delivery_tracker.change_id', true);
BEGIN
    IF id IS NULL OR id = '' THEN
        id := gen_random_uuid()::text;
        PERFORM set_config('delivery_tracker.change_id', id, true);
    END IF;
    RETURN id::uuid;
END;
$$;

ALTER TABLE audit_events ADD COLUMN change_id uuid;
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
UPDATE audit_events e SET change_id = t.change_id
  FROM (SELECT txid, gen_random_uuid() AS change_id FROM audit_events GROUP BY txid) t
 WHERE e.txid = t.txid;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
ALTER TABLE audit_events
    ALTER COLUMN change_id SET DEFAULT current_change_id(),
    ALTER COLUMN change_id SET NOT NULL;
CREATE INDEX audit_events_change_id_idx ON audit_events (change_id);

CREATE FUNCTION change_transactions_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM change_transactions WHERE change_id = NEW.change_id) THEN
        RETURN NULL;
    END IF;
    UPDATE change_clock SET position = position + 1 RETURNING position INTO next;
    INSERT INTO change_transactions (position, change_id) VALUES (next, NEW.change_id);
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER audit_events_stamp_commit
    AFTER INSERT ON audit_events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION change_transactions_stamp();

-- Changes recorded before the feed existed keep the order they were made in.
INSERT INTO change_transactions (position, change_id, committed_at)
SELECT row_number() OVER (ORDER BY min(id)), change_id, max(occurred_at)
FROM audit_events
GROUP BY change_id;
UPDATE change_clock SET position = (SELECT count(*) FROM change_transactions);
