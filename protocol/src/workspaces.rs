//! Workspaces and their members: `/workspaces/*`, and the events of a workspace's own
//! realtime room.

use serde::{Deserialize, Serialize};

use crate::realtime::{Origin, RoomEvent};

/// A role in a workspace. What each may do is [`Role::may`]; docs/security.md has the
/// same table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Reads and writes in the workspace's channels, creates channels, leaves.
    Member,
    /// A member who also manages people (invites, removes members) and channels.
    Admin,
    /// An admin who also changes roles, removes admins and owners, and renames the
    /// workspace. Whoever creates a workspace is its first owner; it always keeps one.
    Owner,
}

/// Something only some roles may do in a workspace (everything else, every member may).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Invite people; create and revoke invite links.
    Invite,
    /// Remove a member whose role is `member`.
    RemoveMember,
    /// Remove an admin or an owner (the last owner stays).
    RemoveManager,
    /// Give a member another role.
    ChangeRole,
    /// Rename the workspace.
    RenameWorkspace,
    /// Rename, archive and unarchive any channel, and remove people from any private
    /// channel (a channel's creator may do this to their own channel).
    ManageChannels,
    /// Delete everything in the workspace's Drive trash for good.
    EmptyTrash,
    /// See every Drive share link of the workspace and revoke any (a link's creator may
    /// revoke their own).
    ManageShares,
    /// Delete any task of the workspace's boards for good (a task's creator may delete
    /// their own; everyone may archive).
    ManageTasks,
}

impl Action {
    /// Every action, in the order of the docs' table.
    pub const ALL: [Action; 9] = [
        Action::Invite,
        Action::RemoveMember,
        Action::RemoveManager,
        Action::ChangeRole,
        Action::RenameWorkspace,
        Action::ManageChannels,
        Action::EmptyTrash,
        Action::ManageShares,
        Action::ManageTasks,
    ];
}

impl Role {
    /// Every role, from the least to the most trusted.
    pub const ALL: [Role; 3] = [Role::Member, Role::Admin, Role::Owner];

    /// Whether this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::Invite
            | Action::RemoveMember
            | Action::ManageChannels
            | Action::EmptyTrash
            | Action::ManageShares
            | Action::ManageTasks => self >= Role::Admin,
            Action::RemoveManager | Action::ChangeRole | Action::RenameWorkspace => {
                self == Role::Owner
            }
        }
    }

    /// The role's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    /// The role named `s` on the wire or in the database.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

/// A workspace of the signed-in person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workspace {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The caller's role in it.
    pub role: Role,
}

/// A member of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// Their user id.
    pub user_id: i64,
    /// Unique handle.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Their role.
    pub role: Role,
}

/// `POST /workspaces`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWorkspace {
    /// 1 to 80 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub name: String,
}

/// `PATCH /workspaces/{id}`: renames it (owners).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceChange {
    /// The new name, 1 to 80 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub name: String,
}

/// `PATCH /workspaces/{id}/members/{user_id}`: gives a member another role (owners).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleChange {
    /// The new role.
    pub role: Role,
}

/// Whether a member is here or gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    /// Arrived, or still here (announced again now and then).
    Online,
    /// Leaving.
    Offline,
}

/// Events of a workspace's own room (`workspace:<id>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkspaceEvent {
    /// A member announces being here or leaving (members only: the relay stamps who).
    Presence {
        /// Here or gone.
        state: PresenceState,
    },
}

impl RoomEvent for WorkspaceEvent {
    fn origin(&self) -> Origin {
        match self {
            WorkspaceEvent::Presence { .. } => Origin::Member,
        }
    }
}
