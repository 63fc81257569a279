//! What calls for the reader's attention: the unread count in the document title, and
//! the browser's notifications while the page is hidden.
//!
//! Each channel counts and notifies by the reader's level in it (`Channel::notify`):
//! every message by someone else (`all`), the ones that call on them (`mentions`: by
//! name, `@here`, `@channel`; every message of a direct message), or nothing. Browser
//! notifications are asked for only when the person chooses "Turn on desktop
//! notifications" (a click or a key press, never on load). Messages of the open channel
//! notify as they come, through its room (thread replies included); the other channels'
//! as the channel list is refreshed (every 15 s; browsers may wake a hidden page's timers
//! less often), from their newest unread messages (not their thread replies, which the
//! channel list does not count).

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::prelude::*;

use super::state::{workspace_id, ChannelList};
use crate::api::{self, Channel, ChannelKind, Message, NotifyLevel, PageQuery};
use crate::i18n::*;
use crate::ui::menu::MenuItem;

/// What a channel adds to the title's count: its unread messages, its unread mentions,
/// or nothing, by the reader's level (a direct message's messages all count).
pub fn counted(c: &Channel) -> i64 {
    match c.notify {
        NotifyLevel::Nothing => 0,
        NotifyLevel::All => c.unread,
        NotifyLevel::Mentions if c.kind == ChannelKind::Direct => c.unread,
        NotifyLevel::Mentions => c.mentions,
    }
}

/// Whether message `m` of channel `c` calls for a notification to `me`.
pub fn wanted(c: &Channel, m: &Message, me: i64) -> bool {
    if m.author.id == me || m.deleted {
        return false;
    }
    match c.notify {
        NotifyLevel::Nothing => false,
        NotifyLevel::All => true,
        NotifyLevel::Mentions => c.kind == ChannelKind::Direct || m.mentions_user(me),
    }
}

/// The document title for `count` unread messages.
pub fn title(count: i64) -> String {
    if count > 0 {
        td_string!(crate::language::current(), shell.title_count, count = count)
    } else {
        "Huddle".to_owned()
    }
}

/// Whether the page is hidden (another tab, minimised).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}

/// The browser's permission for notifications (`None`: it has none to give).
pub fn permission() -> Option<web_sys::NotificationPermission> {
    // Browsers without the API (and insecure origins) have no `Notification`.
    let has = js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("Notification"))
        .unwrap_or(false);
    has.then(web_sys::Notification::permission)
}

/// Asks the browser for notifications (from a click or a key press only); `then` runs
/// once it answers.
pub fn request_permission(then: impl FnOnce() + 'static) {
    if let Ok(p) = web_sys::Notification::request_permission() {
        spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            then();
        });
    }
}

/// The menu item that asks the browser for notifications (disabled once they are on,
/// or blocked, or where the browser has none).
pub fn permission_item() -> MenuItem {
    let locale = crate::language::current();
    match permission() {
        Some(web_sys::NotificationPermission::Default) => {
            MenuItem::new(td_string!(locale, shell.notifications_turn_on), || {
                request_permission(|| {})
            })
        }
        Some(web_sys::NotificationPermission::Granted) => {
            MenuItem::new(td_string!(locale, shell.notifications_on), || {}).disabled(true)
        }
        Some(_) => {
            MenuItem::new(td_string!(locale, shell.notifications_blocked), || {}).disabled(true)
        }
        None => MenuItem::new(td_string!(locale, shell.notifications_none), || {}).disabled(true),
    }
}

/// Opens an address of the app (the router's navigation).
type Opener = std::rc::Rc<dyn Fn(String)>;

/// Notifies of messages (in context; see the module).
#[derive(Clone, Copy)]
pub struct Notifier {
    list: ChannelList,
    me: Signal<Option<i64>>,
    /// The newest message notified of, per channel.
    notified: StoredValue<HashMap<i64, i64>>,
    /// Opens a message (from a click on its notification).
    open: StoredValue<Option<Opener>, LocalStorage>,
}

impl Notifier {
    /// Shows message `m` if its channel's level wants it, the page is hidden and the
    /// browser allows it (once per message).
    pub fn message(&self, m: &Message) {
        // Gone quiet once the workspace's page is left (an answer or an event may come
        // after it was disposed).
        let (Some(me), Some(c)) = (
            self.me.try_get_untracked().flatten(),
            self.list
                .0
                .try_with_untracked(|l| l.iter().find(|c| c.id == m.channel_id).cloned())
                .flatten(),
        ) else {
            return;
        };
        if !page_hidden()
            || permission() != Some(web_sys::NotificationPermission::Granted)
            || !wanted(&c, m, me)
        {
            return;
        }
        let newer = self
            .notified
            .try_update_value(|n| {
                let last = n.entry(c.id).or_insert(0);
                let newer = m.id > *last;
                *last = (*last).max(m.id);
                newer
            })
            .unwrap_or(false);
        if !newer {
            return;
        }
        let heading = match c.kind {
            ChannelKind::Direct => m.author.display_name.clone(),
            _ => td_string!(
                crate::language::current(),
                shell.notification_heading,
                author = m.author.display_name.clone(),
                channel = c.name.clone()
            ),
        };
        let text: String = m
            .body
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        // A message of files alone: their names.
        let text = if text.trim().is_empty() {
            let names: Vec<&str> = m
                .attachments
                .iter()
                .filter_map(|a| a.item.as_ref().map(|i| i.name.as_str()))
                .collect();
            format!("📎 {}", names.join(", "))
        } else {
            text
        };
        let options = web_sys::NotificationOptions::new();
        options.set_body(&text);
        options.set_tag(&format!("huddle-message-{}", m.id));
        let Ok(shown) = web_sys::Notification::new_with_options(&heading, &options) else {
            return;
        };
        let target = m.thread_root_id.unwrap_or(m.id);
        let href = format!("/w/{}/c/{}?m={target}", c.workspace_id, c.id);
        let open = self.open.try_get_value().flatten();
        let click = Closure::<dyn FnMut()>::new(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.focus();
            }
            if let Some(open) = &open {
                open(href.clone());
            }
        });
        shown.set_onclick(Some(click.as_ref().unchecked_ref()));
        click.forget();
    }
}

