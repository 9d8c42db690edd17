-- The reference service's per-request popularity query, as pgbench runs it: decayed popularity
-- summed per item with a tag join, ordered, limited to k.
\set cat random(0, 199)
SELECT p.item_id, sum(p.score * exp(-ln(2) * (current_date - p.day) / 30.0)) AS pop
  FROM item_popularity_daily p
  JOIN item_tags t ON t.tenant_id = p.tenant_id AND t.namespace = p.namespace AND t.item_id = p.item_id
 WHERE p.tenant_id = (SELECT id FROM tenants WHERE external_id = 'bench')
   AND p.namespace = 'default'
   AND p.day > current_date - 30
   AND t.tags @> ARRAY['category:c' || lpad(:cat::text, 3, '0')]
 GROUP BY p.item_id
 ORDER BY pop DESC
 LIMIT 20;
