//! The one HTTP client of the app: every call to `/api/v1` goes through here, and every
//! failure comes back as an [`ApiError`] with the server's stable code and a readable
//! message. Components never build URLs or parse responses themselves.

use gloo_net::http::{Request, RequestBuilder, Response};
use huddle_protocol::auth::{
    PasswordChange, PasswordConfirm, SecondFactor, SessionInfo, Signin, Signup, SignupVerify,
    TotpCode,
};
use huddle_protocol::channels::{AddMember, NewChannel, NewDirect, NotifySetting, ReadPosition};
use huddle_protocol::error::ErrorBody;
use huddle_protocol::invitations::{LinkToken, NewInvitation, NewInviteLink};
use huddle_protocol::messages::{EditMessage, NewMessage};
use huddle_protocol::passkeys::{
    NewPasskey, PasskeyAssertion, PasskeyRename, SecondFactorPasskey, SecondFactorPasskeyStart,
};
use huddle_protocol::realtime::{Join, Ticket};
use huddle_protocol::workspaces::{NewWorkspace, RoleChange, WorkspaceChange};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::i18n::*;
use crate::language::current;

pub mod drive;

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
    let message = match current() {
        Locale::en => format!("cannot reach the server ({e})"),
        l => td_string!(l, common.error_network, cause = e.to_string()),
    };
    ApiError {
        status: 0,
        code: "NETWORK".into(),
        message,
    }
}

