-- High-volume logs, range-partitioned by month of occurred_at (UTC) with a DEFAULT partition
-- so that an insert never fails for want of a partition.
CREATE TABLE exposure_events (
  id                 bigserial,
  tenant_id          uuid NOT NULL,
  occurred_at        timestamptz NOT NULL,
  request_id         uuid NOT NULL,
  surface            text NOT NULL,
  segment            text NOT NULL,
  user_key           bytea,
  session_id         text,
  experiment_id      text,
  experiment_variant text,
  algo_version       text NOT NULL,
  config_etag        text,
  rules_etag         text,
  request            jsonb NOT NULL,
  response           jsonb NOT NULL,
  meta               jsonb,
  PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE exposure_events_default PARTITION OF exposure_events DEFAULT;
CREATE INDEX exposure_events_tenant_time ON exposure_events (tenant_id, occurred_at DESC);
CREATE INDEX exposure_events_tenant_request ON exposure_events (tenant_id, request_id);
CREATE INDEX exposure_events_tenant_user ON exposure_events (tenant_id, user_key, occurred_at DESC);

CREATE TABLE interaction_events (
  id          bigserial,
  tenant_id   uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  request_id  uuid,
  user_key    bytea,
  session_id  text,
  surface     text,
  segment     text,
  event_type  interaction_type NOT NULL,
  item_id     text NOT NULL,
  position    integer,
  value       numeric(18,6),
  meta        jsonb,
  PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE interaction_events_default PARTITION OF interaction_events DEFAULT;
CREATE INDEX interaction_events_tenant_time ON interaction_events (tenant_id, occurred_at DESC);
CREATE INDEX interaction_events_tenant_request ON interaction_events (tenant_id, request_id);
CREATE INDEX interaction_events_tenant_user ON interaction_events (tenant_id, user_key, occurred_at DESC);

-- Creates the monthly partition of `parent` that holds `month_start` unless it exists.
-- Rows already sitting in DEFAULT for that month are moved into the new partition first,
-- so that ATTACH never fails on them. Returns the new partition's name, or NULL.
CREATE FUNCTION recsys_ensure_partition(parent regclass, month_start date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  month date := date_trunc('month', month_start)::date;
  part_name text := parent::text || '_p' || to_char(month, 'YYYYMM');
  default_name text := parent::text || '_default';
  lo timestamptz := month::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(part_name) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('recsys_partitions'));
  IF to_regclass(part_name) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part_name, parent);
  EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', default_name);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *) '
                 'INSERT INTO %I SELECT * FROM moved', default_name, part_name) USING lo, hi;
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part_name, lo, hi);
  RETURN part_name;
END $$;

-- Ensures partitions for the current month (UTC) and `ahead` months after it, for both logs.
CREATE FUNCTION recsys_ensure_partitions(ahead integer) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  parent regclass;
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  created text;
BEGIN
  IF ahead < 0 THEN
    RAISE EXCEPTION 'ahead must be >= 0, got %', ahead USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOREACH parent IN ARRAY ARRAY['exposure_events'::regclass, 'interaction_events'::regclass] LOOP
    FOR m IN 0..ahead LOOP
      created := recsys_ensure_partition(parent, (this_month + make_interval(months => m))::date);
      IF created IS NOT NULL THEN
        RETURN NEXT created;
      END IF;
    END LOOP;
  END LOOP;
END $$;

-- Detaches and drops the monthly partitions of both logs whose whole month ended before
-- now() - older_than. DEFAULT is never touched. Returns the dropped partitions' names.
CREATE FUNCTION recsys_prune_partitions(older_than interval) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  part record;
  cutoff timestamptz := now() - older_than;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('recsys_partitions'));
  FOR part IN
    SELECT c.relname AS name, p.relname AS parent
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname IN ('exposure_events', 'interaction_events')
       AND c.relname ~ '_p[0-9]{6}$'
       AND (to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month')::timestamp AT TIME ZONE 'UTC' <= cutoff
     ORDER BY c.relname
  LOOP
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', part.parent, part.name);
    EXECUTE format('DROP TABLE %I', part.name);
    RETURN NEXT part.name;
  END LOOP;
END $$;

SELECT recsys_ensure_partitions(3);
