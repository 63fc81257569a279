//! Huddle's wire protocol: everything the server and the SPA must agree on, in one place
//! that both build from (serde only; builds natively and for wasm32).
//!
//! * REST bodies per resource: [`auth`], [`passkeys`], [`workspaces`], [`invitations`],
//!   [`channels`], [`messages`], [`search`], [`drive`], [`tasks`], and
//!   the error body of every failed call, [`error`].
//! * Realtime: [`realtime::Collection`] (what a room belongs to, typed), the key
//!   service's answers, the relay's frames, and the key events every room carries.
//! * One `#[serde(tag = "type")]` event enum per app: [`messages::MessagesEvent`] in a
//!   channel's room, [`workspaces::WorkspaceEvent`] in a workspace's room,
//!   [`drive::DriveEvent`] in a workspace's drive room, [`tasks::TasksEvent`] in a
//!   workspace's tasks room. Every event
//!   says who may send it ([`realtime::Origin`]); payloads are the same for every viewer.

/// `Debug` that prints only the type's name, for bodies that carry secrets (passwords,
/// codes, tokens): they must never reach a log by accident.
macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} {{ <redacted> }}", stringify!($t))
            }
        }
    )*};
}

pub mod auth;
pub mod channels;
pub mod drive;
pub mod error;
pub mod invitations;
pub mod messages;
pub mod passkeys;
pub mod realtime;
pub mod search;
pub mod tasks;
pub mod workspaces;

/// `Some(None)` for an explicit `null`, `None` for an absent field: for changes where
/// `null` clears a value (`{"parent_id": null}`, `{"due": null}`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
