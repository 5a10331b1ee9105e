-- The Kafka store's snapshot: how far a node has read the topic, so a restart replays only the
-- tail. IF NOT EXISTS: snapshots written before this migration already hold the table.
CREATE TABLE IF NOT EXISTS kafka_position (
  topic TEXT PRIMARY KEY,
  next_offset INTEGER NOT NULL,
  last_write INTEGER NOT NULL,
  outstanding TEXT NOT NULL
) STRICT;
