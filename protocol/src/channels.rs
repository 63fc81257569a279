//! Channels: public (every workspace member), private (a member list) and direct
//! messages between two members.

use serde::{Deserialize, Serialize};

/// Who can read a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChannelKind {
    /// Every workspace member.
    Public,
    /// Its members.
    Private,
    /// The two people of a direct message.
    Direct,
}

impl ChannelKind {
    /// The kind's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Public => "public",
            ChannelKind::Private => "private",
            ChannelKind::Direct => "direct",
        }
    }

    /// The kind named `s` on the wire or in the database.
    pub fn parse(s: &str) -> Option<ChannelKind> {
        match s {
            "public" => Some(ChannelKind::Public),
            "private" => Some(ChannelKind::Private),
            "direct" => Some(ChannelKind::Direct),
            _ => None,
        }
    }
}

/// A channel as a member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    /// Id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// Who can read it.
    pub kind: ChannelKind,
    /// Its name; for a direct message, the other person's display name.
    pub name: String,
    /// Root messages by others after the caller's read position.
    pub unread: i64,
}

/// The kinds of channel `POST /workspaces/{id}/channels` makes (what its `kind` accepts;
/// for the OpenAPI document).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum NewChannelKind {
    /// Every workspace member reads it.
    Public,
    /// Its members read it.
    Private,
}

/// `POST /workspaces/{id}/channels`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewChannel {
    /// 1 to 80 characters, unique in the workspace (case-insensitively).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub name: String,
    /// `public` (the default) or `private` (a direct message is made by
    /// `POST /workspaces/{id}/direct`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NewChannelKind>))]
    pub kind: Option<ChannelKind>,
    /// Other workspace members to add to a private channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<i64>,
}

/// `POST /workspaces/{id}/direct`: the direct message with another member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDirect {
    /// The other member.
    pub user_id: i64,
}

/// `POST /channels/{id}/members`: adds a workspace member to a private channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddMember {
    /// The member to add.
    pub user_id: i64,
}

/// `PUT /channels/{id}/read`: moves the caller's read position forward.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadPosition {
    /// The newest message read.
    pub last_read_id: i64,
}
