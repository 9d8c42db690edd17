DELETE FROM eval_reports WHERE kind = 'preview';
ALTER TABLE eval_reports DROP CONSTRAINT eval_reports_kind_check;
ALTER TABLE eval_reports ADD CONSTRAINT eval_reports_kind_check
  CHECK (kind IN ('offline', 'experiment', 'offpolicy'));
