//! The Messages app's own state, provided by its root route ([`super::MessagesApp`]):
//! the draft of each channel and the open thread; and the one merge through which every
//! copy of a message (a REST page, a live event, a request's answer) enters a list.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::Message;

/// The unsent draft of each channel (in context), kept while moving between channels.
#[derive(Clone, Copy)]
pub struct Drafts(pub RwSignal<HashMap<i64, String>>);

/// The open thread (in context): its root message id.
#[derive(Clone, Copy)]
pub struct OpenThread(pub RwSignal<Option<i64>>);

/// The reader's clock (in context), in Unix seconds, a tick every 30 seconds: relative
/// times ("5 min ago") and day headings follow it.
#[derive(Clone, Copy)]
pub struct Clock(pub RwSignal<i64>);

/// A message to start editing (in context): the composer's Up arrow asks for the
/// person's last message; the item takes the request and clears it.
#[derive(Clone, Copy)]
pub struct EditRequest(pub RwSignal<Option<i64>>);

/// Messages of one author within this many seconds of the one before share its header.
pub const GROUP_SECS: i64 = 5 * 60;

/// Whether `m` continues `prev` under its header: same author, same day, within
/// [`GROUP_SECS`], neither deleted, and `m` not pinned.
pub fn continues(prev: &Message, m: &Message, same_day: bool) -> bool {
    same_day
        && prev.author.id == m.author.id
        && !prev.deleted
        && !m.deleted
        // A pinned message keeps its header (where its mark shows).
        && m.pinned.is_none()
        && (0..GROUP_SECS).contains(&(m.created_at - prev.created_at))
}

/// Puts `m` into `list` (sorted by id): a new message is inserted in order; a copy of one
/// already there replaces it only if it is not older (a REST page and a live event can
/// cross, and an older copy must never undo a newer one).
pub fn merge(list: &mut Vec<Message>, m: Message) {
    match list.binary_search_by_key(&m.id, |x| x.id) {
        // A REST page and a live event can cross: an older copy never replaces a newer.
        Ok(i) if m.revision >= list[i].revision => list[i] = m,
        Ok(_) => {}
        Err(i) => list.insert(i, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, body: &str, revision: i64) -> Message {
        serde_json::from_value(serde_json::json!({
            "id": id, "channel_id": 1, "thread_root_id": null, "body": body,
            "deleted": false, "created_at": 0, "edited_at": null, "reply_count": 0,
            "reactions": [], "revision": revision,
            "author": {"id": 1, "username": "a", "display_name": "A"},
        }))
        .expect("a message")
    }

    #[test]
    fn messages_group_by_author_time_and_day() {
        let at = |id: i64, author: i64, t: i64| {
            let mut m = message(id, "x", 0);
            m.author.id = author;
            m.created_at = t;
            m
        };
        let a = at(1, 1, 1000);
        assert!(continues(&a, &at(2, 1, 1000 + GROUP_SECS - 1), true));
        assert!(!continues(&a, &at(2, 1, 1000 + GROUP_SECS), true));
        assert!(!continues(&a, &at(2, 2, 1001), true));
        assert!(!continues(&a, &at(2, 1, 1001), false));
        let mut gone = at(2, 1, 1001);
        gone.deleted = true;
        assert!(!continues(&a, &gone, true));
        assert!(!continues(&gone, &at(3, 1, 1002), true));
        let mut pinned = at(2, 1, 1001);
        pinned.pinned = Some(huddle_protocol::messages::Pin { by: 1, at: 1002 });
        assert!(!continues(&a, &pinned, true));
    }

    #[test]
    fn merge_keeps_order_and_the_newer_copy() {
        let mut list = vec![message(10, "a", 0), message(30, "c", 0)];
        merge(&mut list, message(20, "b", 0));
        assert_eq!(list.iter().map(|m| m.id).collect::<Vec<_>>(), [10, 20, 30]);
        // A live edit, then the REST page fetched before it: the edit stays.
        merge(&mut list, message(20, "b, edited", 1));
        merge(&mut list, message(20, "b", 0));
        assert_eq!(list[1].body.as_deref(), Some("b, edited"));
        // Same revision (one's own request answered): replaced.
        merge(&mut list, message(20, "b, edited again", 1));
        assert_eq!(list[1].body.as_deref(), Some("b, edited again"));
        assert_eq!(list.len(), 3);
    }
}
