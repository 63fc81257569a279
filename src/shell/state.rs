//! What every app of the workspace shares, provided by the shell: the workspace of the
//! route, its members' names, its channel list (the sidebar) and a way to reload it, and
//! [`AppMemory`], where an app keeps what must outlive a visit to another app.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;

/// Where an app keeps state that must outlive its root route while the person visits
/// another app (Messages: the drafts). The app asks for it with [`AppMemory::keep`]; the
/// value is made once, owned by the shell, so it lives as long as the workspace page.
#[derive(Clone)]
pub struct AppMemory {
    owner: Owner,
    kept: StoredValue<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl AppMemory {
    /// A memory owned by the current (the shell's) reactive owner.
    pub fn new() -> AppMemory {
        AppMemory {
            owner: Owner::current().expect("AppMemory is made inside a component"),
            kept: StoredValue::new(HashMap::new()),
        }
    }

    /// The kept value of type `T`, made by `make` (under the shell's owner) the first time.
    pub fn keep<T: Clone + Send + Sync + 'static>(&self, make: impl FnOnce() -> T) -> T {
        let id = TypeId::of::<T>();
        let found = self
            .kept
            .with_value(|m| m.get(&id).and_then(|v| v.downcast_ref::<T>()).cloned());
        if let Some(v) = found {
            return v;
        }
        let v = self.owner.with(make);
        self.kept.update_value(|m| {
            m.insert(id, Box::new(v.clone()));
        });
        v
    }
}

/// The channels of the workspace as last loaded (for titles elsewhere). Changes go
/// through [`ChannelList::merge`] and [`ChannelList::apply`], which keep the highest
/// revision of each channel, whichever arrives first: a list from REST or a live event.
#[derive(Clone, Copy)]
pub struct ChannelList(pub RwSignal<Vec<api::Channel>>);

impl ChannelList {
    /// Takes a list from REST: its channels, except where the list held holds a newer
    /// revision of a channel's name, topic and archived state.
    pub fn merge(&self, fresh: Vec<api::Channel>) {
        self.0.update(|held| {
            let fresh = fresh
                .into_iter()
                .map(|mut c| {
                    if let Some(h) = held
                        .iter()
                        .find(|h| h.id == c.id && h.revision > c.revision)
                    {
                        c.name = h.name.clone();
                        c.topic = h.topic.clone();
                        c.archived = h.archived;
                        c.revision = h.revision;
                    }
                    c
                })
                .collect();
            *held = fresh;
        });
    }

    /// Takes one's notification level in a channel from a REST answer (levels are
    /// one's own and have no revision: the latest answer wins).
    pub fn set_notify(&self, id: i64, level: api::NotifyLevel) {
        self.0.update(|held| {
            if let Some(c) = held.iter_mut().find(|c| c.id == id) {
                c.notify = level;
            }
        });
    }

    /// Takes one channel from a REST answer (if newer than what is held).
    pub fn put(&self, c: api::Channel) {
        self.apply(api::ChannelState {
            channel_id: c.id,
            name: c.name,
            topic: c.topic,
            archived: c.archived,
            revision: c.revision,
        });
    }

    /// Takes a channel's new state from a live event (if newer than what is held).
    pub fn apply(&self, s: api::ChannelState) {
        self.0.update(|held| {
            if let Some(c) = held
                .iter_mut()
                .find(|c| c.id == s.channel_id && c.revision < s.revision)
            {
                c.name = s.name;
                c.topic = s.topic;
                c.archived = s.archived;
                c.revision = s.revision;
            }
        });
    }
}

/// Display names of the workspace's members by user id (for typing indicators, whose
/// sender the relay identifies by id).
#[derive(Clone, Copy)]
pub struct MemberNames {
    /// Names by user id, as last loaded.
    pub names: RwSignal<HashMap<i64, String>>,
    /// The workspace's members, as last loaded (who a mention can name).
    pub members: RwSignal<Vec<api::Member>>,
    /// Raised to load the list again.
    pub reload: RwSignal<u32>,
    /// Ids already looked up in vain (each makes one reload, not one per render).
    missed: StoredValue<std::collections::HashSet<i64>>,
}

impl MemberNames {
    /// An empty list.
    pub fn new() -> MemberNames {
        MemberNames {
            names: RwSignal::new(HashMap::new()),
            members: RwSignal::new(Vec::new()),
            reload: RwSignal::new(0),
            missed: StoredValue::new(Default::default()),
        }
    }

    /// `user`'s name (reactive). Someone not in the list (invited since it was loaded)
    /// makes it load again, once per id; the name shows when the list is in.
    pub fn name(&self, user: i64) -> Option<String> {
        let found = self.names.with(|m| m.get(&user).cloned());
        if found.is_none() && self.missed.try_update_value(|m| m.insert(user)) == Some(true) {
            self.reload.update(|n| *n += 1);
        }
        found
    }
}

/// Asks the channel list to reload (after posting, reading, creating a channel).
#[derive(Clone, Copy)]
pub struct RefreshChannels(pub RwSignal<u32>);

/// Asks the workspace switcher to reload (after renaming the workspace).
#[derive(Clone, Copy)]
pub struct RefreshWorkspaces(pub RwSignal<u32>);

/// The workspace id of the route.
pub fn workspace_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("ws")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    })
}

/// The message to open a channel at (a search result chosen): the channel view loads
/// the messages around it (around its thread's root, with the thread open, for a reply),
/// shows it and highlights it, then clears this.
#[derive(Clone, Copy)]
pub struct FocusMessage(pub RwSignal<Option<api::Message>>);
