-- Erasing a person's data (UK GDPR, right to erasure). The account stays,
-- so that what its holder wrote stays in the history under a pseudonym,
-- but it keeps no name, no email and no password, and never signs in again.
ALTER TABLE users ADD COLUMN erased_at timestamptz;
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_password_unless_erased
    CHECK (password_hash IS NOT NULL OR erased_at IS NOT NULL);
ALTER TABLE users ADD CONSTRAINT users_erased_signs_nobody_in
    CHECK (erased_at IS NULL OR (NOT active AND password_hash IS NULL AND NOT must_change_password));
-- Former members stay distinguishable from one another in the history.
CREATE UNIQUE INDEX users_erased_name_key ON users (name) WHERE erased_at IS NOT NULL;

-- The audit trail stays append-only, with one exception: the transaction
-- that erases a user may rewrite the before and after of that user's own
-- audit events, which hold their name and email. It names the user in the
-- transaction-local setting `delivery_tracker.erasure`; nothing else about
-- any event can change, and no event can be deleted.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.entity = 'user'
       AND OLD.entity_id::text = current_setting('delivery_tracker.erasure', true)
       AND (NEW.id, NEW.occurred_at, NEW.txid, NEW.actor_user_id, NEW.entity, NEW.entity_id,
            NEW.action, NEW.request_id, NEW.change_id)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.txid, OLD.actor_user_id, OLD.entity, OLD.entity_id,
            OLD.action, OLD.request_id, OLD.change_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
