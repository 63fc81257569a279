//! Invitations a person accepts or declines, and invite links: `/workspaces/{id}/invitations`,
//! `/workspaces/{id}/invite-links`, `/invitations` and `/invite-links/*`.

use serde::{Deserialize, Serialize};

/// How long an invitation waits for an answer, in seconds (14 days).
pub const INVITATION_TTL_SECS: i64 = 14 * 24 * 3600;
/// The longest an invite link may stay valid, in hours (30 days).
pub const MAX_LINK_HOURS: u32 = 30 * 24;
/// The most people one invite link may let in.
pub const MAX_LINK_USES: u32 = 1000;

/// `POST /workspaces/{id}/invitations`: invites someone by username or e-mail address.
/// The answer is the same whether or not such an account exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInvitation {
    /// A username or an e-mail address, 1 to 254 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub user: String,
}

/// An invitation as its workspace's admins see it: what was typed, not who it reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentInvitation {
    /// Id.
    pub id: i64,
    /// The username or e-mail address it was sent to, as typed.
    pub user: String,
    /// Display name of who sent it.
    pub invited_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; afterwards it can no longer be accepted.
    pub expires_at: i64,
}

/// An invitation as the person invited sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// Id.
    pub id: i64,
    /// The workspace's id.
    pub workspace_id: i64,
    /// The workspace's name.
    pub workspace_name: String,
    /// Display name of who sent it.
    pub invited_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// `POST /workspaces/{id}/invite-links`: a new invite link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInviteLink {
    /// Hours until it expires, 1 to 720.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 720))]
    pub expires_in_hours: u32,
    /// How many people it lets in, 1 to 1000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub max_uses: u32,
}

/// An invite link as its workspace's admins see it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteLink {
    /// Id.
    pub id: i64,
    /// The secret part of the link, only in the answer that creates it (it is kept
    /// hashed); the link is `/join#<token>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Display name of who made it.
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// How many people it lets in.
    pub max_uses: u32,
    /// How many it has let in.
    pub uses: u32,
}

/// `POST /invite-links/preview` and `POST /invite-links/accept`: the token of a link, in
/// the body (never in a URL, so that it stays out of logs).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkToken {
    /// The part of the link after `#`.
    pub token: String,
}

/// What an invite link leads to, for whoever holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkPreview {
    /// The workspace's name.
    pub workspace_name: String,
    /// Display name of who made the link.
    pub created_by: String,
    /// Unix seconds.
    pub expires_at: i64,
}

redacted_debug!(InviteLink, LinkToken);
