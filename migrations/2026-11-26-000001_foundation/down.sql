DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE statements;
DROP TABLE strategy_partners;
DROP TABLE strategies;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE organisations;
