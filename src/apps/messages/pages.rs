//! The loaded part of a channel's messages, and how it grows.
//!
//! The list is always one run of consecutive messages. It either reaches the newest
//! message ("attached": live messages join it and count as read) or, once opened at an
//! older message (a search result), ends before the newest ("detached": `newer` holds the
//! cursor of the next newer page, and live messages beyond the end wait on the server
//! until the person scrolls down to them or jumps to the newest). Every answer is dropped
//! if the list was reset (another channel, another opening point) while it was on its
//! way, so that a late page can never leave a gap in the list.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::merge;
use crate::api::{self, Message, Page, PageQuery};
use crate::shell::state::RefreshChannels;

/// A channel's loaded messages and their cursors (copyable handle).
#[derive(Clone, Copy)]
pub struct Pages {
    channel: Memo<i64>,
    /// The messages, by id.
    pub messages: RwSignal<Vec<Message>>,
    /// Cursor of the next older page, if older messages exist.
    pub older: RwSignal<Option<i64>>,
    /// Cursor of the next newer page while detached from the newest.
    pub newer: RwSignal<Option<i64>>,
    /// The last error, for the view.
    pub error: RwSignal<Option<String>>,
    in_flight: RwSignal<u32>,
    epoch: StoredValue<u32>,
    refresh: RefreshChannels,
    /// The newest live message that came while the page was hidden: read once it shows.
    unseen: StoredValue<Option<i64>>,
}

impl Pages {
    /// Empty, for the channel `channel` names.
    pub fn new(channel: Memo<i64>, refresh: RefreshChannels) -> Self {
        Pages {
            channel,
            messages: RwSignal::new(Vec::new()),
            older: RwSignal::new(None),
            newer: RwSignal::new(None),
            error: RwSignal::new(None),
            in_flight: RwSignal::new(0),
            epoch: StoredValue::new(0),
            refresh,
            unseen: StoredValue::new(None),
        }
    }

    /// Whether a page is on its way.
    pub fn loading(self) -> Signal<bool> {
        Signal::derive(move || self.in_flight.get() > 0)
    }

    /// Whether the view that owns the list is still there: a live event or an answer
    /// that comes after the person left the app finds it gone and does nothing.
    fn gone(self) -> bool {
        self.messages.try_with_untracked(|_| ()).is_none()
    }

    /// Whether the list ends before the newest message.
    pub fn detached(self) -> bool {
        self.newer.get_untracked().is_some()
    }

    /// Empties the list; answers to earlier requests are dropped.
    pub fn reset(self) {
        self.epoch.update_value(|e| *e = e.wrapping_add(1));
        self.unseen.set_value(None);
        self.messages.set(Vec::new());
        self.older.set(None);
        self.newer.set(None);
    }

    /// Fetches a page of the current channel and hands it to `then`, unless the list was
    /// reset meanwhile.
    fn fetch(self, at: PageQuery, then: impl FnOnce(Page) + 'static) {
        let ch = self.channel.get_untracked();
        let epoch = self.epoch.get_value();
        self.in_flight.update(|n| *n += 1);
        spawn_local(async move {
            let page = api::messages(ch, &at).await;
            self.in_flight.update(|n| *n = n.saturating_sub(1));
            // `try_`: the list may be gone (the person left the channel's app) by now.
            if self.epoch.try_get_value() != Some(epoch)
                || self.channel.try_get_untracked() != Some(ch)
            {
                return;
            }
            match page {
                Ok(page) => {
                    self.error.set(None);
                    then(page);
                }
                Err(e) => self.error.set(Some(e.message)),
            }
        });
    }

    fn merge_all(self, page: &Page) {
        self.messages.update(|l| {
            for m in page.messages.iter().cloned() {
                merge(l, m);
            }
        });
    }

    /// Marks the channel read up to `id` and has the channel list recount.
    fn mark_read(self, id: i64) {
        let ch = self.channel.get_untracked();
        let refresh = self.refresh;
        spawn_local(async move {
            let _ = api::mark_read(ch, id).await;
            refresh.0.update(|n| *n += 1);
        });
    }

    /// The newest page, merged in (the first load, and after a resync). While detached,
    /// refreshes the loaded run instead (see [`Pages::resync`]).
    pub fn latest(self) {
        if self.gone() {
            return;
        }
        if self.detached() {
            return self.refetch_loaded();
        }
        self.fetch(PageQuery::default(), move |page| {
            let newest = self.messages.with_untracked(|l| l.last().map(|m| m.id));
            let first_load = self.messages.with_untracked(|l| l.is_empty());
            self.merge_all(&page);
            if first_load || self.older.get_untracked().is_none() {
                self.older.set(page.next_before);
            }
            // A refetch that brought nothing new (the resync that follows the
            // subscription, usually) has nothing to mark read.
            if let Some(last) = page.messages.last().filter(|m| Some(m.id) > newest) {
                self.mark_read(last.id);
            }
        });
    }

