DROP TRIGGER audit_events_stamp_commit ON audit_events;
DROP FUNCTION change_transactions_stamp();
DROP INDEX audit_events_txid_idx;
DROP TABLE change_transactions;
DROP TABLE change_clock;
DROP TABLE api_tokens;
