-- Evaluation reports (issue 11): `eval offline` and `eval experiment` store what they find here, so
-- every instance can list and serve them (GET /v1/admin/tenants/{id}/reports), not only the
-- machine that ran the command. A report is written once and never changed.
CREATE TABLE eval_reports (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('offline', 'experiment')),
  title       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  summary     jsonb NOT NULL DEFAULT '{}',
  report      jsonb NOT NULL,
  markdown    text NOT NULL,
  html        text NOT NULL
);
CREATE INDEX eval_reports_tenant_created ON eval_reports (tenant_id, created_at DESC, id);
