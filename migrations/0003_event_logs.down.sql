DROP FUNCTION recsys_prune_partitions(interval);
DROP FUNCTION recsys_ensure_partitions(integer);
DROP FUNCTION recsys_ensure_partition(regclass, date);
DROP TABLE interaction_events;
DROP TABLE exposure_events;
