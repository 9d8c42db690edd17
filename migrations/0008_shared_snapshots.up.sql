-- Shared snapshots (issue 13): an instance that built a large tenant's signal snapshots from the
-- signal tables stores them here, and an instance starting later (a new machine, no warm-start
-- folder) serves from them instead of reading 20M rows again, as long as they are current.
--
-- Every signal or catalog write recsys announces bumps the tenant's version in the same
-- transaction (store/change_notice.cc); stored snapshots record the version they were built from
-- and serve only while it is still the tenant's.
CREATE TABLE tenant_signal_versions (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  version    bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- A cache: unlogged (no WAL for hundreds of megabytes per build; emptied after a crash, when
-- instances simply read the rows again). One entry per tenant and form (store/saved_snapshots.h),
-- so builds of another form never read or replace each other's.
CREATE UNLOGGED TABLE tenant_snapshots (
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  format              text NOT NULL,
  signal_version      bigint NOT NULL,
  day                 integer NOT NULL,          -- days since 1970-01-01 (UTC) they decay from
  half_life_days      double precision NOT NULL,
  covisit_window_days integer NOT NULL,
  bytes               bigint NOT NULL,
  parts               integer NOT NULL,
  stored_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, format)
);

-- The saved form in parts (a bytea holds at most 1 GB), read back in order. Stored without
-- compression: the arrays do not compress much and reading must be fast.
CREATE UNLOGGED TABLE tenant_snapshot_parts (
  tenant_id uuid NOT NULL,
  format    text NOT NULL,
  part      integer NOT NULL,
  data      bytea NOT NULL,
  PRIMARY KEY (tenant_id, format, part),
  FOREIGN KEY (tenant_id, format) REFERENCES tenant_snapshots (tenant_id, format) ON DELETE CASCADE
);
ALTER TABLE tenant_snapshot_parts ALTER COLUMN data SET STORAGE EXTERNAL;
