-- Drive copies (see `store::copy`) and selection downloads (below).
--
-- A copied file's version shares the bytes of the version it was copied from.
-- `content_id` is the version whose chunks (and segment context) hold this version's
-- bytes, NULL when they are its own; the file key is the same key, sealed again for this
-- row. A version whose bytes a copy still reads outlives its
-- file: emptying the trash keeps its row with `item_id` NULL (a "holder", in state
-- 'ready', counted in no quota) until the last copy is deleted, and only then are its
-- chunks removed.
ALTER TABLE drive_versions ADD COLUMN content_id BIGINT REFERENCES drive_versions(id);
CREATE INDEX drive_versions_content ON drive_versions(content_id);

-- Single-use tokens of selection downloads (several items of one workspace in one zip,
-- see zip.rs): only their SHA-256 is kept, for 60 seconds, bound to the person. `items`
-- is the selected ids as a JSON array (access is checked again for each when used).
CREATE TABLE drive_zip_selections (
    token_hash   TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    items        TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
