-- Event log rows are stored inline and uncompressed up to 8 KB (issue 13). Past PostgreSQL's
-- default of about 2 KB a row's jsonb values were compressed with pglz on insert: one exposure
-- row in ten (requests with long exclude lists), 8.5 % of the COPY backend's CPU in a profile,
-- and about 8 % of recommend throughput at default settings with PostgreSQL on the same cores.
-- Storage parameters cannot be set on a partitioned table, so every partition gets it: those
-- that exist now, and those recsys_ensure_partition makes from now on.
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN SELECT inhrelid::regclass FROM pg_inherits
               WHERE inhparent IN ('exposure_events'::regclass, 'interaction_events'::regclass) LOOP
    EXECUTE format('ALTER TABLE %s SET (toast_tuple_target = 8160)', part);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION recsys_ensure_partition(parent regclass, month_start date) RETURNS text
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
  EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                 'WITH (toast_tuple_target = 8160)', part_name, parent);
  EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', default_name);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *) '
                 'INSERT INTO %I SELECT * FROM moved', default_name, part_name) USING lo, hi;
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part_name, lo, hi);
  RETURN part_name;
END $$;
