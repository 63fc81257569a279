//! Invitations and invite links in the database.

use axum::http::StatusCode;
use huddle_protocol::invitations::{
    Invitation, InviteLink, LinkPreview, SentInvitation, INVITATION_TTL_SECS,
};
use huddle_protocol::workspaces::Workspace;

use crate::access::{self, Action};
use crate::api::auth::store::{login_keys, user};
use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

/// The most pending invitations a workspace may have.
pub const MAX_PENDING: i64 = 500;
/// The most working invite links a workspace may have.
pub const MAX_LINKS: i64 = 100;

/// The display name of account `id` (who sent an invitation or made a link).
async fn display_name(tx: &mut Tx, id: i64) -> ApiResult<String> {
    Ok(user(tx, id)
        .await?
        .map_or_else(|| "(deleted account)".to_owned(), |u| u.display_name))
}

/// Invites whoever has the username or e-mail address `login` (admins and owners). It
/// is not resolved to an account: the answer is the same whether or not one exists, and
/// someone who signs up with that name later sees it too. Inviting the same name again
/// renews the invitation.
pub async fn invite(
    tx: &mut Tx,
    workspace: i64,
    by: i64,
    login: &str,
) -> ApiResult<SentInvitation> {
    // Not members: they could otherwise bring back someone an admin removed.
    access::require(tx, workspace, by, Action::Invite).await?;
    let (username_key, email_key) = login_keys(tx, login, login).await?;
    let (created_at, expires_at) = (now(), now() + INVITATION_TTL_SECS);
    let existing: Option<(i64,)> = tx
        .optional(
            "SELECT id FROM invitations WHERE workspace_id = $1 AND username_key = $2",
            args![workspace, username_key.clone()],
        )
        .await?;
    let id = match existing {
        Some((id,)) => id,
        None => {
            let (pending,): (i64,) = tx
                .one(
                    "SELECT count(*) FROM invitations WHERE workspace_id = $1 AND expires_at > $2",
                    args![workspace, now()],
                )
                .await?;
            if pending >= MAX_PENDING {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "TOO_MANY_INVITATIONS",
                    format!("a workspace has at most {MAX_PENDING} pending invitations: withdraw some first"),
                ));
            }
            let (id,): (i64,) = tx
                .one(
                    "INSERT INTO invitations (workspace_id, login, username_key, email_key, \
                     invited_by, created_at, expires_at) VALUES ($1, '', $2, $3, $4, $5, $6) \
                     RETURNING id",
                    args![
                        workspace,
                        username_key,
                        email_key,
                        by,
                        created_at,
                        expires_at
                    ],
                )
                .await?;
            id
        }
    };
    let sealed = tx
        .seal(
            Scope::Workspace(workspace),
            &Place::new("invitations", "login", id),
            login,
        )
        .await?;
    tx.execute(
        "UPDATE invitations SET login = $2, invited_by = $3, created_at = $4, expires_at = $5 \
         WHERE id = $1",
        args![id, sealed, by, created_at, expires_at],
    )
    .await?;
    Ok(SentInvitation {
        id,
        user: login.to_owned(),
        invited_by: display_name(tx, by).await?,
        created_at,
        expires_at,
    })
}

/// The workspace's pending invitations, newest first (admins and owners).
pub async fn sent(tx: &mut Tx, workspace: i64, by: i64) -> ApiResult<Vec<SentInvitation>> {
    access::require(tx, workspace, by, Action::Invite).await?;
    let rows: Vec<(i64, String, i64, i64, i64)> = tx
        .all(
            "SELECT id, login, invited_by, created_at, expires_at FROM invitations \
             WHERE workspace_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC",
            args![workspace, now()],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for (id, login, invited_by, created_at, expires_at) in rows {
        list.push(SentInvitation {
            id,
            user: tx
                .open(&Place::new("invitations", "login", id), &login)
                .await?,
            invited_by: display_name(tx, invited_by).await?,
            created_at,
            expires_at,
        });
    }
    Ok(list)
}

/// Withdraws a pending invitation (admins and owners); 404 if there is none.
pub async fn revoke(tx: &mut Tx, workspace: i64, by: i64, id: i64) -> ApiResult<()> {
    access::require(tx, workspace, by, Action::Invite).await?;
    let n = tx
        .execute(
            "DELETE FROM invitations WHERE id = $1 AND workspace_id = $2",
            args![id, workspace],
        )
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("invitation"));
    }
    Ok(())
}

