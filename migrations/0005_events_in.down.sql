DROP INDEX interaction_events_id;
DROP TABLE signal_dirty_days;
DROP TABLE interaction_event_keys;
DROP TABLE item_sequence_daily;
DROP INDEX item_tags_unavailable;
ALTER TABLE item_tags DROP COLUMN available;
