//! The authorization matrix: every operation of the OpenAPI document the server serves,
//! called by an owner, an admin, a member, a signed-in person outside the workspace and
//! someone signed out, each on a workspace of its own, answers what the roles table of
//! docs/security.md says (`Role::may`). Outsiders get 404 for everything inside a
//! workspace; a member whose role may not do something gets 403.

mod common;

use std::collections::BTreeSet;

use common::{spawn, user, Client, Reply, Server};
use serde_json::{json, Value};

const PASSWORD: &str = "long enough password";

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Owner,
    Admin,
    Member,
    Outsider,
    SignedOut,
}

const WHO: [Who; 5] = [
    Who::Owner,
    Who::Admin,
    Who::Member,
    Who::Outsider,
    Who::SignedOut,
];

/// How the caller's request is sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Session {
    /// With the caller's usual session.
    Usual,
    /// With a session of its own (signed in for this call), for calls that end sessions
    /// or make new ones.
    Own,
}

/// One row of the matrix.
struct Case {
    /// The operation: method and path template as in the OpenAPI document.
    op: &'static str,
    /// The request: method, path and body with `<name>` placeholders (see [`Fixture`]).
    path: &'static str,
    body: Option<&'static str>,
    session: Session,
    /// Headers besides the usual ones (tus's).
    headers: &'static [(&'static str, &'static str)],
    /// The status for owner, admin, member, outsider, signed out.
    expect: [u16; 5],
}

const fn case(
    op: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    expect: [u16; 5],
) -> Case {
    Case {
        op,
        path,
        body,
        session: Session::Usual,
        headers: &[],
        expect,
    }
}

/// A tus request: no JSON body, these headers.
const fn tus(
    op: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    expect: [u16; 5],
) -> Case {
    Case {
        op,
        path,
        body: None,
        session: Session::Usual,
        headers,
        expect,
    }
}

const fn own(
    op: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    expect: [u16; 5],
) -> Case {
    Case {
        op,
        path,
        body,
        session: Session::Own,
        headers: &[],
        expect,
    }
}

