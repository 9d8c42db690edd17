-- The role itself stays: it is cluster-wide and other databases may use it.
DROP POLICY tenant_isolation ON interaction_events;
DROP POLICY tenant_isolation ON exposure_events;
DROP POLICY tenant_isolation ON tenant_rule_versions;
DROP POLICY tenant_isolation ON tenant_config_versions;
DROP POLICY tenant_isolation ON item_covisit_daily;
DROP POLICY tenant_isolation ON item_popularity_daily;
DROP POLICY tenant_isolation ON item_tags;
ALTER TABLE interaction_events DISABLE ROW LEVEL SECURITY;
ALTER TABLE exposure_events DISABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_rule_versions DISABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_config_versions DISABLE ROW LEVEL SECURITY;
ALTER TABLE item_covisit_daily DISABLE ROW LEVEL SECURITY;
ALTER TABLE item_popularity_daily DISABLE ROW LEVEL SECURITY;
ALTER TABLE item_tags DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON item_tags, item_popularity_daily, item_covisit_daily, tenant_config_versions,
  tenant_rule_versions, exposure_events, interaction_events FROM recsys_reader;
REVOKE USAGE ON SCHEMA public FROM recsys_reader;
