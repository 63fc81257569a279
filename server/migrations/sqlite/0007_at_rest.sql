-- Encryption at rest (server/src/vault.rs): data keys sealed under the master key,
-- settings (the current master key's id, whether plain values remain), and keyed hashes
-- beside the sealed values that must stay findable.
CREATE TABLE data_keys (
    id            INTEGER PRIMARY KEY,
    scope         TEXT NOT NULL UNIQUE,     -- "account" or "workspace:<id>"
    wrapped       TEXT NOT NULL,            -- the key, sealed under the master key
    master_key_id TEXT NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

ALTER TABLE users ADD COLUMN username_key TEXT;
ALTER TABLE users ADD COLUMN email_key TEXT;
CREATE UNIQUE INDEX users_username_key ON users(username_key);
CREATE UNIQUE INDEX users_email_key ON users(email_key);
ALTER TABLE channels ADD COLUMN name_key TEXT;
CREATE INDEX channels_name_key ON channels(workspace_id, name_key);
ALTER TABLE reactions ADD COLUMN emoji_key TEXT;
CREATE UNIQUE INDEX reactions_once_key ON reactions(message_id, user_id, emoji_key);
