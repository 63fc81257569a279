//! What every app of the workspace shares, provided by the shell: the workspace of the
//! route, its members' names, its channel list (the sidebar) and a way to reload it.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;

/// The channels of the workspace as last loaded (for titles elsewhere).
#[derive(Clone, Copy)]
pub struct ChannelList(pub RwSignal<Vec<api::Channel>>);

/// Display names of the workspace's members by user id (for typing indicators, whose
/// sender the relay identifies by id).
#[derive(Clone, Copy)]
pub struct MemberNames(pub RwSignal<HashMap<i64, String>>);

/// Asks the channel list to reload (after posting, reading, creating a channel).
#[derive(Clone, Copy)]
pub struct RefreshChannels(pub RwSignal<u32>);

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
