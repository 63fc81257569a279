-- Mentions, pins and per-channel notification levels.
--
-- `message_mentions`: the people a message names with `@username` who can read its
-- channel (found through the usernames' keyed hashes; the text itself stays sealed).
-- `messages.broadcast`: 'here' or 'channel' when it calls on everyone. A pin is who and
-- when. `channel_settings`: a person's notification level in a channel (no row: the
-- default, 'all' for a direct message and 'mentions' for a channel).
ALTER TABLE messages ADD COLUMN broadcast TEXT CHECK (broadcast IN ('here', 'channel'));
ALTER TABLE messages ADD COLUMN pinned_at BIGINT;
ALTER TABLE messages ADD COLUMN pinned_by BIGINT REFERENCES users(id);
CREATE INDEX messages_pinned ON messages(channel_id, pinned_at) WHERE pinned_at IS NOT NULL;

CREATE TABLE message_mentions (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions(user_id, message_id);

CREATE TABLE channel_settings (
    channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notify     TEXT NOT NULL CHECK (notify IN ('all', 'mentions', 'nothing')),
    PRIMARY KEY (channel_id, user_id)
);
