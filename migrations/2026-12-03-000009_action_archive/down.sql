ALTER TABLE actions DROP COLUMN archived_at;
