-- The role itself stays: it is cluster-wide and other databases may use it.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['item_tags', 'item_popularity_daily', 'item_covisit_daily',
                           'tenant_config_versions', 'tenant_rule_versions', 'exposure_events',
                           'interaction_events'] LOOP
    EXECUTE format('DROP POLICY tenant_isolation ON %I', t);
    EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t);
    EXECUTE format('REVOKE SELECT ON %I FROM recsys_reader', t);
  END LOOP;
END $$;
REVOKE USAGE ON SCHEMA public FROM recsys_reader;
