DROP TABLE priority_steps;
DROP FUNCTION priority_steps_append_only();
DROP TABLE priority_actions;
DROP TABLE priority_statements;
DROP TABLE priorities;
