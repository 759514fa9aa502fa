-- The event log becomes a hash chain per organization: each event's position, the hash
-- of the event before it and its own hash. Events written before this migration are
-- chained once, in id order, when the store next opens.
ALTER TABLE events ADD COLUMN seq INTEGER;
ALTER TABLE events ADD COLUMN prev_hash TEXT;
ALTER TABLE events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX events_chain ON events (org_id, seq);

-- The last link of each organization's chain, so removing events from the end shows.
CREATE TABLE audit_heads (
    org_id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