/// The readable message of an error the server answered, in the language in use: the
/// server's own in English (it may name a field or a limit); in French, the translation
/// of the code, or for a code without one (e.g. `INVALID_INPUT`, whose messages name the
/// field and limit that refused the input) the server's words after a French preamble.
fn localize(code: &str, server: String, retry_after: Option<u32>) -> String {
    let l = current();
    if l == Locale::en {
        return server;
    }
    let known = match code {
        "ARCHIVED" => td_string!(l, common.error_archived),
        "CEREMONY_EXPIRED" => td_string!(l, common.error_ceremony_expired),
        "CHANNEL_EXISTS" => td_string!(l, common.error_channel_exists),
        "CSRF" => td_string!(l, common.error_csrf),
        "DELETED" => td_string!(l, common.error_deleted),
        "DIRECT_MESSAGE" => td_string!(l, common.error_direct_message),
        "EMAIL_TAKEN" => td_string!(l, common.error_email_taken),
        "FORBIDDEN" => td_string!(l, common.error_forbidden),
        "INTERNAL" => td_string!(l, common.error_internal),
        "INVALID_CREDENTIALS" => td_string!(l, common.error_invalid_credentials),
        "INVITE_LINK_EXPIRED" => td_string!(l, common.error_invite_link_expired),
        "INVITE_LINK_REVOKED" => td_string!(l, common.error_invite_link_revoked),
        "INVITE_LINK_USED_UP" => td_string!(l, common.error_invite_link_used_up),
        "LAST_OWNER" => td_string!(l, common.error_last_owner),
        "NOT_AUTHOR" => td_string!(l, common.error_not_author),
        "NOT_A_MEMBER" => td_string!(l, common.error_not_a_member),
        "NOT_FOUND" => td_string!(l, common.error_not_found),
        "NOT_PRIVATE" => td_string!(l, common.error_not_private),
        "NAME_TAKEN" => td_string!(l, common.error_name_taken),
        "IN_TRASH" => td_string!(l, common.error_in_trash),
        "PARENT_GONE" => td_string!(l, common.error_parent_gone),
        "QUOTA_EXCEEDED" => td_string!(l, common.error_quota_exceeded),
        "DOWNLOAD_EXPIRED" => td_string!(l, common.error_download_expired),
        "WRONG_SHARE_PASSWORD" => td_string!(l, common.error_wrong_share_password),
        "SHARE_LOCKED" => td_string!(l, common.error_share_locked),
        "SHARE_EXHAUSTED" => td_string!(l, common.error_share_exhausted),
        "SHARE_NOT_FOUND" => td_string!(l, common.error_share_not_found),
        "SHARE_EXPIRED" => td_string!(l, common.error_share_expired),
        "UPLOAD_ONLY" => td_string!(l, common.error_upload_only),
        "VIEW_ONLY" => td_string!(l, common.error_view_only),
        "NO_PASSKEY" => td_string!(l, common.error_no_passkey),
        "PASSKEYS_UNAVAILABLE" => td_string!(l, common.error_passkeys_unavailable),
        "PASSKEY_EXISTS" => td_string!(l, common.error_passkey_exists),
        "PASSKEY_REJECTED" => td_string!(l, common.error_passkey_rejected),
        "RATE_LIMITED" => {
            // Seconds up to a minute and a half, then minutes, as the server words it.
            let secs = retry_after.unwrap_or(60).max(1);
            let wait = if secs <= 90 {
                format!("{secs}\u{202f}s")
            } else {
                format!("{}\u{a0}min", secs.div_ceil(60))
            };
            return td_string!(l, common.error_rate_limited, wait = wait);
        }
        "SIGNIN_EXPIRED" => td_string!(l, common.error_signin_expired),
        "SIGNUP_LINK_INVALID" => td_string!(l, common.error_signup_link_invalid),
        "TOO_LARGE" => td_string!(l, common.error_too_large),
        "TOO_MANY_INVITATIONS" => td_string!(l, common.error_too_many_invitations),
        "TOO_MANY_INVITE_LINKS" => td_string!(l, common.error_too_many_invite_links),
        "TOO_MANY_PASSKEYS" => td_string!(l, common.error_too_many_passkeys),
        "TOO_MANY_REACTIONS" => td_string!(l, common.error_too_many_reactions),
        "TOTP_ENABLED" => td_string!(l, common.error_totp_enabled),
        "TOTP_NOT_ENABLED" => td_string!(l, common.error_totp_not_enabled),
        "TOTP_NOT_STARTED" => td_string!(l, common.error_totp_not_started),
        "UNAUTHENTICATED" => td_string!(l, common.error_unauthenticated),
        "UNREADABLE" => td_string!(l, common.error_unreadable),
        "USERNAME_TAKEN" => td_string!(l, common.error_username_taken),
        "WRONG_CODE" => td_string!(l, common.error_wrong_code),
        "WRONG_PASSWORD" => td_string!(l, common.error_wrong_password),
        "IDEMPOTENCY_KEY_IN_USE" => td_string!(l, common.error_idempotency_key_in_use),
        "IDEMPOTENCY_KEY_REUSED" => td_string!(l, common.error_idempotency_key_reused),
        "UNSUPPORTED_MEDIA_TYPE" => td_string!(l, common.error_unsupported_media_type),
        _ => return td_string!(l, common.error_unlisted, message = server),
    };
    known.to_owned()
}

/// The body of a POST that needs none: `{}`.
#[derive(Serialize)]
struct Empty {}

/// No body at all (GET, DELETE, PUT of a reaction).
const NO_BODY: Option<&Empty> = None;

async fn check(res: Response) -> ApiResult<Response> {
    if res.ok() {
        return Ok(res);
    }
    let status = res.status();
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.parse::<u32>().ok());
    Err(match res.json::<ErrorBody>().await {
        Ok(b) => ApiError {
            status,
            message: localize(&b.error.code, b.error.message, retry_after),
            code: b.error.code,
        },
        Err(_) => ApiError {
            status,
            code: "HTTP".into(),
            message: match current() {
                Locale::en => format!("the server answered {status}"),
                l => td_string!(l, common.error_http, status = status),
            },
        },
    })
}

fn with_csrf(r: RequestBuilder) -> RequestBuilder {
    r.header("X-Requested-With", "huddle")
}

async fn send_json<T: DeserializeOwned>(
    r: RequestBuilder,
    body: Option<&impl Serialize>,
) -> ApiResult<T> {
    let r = with_csrf(r);
    let res = match body {
        Some(b) => r.json(b).map_err(network)?.send().await,
        None => r.send().await,
    }
    .map_err(network)?;
    check(res).await?.json::<T>().await.map_err(network)
}

