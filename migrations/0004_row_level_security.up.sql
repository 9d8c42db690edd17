-- Defence in depth for tenant isolation: the serving reads run as role recsys_reader with the
-- per-transaction setting app.tenant_id, and row-level security only shows that tenant's rows.
-- The role is cluster-wide; creating it and granting it to the migrating user needs CREATEROLE
-- (scripts/pg-cluster createdb does it for local databases).
-- Several databases of one cluster may migrate at once: tolerate losing the race to create or
-- grant the (cluster-wide) role.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'recsys_reader') THEN
    BEGIN
      CREATE ROLE recsys_reader NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'recsys_reader', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT recsys_reader TO %I', current_user);
    EXCEPTION WHEN unique_violation THEN
      NULL;
    END;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'migration 0004 needs role recsys_reader granted to %', current_user
    USING HINT = format('as a superuser: CREATE ROLE recsys_reader NOLOGIN; GRANT recsys_reader TO %I;',
                        current_user);
END $$;

GRANT USAGE ON SCHEMA public TO recsys_reader;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['item_tags', 'item_popularity_daily', 'item_covisit_daily',
                           'tenant_config_versions', 'tenant_rule_versions', 'exposure_events',
                           'interaction_events'] LOOP
    EXECUTE format('GRANT SELECT ON %I TO recsys_reader', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I FOR SELECT TO recsys_reader '
                   'USING (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
  END LOOP;
END $$;
