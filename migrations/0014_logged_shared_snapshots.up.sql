-- Shared snapshots become WAL-logged so that a hot standby has them: instances reading a standby
-- (RECSYS_DATABASE_READ_URL) take them there, and a standby cannot read an unlogged table at all.
-- The cost is WAL for each store (at most one per tenant every 300 s, and only for tenants
-- past RECSYS_SHARED_SNAPSHOT_MIN_MB). The cache is emptied first so that SET LOGGED rewrites
-- nothing: instances store the snapshots again after their next load from the rows.
TRUNCATE tenant_snapshot_parts, tenant_snapshots;
ALTER TABLE tenant_snapshots SET LOGGED;
ALTER TABLE tenant_snapshot_parts SET LOGGED;