async fn send_empty(r: RequestBuilder, body: Option<&impl Serialize>) -> ApiResult<()> {
    let r = with_csrf(r);
    let res = match body {
        Some(b) => r.json(b).map_err(network)?.send().await,
        None => r.send().await,
    }
    .map_err(network)?;
    check(res).await.map(|_| ())
}

/// Adds an `Idempotency-Key` (see [`RetryKey`]).
fn with_key(r: RequestBuilder, key: &str) -> RequestBuilder {
    if key.is_empty() {
        r
    } else {
        r.header("Idempotency-Key", key)
    }
}

/// The `Idempotency-Key` of a create request: random from the browser's CSPRNG
/// (crypto-wasm `randomToken`), the same for every retry of the same request, a new one
/// once it went through or for another request. The server does a request once per key
/// and answers a repeat with the first answer, so a Retry after a lost answer never
/// creates a second message, channel or workspace.
#[derive(Clone, Debug, Default)]
pub struct RetryKey {
    /// The request being retried and its key.
    current: Option<(String, String)>,
}

impl RetryKey {
    /// The key for the request described by `request` (its target and body): the one
    /// used last time if it is the same request, else a new one.
    pub fn for_request(&mut self, request: &str) -> String {
        match &self.current {
            Some((r, key)) if r == request => key.clone(),
            _ => {
                let key = new_key();
                self.current = Some((request.to_owned(), key.clone()));
                key
            }
        }
    }

    /// The request went through: the next one gets a new key.
    pub fn done(&mut self) {
        self.current = None;
    }
}

