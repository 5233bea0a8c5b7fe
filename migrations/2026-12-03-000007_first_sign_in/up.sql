-- A password an administrator chose (for a new account, or set for someone
-- else) was seen by two people; its holder must replace it before the
-- account can do anything else.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
