DROP TABLE item_covisit_daily;
DROP TABLE item_popularity_daily;
DROP TABLE item_tags;
