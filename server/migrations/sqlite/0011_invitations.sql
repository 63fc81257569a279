-- Invitations a person accepts or declines, and invite links.
--
-- An invitation names what the inviter typed (sealed under the workspace's key) and the
-- keyed hashes of it as a username and as an e-mail address: it is never resolved to an
-- account when it is made, so the answer says nothing about which accounts exist. The
-- person whose username or e-mail hashes the same sees it (and so does someone who signs
-- up with that name later).
CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    login        TEXT NOT NULL,
    username_key TEXT NOT NULL,
    email_key    TEXT NOT NULL,
    invited_by   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, username_key)
) STRICT;
CREATE INDEX invitations_username ON invitations(username_key);
CREATE INDEX invitations_email ON invitations(email_key);

-- Invite links: the token is random (CSPRNG) and only its keyed hash is kept.
CREATE TABLE invite_links (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL UNIQUE,
    created_by   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    max_uses     INTEGER NOT NULL,
    uses         INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER
) STRICT;
CREATE INDEX invite_links_workspace ON invite_links(workspace_id);