/// A fresh random key (empty, so no header, in the impossible case that the browser has
/// no CSPRNG: crypto-wasm never falls back to a weaker source).
pub fn new_key() -> String {
    crypto_wasm::random::token(16).unwrap_or_default()
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

pub use huddle_protocol::auth::{
    Language, ProfileChange, RecoveryCodes, SecondFactorRequired, SessionSummary, SignupPending,
    Theme, TotpSetup, TotpStatus, User,
};
pub use huddle_protocol::channels::{
    Channel, ChannelChange, ChannelKind, ChannelState, NotifyLevel,
};
pub use huddle_protocol::invitations::{Invitation, InviteLink, LinkPreview, SentInvitation};
pub use huddle_protocol::messages::{Attachment, Message, Page, PageQuery};
pub use huddle_protocol::passkeys::{PasskeyCeremony, PasskeyInfo};
pub use huddle_protocol::realtime::{Collection, Joined};
pub use huddle_protocol::workspaces::{Action, Member, Role, Workspace};

/// Who is signed in: `None` when signed out (an answer, not an error).
pub async fn session() -> ApiResult<Option<User>> {
    let s: SessionInfo = send_json(Request::get(&url("/auth/session")), NO_BODY).await?;
    Ok(s.user)
}

/// What a sign-up leads to.
pub enum SignedUp {
    /// The account exists and is signed in.
    User(User),
    /// The server sends mail: a link that creates the account went to the address.
    CheckInbox(SignupPending),
}

/// Creates an account and signs in, or (on a server that sends mail) has a link mailed
/// that does.
pub async fn signup(
    username: &str,
    email: &str,
    password: &str,
    display_name: &str,
) -> ApiResult<SignedUp> {
    let body = Signup {
        username: username.to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
        display_name: Some(display_name.to_owned()).filter(|d| !d.trim().is_empty()),
    };
    let r = post_accepted(&url("/auth/signup"), &body).await?;
    Ok(r.map_or_else(SignedUp::User, SignedUp::CheckInbox))
}

/// POSTs `body` to `url`: `Err(done)` for a 2xx answer other than 202, `Ok(accepted)` for
/// a 202 (the step is not over: a mail went out, a code is due).
async fn post_accepted<B, A, D>(url: &str, body: &B) -> ApiResult<Result<A, D>>
where
    B: serde::Serialize,
    A: serde::de::DeserializeOwned,
    D: serde::de::DeserializeOwned,
{
    let res = with_csrf(Request::post(url))
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    let res = check(res).await?;
    Ok(if res.status() == 202 {
        Ok(res.json().await.map_err(network)?)
    } else {
        Err(res.json().await.map_err(network)?)
    })
}

/// Follows the link mailed at sign-up (its token), with another username when the one
/// asked for was taken meanwhile: creates the account and signs in.
pub async fn verify_signup(token: &str, username: Option<&str>) -> ApiResult<User> {
    let body = SignupVerify {
        token: token.to_owned(),
        username: username.map(str::to_owned),
    };
    send_json(Request::post(&url("/auth/signup/verify")), Some(&body)).await
}

/// What a right password leads to.
pub enum SignedIn {
    /// Signed in.
    User(User),
    /// The account has two-factor sign-in: a code is due (see [`signin_second_factor`]).
    CodeDue(SecondFactorRequired),
}

/// Signs in with a username or email.
pub async fn signin(login: &str, password: &str) -> ApiResult<SignedIn> {
    let body = Signin {
        login: login.to_owned(),
        password: password.to_owned(),
    };
    let r = post_accepted(&url("/auth/signin"), &body).await?;
    Ok(r.map_or_else(SignedIn::User, SignedIn::CodeDue))
}

/// Finishes a sign-in with a code from the authenticator app or a recovery code.
pub async fn signin_second_factor(challenge: &str, code: &str) -> ApiResult<User> {
    let body = SecondFactor {
        challenge: challenge.to_owned(),
        code: code.to_owned(),
    };
    send_json(
        Request::post(&url("/auth/signin/second-factor")),
        Some(&body),
    )
    .await
}

/// One's passkeys.
pub async fn passkeys() -> ApiResult<Vec<PasskeyInfo>> {
    send_json(Request::get(&url("/auth/passkeys")), NO_BODY).await
}

/// Starts registering a passkey (the password is due): the options for the browser.
pub async fn passkey_register_start(password: &str) -> ApiResult<PasskeyCeremony> {
    let body = PasswordConfirm {
        password: password.to_owned(),
    };
    let r = Request::post(&url("/auth/passkeys/register/start"));
    send_json(r, Some(&body)).await
}

/// Finishes registering a passkey with the browser's credential.
pub async fn passkey_register_finish(
    ceremony: &str,
    name: &str,
    credential: serde_json::Value,
) -> ApiResult<PasskeyInfo> {
    let body = NewPasskey {
        ceremony: ceremony.to_owned(),
        name: name.to_owned(),
        credential,
    };
    let r = Request::post(&url("/auth/passkeys/register/finish"));
    send_json(r, Some(&body)).await
}

/// Renames a passkey.
pub async fn rename_passkey(id: i64, name: &str) -> ApiResult<PasskeyInfo> {
    let body = PasskeyRename {
        name: name.to_owned(),
    };
    send_json(
        Request::patch(&url(&format!("/auth/passkeys/{id}"))),
        Some(&body),
    )
    .await
}

/// Removes a passkey.
pub async fn remove_passkey(id: i64) -> ApiResult<()> {
    send_empty(
        Request::delete(&url(&format!("/auth/passkeys/{id}"))),
        NO_BODY,
    )
    .await
}

/// Starts signing in with a passkey: the options for the browser.
pub async fn passkey_signin_start() -> ApiResult<PasskeyCeremony> {
    let r = Request::post(&url("/auth/passkeys/signin/start"));
    send_json(r, Some(&Empty {})).await
}

/// Signs in with the browser's passkey assertion.
pub async fn passkey_signin_finish(
    ceremony: &str,
    credential: serde_json::Value,
) -> ApiResult<User> {
    let body = PasskeyAssertion {
        ceremony: ceremony.to_owned(),
        credential,
    };
    let r = Request::post(&url("/auth/passkeys/signin/finish"));
    send_json(r, Some(&body)).await
}

/// Starts using a passkey in place of the code of a sign-in (`challenge`).
pub async fn second_factor_passkey_start(challenge: &str) -> ApiResult<PasskeyCeremony> {
    let body = SecondFactorPasskeyStart {
        challenge: challenge.to_owned(),
    };
    let r = Request::post(&url("/auth/signin/second-factor/passkey/start"));
    send_json(r, Some(&body)).await
}

/// Finishes a sign-in with a passkey in place of the code.
pub async fn second_factor_passkey_finish(
    challenge: &str,
    ceremony: &str,
    credential: serde_json::Value,
) -> ApiResult<User> {
    let body = SecondFactorPasskey {
        challenge: challenge.to_owned(),
        ceremony: ceremony.to_owned(),
        credential,
    };
    let r = Request::post(&url("/auth/signin/second-factor/passkey/finish"));
    send_json(r, Some(&body)).await
}

/// Whether two-factor sign-in is on.
pub async fn totp_status() -> ApiResult<TotpStatus> {
    send_json(Request::get(&url("/auth/totp")), NO_BODY).await
}

/// Starts setting up two-factor sign-in (the password is due): a new secret for the
/// authenticator app.
pub async fn totp_setup(password: &str) -> ApiResult<TotpSetup> {
    let body = PasswordConfirm {
        password: password.to_owned(),
    };
    send_json(Request::post(&url("/auth/totp/setup")), Some(&body)).await
}

/// Turns two-factor sign-in on with a first code; the recovery codes.
pub async fn totp_confirm(code: &str) -> ApiResult<RecoveryCodes> {
    let body = TotpCode {
        code: code.to_owned(),
    };
    send_json(Request::post(&url("/auth/totp/confirm")), Some(&body)).await
}

/// Turns two-factor sign-in off (the password is due).
pub async fn totp_disable(password: &str) -> ApiResult<()> {
    let body = PasswordConfirm {
        password: password.to_owned(),
    };
    send_empty(Request::post(&url("/auth/totp/disable")), Some(&body)).await
}

/// Replaces the recovery codes (the password is due).
pub async fn new_recovery_codes(password: &str) -> ApiResult<RecoveryCodes> {
    let body = PasswordConfirm {
        password: password.to_owned(),
    };
    send_json(
        Request::post(&url("/auth/totp/recovery-codes")),
        Some(&body),
    )
    .await
}

/// Signs out.
pub async fn signout() -> ApiResult<()> {
    send_empty(Request::post(&url("/auth/signout")), Some(&Empty {})).await
}

/// Changes one's password (every other session is signed out).
pub async fn change_password(current: &str, new: &str) -> ApiResult<()> {
    let body = PasswordChange {
        current: current.to_owned(),
        new: new.to_owned(),
    };
    send_empty(Request::post(&url("/auth/password")), Some(&body)).await
}

/// Changes one's display name and settings (what `change` gives).
pub async fn change_profile(change: &ProfileChange) -> ApiResult<User> {
    send_json(Request::patch(&url("/auth/me")), Some(change)).await
}

/// Signs out every other session of the signed-in person.
pub async fn end_other_sessions() -> ApiResult<()> {
    send_empty(
        Request::post(&url("/auth/sessions/end-others")),
        Some(&Empty {}),
    )
    .await
}

/// One's sessions, newest first.
pub async fn sessions() -> ApiResult<Vec<SessionSummary>> {
    send_json(Request::get(&url("/auth/sessions")), NO_BODY).await
}

/// Signs out one of one's sessions.
pub async fn end_session(id: &str) -> ApiResult<()> {
    send_empty(
        Request::delete(&url(&format!("/auth/sessions/{id}"))),
        NO_BODY,
    )
    .await
}

/// The user's workspaces.
pub async fn workspaces() -> ApiResult<Vec<Workspace>> {
    send_json(Request::get(&url("/workspaces")), NO_BODY).await
}

/// Creates a workspace.
pub async fn create_workspace(name: &str, key: &str) -> ApiResult<Workspace> {
    send_json(
        with_key(Request::post(&url("/workspaces")), key),
        Some(&NewWorkspace {
            name: name.to_owned(),
        }),
    )
    .await
}

/// Invites someone by username or e-mail address (admins and owners). The answer is the
/// same whether or not such an account exists: the invitation waits for them.
pub async fn invite(workspace: i64, user: &str, key: &str) -> ApiResult<SentInvitation> {
    let r = Request::post(&url(&format!("/workspaces/{workspace}/invitations")));
    send_json(
        with_key(r, key),
        Some(&NewInvitation {
            user: user.to_owned(),
        }),
    )
    .await
}

/// The invitations of a workspace that wait for an answer, newest first (admins and
/// owners).
pub async fn sent_invitations(workspace: i64) -> ApiResult<Vec<SentInvitation>> {
    let r = Request::get(&url(&format!("/workspaces/{workspace}/invitations")));
    send_json(r, NO_BODY).await
}

/// Withdraws an invitation (admins and owners).
pub async fn withdraw_invitation(workspace: i64, id: i64) -> ApiResult<()> {
    let r = Request::delete(&url(&format!("/workspaces/{workspace}/invitations/{id}")));
    send_empty(r, NO_BODY).await
}

/// Makes an invite link (admins and owners); the answer holds its token, never shown
/// again (and never kept by the server: no `Idempotency-Key` here).
pub async fn create_invite_link(
    workspace: i64,
    expires_in_hours: u32,
    max_uses: u32,
) -> ApiResult<InviteLink> {
    let r = Request::post(&url(&format!("/workspaces/{workspace}/invite-links")));
    send_json(
        r,
        Some(&NewInviteLink {
            expires_in_hours,
            max_uses,
        }),
    )
    .await
}

/// The invite links of a workspace that still let people in (admins and owners).
pub async fn invite_links(workspace: i64) -> ApiResult<Vec<InviteLink>> {
    let r = Request::get(&url(&format!("/workspaces/{workspace}/invite-links")));
    send_json(r, NO_BODY).await
}

/// Revokes an invite link (admins and owners).
pub async fn revoke_invite_link(workspace: i64, id: i64) -> ApiResult<()> {
    let r = Request::delete(&url(&format!("/workspaces/{workspace}/invite-links/{id}")));
    send_empty(r, NO_BODY).await
}

/// The invitations waiting for the signed-in person's answer.
pub async fn invitations() -> ApiResult<Vec<Invitation>> {
    send_json(Request::get(&url("/invitations")), NO_BODY).await
}

/// Accepts an invitation: the workspace one joined.
pub async fn accept_invitation(id: i64) -> ApiResult<Workspace> {
    let r = Request::post(&url(&format!("/invitations/{id}/accept")));
    send_json(r, Some(&Empty {})).await
}

/// Declines an invitation.
pub async fn decline_invitation(id: i64) -> ApiResult<()> {
    let r = Request::post(&url(&format!("/invitations/{id}/decline")));
    send_empty(r, Some(&Empty {})).await
}

/// Where an invite link leads (signed in or not).
pub async fn preview_invite_link(token: &str) -> ApiResult<LinkPreview> {
    let body = LinkToken {
        token: token.to_owned(),
    };
    send_json(Request::post(&url("/invite-links/preview")), Some(&body)).await
}

/// Joins a workspace through an invite link: the workspace.
pub async fn accept_invite_link(token: &str) -> ApiResult<Workspace> {
    let body = LinkToken {
        token: token.to_owned(),
    };
    send_json(Request::post(&url("/invite-links/accept")), Some(&body)).await
}

/// The members of a workspace.
pub async fn members(workspace: i64) -> ApiResult<Vec<Member>> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/members"))),
        NO_BODY,
    )
    .await
}

