-- The daily signal tables are derived data (schema.md): rewritten by the builder a day at a time.
-- Measured on a day of 852k co-visitation rows, what an insert costs is the foreign key and the
-- B-trees, so these tables now keep
--   * no foreign key to tenants: a trigger removes a deleted tenant's rows instead (one statement
--     per deletion, not one check per row);
--   * ids compared as bytes (COLLATE "C"): ids are not words, and a key of ids is built several
--     times faster without the locale's collation;
--   * only their primary key: partitioned by day, a day is one partition, and reading a tenant's
--     days is partition pruning plus the key's (tenant_id, namespace) prefix;
--   * one partition per day (recsys_signal_day_partition), so that the builder can load a day
--     that no other tenant shares into an unindexed table, index it and swap it in whole; and a
--     DEFAULT partition so that rows written by other means (demo data, hand-loaded signals) for
--     a day without its partition are never refused.

-- Creates the three tables' partitions for `d` unless they exist; rows of that day waiting in a
-- DEFAULT partition move into the new partition.
CREATE FUNCTION recsys_signal_day_partition(d date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  parent text;
  part text;
BEGIN
  FOREACH parent IN ARRAY ARRAY['item_popularity_daily', 'item_covisit_daily',
                                'item_sequence_daily'] LOOP
    part := parent || '_' || to_char(d, 'YYYYMMDD');
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   part, parent);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE day = %L RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved', parent || '_default', d, part);
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   parent, part, d, d + 1);
  END LOOP;
END $$;

DO $$
DECLARE
  t text;
  d date;
BEGIN
  FOREACH t IN ARRAY ARRAY['item_popularity_daily', 'item_covisit_daily',
                           'item_sequence_daily'] LOOP
    EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_v1');
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t || '_v1', t || '_pkey',
                   t || '_v1_pkey');
    EXECUTE format('DROP INDEX %I', t || '_day');
  END LOOP;
END $$;

CREATE TABLE item_popularity_daily (
  tenant_id  uuid NOT NULL,
  namespace  text COLLATE "C" NOT NULL DEFAULT 'default',
  item_id    text COLLATE "C" NOT NULL,
  day        date NOT NULL,
  score      numeric(18,6) NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (day);

CREATE TABLE item_covisit_daily (
  tenant_id   uuid NOT NULL,
  namespace   text COLLATE "C" NOT NULL DEFAULT 'default',
  item_id     text COLLATE "C" NOT NULL,
  neighbor_id text COLLATE "C" NOT NULL,
  day         date NOT NULL,
  score       numeric(18,6) NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (day);

-- "After item_id, sessions went on to neighbor_id" (ranking.md, Sequences): directed, daily.
CREATE TABLE item_sequence_daily (LIKE item_covisit_daily INCLUDING DEFAULTS)
  PARTITION BY RANGE (day);

-- The old rows move a day per partition, unindexed; the keys are built once at the end.
DO $$
DECLARE
  t text;
  d date;
BEGIN
  FOREACH t IN ARRAY ARRAY['item_popularity_daily', 'item_covisit_daily',
                           'item_sequence_daily'] LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_default', t);
  END LOOP;
  FOR d IN SELECT day FROM item_popularity_daily_v1 UNION SELECT day FROM item_covisit_daily_v1
           UNION SELECT day FROM item_sequence_daily_v1 LOOP
    PERFORM recsys_signal_day_partition(d);
  END LOOP;
END $$;
INSERT INTO item_popularity_daily SELECT * FROM item_popularity_daily_v1;
INSERT INTO item_covisit_daily SELECT * FROM item_covisit_daily_v1;
INSERT INTO item_sequence_daily SELECT * FROM item_sequence_daily_v1;
DROP TABLE item_popularity_daily_v1, item_covisit_daily_v1, item_sequence_daily_v1;
ALTER TABLE item_popularity_daily ADD PRIMARY KEY (tenant_id, namespace, item_id, day);
ALTER TABLE item_covisit_daily ADD PRIMARY KEY (tenant_id, namespace, item_id, neighbor_id, day);
ALTER TABLE item_sequence_daily ADD PRIMARY KEY (tenant_id, namespace, item_id, neighbor_id, day);

CREATE FUNCTION recsys_drop_tenant_signals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM item_popularity_daily WHERE tenant_id = OLD.id;
  DELETE FROM item_covisit_daily WHERE tenant_id = OLD.id;
  DELETE FROM item_sequence_daily WHERE tenant_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER tenants_drop_signals AFTER DELETE ON tenants
  FOR EACH ROW EXECUTE FUNCTION recsys_drop_tenant_signals();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['item_popularity_daily', 'item_covisit_daily',
                           'item_sequence_daily'] LOOP
    EXECUTE format('GRANT SELECT ON %I TO recsys_reader', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR SELECT TO recsys_reader '
                   'USING (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
  END LOOP;
END $$;