    /// While detached, missed changes to the loaded messages are fetched again, page by
    /// page from the first loaded one (at most 20 pages of 100).
    fn refetch_loaded(self) {
        let Some(first) = self.messages.with_untracked(|l| l.first().map(|m| m.id)) else {
            return;
        };
        fn step(pages: Pages, after: i64, left: u32) {
            let at = PageQuery {
                after: Some(after),
                limit: Some(100),
                ..PageQuery::default()
            };
            pages.fetch(at, move |page| {
                pages.merge_all(&page);
                let last_loaded = pages.messages.with_untracked(|l| l.last().map(|m| m.id));
                let page_last = page.messages.last().map(|m| m.id);
                if page_last >= last_loaded || page.next_after.is_none() {
                    pages.newer.set(page.next_after);
                } else if let (Some(next), true) = (page.next_after, left > 1) {
                    step(pages, next, left - 1);
                }
            });
        }
        step(self, first - 1, 20);
    }

    /// After a realtime gap: whatever may have been missed is fetched again.
    pub fn resync(self) {
        self.latest();
    }

    /// Whether a page is on its way (one scroll-driven load at a time).
    fn busy(self) -> bool {
        self.in_flight.get_untracked() > 0
    }

    /// The next older page, merged in (not while another page is on its way).
    pub fn load_older(self) {
        let Some(before) = self.older.get_untracked().filter(|_| !self.busy()) else {
            return;
        };
        let at = PageQuery {
            before: Some(before),
            ..PageQuery::default()
        };
        self.fetch(at, move |page| {
            self.merge_all(&page);
            self.older.set(page.next_before);
        });
    }

    /// While detached, the next newer page, merged in (not while another page is on its
    /// way); the page that reaches the newest message attaches the list again (and marks
    /// the channel read).
    pub fn load_newer(self) {
        let Some(after) = self.newer.get_untracked().filter(|_| !self.busy()) else {
            return;
        };
        let at = PageQuery {
            after: Some(after),
            ..PageQuery::default()
        };
        self.fetch(at, move |page| {
            self.merge_all(&page);
            self.newer.set(page.next_after);
            if page.next_after.is_none() {
                if let Some(last) = page.messages.last() {
                    self.mark_read(last.id);
                }
            }
        });
    }

    /// Opens the list at message `id` (of this channel): kept if already loaded,
    /// otherwise replaced by the page around it. Sets `found` once it is in the list.
    pub fn open_at(self, id: i64, found: RwSignal<Option<i64>>) {
        if self
            .messages
            .with_untracked(|l| l.iter().any(|m| m.id == id))
        {
            found.set(Some(id));
            return;
        }
        self.reset();
        // Detached from now on: a resync or a live message meanwhile must not bring the
        // newest messages into the list the page around `id` is about to fill.
        self.newer.set(Some(id - 1));
        let at = PageQuery {
            around: Some(id),
            ..PageQuery::default()
        };
        self.fetch(at, move |page| {
            self.messages.set(page.messages);
            self.older.set(page.next_before);
            self.newer.set(page.next_after);
            found.set(Some(id));
        });
    }

    /// Back to the newest messages (detached: the list is replaced).
    pub fn to_latest(self) {
        if self.detached() {
            self.reset();
            self.latest();
        }
    }

    /// A message of this channel that arrived live (or a changed copy of one). Beyond
    /// the end of a detached list it waits on the server; otherwise it is merged, and a
    /// new one counts as read.
    pub fn live(self, m: Message) {
        if self.gone() {
            return;
        }
        let beyond = self.detached()
            && self
                .messages
                .with_untracked(|l| l.last().is_none_or(|last| m.id > last.id));
        if beyond {
            return;
        }
        let new = self
            .messages
            .with_untracked(|l| l.binary_search_by_key(&m.id, |x| x.id).is_err());
        let id = m.id;
        self.messages.update(|l| merge(l, m));
        if !new {
            return;
        }
        // Nobody reads a hidden page: the message stays unread (and counts in the
        // title) until the page shows again.
        if crate::shell::notifications::page_hidden() {
            self.unseen
                .update_value(|u| *u = Some(u.map_or(id, |u| u.max(id))));
            self.refresh.0.update(|n| *n += 1);
            return;
        }
        let ch = self.channel.get_untracked();
        spawn_local(async move {
            let _ = api::mark_read(ch, id).await;
        });
    }

    /// The page shows again: what came while it was hidden counts as read.
    pub fn seen(self) {
        if let Some(id) = self.unseen.try_update_value(Option::take).flatten() {
            self.mark_read(id);
        }
    }

    /// The answer to one's own post: merged, or, while detached, the list moves to the
    /// newest messages (which include it).
    pub fn sent(self, m: Message) {
        if self.gone() {
            return;
        }
        if self.detached() {
            self.to_latest();
        } else {
            self.messages.update(|l| merge(l, m));
        }
    }

    /// A message in the list changed outside the realtime feed (a reply count, after
    /// one's own reply).
    pub fn update(self, m: Message) {
        if self.gone() {
            return;
        }
        if self
            .messages
            .with_untracked(|l| l.iter().any(|x| x.id == m.id))
        {
            self.messages.update(|l| merge(l, m));
        }
    }
}
