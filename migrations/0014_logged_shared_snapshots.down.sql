-- Back to an unlogged cache (the parts first: a logged table cannot reference an unlogged one).
TRUNCATE tenant_snapshot_parts, tenant_snapshots;
ALTER TABLE tenant_snapshot_parts SET UNLOGGED;
ALTER TABLE tenant_snapshots SET UNLOGGED;
