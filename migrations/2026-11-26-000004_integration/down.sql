DROP TRIGGER audit_events_stamp_commit ON audit_events;
DROP FUNCTION change_transactions_stamp();
DROP INDEX audit_events_change_id_idx;
ALTER TABLE audit_events DROP COLUMN change_id;
DROP FUNCTION current_change_id();
DROP TABLE change_transactions;
DROP TABLE change_clock;
DROP TABLE api_tokens;
