#include "store/demo_seed.h"

#include <string>

namespace recsys::store {
namespace {

// Item i carries brand b(i) and category c(i); popularity follows a Zipf-like curve with a
// weekly wobble, so that the ranking has a clear head and a long tail. Co-visitation links each
// item to its next items in the same category and to a few items of the same brand.
constexpr const char* kSeedSql = R"sql(
INSERT INTO tenants (external_id, name) VALUES ('demo', 'Demo Store')
ON CONFLICT (external_id) DO NOTHING;

CREATE TEMP TABLE demo_items ON COMMIT DROP AS
SELECT i,
       format('item-%s', lpad(i::text, 4, '0')) AS item_id,
       (ARRAY['acme','globex','initech','umbrella','hooli','stark','wayne','wonka',
              'tyrell','cyberdyne','soylent','aperture'])[1 + (i * 7) % 12] AS brand,
       (ARRAY['shoes','shirts','jackets','hats','bags','watches','socks','pants',
              'sunglasses','scarves'])[1 + (i * 13) % 10] AS category
  FROM generate_series(1, 300) AS i;

INSERT INTO item_tags (tenant_id, namespace, item_id, tags, price)
SELECT t.id, 'default', d.item_id,
       ARRAY['brand:' || d.brand, 'category:' || d.category] ||
         CASE WHEN d.i % 5 = 0 THEN ARRAY['collection:summer'] ELSE ARRAY[]::text[] END,
       round((5 + (d.i * 37) % 200)::numeric + 0.99, 2)
  FROM demo_items d CROSS JOIN tenants t
 WHERE t.external_id = 'demo'
ON CONFLICT (tenant_id, namespace, item_id)
DO UPDATE SET tags = EXCLUDED.tags, price = EXCLUDED.price
 WHERE item_tags.tags IS DISTINCT FROM EXCLUDED.tags OR item_tags.price IS DISTINCT FROM EXCLUDED.price;

INSERT INTO item_popularity_daily (tenant_id, namespace, item_id, day, score)
SELECT t.id, 'default', d.item_id, current_date - age,
       round((1000.0 / power(d.i, 0.8) * (1 + 0.3 * sin(d.i + age)))::numeric, 6)
  FROM demo_items d CROSS JOIN tenants t CROSS JOIN generate_series(0, 29) AS age
 WHERE t.external_id = 'demo'
ON CONFLICT (tenant_id, namespace, item_id, day)
DO UPDATE SET score = EXCLUDED.score WHERE item_popularity_daily.score <> EXCLUDED.score;

INSERT INTO item_covisit_daily (tenant_id, namespace, item_id, neighbor_id, day, score)
SELECT t.id, 'default', a.item_id, b.item_id, current_date - age,
       (1 + (a.i + b.i + age) % 5)::numeric
  FROM demo_items a
  JOIN demo_items b
    ON b.i <> a.i
   AND ((b.category = a.category AND (b.i - a.i + 300) % 300 <= 60)
        OR (b.brand = a.brand AND (b.i - a.i + 300) % 300 <= 36))
  CROSS JOIN tenants t CROSS JOIN generate_series(0, 13) AS age
 WHERE t.external_id = 'demo'
ON CONFLICT (tenant_id, namespace, item_id, neighbor_id, day)
DO UPDATE SET score = EXCLUDED.score WHERE item_covisit_daily.score <> EXCLUDED.score;

WITH t AS (SELECT id FROM tenants WHERE external_id = 'demo')
INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub, comment)
SELECT t.id, '{"weights": {"pop": 1.0, "cooc": 0.5, "emb": 0.2},
               "flags": {"enable_rules": true, "exclude_anchors": true},
               "limits": {"max_k": 200, "max_exclude_ids": 5000},
               "ranking": {"half_life_days": 30, "covisit_window_days": 30, "mmr_lambda": 0.0,
                           "brand_cap": 0, "category_cap": 0, "max_pins": 3}}'::jsonb,
       'demo-seed', 'demo default config'
  FROM t
ON CONFLICT (tenant_id, etag) DO NOTHING;

INSERT INTO tenant_configs_current (tenant_id, config_version_id, updated_by_sub)
SELECT v.tenant_id, v.id, 'demo-seed'
  FROM tenant_config_versions v JOIN tenants t ON t.id = v.tenant_id
 WHERE t.external_id = 'demo' AND v.created_by_sub = 'demo-seed'
 ORDER BY v.created_at
 LIMIT 1
ON CONFLICT (tenant_id) DO NOTHING;

WITH t AS (SELECT id FROM tenants WHERE external_id = 'demo')
INSERT INTO tenant_rule_versions (tenant_id, rules, created_by_sub, comment)
SELECT t.id, '[]'::jsonb, 'demo-seed', 'no rules' FROM t
ON CONFLICT (tenant_id, etag) DO NOTHING;

INSERT INTO tenant_rules_current (tenant_id, rules_version_id, updated_by_sub)
SELECT v.tenant_id, v.id, 'demo-seed'
  FROM tenant_rule_versions v JOIN tenants t ON t.id = v.tenant_id
 WHERE t.external_id = 'demo' AND v.rules = '[]'::jsonb
 LIMIT 1
ON CONFLICT (tenant_id) DO NOTHING;
)sql";

// One audit row per seeding that created the tenant, so the registry change is accounted for.
constexpr const char* kAuditSql = R"sql(
INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id, after_state)
SELECT t.id, 'demo-seed', 'cli', 'tenant.create', 'tenant', t.external_id,
       jsonb_build_object('external_id', t.external_id, 'name', t.name)
  FROM tenants t
 WHERE t.external_id = 'demo'
   AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.tenant_id = t.id AND a.action = 'tenant.create')
)sql";

}  // namespace

Status SeedDemo(PgConnection& conn) {
  if (auto s = conn.Exec("BEGIN"); !s.ok()) return s;
  Status s = conn.Exec(kSeedSql);
  if (s.ok()) s = conn.Exec(kAuditSql);
  if (s.ok()) s = conn.Exec("COMMIT");
  if (!s.ok()) {
    (void)conn.Exec("ROLLBACK");
    return Status(s.code(), "demo seed failed: " + s.message());
  }
  return Status::Ok();
}

}  // namespace recsys::store
