//! Messages: pages, threads, edits, deletions, reactions, and the events of a channel's
//! realtime room.

use serde::{Deserialize, Serialize};

use crate::realtime::{Origin, RoomEvent};

/// A message's author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    /// Id.
    pub id: i64,
    /// Unique handle.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
}

/// The reactions of one kind on a message. The same for every viewer (it is also pushed
/// to the whole room): a client finds its own reaction by looking for its id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// How many reacted so.
    pub count: i64,
    /// Who did, in the order they did.
    pub user_ids: Vec<i64>,
}

impl Reaction {
    /// Whether `user` reacted so.
    pub fn by(&self, user: Option<i64>) -> bool {
        user.is_some_and(|u| self.user_ids.contains(&u))
    }
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// Id (increasing).
    pub id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// Its author.
    pub author: Author,
    /// The thread it replies in, for replies.
    pub thread_root_id: Option<i64>,
    /// Text (safe Markdown); `None` once deleted.
    pub body: Option<String>,
    /// Deleted (shown as such).
    pub deleted: bool,
    /// Part of the message is damaged in the server's database and left out: its text
    /// (`body` is then `None`) or a reaction. The server logged it; the rest is intact.
    #[serde(default)]
    pub unreadable: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last edit.
    pub edited_at: Option<i64>,
    /// Replies in its thread (not deleted).
    pub reply_count: i64,
    /// Reactions, by emoji, in the order the first of each came.
    pub reactions: Vec<Reaction>,
    /// Increases with every change (edit, deletion, a reaction, a reply added to or
    /// deleted from its thread): of two copies, the one with the higher revision is newer.
    pub revision: i64,
}

/// A page of messages, oldest first; `next_before` fetches the older page and
/// `next_after` the newer one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page {
    /// The messages.
    pub messages: Vec<Message>,
    /// Cursor for the older page (`?before=`), if older messages exist.
    pub next_before: Option<i64>,
    /// Cursor for the newer page (`?after=`), if newer messages exist. Always `None` for
    /// the newest page (no cursor given); search results leave it out.
    #[serde(default)]
    pub next_after: Option<i64>,
}

/// `?before=&limit=`, `?after=&limit=` or `?around=&limit=` of a page request: at most
/// one of the three cursors. None: the newest page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// Only messages with a smaller id: the page just older than this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// Only messages with a greater id: the page just newer than this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<i64>,
    /// The page around this id: the message itself (or where it would be), up to half a
    /// page of older messages, the rest newer. Opens a list at a given message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub around: Option<i64>,
    /// Page size, 1 to 100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100, default = 50))]
    pub limit: Option<i64>,
}

/// `POST /channels/{id}/messages`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMessage {
    /// Text (safe Markdown), 1 to 16,000 bytes, not only spaces.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub body: String,
    /// Reply in this message's thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_root_id: Option<i64>,
}

/// `PATCH /messages/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditMessage {
    /// The new text (as in a new message).
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub body: String,
}

/// Events of a channel's room (`channel:<id>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum MessagesEvent {
    /// A new message or reply (server only).
    #[serde(rename = "message.created")]
    Created {
        /// The message.
        message: Message,
    },
    /// An edit (server only).
    #[serde(rename = "message.updated")]
    Updated {
        /// The message as it is now.
        message: Message,
    },
    /// A deletion (server only).
    #[serde(rename = "message.deleted")]
    Deleted {
        /// The message as it is now (no body).
        message: Message,
    },
    /// A reaction added or taken back (server only).
    #[serde(rename = "message.reactions")]
    Reactions {
        /// The message as it is now.
        message: Message,
    },
    /// The channel was renamed, got a topic, or was archived or unarchived (server only).
    #[serde(rename = "channel.updated")]
    ChannelUpdated {
        /// The channel as it is now.
        channel: crate::channels::ChannelState,
    },
    /// A member is typing (members only: the relay stamps who).
    #[serde(rename = "typing")]
    Typing,
}

impl RoomEvent for MessagesEvent {
    fn origin(&self) -> Origin {
        match self {
            MessagesEvent::Typing => Origin::Member,
            _ => Origin::Server,
        }
    }
}

impl MessagesEvent {
    /// The message it carries, if any.
    pub fn message(&self) -> Option<&Message> {
        match self {
            MessagesEvent::Created { message }
            | MessagesEvent::Updated { message }
            | MessagesEvent::Deleted { message }
            | MessagesEvent::Reactions { message } => Some(message),
            MessagesEvent::ChannelUpdated { .. } | MessagesEvent::Typing => None,
        }
    }
}
