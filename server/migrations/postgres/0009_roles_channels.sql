-- Roles: admins between owners and members (protocol::workspaces::Role).
ALTER TABLE workspace_members DROP CONSTRAINT workspace_members_role_check;
ALTER TABLE workspace_members ADD CONSTRAINT workspace_members_role_check
    CHECK (role IN ('owner', 'admin', 'member'));

-- Channels: a topic (sealed like the name; '' when there is none), archiving (read-only
-- while archived_at is set), and a revision that grows with every change of the three.
ALTER TABLE channels ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived_at BIGINT;
ALTER TABLE channels ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
