//! Workspaces and their members: `/workspaces/*`, and the events of a workspace's own
//! realtime room.

use serde::{Deserialize, Serialize};

use crate::realtime::{Origin, RoomEvent};

/// A role in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Created the workspace (or was made owner): may remove members.
    Owner,
    /// Any other member.
    Member,
}

impl Role {
    /// The role's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    /// The role named `s` on the wire or in the database.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
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

/// `POST /workspaces/{id}/members`: adds an existing account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invite {
    /// Username or e-mail address of an existing account.
    pub user: String,
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
