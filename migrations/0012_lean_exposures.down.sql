-- Back to jsonb with the primary key and the three B-trees of migration 0003.
DROP INDEX exposure_events_time_brin;
DROP INDEX exposure_events_tenant_request;
ALTER TABLE exposure_events
  ALTER COLUMN request TYPE jsonb USING request::jsonb,
  ALTER COLUMN response TYPE jsonb USING response::jsonb,
  ALTER COLUMN meta TYPE jsonb USING meta::jsonb;
ALTER TABLE exposure_events ADD PRIMARY KEY (occurred_at, id);
CREATE INDEX exposure_events_tenant_time ON exposure_events (tenant_id, occurred_at DESC);
CREATE INDEX exposure_events_tenant_request ON exposure_events (tenant_id, request_id);
CREATE INDEX exposure_events_tenant_user ON exposure_events (tenant_id, user_key, occurred_at DESC);