/// Renames a workspace (owners).
pub async fn rename_workspace(workspace: i64, name: &str) -> ApiResult<Workspace> {
    send_json(
        Request::patch(&url(&format!("/workspaces/{workspace}"))),
        Some(&WorkspaceChange {
            name: name.to_owned(),
        }),
    )
    .await
}

/// Gives a member another role (owners); the members afterwards.
pub async fn set_role(workspace: i64, user_id: i64, role: Role) -> ApiResult<Vec<Member>> {
    send_json(
        Request::patch(&url(&format!("/workspaces/{workspace}/members/{user_id}"))),
        Some(&RoleChange { role }),
    )
    .await
}

/// Removes a member (admins and owners), or leaves the workspace (`user_id` = oneself).
pub async fn remove_member(workspace: i64, user_id: i64) -> ApiResult<()> {
    let r = Request::delete(&url(&format!("/workspaces/{workspace}/members/{user_id}")));
    send_empty(r, NO_BODY).await
}

/// The direct-message channel with another member (created on first use).
pub async fn direct(workspace: i64, user_id: i64) -> ApiResult<Channel> {
    // Made on first use, found afterwards: repeating it creates nothing, no key needed.
    let r = Request::post(&url(&format!("/workspaces/{workspace}/direct")));
    send_json(r, Some(&NewDirect { user_id })).await
}

