DROP TABLE period_indicator_snapshots;
DROP TABLE indicator_value_versions;
DROP TABLE indicator_values;
DROP TABLE indicator_ambitions;
DROP TABLE indicators;
