-- Drive share links (see server/src/api/drive/shares.rs and public.rs), thumbnails,
-- folder downloads and the search index of Drive's names.
--
-- `drive_shares`: a link to a file or folder. `token_hash` is the SHA-256 of its random
-- token (how a request finds it); `token` is the token itself, sealed (vault) under the
-- workspace's data key, so that members can copy the link again. `password_hash` is the
-- PBKDF2 hash of its optional password. A link stops working when it expires, when its
-- item is in the trash (or deleted), or when its creator leaves the workspace; revoking
-- it deletes the row. `downloads` counts the downloads started through it.
-- `drive_share_grants`: what unlocking a password-protected link gives (only the
-- SHA-256 of the random grant is kept), for an hour.
-- `drive_tokens.share_id` / `drive_uploads.share_id`: a download or an upload made
-- through a link (its `user_id` is then the link's creator).
CREATE TABLE drive_shares (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    item_id        INTEGER NOT NULL REFERENCES drive_items(id) ON DELETE CASCADE,
    token_hash     TEXT NOT NULL UNIQUE,
    token          TEXT NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('view', 'drop')),
    password_hash  TEXT,
    expires_at     INTEGER,
    download_limit INTEGER,
    downloads      INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX drive_shares_item ON drive_shares(item_id);
CREATE INDEX drive_shares_workspace ON drive_shares(workspace_id);

CREATE TABLE drive_share_grants (
    grant_hash  TEXT PRIMARY KEY,
    share_id    INTEGER NOT NULL REFERENCES drive_shares(id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL
) STRICT;

ALTER TABLE drive_tokens ADD COLUMN share_id INTEGER REFERENCES drive_shares(id) ON DELETE CASCADE;
ALTER TABLE drive_uploads ADD COLUMN share_id INTEGER REFERENCES drive_shares(id) ON DELETE CASCADE;

-- Thumbnails of image files, made on first request (see preview.rs): `image` is the PNG,
-- base64, sealed under the workspace's data key; 'refused' when the file could not or
-- would not be decoded (`reason` says why: not an image, too large, a decoding error).
CREATE TABLE drive_thumbnails (
    version_id  INTEGER PRIMARY KEY REFERENCES drive_versions(id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('ready', 'refused')),
    image       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;

-- Single-use tokens of folder downloads (a zip made as it streams; see zip.rs): only
-- their SHA-256 is kept, for 60 seconds, bound to the folder and the person (or the link).
CREATE TABLE drive_zip_tokens (
    token_hash  TEXT PRIMARY KEY,
    folder_id   INTEGER NOT NULL REFERENCES drive_items(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    share_id    INTEGER REFERENCES drive_shares(id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

-- The blind search index of Drive's names, as `search_index` is for messages: keyed
-- hashes of the words (and prefixes) of each item's name, never the words.
CREATE TABLE drive_search_index (
    token    TEXT NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES drive_items(id) ON DELETE CASCADE,
    PRIMARY KEY (token, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX drive_search_index_item ON drive_search_index(item_id);
