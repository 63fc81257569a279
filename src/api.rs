//! The one HTTP client of the app: every call to `/api/v1` goes through here, and every
//! failure comes back as an [`ApiError`] with the server's stable code and a readable
//! message. Components never build URLs or parse responses themselves.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

const BASE: &str = "/api/v1";

/// A failed API call.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// HTTP status (0: the request did not reach the server).
    pub status: u16,
    /// Stable code, e.g. `INVALID_CREDENTIALS`, or `NETWORK`.
    pub code: String,
    /// Readable message.
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Result of an API call.
pub type ApiResult<T> = Result<T, ApiError>;

fn network(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        status: 0,
        code: "NETWORK".into(),
        message: format!("cannot reach the server ({e})"),
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorInner,
}

#[derive(Deserialize)]
struct ErrorInner {
    code: String,
    message: String,
}

async fn check(res: Response) -> ApiResult<Response> {
    if res.ok() {
        return Ok(res);
    }
    let status = res.status();
    Err(match res.json::<ErrorBody>().await {
        Ok(b) => ApiError {
            status,
            code: b.error.code,
            message: b.error.message,
        },
        Err(_) => ApiError {
            status,
            code: "HTTP".into(),
            message: format!("the server answered {status}"),
        },
    })
}

fn with_csrf(r: RequestBuilder) -> RequestBuilder {
    r.header("X-Requested-With", "huddle")
}

async fn send_json<T: DeserializeOwned>(
    r: RequestBuilder,
    body: Option<serde_json::Value>,
) -> ApiResult<T> {
    let r = with_csrf(r);
    let res = match body {
        Some(b) => r.json(&b).map_err(network)?.send().await,
        None => r.send().await,
    }
    .map_err(network)?;
    check(res).await?.json::<T>().await.map_err(network)
}

async fn send_empty(r: RequestBuilder, body: Option<serde_json::Value>) -> ApiResult<()> {
    let r = with_csrf(r);
    let res = match body {
        Some(b) => r.json(&b).map_err(network)?.send().await,
        None => r.send().await,
    }
    .map_err(network)?;
    check(res).await.map(|_| ())
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

/// A signed-in person.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Unique handle.
    pub username: String,
    /// Email.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
}

/// A workspace of the signed-in user.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Workspace {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `owner` or `member`.
    pub role: String,
}

/// A member of a workspace.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Member {
    /// Their user id.
    pub user_id: i64,
    /// Unique handle.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// `owner` or `member`.
    pub role: String,
}

/// A channel the user can see.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Channel {
    /// Id.
    pub id: i64,
    /// Workspace.
    pub workspace_id: i64,
    /// `public`, `private` or `direct`.
    pub kind: String,
    /// Name (the other person's, for direct messages).
    pub name: String,
    /// Unread messages by others.
    pub unread: i64,
}

/// A message's author.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Author {
    /// Id.
    pub id: i64,
    /// Handle.
    pub username: String,
    /// Name.
    pub display_name: String,
}

/// Reactions of one kind on a message: the same for every viewer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// How many reacted so.
    pub count: i64,
    /// Who did, in order.
    pub user_ids: Vec<i64>,
}

impl Reaction {
    /// Whether `user` reacted so.
    pub fn by(&self, user: Option<i64>) -> bool {
        user.is_some_and(|u| self.user_ids.contains(&u))
    }
}

/// A message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Id (increasing).
    pub id: i64,
    /// Channel.
    pub channel_id: i64,
    /// Author.
    pub author: Author,
    /// Thread root, for replies.
    pub thread_root_id: Option<i64>,
    /// Text; `None` once deleted.
    pub body: Option<String>,
    /// Deleted (shown as such).
    pub deleted: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last edit.
    pub edited_at: Option<i64>,
    /// Replies in its thread.
    pub reply_count: i64,
    /// Reaction summaries.
    pub reactions: Vec<Reaction>,
    /// Increases with every change to the message (edit, deletion, a reaction, a reply
    /// added to or deleted from its thread): of two copies, the higher one is newer.
    #[serde(default)]
    pub revision: i64,
}

/// A page of messages, oldest first.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Page {
    /// The messages.
    pub messages: Vec<Message>,
    /// Cursor for the older page, if any.
    pub next_before: Option<i64>,
}

/// The answer to a realtime join.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Joined {
    /// Relay endpoint (and v1 envelope room).
    pub room: String,
    /// Room key.
    pub key: String,
    /// Its version.
    pub key_version: String,
}

/// Who is signed in: `None` when signed out (an answer, not an error).
pub async fn session() -> ApiResult<Option<User>> {
    #[derive(Deserialize)]
    struct SessionInfo {
        user: Option<User>,
    }
    let s: SessionInfo = send_json(Request::get(&url("/auth/session")), None).await?;
    Ok(s.user)
}

/// Creates an account and signs in.
pub async fn signup(
    username: &str,
    email: &str,
    password: &str,
    display_name: &str,
) -> ApiResult<User> {
    let mut body = json!({"username": username, "email": email, "password": password});
    if !display_name.trim().is_empty() {
        body["display_name"] = json!(display_name);
    }
    send_json(Request::post(&url("/auth/signup")), Some(body)).await
}

