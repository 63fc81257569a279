-- Drive: a workspace's folders and files (see server/src/api/drive/).
--
-- `drive_items`: folders and files; `name` is sealed (vault), `name_key` its keyed hash
-- (lowercase), unique among the items of one folder that are not in the trash. An item
-- put in the trash keeps its place (`trashed_at`); what is inside a trashed folder is
-- hidden with it. `current_version_id` is a file's version that is shown and downloaded.
-- `drive_versions`: the stored content of a file, one row per upload. `file_key` is the
-- version's random key, sealed under the workspace's data key; its bytes are the
-- segmented file of crypto-wasm (`segments`), kept as `drive_chunks`: objects of whole
-- segments, in order, each with where it starts in the whole stored file. A version is
-- 'uploading' until its last byte arrives, and listed only once 'ready'. `mime` is the
-- type the server sniffed from the bytes (one of its own names, kept plain like the
-- other enumerations). `drive_uploads`: tus uploads in progress; `tail` is the plaintext
-- received after the last whole segment, sealed (under 64 KiB). A folder's parent is
-- checked at commit: `copy-database` copies items by id, and a folder moved into a newer
-- one comes before its parent.
CREATE TABLE drive_items (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    parent_id          INTEGER REFERENCES drive_items(id) DEFERRABLE INITIALLY DEFERRED,
    kind               TEXT NOT NULL CHECK (kind IN ('folder', 'file')),
    name               TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    current_version_id INTEGER,
    created_by         INTEGER NOT NULL REFERENCES users(id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    trashed_at         INTEGER,
    trashed_by         INTEGER REFERENCES users(id),
    revision           INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX drive_items_parent ON drive_items(workspace_id, parent_id);
CREATE UNIQUE INDEX drive_items_name ON drive_items(workspace_id, COALESCE(parent_id, 0), name_key)
    WHERE trashed_at IS NULL;

CREATE TABLE drive_versions (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER REFERENCES drive_items(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('uploading', 'ready')),
    size        INTEGER NOT NULL,
    mime        TEXT,
    file_key    TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX drive_versions_item ON drive_versions(item_id, number);
CREATE INDEX drive_versions_workspace ON drive_versions(workspace_id);

CREATE TABLE drive_chunks (
    version_id    INTEGER NOT NULL REFERENCES drive_versions(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    start         INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    PRIMARY KEY (version_id, seq)
) STRICT;

CREATE TABLE drive_uploads (
    id          TEXT PRIMARY KEY,
    version_id  INTEGER NOT NULL UNIQUE REFERENCES drive_versions(id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    filename    TEXT NOT NULL,
    parent_id   INTEGER REFERENCES drive_items(id) ON DELETE CASCADE,
    replaces_id INTEGER REFERENCES drive_items(id) ON DELETE CASCADE,
    length      INTEGER NOT NULL,
    upload_offset INTEGER NOT NULL DEFAULT 0,
    sealed      INTEGER NOT NULL DEFAULT 0,
    tail        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX drive_uploads_expires ON drive_uploads(expires_at);

-- Single-purpose download tokens (only their SHA-256 is kept), one use, 60 seconds.
CREATE TABLE drive_tokens (
    token_hash  TEXT PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES drive_versions(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

-- Bytes a workspace's files may take (NULL: no limit).
ALTER TABLE workspaces ADD COLUMN drive_quota INTEGER;
