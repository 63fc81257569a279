-- What PostgreSQL needs too: reactions get an id (their order of arrival, which the
-- SQLite rowid gave before), so that both databases list them the same way.
CREATE TABLE reactions_ordered (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    emoji      TEXT NOT NULL,
    UNIQUE (message_id, user_id, emoji)
) STRICT;
INSERT INTO reactions_ordered (id, message_id, user_id, emoji)
    SELECT rowid, message_id, user_id, emoji FROM reactions ORDER BY rowid;
DROP TABLE reactions;
ALTER TABLE reactions_ordered RENAME TO reactions;
-- Reply counts look messages up by thread root (PostgreSQL has this index from the start).
CREATE INDEX messages_thread ON messages(thread_root_id) WHERE thread_root_id IS NOT NULL;