/// A short-lived ticket that opens a relay connection (its first frame).
pub async fn realtime_ticket() -> ApiResult<String> {
    let r = Request::post(&url("/realtime/ticket"));
    let t: Ticket = send_json(r, Some(&Empty {})).await?;
    Ok(t.ticket)
}

/// The channels of a workspace.
pub async fn channels(workspace: i64) -> ApiResult<Vec<Channel>> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/channels"))),
        NO_BODY,
    )
    .await
}

/// Creates a channel.
pub async fn create_channel(
    workspace: i64,
    name: &str,
    private: bool,
    key: &str,
) -> ApiResult<Channel> {
    let r = Request::post(&url(&format!("/workspaces/{workspace}/channels")));
    let r = with_key(r, key);
    let kind = if private {
        ChannelKind::Private
    } else {
        ChannelKind::Public
    };
    let body = NewChannel {
        name: name.to_owned(),
        kind: Some(kind),
        members: Vec::new(),
    };
    send_json(r, Some(&body)).await
}

/// Renames a channel, sets its topic, archives or unarchives it.
pub async fn change_channel(id: i64, change: &ChannelChange) -> ApiResult<Channel> {
    send_json(
        Request::patch(&url(&format!("/channels/{id}"))),
        Some(change),
    )
    .await
}

