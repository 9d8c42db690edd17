-- The lean exposure layout (issue 22, schema.md): exposure_events is written on every served
-- response and read rarely, in bulk. Measured (server-side COPY of 200k realistic rows), jsonb
-- input and the B-trees were most of a row's cost, so
--   * request, response and meta are json: the text as the writer sent it, validated; readers
--     use ->, ->> and json_* functions (or ::jsonb where they need jsonb's operators);
--   * time ranges (experiment analysis, off-policy, the overview's recent activity) use one BRIN
--     index on occurred_at: rows arrive in time order, so a block range covers a short interval;
--   * the primary key and the (tenant_id, occurred_at) and (tenant_id, user_key, occurred_at)
--     B-trees go: no reader looks a row up by id, and the tenant's time ranges are BRIN's;
--   * (tenant_id, request_id) stays: evaluation joins interactions to exposures by request id
--     (the join rate) and the writer's replay skips request ids already stored, and a caller's
--     X-Request-Id need not be a UUIDv7, so such a lookup cannot always be bounded in time.
-- Partitions attached later (recsys_ensure_partition) get both indexes from the parent.
-- The partitioned table is rewritten once (one ALTER for the three columns), its indexes dropped
-- first so that only (tenant_id, request_id) is rebuilt; cost per 10M rows: README, "Upgrades".
ALTER TABLE exposure_events DROP CONSTRAINT exposure_events_pkey;
DROP INDEX exposure_events_tenant_time;
DROP INDEX exposure_events_tenant_user;
DROP INDEX exposure_events_tenant_request;
ALTER TABLE exposure_events
  ALTER COLUMN request TYPE json USING request::json,
  ALTER COLUMN response TYPE json USING response::json,
  ALTER COLUMN meta TYPE json USING meta::json;
CREATE INDEX exposure_events_time_brin ON exposure_events USING brin (occurred_at);
CREATE INDEX exposure_events_tenant_request ON exposure_events (tenant_id, request_id);
