-- Tenants, API keys, versioned config and rules, audit log, cache invalidations.

CREATE TYPE tenant_status AS ENUM ('active', 'suspended', 'deleted');
CREATE TYPE api_client_status AS ENUM ('active', 'revoked');
CREATE TYPE cache_invalidation_status AS ENUM ('requested', 'applied', 'failed');
CREATE TYPE interaction_type AS ENUM ('impression', 'click', 'add_to_cart', 'purchase', 'view');

CREATE FUNCTION recsys_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;

-- Version tables and the audit log are append-only. The one update allowed is the
-- ON DELETE SET NULL of audit_log.tenant_id, so that audit survives a tenant's removal.
CREATE FUNCTION recsys_reject_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log'
     AND OLD.tenant_id IS NOT NULL AND NEW.tenant_id IS NULL
     AND (to_jsonb(NEW) - 'tenant_id') = (to_jsonb(OLD) - 'tenant_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$;

CREATE TABLE tenants (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_id text NOT NULL UNIQUE CHECK (external_id <> ''),
  name        text NOT NULL,
  status      tenant_status NOT NULL DEFAULT 'active',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER tenants_touch BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION recsys_touch_updated_at();

CREATE TABLE tenant_api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name         text,
  key_prefix   text,
  key_hash     text NOT NULL UNIQUE,
  roles        text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX tenant_api_keys_tenant ON tenant_api_keys (tenant_id);

CREATE TABLE tenant_config_versions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  config         jsonb NOT NULL,
  etag           text GENERATED ALWAYS AS (encode(sha256(config::text::bytea), 'hex')) STORED,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by_sub text NOT NULL,
  comment        text,
  UNIQUE (tenant_id, etag)
);
CREATE INDEX tenant_config_versions_tenant_created
  ON tenant_config_versions (tenant_id, created_at DESC, id DESC);
CREATE TRIGGER tenant_config_versions_append_only BEFORE UPDATE OR DELETE ON tenant_config_versions
  FOR EACH ROW EXECUTE FUNCTION recsys_reject_mutation();

CREATE TABLE tenant_configs_current (
  tenant_id         uuid PRIMARY KEY REFERENCES tenants (id),
  config_version_id uuid NOT NULL REFERENCES tenant_config_versions (id),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  updated_by_sub    text NOT NULL
);
CREATE TRIGGER tenant_configs_current_touch BEFORE UPDATE ON tenant_configs_current
  FOR EACH ROW EXECUTE FUNCTION recsys_touch_updated_at();

CREATE TABLE tenant_rule_versions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id),
  rules          jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
  etag           text GENERATED ALWAYS AS (encode(sha256(rules::text::bytea), 'hex')) STORED,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by_sub text NOT NULL,
  comment        text,
  UNIQUE (tenant_id, etag)
);
CREATE INDEX tenant_rule_versions_tenant_created
  ON tenant_rule_versions (tenant_id, created_at DESC, id DESC);
CREATE TRIGGER tenant_rule_versions_append_only BEFORE UPDATE OR DELETE ON tenant_rule_versions
  FOR EACH ROW EXECUTE FUNCTION recsys_reject_mutation();

CREATE TABLE tenant_rules_current (
  tenant_id        uuid PRIMARY KEY REFERENCES tenants (id),
  rules_version_id uuid NOT NULL REFERENCES tenant_rule_versions (id),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by_sub   text NOT NULL
);
CREATE TRIGGER tenant_rules_current_touch BEFORE UPDATE ON tenant_rules_current
  FOR EACH ROW EXECUTE FUNCTION recsys_touch_updated_at();

CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  tenant_id    uuid REFERENCES tenants (id) ON DELETE SET NULL,
  actor_sub    text NOT NULL,
  actor_type   text NOT NULL,
  action       text NOT NULL,
  entity_type  text,
  entity_id    text,
  request_id   uuid,
  ip           inet,
  user_agent   text,
  before_state jsonb,
  after_state  jsonb,
  extra        jsonb
);
CREATE INDEX audit_log_tenant_page ON audit_log (tenant_id, occurred_at DESC, id DESC);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION recsys_reject_mutation();

CREATE TABLE cache_invalidation_events (
  id               bigserial PRIMARY KEY,
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  request_id       uuid,
  requested_at     timestamptz NOT NULL DEFAULT now(),
  requested_by_sub text NOT NULL,
  targets          text[] NOT NULL,
  surface          text,
  status           cache_invalidation_status NOT NULL DEFAULT 'requested',
  applied_at       timestamptz,
  applied_by       text,
  error_detail     text
);
CREATE INDEX cache_invalidation_events_tenant ON cache_invalidation_events (tenant_id, requested_at DESC);
