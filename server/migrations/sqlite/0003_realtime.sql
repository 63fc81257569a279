-- Realtime rooms: one per collection (e.g. "channel:42"). The endpoint is the
-- unguessable relay address; key and key_version are the room key clients hold.
CREATE TABLE realtime_rooms (
    collection      TEXT PRIMARY KEY,
    endpoint        TEXT NOT NULL UNIQUE,
    room_key        TEXT NOT NULL,
    key_version     INTEGER NOT NULL,
    sealed_since    INTEGER NOT NULL DEFAULT 0,   -- envelopes sealed by the server since the last rotation
    rotated_at      INTEGER NOT NULL
) STRICT;
