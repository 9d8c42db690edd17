DROP TABLE eval_reports;