/// A query over the invitations `i` addressed to account `$1` and unexpired at `$2`:
/// `addressed!(select, rest)` is `select`, the `FROM … WHERE`, then `rest`.
macro_rules! addressed {
    ($select:literal, $rest:literal) => {
        concat!(
            $select,
            " FROM invitations i JOIN users u ON u.id = $1 \
             WHERE (i.username_key = u.username_key OR i.email_key = u.email_key) \
             AND i.expires_at > $2",
            $rest
        )
    };
}

/// The invitations waiting for `user`'s answer, newest first.
pub async fn mine(tx: &mut Tx, user: i64) -> ApiResult<Vec<Invitation>> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = tx
        .all(
            addressed!(
                "SELECT i.id, i.workspace_id, i.invited_by, i.created_at, i.expires_at",
                " AND NOT EXISTS (SELECT 1 FROM workspace_members m \
                 WHERE m.workspace_id = i.workspace_id AND m.user_id = $1) \
                 ORDER BY i.created_at DESC, i.id DESC"
            ),
            args![user, now()],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for (id, workspace_id, invited_by, created_at, expires_at) in rows {
        list.push(Invitation {
            id,
            workspace_id,
            workspace_name: workspace_name(tx, workspace_id).await?,
            invited_by: display_name(tx, invited_by).await?,
            created_at,
            expires_at,
        });
    }
    Ok(list)
}

/// The workspace of invitation `id` if it is addressed to `user` and unexpired; 404
/// otherwise (someone else's invitations do not exist for them).
async fn addressed(tx: &mut Tx, user: i64, id: i64) -> ApiResult<i64> {
    let row: Option<(i64,)> = tx
        .optional(
            addressed!("SELECT i.workspace_id", " AND i.id = $3"),
            args![user, now(), id],
        )
        .await?;
    row.map(|(w,)| w)
        .ok_or_else(|| ApiError::not_found("invitation"))
}

/// Accepts invitation `id`: `user` joins its workspace as a member (already a member:
/// nothing changes) and the invitation is gone.
pub async fn accept(tx: &mut Tx, user: i64, id: i64) -> ApiResult<Workspace> {
    let workspace = addressed(tx, user, id).await?;
    tx.execute("DELETE FROM invitations WHERE id = $1", args![id])
        .await?;
    join(tx, workspace, user).await
}

/// Declines invitation `id`: it is gone, and the workspace's admins no longer see it.
pub async fn decline(tx: &mut Tx, user: i64, id: i64) -> ApiResult<()> {
    addressed(tx, user, id).await?;
    tx.execute("DELETE FROM invitations WHERE id = $1", args![id])
        .await?;
    Ok(())
}

/// Drops the invitations addressed to `user` in `workspace` (when they are removed from
/// it, so that an old invitation does not undo the removal).
pub async fn forget(tx: &mut Tx, workspace: i64, user: i64) -> ApiResult<()> {
    tx.execute(
        addressed!(
            "DELETE FROM invitations WHERE id IN (SELECT i.id",
            " AND i.workspace_id = $3)"
        ),
        args![user, i64::MIN, workspace],
    )
    .await?;
    Ok(())
}

/// Adds `user` to `workspace` as a member (if they are not one yet); the workspace as
/// they see it.
async fn join(tx: &mut Tx, workspace: i64, user: i64) -> ApiResult<Workspace> {
    tx.execute(
        "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) \
         VALUES ($1, $2, 'member', $3) ON CONFLICT DO NOTHING",
        args![workspace, user, now()],
    )
    .await?;
    let role = access::workspace_role(tx, workspace, user).await?;
    Ok(Workspace {
        id: workspace,
        name: workspace_name(tx, workspace).await?,
        role,
    })
}