/// Signs in with a username or email.
pub async fn signin(login: &str, password: &str) -> ApiResult<User> {
    send_json(
        Request::post(&url("/auth/signin")),
        Some(json!({"login": login, "password": password})),
    )
    .await
}

/// Signs out.
pub async fn signout() -> ApiResult<()> {
    send_empty(Request::post(&url("/auth/signout")), Some(json!({}))).await
}

/// The user's workspaces.
pub async fn workspaces() -> ApiResult<Vec<Workspace>> {
    send_json(Request::get(&url("/workspaces")), None).await
}

/// Creates a workspace.
pub async fn create_workspace(name: &str) -> ApiResult<Workspace> {
    send_json(
        Request::post(&url("/workspaces")),
        Some(json!({"name": name})),
    )
    .await
}

/// Invites an existing account by username or email.
pub async fn invite(workspace: i64, user: &str) -> ApiResult<()> {
    let r = Request::post(&url(&format!("/workspaces/{workspace}/members")));
    send_empty(r, Some(json!({"user": user}))).await
}

/// The members of a workspace.
pub async fn members(workspace: i64) -> ApiResult<Vec<Member>> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/members"))),
        None,
    )
    .await
}

/// Removes a member (owners), or leaves the workspace (`user_id` = oneself).
pub async fn remove_member(workspace: i64, user_id: i64) -> ApiResult<()> {
    let r = Request::delete(&url(&format!("/workspaces/{workspace}/members/{user_id}")));
    send_empty(r, None).await
}

/// The direct-message channel with another member (created on first use).
pub async fn direct(workspace: i64, user_id: i64) -> ApiResult<Channel> {
    let r = Request::post(&url(&format!("/workspaces/{workspace}/direct")));
    send_json(r, Some(json!({ "user_id": user_id }))).await
}

/// A short-lived ticket that opens a relay connection (its first frame).
pub async fn realtime_ticket() -> ApiResult<String> {
    #[derive(Deserialize)]
    struct Ticket {
        ticket: String,
    }
    let r = Request::post(&url("/realtime/ticket"));
    let t: Ticket = send_json(r, Some(json!({}))).await?;
    Ok(t.ticket)
}

/// The channels of a workspace.
pub async fn channels(workspace: i64) -> ApiResult<Vec<Channel>> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/channels"))),
        None,
    )
    .await
}

/// Creates a channel.
pub async fn create_channel(workspace: i64, name: &str, private: bool) -> ApiResult<Channel> {
    let r = Request::post(&url(&format!("/workspaces/{workspace}/channels")));
    let kind = if private { "private" } else { "public" };
    send_json(r, Some(json!({"name": name, "kind": kind}))).await
}

/// A page of a channel's messages (`before`: older than this id).
pub async fn messages(channel: i64, before: Option<i64>) -> ApiResult<Page> {
    let q = before.map(|b| format!("&before={b}")).unwrap_or_default();
    send_json(
        Request::get(&url(&format!("/channels/{channel}/messages?limit=50{q}"))),
        None,
    )
    .await
}

/// Posts a message.
pub async fn post_message(channel: i64, body: &str) -> ApiResult<Message> {
    let r = Request::post(&url(&format!("/channels/{channel}/messages")));
    send_json(r, Some(json!({"body": body}))).await
}

/// Posts a reply in a message's thread.
pub async fn post_reply(channel: i64, root: i64, body: &str) -> ApiResult<Message> {
    let r = Request::post(&url(&format!("/channels/{channel}/messages")));
    send_json(r, Some(json!({"body": body, "thread_root_id": root}))).await
}

/// A page of a thread's replies (the newest 100, or those before `before`; oldest first).
pub async fn replies(root: i64, before: Option<i64>) -> ApiResult<Page> {
    let q = before.map(|b| format!("&before={b}")).unwrap_or_default();
    send_json(
        Request::get(&url(&format!("/messages/{root}/replies?limit=100{q}"))),
        None,
    )
    .await
}

/// One message.
pub async fn message(id: i64) -> ApiResult<Message> {
    send_json(Request::get(&url(&format!("/messages/{id}"))), None).await
}

/// Edits one's message.
pub async fn edit_message(id: i64, body: &str) -> ApiResult<Message> {
    send_json(
        Request::patch(&url(&format!("/messages/{id}"))),
        Some(json!({"body": body})),
    )
    .await
}

/// Deletes one's message.
pub async fn delete_message(id: i64) -> ApiResult<Message> {
    send_json(Request::delete(&url(&format!("/messages/{id}"))), None).await
}

/// Toggles a reaction.
pub async fn react(id: i64, emoji: &str, on: bool) -> ApiResult<Message> {
    let path = url(&format!("/messages/{id}/reactions/{}", encode(emoji)));
    let r = if on {
        Request::put(&path)
    } else {
        Request::delete(&path)
    };
    send_json(r, None).await
}

/// Marks a channel read up to `id`.
pub async fn mark_read(channel: i64, id: i64) -> ApiResult<()> {
    let r = Request::put(&url(&format!("/channels/{channel}/read")));
    send_empty(r, Some(json!({"last_read_id": id}))).await
}

/// Joins a collection's realtime room (`channel:<id>` or `workspace:<id>`).
pub async fn join(collection: &str) -> ApiResult<Joined> {
    let body = json!({ "collection": collection });
    send_json(Request::post(&url("/realtime/join")), Some(body)).await
}

fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
