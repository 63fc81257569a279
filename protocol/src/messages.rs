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
    /// deleted from its thread, pinning): of two copies, the one with the higher revision
    /// is newer.
    pub revision: i64,
    /// The people it names with `@username` who can read its channel, by id (see
    /// [`mention_names`]).
    #[serde(default)]
    pub mentions: Vec<i64>,
    /// `@here` or `@channel`, when it calls on everyone in the channel.
    #[serde(default)]
    pub broadcast: Option<Broadcast>,
    /// Pinned to its channel: by whom and when.
    #[serde(default)]
    pub pinned: Option<Pin>,
    /// Its files, in order.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A file a message shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// The file as it is now; `None` once it is in Drive's trash or deleted.
    pub item: Option<crate::drive::Item>,
}

/// Files one message may show.
pub const MAX_ATTACHMENTS: usize = 10;

impl Message {
    /// Whether it calls on `user`: by name, or by `@here`/`@channel` (one's own
    /// messages never do).
    pub fn mentions_user(&self, user: i64) -> bool {
        self.author.id != user && (self.broadcast.is_some() || self.mentions.contains(&user))
    }
}

/// Everyone in a channel, called on at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Broadcast {
    /// `@here`: whoever has the channel open now (a live notification; it does not
    /// count in the mention badge).
    Here,
    /// `@channel`: every member (a live notification, and it counts in everyone's
    /// mention badge).
    Channel,
}

impl Broadcast {
    /// Its name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Broadcast::Here => "here",
            Broadcast::Channel => "channel",
        }
    }

    /// The broadcast named `s`.
    pub fn parse(s: &str) -> Option<Broadcast> {
        match s {
            "here" => Some(Broadcast::Here),
            "channel" => Some(Broadcast::Channel),
            _ => None,
        }
    }
}

/// Who pinned a message, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pin {
    /// Who pinned it.
    pub by: i64,
    /// Unix seconds.
    pub at: i64,
}

/// Whether `c` can be part of a username (`a-z A-Z 0-9 . _ -`).
pub fn username_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// The names a message calls on with `@`, lowercased, each once, in order: `@name` after
/// a character that is not part of a username (or at the start), outside code (fenced
/// blocks and `` `spans` ``) and addresses (`http(s)://…` up to the next space, a Markdown
/// link's `](…)`), a trailing `.` left out (the end of a sentence). `here`
/// and `channel` are [`Broadcast`]s; the others are usernames. The server and the SPA
/// both read mentions with this.
pub fn mention_names(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut fenced = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        let mut before: Option<char> = None;
        while let Some(c) = rest.chars().next() {
            let after = &rest[c.len_utf8()..];
            if c == '`' {
                if let Some(end) = after.find('`') {
                    rest = &after[end + 1..];
                    before = Some('`');
                    continue;
                }
            }
            // An address (`https://host/@name`) or a link's target is not a mention.
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            let address = (lower.starts_with("http://") || lower.starts_with("https://"))
                && !before.is_some_and(char::is_alphanumeric);
            if address || rest.starts_with("](") {
                let end = rest.find(|x: char| x.is_whitespace() || (!address && x == ')'));
                let end = end.unwrap_or(rest.len());
                before = rest[..end].chars().next_back();
                rest = &rest[end..];
                continue;
            }
            if c == '@' && !before.is_some_and(username_char) {
                if let Some(name) = mention_at(after) {
                    let name = name.to_lowercase();
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
            before = Some(c);
            rest = after;
        }
    }
    out
}

/// The name of a mention whose `@` was just before `s` (1 to 32 username characters, a
/// trailing `.` left out), if any.
pub fn mention_at(s: &str) -> Option<&str> {
    let len = s.find(|c: char| !username_char(c)).unwrap_or(s.len());
    let name = s[..len].trim_end_matches('.');
    (!name.is_empty() && name.len() <= 32).then_some(name)
}

/// Whether `@username` would mention this person: the whole name is read as a mention
/// (no trailing `.`) and it is not `here` or `channel` in any case, which mention everyone.
pub fn mentionable(username: &str) -> bool {
    mention_at(username) == Some(username) && Broadcast::parse(&username.to_lowercase()).is_none()
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
    /// Text (safe Markdown), up to 16,000 bytes; it may be empty (or only spaces) only
    /// when the message has attachments.
    pub body: String,
    /// Reply in this message's thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_root_id: Option<i64>,
    /// Files to show with it (at most [`MAX_ATTACHMENTS`]), by Drive item id: files
    /// uploaded to this channel by the author and not yet attached (see
    /// [`crate::drive::Item::channel_id`]), or files of the workspace's Drive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<i64>,
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
    /// A message was pinned or unpinned (server only).
    #[serde(rename = "message.pinned")]
    Pinned {
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
            | MessagesEvent::Reactions { message }
            | MessagesEvent::Pinned { message } => Some(message),
            MessagesEvent::ChannelUpdated { .. } | MessagesEvent::Typing => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_read_outside_code() {
        assert_eq!(
            mention_names("hi @Bob and @alice.smith, @bob again @here.\nmail a@b.c `@code` @x"),
            ["bob", "alice.smith", "here", "x"]
        );
        assert_eq!(mention_names("```\n@inside\n```\n@after"), ["after"]);
        assert!(mention_names("@ alone, @. and @!").is_empty());
        assert_eq!(mention_names("(@ann) `open @bea"), ["ann", "bea"]);
        // Addresses and link targets are not mentions; their text is.
        assert_eq!(
            mention_names(
                "see https://social.example/@alice and [@bob](https://x.example/@carol) @dan"
            ),
            ["bob", "dan"]
        );
        assert_eq!(mention_names("HTTPS://x.example/@eve, then @fay"), ["fay"]);
        let long = format!("@{}", "a".repeat(33));
        assert!(mention_names(&long).is_empty());
    }

    #[test]
    fn only_names_a_mention_reaches_are_mentionable() {
        for ok in ["bob", "alice.smith", "a-b_c", "here2", "channels"] {
            assert!(mentionable(ok), "{ok}");
        }
        for no in ["alice.", "a b", "here", "HERE", "Channel"] {
            assert!(!mentionable(no), "{no}");
        }
    }
}
