DROP TABLE tenant_snapshot_parts;
DROP TABLE tenant_snapshots;
DROP TABLE tenant_signal_versions;
