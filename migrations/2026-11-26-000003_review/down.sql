ALTER TABLE progress_updates DROP COLUMN period_id;
DROP TABLE period_pledge_snapshots;
DROP TABLE period_action_snapshots;
DROP TABLE reporting_periods;
