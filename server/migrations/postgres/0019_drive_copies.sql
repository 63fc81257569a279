-- Drive copies (see `store::copy`): a copied file's version shares the bytes of the
-- version it was copied from. `content_id` is the version whose chunks (and segment
-- context) hold this version's bytes, NULL when they are its own; the file key is the same
-- key, sealed again for this row. A version whose bytes a copy still reads outlives its
-- file: emptying the trash keeps its row with `item_id` NULL (a "holder", in state
-- 'ready', counted in no quota) until the last copy is deleted, and only then are its
-- chunks removed.
ALTER TABLE drive_versions ADD COLUMN content_id BIGINT REFERENCES drive_versions(id);
CREATE INDEX drive_versions_content ON drive_versions(content_id);
