-- Files attached to messages (see server/src/api/messages/ and docs/security.md).
--
-- A file uploaded from a channel's composer is a Drive item of the channel's workspace
-- that belongs to the channel (`channel_id`): it is in no folder, listed nowhere in
-- Drive, and only those who can read the channel can see it (before it is attached to a
-- message, only its uploader). Its name is kept as uploaded: files of a channel share
-- no name space (many pasted screenshots are all `image.png`). An upload into a channel
-- keeps the channel in `drive_uploads.channel_id`.
--
-- `message_attachments`: the files a message shows, in order. A file of the channel is
-- attached to one message and deleted with it; a Drive file of the workspace may be
-- attached to any number. When a file is deleted for good, its attachments stay with
-- `item_id` NULL (shown as no longer available).
ALTER TABLE drive_items ADD COLUMN channel_id BIGINT REFERENCES channels(id) ON DELETE CASCADE;
DROP INDEX drive_items_name;
CREATE UNIQUE INDEX drive_items_name ON drive_items(workspace_id, COALESCE(parent_id, 0), name_key)
    WHERE trashed_at IS NULL AND channel_id IS NULL;
ALTER TABLE drive_uploads ADD COLUMN channel_id BIGINT REFERENCES channels(id) ON DELETE CASCADE;

CREATE TABLE message_attachments (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    item_id    BIGINT REFERENCES drive_items(id) ON DELETE SET NULL,
    PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_item ON message_attachments(item_id);
