-- Signal versions (issue 25): every base build the signal builder announces is kept as a version
-- of the tenant's signals (its snapshots, in store/saved_snapshots.h's form, and a manifest), so
-- that an operator can pin serving to an earlier build (`signals rollback`) and back to the
-- newest (`signals unpin`). RECSYS_SIGNAL_VERSIONS_KEEP versions per tenant are kept, and the
-- pinned one whatever its age.
--
-- Logged, unlike the shared-snapshot cache (0008): a version is what an operator falls back on
-- after a bad build, so it must outlive a crash of PostgreSQL.
CREATE TABLE tenant_signal_builds (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  version         bigint NOT NULL,            -- 1, 2, ... per tenant, never reused
  built_at        timestamptz NOT NULL DEFAULT now(),
  trigger         text NOT NULL,              -- schedule | cli
  built_by        text NOT NULL,
  days            date[] NOT NULL,            -- the days this build wrote
  through_day     date,                       -- the newest day the snapshots hold
  events          bigint NOT NULL,
  popularity_rows bigint NOT NULL,
  covisit_rows    bigint NOT NULL,
  sequence_rows   bigint NOT NULL,
  items           bigint NOT NULL,            -- in the snapshots, every namespace
  format          text NOT NULL,              -- store/saved_snapshots.h SavedSnapshotsFormat()
  bytes           bigint NOT NULL,
  parts           integer NOT NULL,
  PRIMARY KEY (tenant_id, version)
);

-- The saved form in parts (a bytea holds at most 1 GB), read back in order.
CREATE TABLE tenant_signal_build_parts (
  tenant_id uuid NOT NULL,
  version   bigint NOT NULL,
  part      integer NOT NULL,
  data      bytea NOT NULL,
  PRIMARY KEY (tenant_id, version, part),
  FOREIGN KEY (tenant_id, version) REFERENCES tenant_signal_builds (tenant_id, version)
    ON DELETE CASCADE
);
ALTER TABLE tenant_signal_build_parts ALTER COLUMN data SET STORAGE EXTERNAL;

-- A tenant served from one version instead of the newest. The foreign key keeps a pinned
-- version from being pruned.
CREATE TABLE tenant_signal_pins (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  version       bigint NOT NULL,
  pinned_at     timestamptz NOT NULL DEFAULT now(),
  pinned_by_sub text NOT NULL,
  FOREIGN KEY (tenant_id, version) REFERENCES tenant_signal_builds (tenant_id, version)
);