/// The members of a private channel.
pub async fn channel_members(id: i64) -> ApiResult<Vec<Member>> {
    send_json(
        Request::get(&url(&format!("/channels/{id}/members"))),
        NO_BODY,
    )
    .await
}

/// Adds a workspace member to a private channel.
pub async fn add_channel_member(id: i64, user_id: i64) -> ApiResult<()> {
    let r = Request::post(&url(&format!("/channels/{id}/members")));
    send_empty(r, Some(&AddMember { user_id })).await
}

/// Takes someone out of a private channel, or leaves it (`user_id` = oneself).
pub async fn remove_channel_member(id: i64, user_id: i64) -> ApiResult<()> {
    let r = Request::delete(&url(&format!("/channels/{id}/members/{user_id}")));
    send_empty(r, NO_BODY).await
}

/// A page of a channel's messages: the newest, or at a cursor (see [`PageQuery`]); 50 unless
/// `limit` says otherwise.
pub async fn messages(channel: i64, at: &PageQuery) -> ApiResult<Page> {
    let mut q = format!("limit={}", at.limit.unwrap_or(50));
    for (name, value) in [
        ("before", at.before),
        ("after", at.after),
        ("around", at.around),
    ] {
        if let Some(v) = value {
            q.push_str(&format!("&{name}={v}"));
        }
    }
    send_json(
        Request::get(&url(&format!("/channels/{channel}/messages?{q}"))),
        NO_BODY,
    )
    .await
}

