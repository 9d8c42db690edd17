-- Impact preview reports (`eval preview`, issue 25) are stored beside the other evaluation
-- reports and listed by the console's Reports page.
ALTER TABLE eval_reports DROP CONSTRAINT eval_reports_kind_check;
ALTER TABLE eval_reports ADD CONSTRAINT eval_reports_kind_check
  CHECK (kind IN ('offline', 'experiment', 'offpolicy', 'preview'));
