-- Defence in depth for tenant isolation: the serving reads run as role recsys_reader with the
-- per-transaction setting app.tenant_id, and row-level security only shows that tenant's rows.
-- The role is cluster-wide; creating it and granting it to the migrating user needs CREATEROLE
-- (scripts/pg-cluster createdb does it for local databases).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'recsys_reader') THEN
    CREATE ROLE recsys_reader NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, 'recsys_reader', 'MEMBER') THEN
    EXECUTE format('GRANT recsys_reader TO %I', current_user);
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'migration 0004 needs role recsys_reader granted to %', current_user
    USING HINT = format('as a superuser: CREATE ROLE recsys_reader NOLOGIN; GRANT recsys_reader TO %I;',
                        current_user);
END $$;

GRANT USAGE ON SCHEMA public TO recsys_reader;
GRANT SELECT ON item_tags, item_popularity_daily, item_covisit_daily, tenant_config_versions,
  tenant_rule_versions, exposure_events, interaction_events TO recsys_reader;

ALTER TABLE item_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE item_popularity_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE item_covisit_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_config_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_rule_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE exposure_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE interaction_events ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON item_tags FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON item_popularity_daily FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON item_covisit_daily FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON tenant_config_versions FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON tenant_rule_versions FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON exposure_events FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON interaction_events FOR SELECT TO recsys_reader
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
