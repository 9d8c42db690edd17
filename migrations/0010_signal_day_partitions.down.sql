DROP TRIGGER tenants_drop_signals ON tenants;
DROP FUNCTION recsys_drop_tenant_signals();
DROP FUNCTION recsys_signal_day_partition(date);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['item_popularity_daily', 'item_covisit_daily',
                           'item_sequence_daily'] LOOP
    EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_v2');
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t || '_v2', t || '_pkey',
                   t || '_v2_pkey');
  END LOOP;
END $$;

CREATE TABLE item_popularity_daily (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  namespace  text NOT NULL DEFAULT 'default',
  item_id    text NOT NULL,
  day        date NOT NULL,
  score      numeric(18,6) NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, namespace, item_id, day)
);
CREATE INDEX item_popularity_daily_day ON item_popularity_daily (tenant_id, namespace, day);
CREATE TABLE item_covisit_daily (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  namespace   text NOT NULL DEFAULT 'default',
  item_id     text NOT NULL,
  neighbor_id text NOT NULL,
  day         date NOT NULL,
  score       numeric(18,6) NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, namespace, item_id, neighbor_id, day)
);
CREATE INDEX item_covisit_daily_day ON item_covisit_daily (tenant_id, namespace, day);
CREATE TABLE item_sequence_daily (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  namespace   text NOT NULL DEFAULT 'default',
  item_id     text NOT NULL,
  neighbor_id text NOT NULL,
  day         date NOT NULL,
  score       numeric(18,6) NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, namespace, item_id, neighbor_id, day)
);
CREATE INDEX item_sequence_daily_day ON item_sequence_daily (tenant_id, namespace, day);

INSERT INTO item_popularity_daily SELECT * FROM item_popularity_daily_v2
  WHERE tenant_id IN (SELECT id FROM tenants);
INSERT INTO item_covisit_daily SELECT * FROM item_covisit_daily_v2
  WHERE tenant_id IN (SELECT id FROM tenants);
INSERT INTO item_sequence_daily SELECT * FROM item_sequence_daily_v2
  WHERE tenant_id IN (SELECT id FROM tenants);
DROP TABLE item_popularity_daily_v2, item_covisit_daily_v2, item_sequence_daily_v2;

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
