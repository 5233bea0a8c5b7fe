DROP TABLE reminder_runs;
DROP TABLE mail_preferences;
