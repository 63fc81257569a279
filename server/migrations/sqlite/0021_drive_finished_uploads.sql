-- Uploads that completed, for a day (see tus.rs `head`): a client that lost the answer
-- to its last request (a reload, a cut connection) asks `HEAD` again and learns that the
-- upload is whole and which file it made, instead of starting it over. Only members'
-- uploads; the row goes with its file.
CREATE TABLE drive_finished_uploads (
    id          TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id     INTEGER NOT NULL REFERENCES drive_items(id) ON DELETE CASCADE,
    length      INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX drive_finished_uploads_expires ON drive_finished_uploads(expires_at);
CREATE INDEX drive_finished_uploads_item ON drive_finished_uploads(item_id);
