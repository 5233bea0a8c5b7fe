CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP INDEX users_erased_name_key;
ALTER TABLE users DROP CONSTRAINT users_erased_signs_nobody_in;
ALTER TABLE users DROP CONSTRAINT users_password_unless_erased;
-- An erased account gets a hash no password matches.
UPDATE users SET password_hash = '' WHERE password_hash IS NULL;
ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;
ALTER TABLE users DROP COLUMN erased_at;