/// Every case. Workspace fixture: Olive owns it, Adam and Ada are admins, Mia and Tom
/// members; #general (by Olive), #inner (private, by Olive, with Adam, Mia and Tom),
/// #mine (by the caller, or Mia), a message of Tom's and one of the caller's (or Mia's)
/// in #general; an invitation to the caller (or Mia), one to a name nobody has, and an
/// invite link.
fn cases() -> Vec<Case> {
    let all = [200; 5];
    let signed_in = [200, 200, 200, 200, 401];
    let members = [200, 200, 200, 404, 401];
    let managers = [201, 201, 403, 404, 401];
    vec![
        // Accounts: the same for every role.
        case("GET /auth/me", "/auth/me", None, signed_in),
        case(
            "PATCH /auth/me",
            "/auth/me",
            Some(r#"{"theme": "dark"}"#),
            signed_in,
        ),
        case("GET /auth/session", "/auth/session", None, all),
        own(
            "POST /auth/signin",
            "/auth/signin",
            Some(r#"{"login": "<me>", "password": "long enough password"}"#),
            all,
        ),
        own(
            "POST /auth/signup",
            "/auth/signup",
            Some(
                r#"{"username": "new<n>", "email": "new<n>@example.com", "password": "long enough password"}"#,
            ),
            [201; 5],
        ),
        // A link nobody was sent (the server of this test sends no mail).
        case(
            "POST /auth/signup/verify",
            "/auth/signup/verify",
            Some(
                r#"{"token": "0000000000000000000000000000000000000000000000000000000000000000"}"#,
            ),
            [410; 5],
        ),
        own(
            "POST /auth/signout",
            "/auth/signout",
            Some("{}"),
            [204, 204, 204, 204, 401],
        ),
        case(
            "POST /auth/password",
            "/auth/password",
            Some(r#"{"current": "not the password", "new": "another long password"}"#),
            [403, 403, 403, 403, 401],
        ),
        own(
            "POST /auth/sessions/end-others",
            "/auth/sessions/end-others",
            Some("{}"),
            [204, 204, 204, 204, 401],
        ),
        case("GET /auth/totp", "/auth/totp", None, signed_in),
        // Setup runs before confirm: every caller then has a secret waiting for a code.
        own(
            "POST /auth/totp/setup",
            "/auth/totp/setup",
            Some(r#"{"password": "long enough password"}"#),
            [200, 200, 200, 200, 401],
        ),
        own(
            "POST /auth/totp/confirm",
            "/auth/totp/confirm",
            Some(r#"{"code": "abcdef"}"#),
            [403, 403, 403, 403, 401],
        ),
        case(
            "POST /auth/totp/disable",
            "/auth/totp/disable",
            Some(r#"{"password": "not the password"}"#),
            [403, 403, 403, 403, 401],
        ),
        case(
            "POST /auth/totp/recovery-codes",
            "/auth/totp/recovery-codes",
            Some(r#"{"password": "not the password"}"#),
            [403, 403, 403, 403, 401],
        ),
        own(
            "POST /auth/signin/second-factor",
            "/auth/signin/second-factor",
            Some(r#"{"challenge": "00", "code": "123456"}"#),
            [401; 5],
        ),
        case("GET /auth/passkeys", "/auth/passkeys", None, signed_in),
        case(
            "POST /auth/passkeys/register/start",
            "/auth/passkeys/register/start",
            Some(r#"{"password": "long enough password"}"#),
            [200, 200, 200, 200, 401],
        ),
        case(
            "POST /auth/passkeys/register/finish",
            "/auth/passkeys/register/finish",
            Some(r#"{"ceremony": "00", "name": "Laptop", "credential": {}}"#),
            [400, 400, 400, 400, 401],
        ),
        case(
            "PATCH /auth/passkeys/{id}",
            "/auth/passkeys/999999",
            Some(r#"{"name": "Laptop"}"#),
            [404, 404, 404, 404, 401],
        ),
        case(
            "DELETE /auth/passkeys/{id}",
            "/auth/passkeys/999999",
            None,
            [404, 404, 404, 404, 401],
        ),
        case(
            "POST /auth/passkeys/signin/start",
            "/auth/passkeys/signin/start",
            Some("{}"),
            all,
        ),
        case(
            "POST /auth/passkeys/signin/finish",
            "/auth/passkeys/signin/finish",
            Some(r#"{"ceremony": "00", "credential": {}}"#),
            [400; 5],
        ),
        own(
            "POST /auth/signin/second-factor/passkey/start",
            "/auth/signin/second-factor/passkey/start",
            Some(r#"{"challenge": "00"}"#),
            [401; 5],
        ),
        own(
            "POST /auth/signin/second-factor/passkey/finish",
            "/auth/signin/second-factor/passkey/finish",
            Some(r#"{"challenge": "00", "ceremony": "00", "credential": {}}"#),
            [401; 5],
        ),
        case("GET /openapi.json", "/openapi.json", None, all),
        case("GET /auth/sessions", "/auth/sessions", None, signed_in),
        case(
            "DELETE /auth/sessions/{id}",
            "/auth/sessions/0123456789abcdef0123456789abcdef",
            None,
            [404, 404, 404, 404, 401],
        ),
        case(
            "POST /realtime/ticket",
            "/realtime/ticket",
            Some("{}"),
            signed_in,
        ),
        case(
            "POST /realtime/join",
            "/realtime/join",
            Some(r#"{"collection": "channel:<general>"}"#),
            members,
        ),
        case(
            "POST /realtime/join",
            "/realtime/join",
            Some(r#"{"collection": "workspace:<ws>"}"#),
            members,
        ),
        // Workspaces and roles.
        case("GET /workspaces", "/workspaces", None, signed_in),
        case(
            "POST /workspaces",
            "/workspaces",
            Some(r#"{"name": "Another"}"#),
            [201, 201, 201, 201, 401],
        ),
        case(
            "PATCH /workspaces/{id}",
            "/workspaces/<ws>",
            Some(r#"{"name": "Renamed"}"#),
            [200, 403, 403, 404, 401],
        ),
        case(
            "GET /workspaces/{id}/members",
            "/workspaces/<ws>/members",
            None,
            members,
        ),
        // Invitations and invite links.
        case(
            "POST /workspaces/{id}/invitations",
            "/workspaces/<ws>/invitations",
            Some(r#"{"user": "xena"}"#),
            managers,
        ),
        case(
            "GET /workspaces/{id}/invitations",
            "/workspaces/<ws>/invitations",
            None,
            [200, 200, 403, 404, 401],
        ),
        case(
            "DELETE /workspaces/{id}/invitations/{invitation_id}",
            "/workspaces/<ws>/invitations/<ghost_invite>",
            None,
            [204, 204, 403, 404, 401],
        ),
        case(
            "POST /workspaces/{id}/invite-links",
            "/workspaces/<ws>/invite-links",
            Some(r#"{"expires_in_hours": 24, "max_uses": 10}"#),
            managers,
        ),
        case(
            "GET /workspaces/{id}/invite-links",
            "/workspaces/<ws>/invite-links",
            None,
            [200, 200, 403, 404, 401],
        ),
        case(
            "DELETE /workspaces/{id}/invite-links/{link_id}",
            "/workspaces/<ws>/invite-links/<link>",
            None,
            [204, 204, 403, 404, 401],
        ),
        case("GET /invitations", "/invitations", None, signed_in),
        // One's own invitation (members who are invited again stay what they are);
        // someone else's does not exist for anyone.
        case(
            "POST /invitations/{id}/accept",
            "/invitations/<my_invite>/accept",
            Some("{}"),
            signed_in,
        ),
        case(
            "POST /invitations/{id}/accept",
            "/invitations/<ghost_invite>/accept",
            Some("{}"),
            [404, 404, 404, 404, 401],
        ),
        case(
            "POST /invitations/{id}/decline",
            "/invitations/<my_invite>/decline",
            Some("{}"),
            [204, 204, 204, 204, 401],
        ),
        case(
            "POST /invitations/{id}/decline",
            "/invitations/<ghost_invite>/decline",
            Some("{}"),
            [404, 404, 404, 404, 401],
        ),
        case(
            "POST /invite-links/preview",
            "/invite-links/preview",
            Some(r#"{"token": "<token>"}"#),
            all,
        ),
        case(
            "POST /invite-links/accept",
            "/invite-links/accept",
            Some(r#"{"token": "<token>"}"#),
            signed_in,
        ),
        case(
            "PATCH /workspaces/{id}/members/{user_id}",
            "/workspaces/<ws>/members/<tom>",
            Some(r#"{"role": "admin"}"#),
            [200, 403, 403, 404, 401],
        ),
        case(
            "PATCH /workspaces/{id}/members/{user_id}",
            "/workspaces/<ws>/members/<olive>",
            Some(r#"{"role": "member"}"#),
            [409, 403, 403, 404, 401],
        ),
        case(
            "DELETE /workspaces/{id}/members/{user_id}",
            "/workspaces/<ws>/members/<tom>",
            None,
            [204, 204, 403, 404, 401],
        ),
        case(
            "DELETE /workspaces/{id}/members/{user_id}",
            "/workspaces/<ws>/members/<ada>",
            None,
            [204, 403, 403, 404, 401],
        ),
        case(
            "DELETE /workspaces/{id}/members/{user_id}",
            "/workspaces/<ws>/members/<olive>",
            None,
            [409, 403, 403, 404, 401],
        ),
        case(
            "DELETE /workspaces/{id}/members/{user_id}",
            "/workspaces/<ws>/members/<me>",
            None,
            [409, 204, 204, 404, 401],
        ),
        // Channels.
        case(
            "GET /workspaces/{id}/channels",
            "/workspaces/<ws>/channels",
            None,
            members,
        ),
        case(
            "POST /workspaces/{id}/channels",
            "/workspaces/<ws>/channels",
            Some(r#"{"name": "new"}"#),
            [201, 201, 201, 404, 401],
        ),
        case(
            "POST /workspaces/{id}/channels",
            "/workspaces/<ws>/channels",
            Some(r#"{"name": "secret", "kind": "private", "members": [<tom>]}"#),
            [201, 201, 201, 404, 401],
        ),
        case(
            "POST /workspaces/{id}/direct",
            "/workspaces/<ws>/direct",
            Some(r#"{"user_id": <tom>}"#),
            members,
        ),
        case(
            "PATCH /channels/{id}",
            "/channels/<general>",
            Some(r#"{"topic": "What we do"}"#),
            members,
        ),
        case(
            "PATCH /channels/{id}",
            "/channels/<general>",
            Some(r#"{"name": "everyone"}"#),
            [200, 200, 403, 404, 401],
        ),
        case(
            "PATCH /channels/{id}",
            "/channels/<inner>",
            Some(r#"{"archived": true}"#),
            [200, 200, 403, 404, 401],
        ),
        case(
            "PATCH /channels/{id}",
            "/channels/<mine>",
            Some(r#"{"name": "ours", "archived": true}"#),
            [200, 200, 200, 404, 401],
        ),
        case(
            "GET /channels/{id}/members",
            "/channels/<inner>/members",
            None,
            members,
        ),
        case(
            "GET /channels/{id}/members",
            "/channels/<general>/members",
            None,
            [409, 409, 409, 404, 401],
        ),
        case(
            "POST /channels/{id}/members",
            "/channels/<inner>/members",
            Some(r#"{"user_id": <ada>}"#),
            [204, 204, 204, 404, 401],
        ),
        case(
            "DELETE /channels/{id}/members/{user_id}",
            "/channels/<inner>/members/<tom>",
            None,
            [204, 204, 403, 404, 401],
        ),
        case(
            "DELETE /channels/{id}/members/{user_id}",
            "/channels/<inner>/members/<me>",
            None,
            [204, 204, 204, 404, 401],
        ),
        case(
            "PUT /channels/{id}/read",
            "/channels/<general>/read",
            Some(r#"{"last_read_id": <theirs>}"#),
            [204, 204, 204, 404, 401],
        ),
        // Messages.
        case(
            "GET /channels/{id}/messages",
            "/channels/<general>/messages",
            None,
            members,
        ),
        case(
            "POST /channels/{id}/messages",
            "/channels/<general>/messages",
            Some(r#"{"body": "hello"}"#),
            [201, 201, 201, 404, 401],
        ),
        case("GET /messages/{id}", "/messages/<theirs>", None, members),
        case(
            "PATCH /messages/{id}",
            "/messages/<mine_msg>",
            Some(r#"{"body": "edited"}"#),
            members,
        ),
        case(
            "PATCH /messages/{id}",
            "/messages/<theirs>",
            Some(r#"{"body": "edited"}"#),
            [403, 403, 403, 404, 401],
        ),
        case(
            "DELETE /messages/{id}",
            "/messages/<mine_msg>",
            None,
            members,
        ),
        case(
            "DELETE /messages/{id}",
            "/messages/<theirs>",
            None,
            [403, 403, 403, 404, 401],
        ),
        case(
            "GET /messages/{id}/replies",
            "/messages/<theirs>/replies",
            None,
            members,
        ),
        case(
            "PUT /messages/{id}/reactions/{emoji}",
            "/messages/<theirs>/reactions/x",
            None,
            members,
        ),
        case(
            "DELETE /messages/{id}/reactions/{emoji}",
            "/messages/<theirs>/reactions/x",
            None,
            members,
        ),
        case(
            "PUT /messages/{id}/pin",
            "/messages/<theirs>/pin",
            None,
            members,
        ),
        case(
            "DELETE /messages/{id}/pin",
            "/messages/<theirs>/pin",
            None,
            members,
        ),
        case(
            "GET /channels/{id}/pins",
            "/channels/<general>/pins",
            None,
            members,
        ),
        case(
            "PUT /channels/{id}/notifications",
            "/channels/<general>/notifications",
            Some(r#"{"level": "all"}"#),
            members,
        ),
        case(
            "GET /workspaces/{id}/search",
            "/workspaces/<ws>/search?q=hello",
            None,
            members,
        ),
        // Drive: every member reads and changes it; admins and owners empty its trash.
        case(
            "GET /workspaces/{id}/drive",
            "/workspaces/<ws>/drive",
            None,
            members,
        ),
        case(
            "POST /workspaces/{id}/drive/folders",
            "/workspaces/<ws>/drive/folders",
            Some(r#"{"name": "F<n>"}"#),
            [201, 201, 201, 404, 401],
        ),
        case(
            "GET /workspaces/{id}/drive/trash",
            "/workspaces/<ws>/drive/trash",
            None,
            members,
        ),
        case(
            "DELETE /workspaces/{id}/drive/trash",
            "/workspaces/<ws>/drive/trash",
            None,
            [204, 204, 403, 404, 401],
        ),
        case(
            "GET /workspaces/{id}/drive/usage",
            "/workspaces/<ws>/drive/usage",
            None,
            members,
        ),
        case(
            "GET /drive/items/{id}",
            "/drive/items/<file>",
            None,
            members,
        ),
        case(
            "PATCH /drive/items/{id}",
            "/drive/items/<file>",
            Some(r#"{"name": "renamed.txt"}"#),
            members,
        ),
        case(
            "GET /drive/folders/{id}",
            "/drive/folders/<folder>",
            None,
            members,
        ),
        case(
            "POST /workspaces/{id}/drive/download",
            "/workspaces/<ws>/drive/download",
            Some(r#"{"ids": [<file>]}"#),
            members,
        ),
        case(
            "POST /drive/items/{id}/copy",
            "/drive/items/<file>/copy",
            Some("{}"),
            [201, 201, 201, 404, 401],
        ),
        case(
            "POST /drive/items/{id}/trash",
            "/drive/items/<file>/trash",
            Some("{}"),
            members,
        ),
        case(
            "POST /drive/items/{id}/restore",
            "/drive/items/<file>/restore",
            Some("{}"),
            members,
        ),
        case(
            "POST /drive/files/{id}/download",
            "/drive/files/<file>/download",
            Some("{}"),
            members,
        ),
        // The token is the credential (the URL may be on another origin): anyone who
        // holds one may use it, once, within its minute.
        case(
            "GET /drive/download/{token}",
            "/drive/download/<dl>",
            None,
            all,
        ),
        tus(
            "OPTIONS /workspaces/{id}/drive/uploads",
            "/workspaces/<ws>/drive/uploads",
            &[],
            [204; 5],
        ),
        tus(
            "POST /workspaces/{id}/drive/uploads",
            "/workspaces/<ws>/drive/uploads",
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "3"),
                ("upload-metadata", "filename YS50eHQ="),
            ],
            [201, 201, 201, 404, 401],
        ),
        // The caller's own upload (Mia's for the outsider and the signed out).
        tus(
            "HEAD /drive/uploads/{upload}",
            "/drive/uploads/<upload>",
            &[("tus-resumable", "1.0.0")],
            [200, 200, 200, 404, 401],
        ),
        tus(
            "PATCH /drive/uploads/{upload}",
            "/drive/uploads/<upload>",
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-offset", "0"),
                ("content-type", "application/offset+octet-stream"),
            ],
            [204, 204, 204, 404, 401],
        ),
        tus(
            "DELETE /drive/uploads/{upload}",
            "/drive/uploads/<upload>",
            &[("tus-resumable", "1.0.0")],
            [204, 204, 204, 404, 401],
        ),
        case(
            "GET /workspaces/{id}/drive/search",
            "/workspaces/<ws>/drive/search?q=hello",
            None,
            members,
        ),
        case(
            "GET /drive/files/{id}/versions",
            "/drive/files/<file>/versions",
            None,
            members,
        ),
        case(
            "POST /drive/files/{id}/versions/{number}/restore",
            "/drive/files/<file>/versions/1/restore",
            Some("{}"),
            members,
        ),
        // Previews: every member.
        case(
            "GET /drive/files/{id}/content",
            "/drive/files/<file>/content",
            None,
            members,
        ),
        case(
            "GET /drive/files/{id}/thumbnail",
            "/drive/files/<image>/thumbnail",
            None,
            members,
        ),
        // Only a file of a draft is deleted at once (none here): the others go to the trash.
        case(
            "DELETE /drive/items/{id}",
            "/drive/items/<file>",
            None,
            [409, 409, 409, 404, 401],
        ),
        case(
            "GET /drive/files/{id}/page",
            "/drive/files/<pdf>/page",
            None,
            members,
        ),
        // Folder downloads: members ask; the token is the credential, as for files.
        case(
            "POST /drive/folders/{id}/download",
            "/drive/folders/<folder>/download",
            Some("{}"),
            members,
        ),
        case("GET /drive/zip/{token}", "/drive/zip/<zip>", None, all),
        Case {
            headers: &[("huddle-share-token", "<view_link>")],
            ..case(
                "POST /public/share/folders/{id}/download",
                "/public/share/folders/<folder>/download",
                Some("{}"),
                all,
            )
        },
        // Share links: members make them and see an item's; admins and owners see every
        // link and revoke anyone's (Olive's here), a member only their own.
        case(
            "POST /drive/items/{id}/shares",
            "/drive/items/<file>/shares",
            Some("{}"),
            [201, 201, 201, 404, 401],
        ),
        case(
            "GET /drive/items/{id}/shares",
            "/drive/items/<file>/shares",
            None,
            members,
        ),
        case(
            "GET /workspaces/{id}/drive/shares",
            "/workspaces/<ws>/drive/shares",
            None,
            [200, 200, 403, 404, 401],
        ),
        case(
            "DELETE /drive/shares/{id}",
            "/drive/shares/<share>",
            None,
            [204, 204, 403, 404, 401],
        ),
        // What a link allows, anyone who holds it may do, signed in or not.
        Case {
            headers: &[("huddle-share-token", "<view_link>")],
            ..case("GET /public/share", "/public/share", None, all)
        },
        Case {
            headers: &[("huddle-share-token", "<view_link>")],
            ..case(
                "GET /public/share/folders/{id}",
                "/public/share/folders/<folder>",
                None,
                all,
            )
        },
        Case {
            headers: &[("huddle-share-token", "<file_link>")],
            ..case(
                "POST /public/share/files/{id}/download",
                "/public/share/files/<file>/download",
                Some("{}"),
                all,
            )
        },
        Case {
            headers: &[("huddle-share-token", "<password_link>")],
            ..case(
                "POST /public/share/unlock",
                "/public/share/unlock",
                Some(r#"{"password": "long enough password"}"#),
                all,
            )
        },
        tus(
            "POST /public/share/uploads",
            "/public/share/uploads",
            &[
                ("huddle-share-token", "<drop_link>"),
                ("tus-resumable", "1.0.0"),
                ("upload-length", "3"),
                ("upload-metadata", "filename YS50eHQ="),
            ],
            [201; 5],
        ),
        tus(
            "HEAD /public/uploads/{upload}",
            "/public/uploads/<dropped>",
            &[("tus-resumable", "1.0.0")],
            [200; 5],
        ),
        tus(
            "PATCH /public/uploads/{upload}",
            "/public/uploads/<dropped>",
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-offset", "0"),
                ("content-type", "application/offset+octet-stream"),
            ],
            [204; 5],
        ),
        tus(
            "DELETE /public/uploads/{upload}",
            "/public/uploads/<dropped>",
            &[("tus-resumable", "1.0.0")],
            [204; 5],
        ),
        // Tasks: every member reads and changes every board; a task is deleted by its
        // creator or an admin or owner.
        case(
            "GET /workspaces/{id}/boards",
            "/workspaces/<ws>/boards",
            None,
            members,
        ),
        case(
            "POST /workspaces/{id}/boards",
            "/workspaces/<ws>/boards",
            Some(r#"{"name": "New", "color": "blue"}"#),
            [201, 201, 201, 404, 401],
        ),
        case("GET /boards/{id}", "/boards/<board>", None, members),
        case(
            "PATCH /boards/{id}",
            "/boards/<board>",
            Some(r#"{"name": "Renamed"}"#),
            members,
        ),
        case(
            "POST /boards/{id}/lists",
            "/boards/<board>/lists",
            Some(r#"{"name": "Another"}"#),
            [201, 201, 201, 404, 401],
        ),
        case(
            "PATCH /lists/{id}",
            "/lists/<list>",
            Some(r#"{"name": "Renamed"}"#),
            members,
        ),
        case(
            "POST /lists/{id}/move",
            "/lists/<list>/move",
            Some(r#"{"after_id": null}"#),
            members,
        ),
        case(
            "POST /lists/{id}/tasks",
            "/lists/<list>/tasks",
            Some(r#"{"title": "Another"}"#),
            [201, 201, 201, 404, 401],
        ),
        case("GET /tasks/{id}", "/tasks/<olive_task>", None, members),
        case(
            "PATCH /tasks/{id}",
            "/tasks/<olive_task>",
            Some(r#"{"done": true}"#),
            members,
        ),
        case(
            "POST /tasks/{id}/move",
            "/tasks/<olive_task>/move",
            Some(r#"{"list_id": <list>, "after_id": <my_task>}"#),
            members,
        ),
        case(
            "DELETE /tasks/{id}",
            "/tasks/<olive_task>",
            None,
            [204, 204, 403, 404, 401],
        ),
        case(
            "DELETE /tasks/{id}",
            "/tasks/<my_task>",
            None,
            [204, 204, 204, 404, 401],
        ),
        case(
            "GET /boards/{id}/archive",
            "/boards/<board>/archive",
            None,
            members,
        ),
        case(
            "POST /boards/{id}/labels",
            "/boards/<board>/labels",
            Some(r#"{"name": "Another", "color": "green"}"#),
            [201, 201, 201, 404, 401],
        ),
        case(
            "PATCH /labels/{id}",
            "/labels/<label>",
            Some(r#"{"color": "pink"}"#),
            members,
        ),
        case(
            "DELETE /labels/{id}",
            "/labels/<label>",
            None,
            [204, 204, 204, 404, 401],
        ),
        case(
            "POST /tasks/{id}/checklist",
            "/tasks/<olive_task>/checklist",
            Some(r#"{"text": "Another"}"#),
            [201, 201, 201, 404, 401],
        ),
        case(
            "PATCH /checklist/{id}",
            "/checklist/<item>",
            Some(r#"{"checked": true}"#),
            members,
        ),
        case("DELETE /checklist/{id}", "/checklist/<item>", None, members),
    ]
}

/// The people of every fixture, signed in once.
struct People {
    /// Olive (owner), Adam (admin), Mia (member), Xena (outsider), by `Who`.
    callers: Vec<(Client, i64, &'static str)>,
    ada: (Client, i64),
    tom: (Client, i64),
}

impl People {
    fn caller(&mut self, who: Who) -> Option<&mut (Client, i64, &'static str)> {
        let i = match who {
            Who::Owner => 0,
            Who::Admin => 1,
            Who::Member => 2,
            Who::Outsider => 3,
            Who::SignedOut => return None,
        };
        Some(&mut self.callers[i])
    }
}

/// The names a case's placeholders stand for.
struct Fixture(Vec<(&'static str, String)>);

impl Fixture {
    fn fill(&self, template: &str) -> String {
        let mut s = template.to_owned();
        for (name, value) in &self.0 {
            s = s.replace(&format!("<{name}>"), value);
        }
        assert!(!s.contains('<'), "unfilled placeholder in {s}");
        s
    }
}

fn id(r: &Reply) -> i64 {
    r.body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {} {:?}", r.status, r.body))
}

async fn ok(c: &mut Client, method: &str, path: &str, body: Option<Value>) -> Reply {
    let r = c.send(method, path, body, &[]).await;
    assert!(
        r.status < 300,
        "fixture: {method} {path}: {} {:?}",
        r.status,
        r.body
    );
    r
}

async fn fixture(p: &mut People, who: Who, n: usize) -> Fixture {
    let olive = p.callers[0].1;
    let (adam, mia, xena) = (p.callers[1].1, p.callers[2].1, p.callers[3].1);
    let (ada, tom) = (p.ada.1, p.tom.1);
    let ws = id(&ok(
        &mut p.callers[0].0,
        "POST",
        "/workspaces",
        Some(json!({"name": "Matrix"})),
    )
    .await);
    {
        let (first, rest) = p.callers.split_at_mut(1);
        let owner = &mut first[0].0;
        let (adam, mia) = rest.split_at_mut(1);
        common::add_member(owner, ws, &mut adam[0].0, "adam").await;
        common::add_member(owner, ws, &mut mia[0].0, "mia").await;
        common::add_member(owner, ws, &mut p.ada.0, "ada").await;
        common::add_member(owner, ws, &mut p.tom.0, "tom").await;
    }
    let owner = &mut p.callers[0].0;
    let general = ok(owner, "GET", &format!("/workspaces/{ws}/channels"), None).await;
    let general = general.body[0]["id"].as_i64().unwrap();
    for admin in [adam, ada] {
        let path = format!("/workspaces/{ws}/members/{admin}");
        ok(owner, "PATCH", &path, Some(json!({"role": "admin"}))).await;
    }
    let inner = json!({"name": "inner", "kind": "private", "members": [adam, mia, tom]});
    let inner = id(&ok(
        owner,
        "POST",
        &format!("/workspaces/{ws}/channels"),
        Some(inner),
    )
    .await);
    let messages = format!("/channels/{general}/messages");
    let theirs = id(&ok(
        &mut p.tom.0,
        "POST",
        &messages,
        Some(json!({"body": "hello from tom"})),
    )
    .await);
    let author = match who {
        Who::Owner | Who::Admin | Who::Member => &mut p.caller(who).unwrap().0,
        _ => &mut p.callers[2].0,
    };
    let mine = json!({"name": "mine"});
    let mine = id(&ok(
        author,
        "POST",
        &format!("/workspaces/{ws}/channels"),
        Some(mine),
    )
    .await);
    let mine_msg = id(&ok(
        author,
        "POST",
        &messages,
        Some(json!({"body": "hello, mine"})),
    )
    .await);
    let (me, me_name) = match p.caller(who) {
        Some((_, id, name)) => (*id, *name),
        None => (mia, "mia"),
    };
    let _ = xena;
    // An invitation to the caller (or to Mia), one to nobody who exists, and a link.
    let owner = &mut p.callers[0].0;
    let invitations = format!("/workspaces/{ws}/invitations");
    let my_invite = id(&ok(owner, "POST", &invitations, Some(json!({"user": me_name}))).await);
    let ghost = json!({"user": format!("ghost{n}")});
    let ghost_invite = id(&ok(owner, "POST", &invitations, Some(ghost)).await);
    let link = ok(
        owner,
        "POST",
        &format!("/workspaces/{ws}/invite-links"),
        Some(json!({"expires_in_hours": 1, "max_uses": 5})),
    )
    .await;
    let token = link.body["token"].as_str().unwrap().to_owned();
    // Drive: a folder and a file of Olive's, a download URL and an upload of the
    // caller's (or Mia's).
    let owner = &mut p.callers[0].0;
    let folder = id(&ok(
        owner,
        "POST",
        &format!("/workspaces/{ws}/drive/folders"),
        Some(json!({"name": "Folder"})),
    )
    .await);
    let r = owner
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            b"hello".to_vec(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "5"),
                ("upload-metadata", "filename aGVsbG8udHh0"),
                ("content-type", "application/offset+octet-stream"),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "fixture: upload: {:?}", r.body);
    let file = r.headers["huddle-file-id"].to_str().unwrap().to_owned();
    let uploader = match who {
        Who::Owner | Who::Admin | Who::Member => &mut p.caller(who).unwrap().0,
        _ => &mut p.callers[2].0,
    };
    let dl = ok(
        uploader,
        "POST",
        &format!("/drive/files/{file}/download"),
        Some(json!({})),
    )
    .await;
    let dl = last_segment(dl.body["url"].as_str().unwrap());
    let r = uploader
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            Vec::new(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "5"),
                ("upload-metadata", "filename eC50eHQ="),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "fixture: an upload: {:?}", r.body);
    let upload = last_segment(r.headers["location"].to_str().unwrap());
    // An image of Olive's.
    let image = {
        let img = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 30, 30]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let r = p.callers[0]
            .0
            .send_bytes(
                "POST",
                &format!("/workspaces/{ws}/drive/uploads"),
                png.clone(),
                &[
                    ("tus-resumable", "1.0.0"),
                    ("upload-length", &png.len().to_string()),
                    ("upload-metadata", "filename cmVkLnBuZw=="),
                    ("content-type", "application/offset+octet-stream"),
                ],
            )
            .await;
        assert_eq!(r.status, 201, "fixture: an image: {:?}", r.body);
        r.headers["huddle-file-id"].to_str().unwrap().to_owned()
    };
    // A PDF of Olive's.
    let pdf = {
        let bytes = common::pdf();
        let r = p.callers[0]
            .0
            .send_bytes(
                "POST",
                &format!("/workspaces/{ws}/drive/uploads"),
                bytes.clone(),
                &[
                    ("tus-resumable", "1.0.0"),
                    ("upload-length", &bytes.len().to_string()),
                    ("upload-metadata", "filename ZG9jLnBkZg=="),
                    ("content-type", "application/offset+octet-stream"),
                ],
            )
            .await;
        assert_eq!(r.status, 201, "fixture: a PDF: {:?}", r.body);
        r.headers["huddle-file-id"].to_str().unwrap().to_owned()
    };
    // Olive's links: to the folder (view, drop, with a password) and to the file; an
    // upload through the drop link.
    let owner = &mut p.callers[0].0;
    let mut link_to = async |item: &str, body: Value| {
        let r = ok(
            owner,
            "POST",
            &format!("/drive/items/{item}/shares"),
            Some(body),
        )
        .await;
        let token = r.body["path"].as_str().unwrap()[3..].to_owned();
        (id(&r), token)
    };
    let (share, view_link) = link_to(&folder.to_string(), json!({})).await;
    let (_, drop_link) = link_to(&folder.to_string(), json!({"mode": "drop"})).await;
    let (_, password_link) = link_to(&folder.to_string(), json!({"password": PASSWORD})).await;
    let (_, file_link) = link_to(&file, json!({})).await;
    let r = p.callers[0]
        .0
        .send_bytes(
            "POST",
            "/public/share/uploads",
            Vec::new(),
            &[
                ("huddle-share-token", &drop_link),
                ("tus-resumable", "1.0.0"),
                ("upload-length", "5"),
                ("upload-metadata", "filename eC50eHQ="),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "fixture: a dropped upload: {:?}", r.body);
    let dropped = last_segment(r.headers["location"].to_str().unwrap());
    // A folder download URL of the caller's (or Mia's).
    let zipper = match who {
        Who::Owner | Who::Admin | Who::Member => &mut p.caller(who).unwrap().0,
        _ => &mut p.callers[2].0,
    };
    let zip = ok(
        zipper,
        "POST",
        &format!("/drive/folders/{folder}/download"),
        Some(json!({})),
    )
    .await;
    let zip = last_segment(zip.body["url"].as_str().unwrap());
    // Tasks: Olive's board, list and task, and a task of the caller's (or Mia's).
    let owner = &mut p.callers[0].0;
    let board = id(&ok(
        owner,
        "POST",
        &format!("/workspaces/{ws}/boards"),
        Some(json!({"name": "Board"})),
    )
    .await);
    let list = id(&ok(
        owner,
        "POST",
        &format!("/boards/{board}/lists"),
        Some(json!({"name": "List"})),
    )
    .await);
    let olive_task = id(&ok(
        owner,
        "POST",
        &format!("/lists/{list}/tasks"),
        Some(json!({"title": "Olive's"})),
    )
    .await);
    let author = match who {
        Who::Owner | Who::Admin | Who::Member => &mut p.caller(who).unwrap().0,
        _ => &mut p.callers[2].0,
    };
    let my_task = id(&ok(
        author,
        "POST",
        &format!("/lists/{list}/tasks"),
        Some(json!({"title": "Mine"})),
    )
    .await);
    let owner = &mut p.callers[0].0;
    let label = id(&ok(
        owner,
        "POST",
        &format!("/boards/{board}/labels"),
        Some(json!({"name": "Label"})),
    )
    .await);
    let item = ok(
        owner,
        "POST",
        &format!("/tasks/{olive_task}/checklist"),
        Some(json!({"text": "Item"})),
    )
    .await;
    let item = item.body["checklist"][0]["id"].as_i64().unwrap();
    Fixture(vec![
        ("label", label.to_string()),
        ("item", item.to_string()),
        ("board", board.to_string()),
        ("list", list.to_string()),
        ("olive_task", olive_task.to_string()),
        ("my_task", my_task.to_string()),
        ("zip", zip),
        ("image", image),
        ("pdf", pdf),
        ("share", share.to_string()),
        ("view_link", view_link),
        ("drop_link", drop_link),
        ("password_link", password_link),
        ("file_link", file_link),
        ("dropped", dropped),
        ("folder", folder.to_string()),
        ("file", file),
        ("dl", dl),
        ("upload", upload),
        ("ws", ws.to_string()),
        ("general", general.to_string()),
        ("inner", inner.to_string()),
        ("mine_msg", mine_msg.to_string()),
        ("mine", mine.to_string()),
        ("theirs", theirs.to_string()),
        ("olive", olive.to_string()),
        ("adam", adam.to_string()),
        ("ada", ada.to_string()),
        ("tom", tom.to_string()),
        (
            "me",
            if who == Who::SignedOut {
                me_name.to_owned()
            } else {
                me.to_string()
            },
        ),
        ("n", n.to_string()),
        ("my_invite", my_invite.to_string()),
        ("ghost_invite", ghost_invite.to_string()),
        ("link", id(&link).to_string()),
        ("token", token),
    ])
}

/// A new session of `name`.
async fn signed_in(server: &Server, name: &str) -> Client {
    let mut c = Client::new(server);
    let r = c
        .post("/auth/signin", json!({"login": name, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_with_every_role_and_a_non_member() {
    let server = spawn().await;
    let mut callers = Vec::new();
    for name in ["olive", "adam", "mia", "xena"] {
        let (c, id) = user(&server, name).await;
        callers.push((c, id, name));
    }
    let mut people = People {
        callers,
        ada: user(&server, "ada").await,
        tom: user(&server, "tom").await,
    };

    // The cases cover exactly the operations of the served OpenAPI document.
    let doc = Client::new(&server).get("/openapi.json").await.body;
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let cases = cases();
    let covered: BTreeSet<String> = cases.iter().map(|c| c.op.to_owned()).collect();
    assert_eq!(
        covered, documented,
        "the matrix covers every operation, and only those"
    );

    let mut failures = Vec::new();
    let mut n = 0;
    for case in &cases {
        for (i, who) in WHO.into_iter().enumerate() {
            n += 1;
            let fx = fixture(&mut people, who, n).await;
            let path = fx.fill(case.path);
            // <me> in a sign-in body is a name; elsewhere an id.
            let body = case.body.map(|b| {
                let filled = if who == Who::SignedOut || case.op != "POST /auth/signin" {
                    fx.fill(b)
                } else {
                    let name = people.caller(who).unwrap().2;
                    b.replace("<me>", name)
                };
                serde_json::from_str::<Value>(&filled).unwrap()
            });
            let method = case.op.split(' ').next().unwrap();
            // Header values may hold placeholders too (a link's token).
            let filled: Vec<(&str, String)> =
                case.headers.iter().map(|(k, v)| (*k, fx.fill(v))).collect();
            let h: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let h = h.as_slice();
            let r = match (who, case.session) {
                (Who::SignedOut, _) => Client::new(&server).send(method, &path, body, h).await,
                (_, Session::Usual) => {
                    let c = &mut people.caller(who).unwrap().0;
                    c.send(method, &path, body, h).await
                }
                (_, Session::Own) => {
                    let name = people.caller(who).unwrap().2;
                    let mut c = signed_in(&server, name).await;
                    let r = c.send(method, &path, body, &[]).await;
                    // Ending the other sessions ended the usual one too: sign it in again.
                    if case.op == "POST /auth/sessions/end-others" {
                        people.caller(who).unwrap().0 = signed_in(&server, name).await;
                    }
                    r
                }
            };
            let want = case.expect[i];
            if r.status != want {
                failures.push(format!(
                    "{who:?}: {method} {path} {}: {} (want {want}) {}",
                    case.body.unwrap_or(""),
                    r.status,
                    r.body
                ));
                continue;
            }
            // Outsiders learn nothing: "not found", never "forbidden". (A HEAD answer
            // has no body to say it in.)
            let code = r.body["error"]["code"].as_str().unwrap_or("");
            if method == "HEAD" {
                continue;
            }
            match want {
                404 => assert_eq!(code, "NOT_FOUND", "{who:?} {path}"),
                403 => assert!(
                    matches!(
                        code,
                        "FORBIDDEN" | "NOT_AUTHOR" | "WRONG_PASSWORD" | "WRONG_CODE"
                    ),
                    "{who:?} {path}: {code}"
                ),
                // A second-factor step names the sign-in it finishes, not a session.
                401 => assert!(
                    matches!(code, "UNAUTHENTICATED" | "SIGNIN_EXPIRED"),
                    "{who:?} {path}: {code}"
                ),
                _ => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} calls answered otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The last segment of a URL or path (a token, an upload id).
fn last_segment(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}