async fn workspace_name(tx: &mut Tx, workspace: i64) -> ApiResult<String> {
    let (name,): (String,) = tx
        .one(
            "SELECT name FROM workspaces WHERE id = $1",
            args![workspace],
        )
        .await?;
    tx.open(&Place::new("workspaces", "name", workspace), &name)
        .await
}

/// A link row: id, creator, created, expires, max uses, uses.
type LinkRow = (i64, i64, i64, i64, i64, i64);

async fn link(tx: &mut Tx, row: LinkRow, token: Option<String>) -> ApiResult<InviteLink> {
    let (id, created_by, created_at, expires_at, max_uses, uses) = row;
    Ok(InviteLink {
        id,
        token,
        created_by: display_name(tx, created_by).await?,
        created_at,
        expires_at,
        max_uses: u32::try_from(max_uses).unwrap_or(u32::MAX),
        uses: u32::try_from(uses).unwrap_or(u32::MAX),
    })
}

/// Makes an invite link (admins and owners): `token_hash` is the keyed hash of the
/// random token only the answer carries.
pub async fn create_link(
    tx: &mut Tx,
    workspace: i64,
    by: i64,
    token: String,
    token_hash: Vec<u8>,
    hours: u32,
    max_uses: u32,
) -> ApiResult<InviteLink> {
    access::require(tx, workspace, by, Action::Invite).await?;
    let created_at = now();
    let (active,): (i64,) = tx
        .one(
            "SELECT count(*) FROM invite_links WHERE workspace_id = $1 AND revoked_at IS NULL \
             AND expires_at > $2 AND uses < max_uses",
            args![workspace, created_at],
        )
        .await?;
    if active >= MAX_LINKS {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "TOO_MANY_INVITE_LINKS",
            format!("a workspace has at most {MAX_LINKS} working invite links: revoke some first"),
        ));
    }
    let expires_at = created_at + i64::from(hours) * 3600;
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO invite_links (workspace_id, token_hash, created_by, created_at, \
             expires_at, max_uses) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            args![
                workspace,
                token_hash,
                by,
                created_at,
                expires_at,
                i64::from(max_uses)
            ],
        )
        .await?;
    let row = (id, by, created_at, expires_at, i64::from(max_uses), 0);
    link(tx, row, Some(token)).await
}

/// The workspace's links that still let people in, newest first (admins and owners).
pub async fn links(tx: &mut Tx, workspace: i64, by: i64) -> ApiResult<Vec<InviteLink>> {
    access::require(tx, workspace, by, Action::Invite).await?;
    let rows: Vec<LinkRow> = tx
        .all(
            "SELECT id, created_by, created_at, expires_at, max_uses, uses FROM invite_links \
             WHERE workspace_id = $1 AND revoked_at IS NULL AND expires_at > $2 \
             AND uses < max_uses ORDER BY created_at DESC, id DESC",
            args![workspace, now()],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        list.push(link(tx, row, None).await?);
    }
    Ok(list)
}

/// Revokes a link (admins and owners): it lets nobody in any more.
pub async fn revoke_link(tx: &mut Tx, workspace: i64, by: i64, id: i64) -> ApiResult<()> {
    access::require(tx, workspace, by, Action::Invite).await?;
    let n = tx
        .execute(
            "UPDATE invite_links SET revoked_at = $3 WHERE id = $1 AND workspace_id = $2 \
             AND revoked_at IS NULL",
            args![id, workspace, now()],
        )
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("invite link"));
    }
    Ok(())
}

/// A link as stored.
struct Link {
    id: i64,
    workspace: i64,
    created_by: i64,
    expires_at: i64,
    max_uses: i64,
    uses: i64,
    revoked: bool,
}

/// id, workspace, creator, expiry, max uses, uses, revoked at.
type StoredLink = (i64, i64, i64, i64, i64, i64, Option<i64>);

