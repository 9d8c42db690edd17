-- The signal tables that serving snapshots are built from. `namespace` is the surface.
CREATE TABLE item_tags (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  namespace  text NOT NULL DEFAULT 'default',
  item_id    text NOT NULL,
  tags       text[] NOT NULL DEFAULT '{}',
  price      numeric(18,6),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, namespace, item_id)
);
CREATE INDEX item_tags_tags ON item_tags USING gin (tags);
CREATE TRIGGER item_tags_touch BEFORE UPDATE ON item_tags
  FOR EACH ROW EXECUTE FUNCTION recsys_touch_updated_at();

CREATE TABLE item_popularity_daily (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  namespace  text NOT NULL DEFAULT 'default',
  item_id    text NOT NULL,
  day        date NOT NULL,
  score      numeric(18,6) NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, namespace, item_id, day)
);
-- Snapshot loads and the decay window read by day.
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
