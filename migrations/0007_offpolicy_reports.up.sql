-- Off-policy reports (`eval offpolicy`, issue 11) are stored beside the offline and experiment
-- ones.
ALTER TABLE eval_reports DROP CONSTRAINT eval_reports_kind_check;
ALTER TABLE eval_reports ADD CONSTRAINT eval_reports_kind_check
  CHECK (kind IN ('offline', 'experiment', 'offpolicy'));