/// Starts the title count and the notifications of the workspace shell; provides the
/// [`Notifier`] and [`Visible`].
pub fn provide(list: ChannelList, me: Signal<Option<i64>>) {
    let navigate = use_navigate();
    let notifier = Notifier {
        list,
        me,
        notified: StoredValue::new(HashMap::new()),
        open: StoredValue::new_local(Some(std::rc::Rc::new(move |href: String| {
            navigate(&href, Default::default())
        }))),
    };
    provide_context(notifier);
    let visible = Visible(RwSignal::new(!page_hidden()));
    provide_context(visible);
    // `visibilitychange` fires at the document.
    let on_change = Closure::<dyn Fn()>::new(move || visible.0.set(!page_hidden()));
    let doc = document();
    let _ = doc
        .add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref());
    let listener = send_wrapper::SendWrapper::new(on_change);
    on_cleanup(move || {
        let _ = document().remove_event_listener_with_callback(
            "visibilitychange",
            listener.as_ref().unchecked_ref(),
        );
    });
    // The title: every channel's count.
    let ws = workspace_id();
    Effect::new(move |_| {
        let ws = ws.get();
        let total: i64 = list
            .0
            .with(|l| l.iter().filter(|c| c.workspace_id == ws).map(counted).sum());
        document().set_title(&title(total));
    });
    on_cleanup(|| document().set_title(&title(0)));
    // Other channels: when one's count grows while the page is hidden, its newest
    // messages are looked at.
    let counts = StoredValue::new(HashMap::<i64, i64>::new());
    Effect::new(move |_| {
        let now: Vec<(Channel, i64)> = list
            .0
            .with(|l| l.iter().map(|c| (c.clone(), counted(c))).collect());
        let grown: Vec<Channel> = counts
            .try_update_value(|seen| {
                let grown = now
                    .iter()
                    .filter(|(c, n)| seen.get(&c.id).is_some_and(|before| n > before))
                    .map(|(c, _)| c.clone())
                    .collect();
                *seen = now.iter().map(|(c, n)| (c.id, *n)).collect();
                grown
            })
            .unwrap_or_default();
        if !page_hidden() || permission() != Some(web_sys::NotificationPermission::Granted) {
            return;
        }
        for c in grown {
            spawn_local(async move {
                let at = PageQuery {
                    limit: Some(10),
                    ..PageQuery::default()
                };
                if let Ok(page) = api::messages(c.id, &at).await {
                    // The newest few unread, oldest first.
                    let unread: Vec<&Message> = page
                        .messages
                        .iter()
                        .filter(|m| m.id > c.last_read_id)
                        .collect();
                    for m in unread.iter().rev().take(3).rev() {
                        notifier.message(m);
                    }
                }
            });
        }
    });
}

/// Whether the page shows (in context): what is read while it does not stays unread.
#[derive(Clone, Copy)]
pub struct Visible(pub RwSignal<bool>);

#[cfg(test)]
mod tests {
    use super::*;
    use huddle_protocol::messages::{Author, Broadcast};

    fn channel(kind: ChannelKind, notify: NotifyLevel) -> Channel {
        Channel {
            id: 1,
            workspace_id: 1,
            kind,
            name: "general".into(),
            topic: String::new(),
            archived: false,
            created_by: 1,
            revision: 1,
            unread: 5,
            last_read_id: 0,
            mentions: 2,
            notify,
        }
    }

    fn message(author: i64, mentions: Vec<i64>, broadcast: Option<Broadcast>) -> Message {
        Message {
            id: 9,
            channel_id: 1,
            author: Author {
                id: author,
                username: "a".into(),
                display_name: "A".into(),
            },
            thread_root_id: None,
            body: Some("hi".into()),
            deleted: false,
            unreadable: false,
            created_at: 0,
            edited_at: None,
            reply_count: 0,
            reactions: Vec::new(),
            revision: 1,
            mentions,
            broadcast,
            pinned: None,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn the_title_counts_by_each_channels_level() {
        use ChannelKind::*;
        use NotifyLevel::*;
        assert_eq!(counted(&channel(Public, All)), 5);
        assert_eq!(counted(&channel(Public, Mentions)), 2);
        assert_eq!(counted(&channel(Direct, Mentions)), 5);
        assert_eq!(counted(&channel(Private, Nothing)), 0);
        assert_eq!(title(0), "Huddle");
        assert_eq!(title(7), "(7) Huddle");
    }

    #[test]
    fn notifications_follow_the_level_and_never_echo_ones_own() {
        use ChannelKind::*;
        use NotifyLevel::*;
        let me = 2;
        let plain = message(1, vec![], None);
        let named = message(1, vec![me], None);
        let here = message(1, vec![], Some(Broadcast::Here));
        let mine = message(me, vec![me], Some(Broadcast::Channel));
        assert!(wanted(&channel(Public, All), &plain, me));
        assert!(!wanted(&channel(Public, Mentions), &plain, me));
        assert!(wanted(&channel(Public, Mentions), &named, me));
        assert!(wanted(&channel(Public, Mentions), &here, me));
        assert!(wanted(&channel(Direct, Mentions), &plain, me));
        assert!(!wanted(&channel(Public, Nothing), &named, me));
        assert!(!wanted(&channel(Public, All), &mine, me));
    }
}