/// The link whose token hashes to `token_hash`; 404 `NOT_FOUND` for an unknown token.
async fn find_link(tx: &mut Tx, token_hash: &[u8]) -> ApiResult<Link> {
    let row: Option<StoredLink> = tx
        .optional(
            "SELECT id, workspace_id, created_by, expires_at, max_uses, uses, revoked_at \
             FROM invite_links WHERE token_hash = $1",
            args![token_hash.to_vec()],
        )
        .await?;
    let Some((id, workspace, created_by, expires_at, max_uses, uses, revoked)) = row else {
        return Err(ApiError::not_found("invite link"));
    };
    Ok(Link {
        id,
        workspace,
        created_by,
        expires_at,
        max_uses,
        uses,
        revoked: revoked.is_some(),
    })
}

/// 410 `INVITE_LINK_USED_UP`.
fn used_up() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "INVITE_LINK_USED_UP",
        "this invite link has let in as many people as it may",
    )
}

impl Link {
    /// Whether it still lets people in: 410 `INVITE_LINK_REVOKED` / `INVITE_LINK_EXPIRED`
    /// / `INVITE_LINK_USED_UP` if not (whoever holds a real link may know why it stopped
    /// working).
    fn usable(&self) -> ApiResult<()> {
        let gone = |code: &'static str, message: &'static str| {
            Err(ApiError::new(StatusCode::GONE, code, message))
        };
        if self.revoked {
            return gone("INVITE_LINK_REVOKED", "this invite link was revoked");
        }
        if self.expires_at <= now() {
            return gone("INVITE_LINK_EXPIRED", "this invite link has expired");
        }
        if self.uses >= self.max_uses {
            return Err(used_up());
        }
        Ok(())
    }
}

/// Where a link leads.
pub async fn preview(tx: &mut Tx, token_hash: &[u8]) -> ApiResult<LinkPreview> {
    let link = find_link(tx, token_hash).await?;
    link.usable()?;
    Ok(LinkPreview {
        workspace_name: workspace_name(tx, link.workspace).await?,
        created_by: display_name(tx, link.created_by).await?,
        expires_at: link.expires_at,
    })
}

/// Lets `user` in through a link, counting one use. Someone already in the workspace
/// uses none and gets in whatever became of the link (following it again just leads
/// home).
pub async fn redeem(tx: &mut Tx, user: i64, token_hash: &[u8]) -> ApiResult<Workspace> {
    let link = find_link(tx, token_hash).await?;
    if access::workspace_role(tx, link.workspace, user)
        .await
        .is_err()
    {
        link.usable()?;
        // Counted under the use limit in one statement: two people racing for the last
        // use cannot both get in.
        let n = tx
            .execute(
                "UPDATE invite_links SET uses = uses + 1 WHERE id = $1 AND uses < max_uses \
                 AND revoked_at IS NULL AND expires_at > $2",
                args![link.id, now()],
            )
            .await?;
        if n == 0 {
            return Err(used_up());
        }
    }
    join(tx, link.workspace, user).await
}

/// How long a link that stopped working is kept, so that whoever follows it hears why
/// rather than "not found".
const STOPPED_LINKS_KEPT_SECS: i64 = 30 * 24 * 3600;

/// Withdraws every invitation `user` sent in `workspace` and revokes every link they
/// made there (they were removed, or may no longer invite).
pub async fn withdraw_all_by(tx: &mut Tx, workspace: i64, user: i64) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM invitations WHERE workspace_id = $1 AND invited_by = $2",
        args![workspace, user],
    )
    .await?;
    tx.execute(
        "UPDATE invite_links SET revoked_at = $3 WHERE workspace_id = $1 AND created_by = $2 \
         AND revoked_at IS NULL",
        args![workspace, user, now()],
    )
    .await?;
    Ok(())
}

/// Deletes expired invitations and links that no longer let anyone in (housekeeping).
pub async fn purge_expired(tx: &mut Tx) -> ApiResult<u64> {
    let t = now();
    let a = tx
        .execute("DELETE FROM invitations WHERE expires_at <= $1", args![t])
        .await?;
    let b = tx
        .execute(
            "DELETE FROM invite_links WHERE expires_at <= $1 OR revoked_at <= $1",
            args![t - STOPPED_LINKS_KEPT_SECS],
        )
        .await?;
    Ok(a + b)
}