/// Posts a message with the files `attachments` (Drive item ids).
pub async fn post_message(
    channel: i64,
    body: &str,
    attachments: Vec<i64>,
    key: &str,
) -> ApiResult<Message> {
    let r = Request::post(&url(&format!("/channels/{channel}/messages")));
    let r = with_key(r, key);
    let body = NewMessage {
        body: body.to_owned(),
        thread_root_id: None,
        attachments,
    };
    send_json(r, Some(&body)).await
}

/// Posts a reply in a message's thread, with the files `attachments`.
pub async fn post_reply(
    channel: i64,
    root: i64,
    body: &str,
    attachments: Vec<i64>,
    key: &str,
) -> ApiResult<Message> {
    let r = Request::post(&url(&format!("/channels/{channel}/messages")));
    let r = with_key(r, key);
    let body = NewMessage {
        body: body.to_owned(),
        thread_root_id: Some(root),
        attachments,
    };
    send_json(r, Some(&body)).await
}

/// A page of a thread's replies (the newest 100, or those before `before`; oldest first).
pub async fn replies(root: i64, before: Option<i64>) -> ApiResult<Page> {
    let q = before.map(|b| format!("&before={b}")).unwrap_or_default();
    send_json(
        Request::get(&url(&format!("/messages/{root}/replies?limit=100{q}"))),
        NO_BODY,
    )
    .await
}

/// One message.
pub async fn message(id: i64) -> ApiResult<Message> {
    send_json(Request::get(&url(&format!("/messages/{id}"))), NO_BODY).await
}

/// Edits one's message.
pub async fn edit_message(id: i64, body: &str) -> ApiResult<Message> {
    send_json(
        Request::patch(&url(&format!("/messages/{id}"))),
        Some(&EditMessage {
            body: body.to_owned(),
        }),
    )
    .await
}

/// Deletes one's message.
pub async fn delete_message(id: i64) -> ApiResult<Message> {
    send_json(Request::delete(&url(&format!("/messages/{id}"))), NO_BODY).await
}

/// Toggles a reaction.
pub async fn react(id: i64, emoji: &str, on: bool) -> ApiResult<Message> {
    let path = url(&format!("/messages/{id}/reactions/{}", encode(emoji)));
    let r = if on {
        Request::put(&path)
    } else {
        Request::delete(&path)
    };
    send_json(r, NO_BODY).await
}

/// Pins (`on`) or unpins a message.
pub async fn pin(id: i64, on: bool) -> ApiResult<Message> {
    let path = url(&format!("/messages/{id}/pin"));
    let r = if on {
        Request::put(&path)
    } else {
        Request::delete(&path)
    };
    send_json(r, NO_BODY).await
}

/// A channel's pinned messages, the latest pin first.
pub async fn pins(channel: i64) -> ApiResult<Vec<Message>> {
    send_json(
        Request::get(&url(&format!("/channels/{channel}/pins"))),
        NO_BODY,
    )
    .await
}

/// Sets what one is notified of in a channel.
pub async fn set_notify(channel: i64, level: NotifyLevel) -> ApiResult<Channel> {
    send_json(
        Request::put(&url(&format!("/channels/{channel}/notifications"))),
        Some(&NotifySetting { level }),
    )
    .await
}

/// Messages of a workspace that contain every word of `query`, newest first.
pub async fn search(workspace: i64, query: &str, before: Option<i64>) -> ApiResult<Page> {
    let b = before.map(|b| format!("&before={b}")).unwrap_or_default();
    send_json(
        Request::get(&url(&format!(
            "/workspaces/{workspace}/search?limit=20&q={}{b}",
            encode(query)
        ))),
        NO_BODY,
    )
    .await
}

/// Marks a channel read up to `id`.
pub async fn mark_read(channel: i64, id: i64) -> ApiResult<()> {
    let r = Request::put(&url(&format!("/channels/{channel}/read")));
    send_empty(r, Some(&ReadPosition { last_read_id: id })).await
}

/// Joins a collection's realtime room.
pub async fn join(collection: Collection) -> ApiResult<Joined> {
    send_json(
        Request::post(&url("/realtime/join")),
        Some(&Join { collection }),
    )
    .await
}

fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
