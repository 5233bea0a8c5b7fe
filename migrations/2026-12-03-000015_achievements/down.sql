DROP TABLE achievement_voices;
DROP TABLE achievement_figures;
DROP TABLE achievement_actions;
DROP TABLE achievement_statements;
DROP TABLE achievements;
