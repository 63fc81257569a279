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
    /// What it is about ('' when nobody set one).
    pub topic: String,
    /// Archived: read-only until someone unarchives it.
    pub archived: bool,
    /// Who created it (who may rename or archive it, besides admins and owners).
    pub created_by: i64,
    /// Grows with every change of its name, topic or archived state.
    pub revision: i64,
    /// Root messages by others after the caller's read position.
    pub unread: i64,
    /// The caller's read position: the last message they read (0 for none).
    #[serde(default)]
    pub last_read_id: i64,
    /// Of the unread ones, those that call on the caller: by name, or `@channel`.
    #[serde(default)]
    pub mentions: i64,
    /// What the caller is notified of: their setting for it, else `all` for a direct
    /// message and their default (`Preferences::notify_default`) for a channel.
    #[serde(default = "NotifyLevel::fallback")]
    pub notify: NotifyLevel,
}

/// What a person is notified of in a channel (and what its unread count in the title
/// counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NotifyLevel {
    /// Every message by someone else.
    All,
    /// Messages that call on them (by name, `@here` or `@channel`).
    #[default]
    Mentions,
    /// Nothing: the channel is muted.
    Nothing,
}

impl NotifyLevel {
    /// The level of a channel without a setting (serde's default for older servers).
    pub fn fallback() -> NotifyLevel {
        NotifyLevel::Mentions
    }

    /// Its name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyLevel::All => "all",
            NotifyLevel::Mentions => "mentions",
            NotifyLevel::Nothing => "nothing",
        }
    }

    /// The level named `s`.
    pub fn parse(s: &str) -> Option<NotifyLevel> {
        match s {
            "all" => Some(NotifyLevel::All),
            "mentions" => Some(NotifyLevel::Mentions),
            "nothing" => Some(NotifyLevel::Nothing),
            _ => None,
        }
    }
}

/// `PUT /channels/{id}/notifications`: the caller's level for a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotifySetting {
    /// The level.
    pub level: NotifyLevel,
}

/// `PATCH /channels/{id}`: changes what is given. Renaming and archiving: the channel's
/// creator, admins and owners; the topic: anyone who reads the channel. An archived
/// channel takes only `"archived": false`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelChange {
    /// A new name, 1 to 80 characters, unique in the workspace (not for direct messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub name: Option<String>,
    /// A new topic, at most 250 characters ('' clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub topic: Option<String>,
    /// Archive (`true`) or unarchive (`false`); not for direct messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// A channel's name, topic and archived state after a change (the same for every
/// member; carried by `MessagesEvent::ChannelUpdated`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelState {
    /// The channel.
    pub channel_id: i64,
    /// Its name.
    pub name: String,
    /// Its topic.
    pub topic: String,
    /// Archived or not.
    pub archived: bool,
    /// Its revision: a client keeps the highest.
    pub revision: i64,
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
