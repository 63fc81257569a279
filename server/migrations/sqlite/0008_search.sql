-- The blind search index: keyed hashes of the words (and prefixes) of each message,
-- never the words (server/src/api/search).
CREATE TABLE search_index (
    token      TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    PRIMARY KEY (token, message_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_index_message ON search_index(message_id);
