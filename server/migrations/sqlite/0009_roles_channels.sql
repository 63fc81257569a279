-- Roles: admins between owners and members (protocol::workspaces::Role). SQLite cannot
-- change a CHECK constraint, so the table is rebuilt; nothing references it.
CREATE TABLE workspace_members_v9 (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) STRICT;
INSERT INTO workspace_members_v9 (workspace_id, user_id, role, joined_at)
    SELECT workspace_id, user_id, role, joined_at FROM workspace_members;
DROP TABLE workspace_members;
ALTER TABLE workspace_members_v9 RENAME TO workspace_members;
CREATE INDEX workspace_members_user ON workspace_members(user_id);

-- Channels: a topic (sealed like the name; '' when there is none), archiving (read-only
-- while archived_at is set), and a revision that grows with every change of the three.
ALTER TABLE channels ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived_at INTEGER;
ALTER TABLE channels ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
