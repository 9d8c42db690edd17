-- Data in (issue 8): catalog availability, the sequence signal, event idempotency keys, the
-- days the signal builder still has to (re)build, and an index for tailing new events by id.

-- An unavailable item is never served (the catalog API sets it). The partial index keeps the
-- serving state's availability read small however large the catalog is.
ALTER TABLE item_tags ADD COLUMN available boolean NOT NULL DEFAULT true;
CREATE INDEX item_tags_unavailable ON item_tags (tenant_id) WHERE NOT available;

-- "After item_id, sessions went on to neighbor_id" (ranking.md, Sequences): directed, daily.
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
GRANT SELECT ON item_sequence_daily TO recsys_reader;
ALTER TABLE item_sequence_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON item_sequence_daily FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

-- Idempotency of POST /v1/events and imports: an event_id is taken once per tenant. A unique
-- index on the partitioned log would have to include occurred_at, so the keys live here; the
-- key row and the event row commit in one transaction.
CREATE TABLE interaction_event_keys (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id   text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event_id)
);

-- Days with events the signal builder has not built yet: every ingest transaction appends the
-- (tenant, day) pairs it wrote; the builder deletes exactly the rows it saw, in the transaction
-- that replaces that day's signals, so a day written meanwhile is built again next run.
CREATE TABLE signal_dirty_days (
  id        bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day       date NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signal_dirty_days_tenant_day ON signal_dirty_days (tenant_id, day);

-- Every instance tails new interaction rows by id into its recent-history index.
CREATE INDEX interaction_events_id ON interaction_events (id);
